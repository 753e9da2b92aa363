/*
 * The outer shape every signed X.509 object shares (RFC 5280 §4.1, §5.1,
 * RFC 2986 §4):
 *
 *   SEQUENCE { tbs, signatureAlgorithm AlgorithmIdentifier,
 *              signature BIT STRING }
 */
#include <stdlib.h>

#include "pki_int.h"

wax_err
pki_sign_wrap(struct wax_der_builder *b, const uint8_t *tbs, size_t tbs_len,
              const struct wax_privkey *key)
{
    struct wax_sig_alg alg;
    enum wax_oid_id oid;
    bool null_params;
    WAX_TRY(pki_sig_alg_for_key(key, &alg, &oid, &null_params));

    uint8_t *sig = malloc(WAX_MAX_SIG_BYTES);
    WAX_ENSURE(sig != NULL, WAX_ERR_NOMEM);
    size_t sig_len = 0;
    struct wax_der_builder seq;
    wax_err err = wax_privkey_sign(key, &alg, sig, WAX_MAX_SIG_BYTES, &sig_len,
                                   tbs, tbs_len);
    if (err == WAX_OK) {
        err = wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_element(&seq, tbs, tbs_len);
    }
    if (err == WAX_OK) {
        err = pki_add_alg_id(&seq, oid, null_params);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_bit_string(&seq, sig, sig_len, 0);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&seq);
    }
    free(sig);
    return err;
}
