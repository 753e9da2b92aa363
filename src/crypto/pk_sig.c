/*
 * Signatures: verify with a public key, sign with a private key.
 *
 * Both directions share one rule book (scheme_check) and one libcrypto
 * context set-up (ctx_setup), so that whatever wax can sign it can verify
 * and both refuse the same combinations with the same codes. The message
 * forms hash first and then use the prehashed path, except EdDSA, which
 * has no prehashed form here (PureEdDSA signs the message itself).
 */
#include <limits.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/keys_internal.h"

/* The key type a scheme needs; RSA_PSS also takes plain RSA keys. */
static bool
scheme_fits_key(enum wax_sig_scheme scheme, enum wax_key_type type)
{
    switch (scheme) {
    case WAX_SIG_RSA_PKCS1:
        return type == WAX_KEY_RSA;
    case WAX_SIG_RSA_PSS:
        return type == WAX_KEY_RSA || type == WAX_KEY_RSA_PSS;
    case WAX_SIG_ECDSA:
        return type == WAX_KEY_EC;
    case WAX_SIG_ED25519:
        return type == WAX_KEY_ED25519;
    case WAX_SIG_ED448:
        return type == WAX_KEY_ED448;
    case WAX_SIG_DSA:
        return type == WAX_KEY_DSA;
    case WAX_SIG_NONE:
        return false;
    }
    return false;
}

static bool
is_sha(enum wax_digest_alg d)
{
    return d == WAX_DIGEST_SHA1 || d == WAX_DIGEST_SHA224 ||
           d == WAX_DIGEST_SHA256 || d == WAX_DIGEST_SHA384 ||
           d == WAX_DIGEST_SHA512;
}

/*
 * scheme_check applies the rule book of wax_pubkey_verify's header comment:
 * algorithm problems first (UNSUPPORTED_ALG), then the key (KEY_MISMATCH).
 */
static wax_err
scheme_check(enum wax_key_type type, const struct wax_sig_alg *alg,
             bool prehashed)
{
    WAX_ENSURE(alg != NULL, WAX_ERR_INVALID_ARGUMENT);
    switch (alg->scheme) {
    case WAX_SIG_RSA_PKCS1:
        WAX_ENSURE(is_sha(alg->digest) || alg->digest == WAX_DIGEST_MD5,
                   WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
        break;
    case WAX_SIG_RSA_PSS:
        WAX_ENSURE(is_sha(alg->digest) && is_sha(alg->mgf1_digest),
                   WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
        break;
    case WAX_SIG_ECDSA:
    case WAX_SIG_DSA:
        WAX_ENSURE(is_sha(alg->digest), WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
        break;
    case WAX_SIG_ED25519:
    case WAX_SIG_ED448:
        WAX_ENSURE(alg->digest == WAX_DIGEST_NONE && !prehashed,
                   WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
        break;
    case WAX_SIG_NONE:
    default:
        return WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
    }
    WAX_ENSURE(scheme_fits_key(alg->scheme, type), WAX_ERR_CRYPTO_KEY_MISMATCH);
    return WAX_OK;
}

/*
 * ctx_setup configures a verify or sign context for a prehashed RSA,
 * ECDSA or DSA operation. A refusal by libcrypto here means the key does
 * not allow these parameters (an RSA-PSS key restricted to other digests
 * or a longer salt): KEY_MISMATCH.
 */
static wax_err
ctx_setup(EVP_PKEY_CTX *ctx, const EVP_PKEY *pkey,
          const struct wax_sig_alg *alg)
{
    if (alg->scheme == WAX_SIG_RSA_PKCS1) {
        WAX_ENSURE(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0,
                   WAX_ERR_CRYPTO_KEY_MISMATCH);
    } else if (alg->scheme == WAX_SIG_RSA_PSS) {
        /* emLen >= hLen + sLen + 2 (RFC 8017 §9.1.1 step 3), where
         * emLen = ceil((modBits - 1) / 8). */
        int bits = EVP_PKEY_get_bits(pkey);
        size_t em_len = bits > 1 ? ((size_t)bits - 1 + 7) / 8 : 0;
        size_t h_len = wax_key_md_size(alg->digest);
        WAX_ENSURE(alg->salt_len <= (size_t)INT_MAX && em_len >= h_len + 2 &&
                       alg->salt_len <= em_len - h_len - 2,
                   WAX_ERR_CRYPTO_BAD_PARAMS);
        WAX_ENSURE(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0,
                   WAX_ERR_CRYPTO_KEY_MISMATCH);
    }
    WAX_ENSURE(EVP_PKEY_CTX_set_signature_md(ctx, wax_key_md(alg->digest)) > 0,
               WAX_ERR_CRYPTO_KEY_MISMATCH);
    if (alg->scheme == WAX_SIG_RSA_PSS) {
        WAX_ENSURE(
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, wax_key_md(alg->mgf1_digest)) > 0,
            WAX_ERR_CRYPTO_KEY_MISMATCH);
        WAX_ENSURE(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)alg->salt_len) >
                       0,
                   WAX_ERR_CRYPTO_KEY_MISMATCH);
    }
    return WAX_OK;
}

static wax_err
hash_message(const struct wax_sig_alg *alg, uint8_t *md, size_t *md_len,
             const uint8_t *msg, size_t msg_len)
{
    unsigned int n = 0;
    WAX_ENSURE(msg != NULL || msg_len == 0, WAX_ERR_INVALID_ARGUMENT);
    static const uint8_t empty[1];
    if (EVP_Digest(msg_len == 0 ? empty : msg, msg_len, md, &n,
                   wax_key_md(alg->digest), NULL) != 1) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    *md_len = n;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Verify.                                                             */

static wax_err
verify_prehashed(const EVP_PKEY *pkey, const struct wax_sig_alg *alg,
                 const uint8_t *digest, size_t digest_len, const uint8_t *sig,
                 size_t sig_len)
{
    WAX_ENSURE(digest != NULL && digest_len == wax_key_md_size(alg->digest),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(sig != NULL || sig_len == 0, WAX_ERR_INVALID_ARGUMENT);
    if (sig_len == 0 || sig_len > WAX_MAX_SIG_BYTES) {
        return WAX_ERR_CRYPTO_SIGNATURE_INVALID;
    }
    EVP_PKEY_CTX *ctx =
        EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)pkey, NULL);
    wax_err err = WAX_ERR_NOMEM;
    if (ctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_INTERNAL;
    if (EVP_PKEY_verify_init(ctx) != 1) {
        goto done;
    }
    err = ctx_setup(ctx, pkey, alg);
    if (err != WAX_OK) {
        goto done;
    }
    err = EVP_PKEY_verify(ctx, sig, sig_len, digest, digest_len) == 1
              ? WAX_OK
              : WAX_ERR_CRYPTO_SIGNATURE_INVALID;
done:
    EVP_PKEY_CTX_free(ctx);
    wax_key_errors_clear();
    return err;
}

static wax_err
verify_eddsa(const EVP_PKEY *pkey, const uint8_t *msg, size_t msg_len,
             const uint8_t *sig, size_t sig_len)
{
    WAX_ENSURE(msg != NULL || msg_len == 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(sig != NULL || sig_len == 0, WAX_ERR_INVALID_ARGUMENT);
    if (sig_len == 0 || sig_len > WAX_MAX_SIG_BYTES) {
        return WAX_ERR_CRYPTO_SIGNATURE_INVALID;
    }
    static const uint8_t empty[1];
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    wax_err err = WAX_ERR_NOMEM;
    if (mctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_INTERNAL;
    if (EVP_DigestVerifyInit_ex(mctx, NULL, NULL, NULL, NULL, (EVP_PKEY *)pkey,
                                NULL) != 1) {
        goto done;
    }
    err = EVP_DigestVerify(mctx, sig, sig_len, msg_len == 0 ? empty : msg,
                           msg_len) == 1
              ? WAX_OK
              : WAX_ERR_CRYPTO_SIGNATURE_INVALID;
done:
    EVP_MD_CTX_free(mctx);
    wax_key_errors_clear();
    return err;
}

wax_err
wax_pubkey_verify(const struct wax_pubkey *key, const struct wax_sig_alg *alg,
                  const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                  size_t sig_len)
{
    WAX_ENSURE(key != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(scheme_check(key->type, alg, false));
    if (alg->scheme == WAX_SIG_ED25519 || alg->scheme == WAX_SIG_ED448) {
        return verify_eddsa(key->pkey, msg, msg_len, sig, sig_len);
    }
    uint8_t md[EVP_MAX_MD_SIZE];
    size_t md_len = 0;
    WAX_TRY(hash_message(alg, md, &md_len, msg, msg_len));
    return verify_prehashed(key->pkey, alg, md, md_len, sig, sig_len);
}

wax_err
wax_pubkey_verify_digest(const struct wax_pubkey *key,
                         const struct wax_sig_alg *alg, const uint8_t *digest,
                         size_t digest_len, const uint8_t *sig, size_t sig_len)
{
    WAX_ENSURE(key != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(scheme_check(key->type, alg, true));
    return verify_prehashed(key->pkey, alg, digest, digest_len, sig, sig_len);
}

/* ------------------------------------------------------------------ */
/* Sign.                                                               */

static wax_err
sign_prehashed(const EVP_PKEY *pkey, const struct wax_sig_alg *alg,
               uint8_t *out, size_t out_cap, size_t *out_len,
               const uint8_t *digest, size_t digest_len)
{
    WAX_ENSURE(digest != NULL && digest_len == wax_key_md_size(alg->digest),
               WAX_ERR_INVALID_ARGUMENT);
    EVP_PKEY_CTX *ctx =
        EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)pkey, NULL);
    wax_err err = WAX_ERR_NOMEM;
    size_t need = 0;
    if (ctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_SIGN_FAILED;
    if (EVP_PKEY_sign_init(ctx) != 1) {
        goto done;
    }
    err = ctx_setup(ctx, pkey, alg);
    if (err != WAX_OK) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_SIGN_FAILED;
    if (EVP_PKEY_sign(ctx, NULL, &need, digest, digest_len) != 1) {
        goto done;
    }
    if (need > out_cap) {
        /* ECDSA reports its maximum; sign into a local buffer so a
         * caller that sized for the real signature is not refused. */
        uint8_t tmp[WAX_MAX_SIG_BYTES];
        size_t tmp_len = sizeof(tmp);
        if (need > sizeof(tmp) ||
            EVP_PKEY_sign(ctx, tmp, &tmp_len, digest, digest_len) != 1) {
            goto done;
        }
        if (tmp_len > out_cap) {
            err = WAX_ERR_BUF_TOO_SMALL;
            goto done;
        }
        memcpy(out, tmp, tmp_len);
        *out_len = tmp_len;
        err = WAX_OK;
        goto done;
    }
    if (EVP_PKEY_sign(ctx, out, &need, digest, digest_len) != 1) {
        goto done;
    }
    *out_len = need;
    err = WAX_OK;
done:
    EVP_PKEY_CTX_free(ctx);
    wax_key_errors_clear();
    return err;
}

static wax_err
sign_eddsa(const EVP_PKEY *pkey, uint8_t *out, size_t out_cap, size_t *out_len,
           const uint8_t *msg, size_t msg_len)
{
    WAX_ENSURE(msg != NULL || msg_len == 0, WAX_ERR_INVALID_ARGUMENT);
    static const uint8_t empty[1];
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    wax_err err = WAX_ERR_NOMEM;
    size_t need = 0;
    if (mctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_SIGN_FAILED;
    if (EVP_DigestSignInit_ex(mctx, NULL, NULL, NULL, NULL, (EVP_PKEY *)pkey,
                              NULL) != 1 ||
        EVP_DigestSign(mctx, NULL, &need, msg_len == 0 ? empty : msg,
                       msg_len) != 1) {
        goto done;
    }
    if (need > out_cap) {
        err = WAX_ERR_BUF_TOO_SMALL;
        goto done;
    }
    if (EVP_DigestSign(mctx, out, &need, msg_len == 0 ? empty : msg, msg_len) !=
        1) {
        goto done;
    }
    *out_len = need;
    err = WAX_OK;
done:
    EVP_MD_CTX_free(mctx);
    wax_key_errors_clear();
    return err;
}

static wax_err
sign_check(const struct wax_privkey *key, const struct wax_sig_alg *alg,
           const uint8_t *out, const size_t *out_len, bool prehashed)
{
    WAX_ENSURE(key != NULL && out != NULL && out_len != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(scheme_check(key->type, alg, prehashed));
    /* DSA is for reading old mail: verify only. */
    WAX_ENSURE(alg->scheme != WAX_SIG_DSA, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    return WAX_OK;
}

wax_err
wax_privkey_sign(const struct wax_privkey *key, const struct wax_sig_alg *alg,
                 uint8_t *out, size_t out_cap, size_t *out_len,
                 const uint8_t *msg, size_t msg_len)
{
    WAX_TRY(sign_check(key, alg, out, out_len, false));
    if (alg->scheme == WAX_SIG_ED25519 || alg->scheme == WAX_SIG_ED448) {
        return sign_eddsa(key->pkey, out, out_cap, out_len, msg, msg_len);
    }
    uint8_t md[EVP_MAX_MD_SIZE];
    size_t md_len = 0;
    WAX_TRY(hash_message(alg, md, &md_len, msg, msg_len));
    return sign_prehashed(key->pkey, alg, out, out_cap, out_len, md, md_len);
}

wax_err
wax_privkey_sign_digest(const struct wax_privkey *key,
                        const struct wax_sig_alg *alg, uint8_t *out,
                        size_t out_cap, size_t *out_len, const uint8_t *digest,
                        size_t digest_len)
{
    WAX_TRY(sign_check(key, alg, out, out_len, true));
    return sign_prehashed(key->pkey, alg, out, out_cap, out_len, digest,
                          digest_len);
}
