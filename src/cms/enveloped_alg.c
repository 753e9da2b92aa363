/*
 * Content-encryption algorithms of EnvelopedData and AuthEnvelopedData:
 * AES-CBC (RFC 3565), AES-GCM (RFC 5084), and for reading old mail
 * Triple-DES, DES and RC2 (RFC 3370 §5).
 */
#include <string.h>

#include "cms/enveloped_int.h"

/* The IV parameter of the CBC algorithms: IV ::= OCTET STRING (the block
 * size). */
static wax_err
decode_iv(const struct wax_x509_algid *alg, size_t iv_len,
          struct wax_cmsenv_cea *out)
{
    WAX_ENSURE(alg->has_params, WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    struct wax_span in = alg->params, iv;
    WAX_ENSURE(wax_der_get(&in, WAX_DER_OCTET_STRING, &iv) &&
                   wax_der_expect_end(&in) && iv.len == iv_len,
               WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    memcpy(out->iv, iv.p, iv.len);
    out->iv_len = iv.len;
    return WAX_OK;
}

/*
 * RFC 8018 B.2.3 / RFC 3370 §5.2:
 *   RC2CBCParameter ::= SEQUENCE {
 *       rc2ParameterVersion INTEGER OPTIONAL,
 *       iv OCTET STRING (SIZE(8)) }
 * The version encodes the effective key bits: 160 -> 40, 120 -> 64,
 * 58 -> 128, b >= 256 -> b; absent means 32 bits. wax decrypts 40, 64 and
 * 128 bits.
 */
static wax_err
decode_rc2(const struct wax_x509_algid *alg, struct wax_cmsenv_cea *out)
{
    WAX_ENSURE(alg->has_params, WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    struct wax_span in = alg->params, seq, iv;
    WAX_ENSURE(wax_der_get(&in, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_expect_end(&in),
               WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    uint64_t version = 0;
    unsigned bits = 32;
    if (wax_der_peek(&seq, WAX_DER_INTEGER)) {
        WAX_ENSURE(wax_der_get_u64(&seq, &version),
                   WAX_ERR_CMS_BAD_CIPHER_PARAMS);
        if (version == 160) {
            bits = 40;
        } else if (version == 120) {
            bits = 64;
        } else if (version == 58) {
            bits = 128;
        } else if (version >= 256 && version <= 1024) {
            bits = (unsigned)version;
        } else {
            return WAX_ERR_CMS_BAD_CIPHER_PARAMS;
        }
    }
    WAX_ENSURE(wax_der_get(&seq, WAX_DER_OCTET_STRING, &iv) &&
                   wax_der_expect_end(&seq) && iv.len == 8,
               WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    WAX_ENSURE(bits == 40 || bits == 64 || bits == 128,
               WAX_ERR_CMS_UNSUPPORTED_CIPHER);
    out->rc2_bits = bits;
    out->key_len = bits / 8;
    memcpy(out->iv, iv.p, iv.len);
    out->iv_len = iv.len;
    return WAX_OK;
}

/*
 * RFC 5084 §3.2:
 *   GCMParameters ::= SEQUENCE {
 *       aes-nonce  OCTET STRING, -- recommended size is 12 octets
 *       aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }
 *   AES-GCM-ICVlen ::= INTEGER (12 | 13 | 14 | 15 | 16)
 * An explicitly encoded 12 is accepted (BER senders write it).
 */
static wax_err
decode_gcm(const struct wax_x509_algid *alg, struct wax_cmsenv_cea *out)
{
    WAX_ENSURE(alg->has_params, WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    struct wax_span in = alg->params, seq, nonce;
    WAX_ENSURE(wax_der_get(&in, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_expect_end(&in) &&
                   wax_der_get(&seq, WAX_DER_OCTET_STRING, &nonce),
               WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    uint64_t icv = 12;
    if (!wax_der_expect_end(&seq)) {
        WAX_ENSURE(wax_der_get_u64(&seq, &icv) && wax_der_expect_end(&seq),
                   WAX_ERR_CMS_BAD_CIPHER_PARAMS);
    }
    WAX_ENSURE(nonce.len >= 1 && nonce.len <= WAX_MAX_GCM_NONCE_BYTES,
               WAX_ERR_CMS_BAD_NONCE_LENGTH);
    WAX_ENSURE(icv >= WAX_GCM_MIN_TAG_BYTES && icv <= WAX_GCM_MAX_TAG_BYTES,
               WAX_ERR_CMS_BAD_TAG_LENGTH);
    memcpy(out->iv, nonce.p, nonce.len);
    out->iv_len = nonce.len;
    out->tag_len = (size_t)icv;
    return WAX_OK;
}

wax_err
wax_cmsenv_cea_decode(const struct wax_x509_algid *alg, bool auth,
                      bool allow_weak, struct wax_cmsenv_cea *out)
{
    memset(out, 0, sizeof *out);
    enum wax_cipher_alg cipher = WAX_CIPHER_NONE;
    bool aead = false;
    switch (alg->id) {
    case WAX_OID_AES128_CBC:
        cipher = WAX_CIPHER_AES128_CBC;
        break;
    case WAX_OID_AES192_CBC:
        cipher = WAX_CIPHER_AES192_CBC;
        break;
    case WAX_OID_AES256_CBC:
        cipher = WAX_CIPHER_AES256_CBC;
        break;
    case WAX_OID_DES_EDE3_CBC:
        cipher = WAX_CIPHER_DES_EDE3_CBC;
        break;
    case WAX_OID_DES_CBC:
        cipher = WAX_CIPHER_DES_CBC;
        break;
    case WAX_OID_RC2_CBC:
        cipher = WAX_CIPHER_RC2_CBC;
        break;
    case WAX_OID_AES128_GCM:
        cipher = WAX_CIPHER_AES128_GCM;
        aead = true;
        break;
    case WAX_OID_AES192_GCM:
        cipher = WAX_CIPHER_AES192_GCM;
        aead = true;
        break;
    case WAX_OID_AES256_GCM:
        cipher = WAX_CIPHER_AES256_GCM;
        aead = true;
        break;
    case WAX_OID_AES128_CCM:
    case WAX_OID_AES256_CCM:
    case WAX_OID_CHACHA20_POLY1305:
        /* AEAD algorithms wax does not implement */
        WAX_ENSURE(auth, WAX_ERR_CMS_AEAD_IN_ENVELOPED);
        return WAX_ERR_CMS_UNSUPPORTED_CIPHER;
    default:
        return WAX_ERR_CMS_UNSUPPORTED_CIPHER;
    }
    /* SECURITY.md rule 2: no fallback between the two worlds */
    WAX_ENSURE(auth || !aead, WAX_ERR_CMS_AEAD_IN_ENVELOPED);
    WAX_ENSURE(!auth || aead, WAX_ERR_CMS_NOT_AEAD);
    out->cipher = cipher;
    out->key_len = wax_cipher_key_len(cipher);
    switch (cipher) {
    case WAX_CIPHER_DES_CBC:
        out->weak = WAX_CMS_WEAK_DES;
        WAX_ENSURE(allow_weak, WAX_ERR_CMS_WEAK_CIPHER);
        return decode_iv(alg, 8, out);
    case WAX_CIPHER_RC2_CBC:
        out->weak = WAX_CMS_WEAK_RC2;
        WAX_ENSURE(allow_weak, WAX_ERR_CMS_WEAK_CIPHER);
        return decode_rc2(alg, out);
    case WAX_CIPHER_DES_EDE3_CBC:
        out->weak = WAX_CMS_WEAK_3DES;
        return decode_iv(alg, 8, out);
    case WAX_CIPHER_AES128_CBC:
    case WAX_CIPHER_AES192_CBC:
    case WAX_CIPHER_AES256_CBC:
        return decode_iv(alg, 16, out);
    case WAX_CIPHER_AES128_GCM:
    case WAX_CIPHER_AES192_GCM:
    case WAX_CIPHER_AES256_GCM:
        return decode_gcm(alg, out);
    case WAX_CIPHER_NONE:
        break;
    }
    return WAX_ERR_CMS_UNSUPPORTED_CIPHER;
}

static enum wax_oid_id
cipher_oid(enum wax_cipher_alg cipher)
{
    switch (cipher) {
    case WAX_CIPHER_AES128_CBC:
        return WAX_OID_AES128_CBC;
    case WAX_CIPHER_AES192_CBC:
        return WAX_OID_AES192_CBC;
    case WAX_CIPHER_AES256_CBC:
        return WAX_OID_AES256_CBC;
    case WAX_CIPHER_AES128_GCM:
        return WAX_OID_AES128_GCM;
    case WAX_CIPHER_AES192_GCM:
        return WAX_OID_AES192_GCM;
    case WAX_CIPHER_AES256_GCM:
        return WAX_OID_AES256_GCM;
    case WAX_CIPHER_DES_EDE3_CBC:
        return WAX_OID_DES_EDE3_CBC;
    case WAX_CIPHER_NONE:
    case WAX_CIPHER_DES_CBC:
    case WAX_CIPHER_RC2_CBC:
        break;
    }
    return WAX_OID_UNKNOWN;
}

wax_err
wax_cmsenv_cea_encode(struct wax_der_builder *b,
                      const struct wax_cmsenv_cea *cea)
{
    enum wax_oid_id id = cipher_oid(cea->cipher);
    WAX_ENSURE(id != WAX_OID_UNKNOWN, WAX_ERR_CMS_UNSUPPORTED_CIPHER);
    struct wax_span oid = wax_oid_span(id);
    struct wax_der_builder seq, params;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_add_oid(&seq, oid.p, oid.len));
    if (wax_cipher_is_aead(cea->cipher)) {
        WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &params));
        WAX_TRY(
            wax_der_builder_add_octet_string(&params, cea->iv, cea->iv_len));
        if (cea->tag_len != 12) { /* DEFAULT 12 is never encoded */
            WAX_TRY(wax_der_builder_add_u64(&params, cea->tag_len));
        }
        WAX_TRY(wax_der_builder_close(&params));
    } else {
        WAX_TRY(wax_der_builder_add_octet_string(&seq, cea->iv, cea->iv_len));
    }
    return wax_der_builder_close(&seq);
}
