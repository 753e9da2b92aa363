/* Random bytes from libcrypto's CSPRNG (crypto.h). */
#include <limits.h>

#include <openssl/rand.h>

#include <wax/crypto.h>

#include "crypto/ossl_internal.h"

wax_err
wax_random_bytes(uint8_t *out, size_t len)
{
    size_t done = 0;
    while (done < len) {
        size_t step = len - done;
        if (step > (size_t)INT_MAX) {
            step = (size_t)INT_MAX;
        }
        if (RAND_bytes(out + done, (int)step) != 1) {
            /* Never leave a partly random buffer that looks usable. */
            wax_wipe(out, len);
            wax_ossl_clear_errors();
            return WAX_ERR_CRYPTO_RANDOM_FAILED;
        }
        done += step;
    }
    return WAX_OK;
}
