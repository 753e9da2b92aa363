/*
 * Signature checks of certificates, CRLs and requests: the signed bytes,
 * the decoded algorithm and the signer's SubjectPublicKeyInfo go to the
 * crypto layer's wax_pubkey_verify.
 */
#include "x509_int.h"

wax_err
x509_verify_signed(const struct wax_sig_alg *alg, wax_err alg_err,
                   struct wax_span spki, struct wax_span tbs,
                   struct wax_span sig)
{
    struct wax_pubkey *key = NULL;
    /* An algorithm wax could not decode never reaches the crypto layer. */
    WAX_TRY(alg_err);
    WAX_TRY(wax_pubkey_from_spki(&key, spki.p, spki.len));
    wax_err err = wax_pubkey_verify(key, alg, tbs.p, tbs.len, sig.p, sig.len);
    wax_pubkey_free(key);
    if (err == WAX_ERR_CRYPTO_SIGNATURE_INVALID) {
        return WAX_ERR_X509_SIGNATURE_INVALID;
    }
    return err;
}

wax_err
wax_x509_cert_verify_signature(const struct wax_x509_cert *cert,
                               struct wax_span issuer_spki)
{
    return x509_verify_signed(&cert->sig_alg, cert->sig_alg_err, issuer_spki,
                              cert->tbs, cert->signature);
}

wax_err
wax_x509_crl_verify_signature(const struct wax_x509_crl *crl,
                              struct wax_span issuer_spki)
{
    return x509_verify_signed(&crl->sig_alg, crl->sig_alg_err, issuer_spki,
                              crl->tbs, crl->signature);
}

wax_err
wax_x509_req_verify_signature(const struct wax_x509_req *req)
{
    return x509_verify_signed(&req->sig_alg, req->sig_alg_err, req->spki.der,
                              req->info, req->signature);
}
