/* Secure wipe and constant-time compare (STYLE.md rule 20). */
#include <string.h>

#include <wax/util.h>

void
wax_wipe(void *p, size_t len)
{
    if (p == NULL || len == 0) {
        return;
    }
    /* explicit_bzero is a glibc function the optimizer may not remove. */
    explicit_bzero(p, len);
}

bool
wax_ct_equal(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < len; i++) {
        diff |= (uint8_t)(x[i] ^ y[i]);
    }
    return diff == 0;
}
