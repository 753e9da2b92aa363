/*
 * src/cms/enveloped_int.h - private interface between the files of the
 * EnvelopedData / AuthEnvelopedData code (enveloped_*.c,
 * auth_enveloped_*.c, recipient_*.c). Nothing here is exported.
 */
#ifndef WAX_CMS_ENVELOPED_INT_H
#define WAX_CMS_ENVELOPED_INT_H

#include <wax/cms.h>

/* A decoded content-encryption algorithm (enveloped_alg.c). */
struct wax_cmsenv_cea {
    enum wax_cipher_alg cipher;
    size_t key_len;    /* expected content-encryption key length */
    unsigned rc2_bits; /* RC2 effective key bits */
    uint8_t iv[WAX_MAX_GCM_NONCE_BYTES];
    size_t iv_len;  /* CBC IV or GCM nonce */
    size_t tag_len; /* GCM aes-ICVlen */
    uint32_t weak;  /* WAX_CMS_WEAK_* for the cipher */
};

/*
 * wax_cmsenv_cea_decode decodes the contentEncryptionAlgorithm ALG of an
 * EnvelopedData (AUTH false) or AuthEnvelopedData (AUTH true). Errors:
 * WAX_ERR_CMS_AEAD_IN_ENVELOPED, WAX_ERR_CMS_NOT_AEAD,
 * WAX_ERR_CMS_UNSUPPORTED_CIPHER, WAX_ERR_CMS_WEAK_CIPHER (DES/RC2 without
 * ALLOW_WEAK), WAX_ERR_CMS_BAD_CIPHER_PARAMS, WAX_ERR_CMS_BAD_NONCE_LENGTH,
 * WAX_ERR_CMS_BAD_TAG_LENGTH. OUT->cipher is set as soon as the OID is
 * known, also on failure.
 */
wax_err wax_cmsenv_cea_decode(const struct wax_x509_algid *alg, bool auth,
                              bool allow_weak, struct wax_cmsenv_cea *out);

/* wax_cmsenv_cea_encode appends the AlgorithmIdentifier of CEA (AES-CBC
 * with its IV, AES-GCM with GCMParameters and aes-ICVlen) to B. */
wax_err wax_cmsenv_cea_encode(struct wax_der_builder *b,
                              const struct wax_cmsenv_cea *cea);

/* What recipient_info.c keeps beside the public recipient info: the parts
 * the key transport needs. */
struct wax_cmsenv_ri_extra {
    struct wax_span encrypted_key;
    struct wax_span oaep_label;
};

/*
 * wax_cmsenv_ri_parse parses one RecipientInfo TLV (DER) into OUT and
 * EXTRA. Errors: WAX_ERR_CMS_BAD_RECIPIENT_INFO, WAX_ERR_CMS_ENV_BAD_VERSION,
 * WAX_ERR_CMS_BAD_OAEP_PARAMS (a KTRI with id-RSAES-OAEP whose parameters
 * do not parse), WAX_ERR_LIMIT_EXCEEDED.
 */
wax_err wax_cmsenv_ri_parse(struct wax_span ri,
                            struct wax_cms_recipient_info *out,
                            struct wax_cmsenv_ri_extra *extra);

/* wax_cmsenv_ri_names_cert: the KTRI's rid, or one of the KARI's
 * RecipientEncryptedKey rids, names CERT (issuer and serial, or the
 * subjectKeyIdentifier). Always false for the other kinds. */
bool wax_cmsenv_ri_names_cert(const struct wax_cms_recipient_info *ri,
                              const struct wax_x509_cert *cert);

/*
 * wax_cmsenv_oaep_params_decode decodes RSAES-OAEP-params (RFC 8017
 * A.2.1): hash and MGF1 hash SHA-1/224/256/384/512, pSpecified label of at
 * most WAX_MAX_CMS_OAEP_LABEL bytes. HAS_PARAMS false (absent) is an
 * error. Errors: WAX_ERR_CMS_BAD_OAEP_PARAMS.
 */
wax_err wax_cmsenv_oaep_params_decode(bool has_params, struct wax_span params,
                                      enum wax_digest_alg *out_digest,
                                      enum wax_digest_alg *out_mgf1,
                                      struct wax_span *out_label);

/*
 * wax_cmsenv_ktri_build appends one KeyTransRecipientInfo for R (parsed
 * certificate CERT, public key KEY) carrying CEK to the open SET builder
 * B. *OUT_VERSION gets the KTRI version (0 or 2). Errors: those of
 * wax_cms_encryptor_new for a recipient.
 */
wax_err wax_cmsenv_ktri_build(struct wax_der_builder *b,
                              const struct wax_cms_recipient *r,
                              const struct wax_x509_cert *cert,
                              const struct wax_pubkey *key, const uint8_t *cek,
                              size_t cek_len, unsigned *out_version);

/*
 * wax_cmsenv_ktri_unwrap recovers the content-encryption key of CEK_LEN
 * bytes from the KTRI RI/EXTRA with KEY. PKCS#1 v1.5 goes through
 * wax_privkey_unwrap_pkcs1; OAEP failures give a random key too. So this
 * returns WAX_OK for every ciphertext: a wrong key shows later as
 * WAX_ERR_CMS_DECRYPT_FAILED or WAX_ERR_CMS_TAG_MISMATCH. Errors only for
 * public facts: WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT,
 * WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED (not an RSA key), and local
 * failures (RNG).
 */
wax_err wax_cmsenv_ktri_unwrap(const struct wax_cms_recipient_info *ri,
                               const struct wax_cmsenv_ri_extra *extra,
                               const struct wax_privkey *key, uint8_t *cek,
                               size_t cek_len);

/*
 * wax_cmsenv_kari_unwrap recovers the content-encryption key of CEK_LEN
 * bytes from the KeyAgreeRecipientInfo RI for CERT with KEY (EC, X25519
 * or X448): ephemeral-static ECDH / X25519 / X448, the X9.63 KDF of the
 * dhSinglePass-stdDH (or cofactorDH) scheme, AES or Triple-DES key
 * unwrap. Like wax_cmsenv_ktri_unwrap, failures rooted in the ciphertext
 * leave a random key (the content then fails to decrypt). Errors for
 * public facts: WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED,
 * WAX_ERR_CMS_UNSUPPORTED_KEY_AGREEMENT (another scheme or wrap),
 * WAX_ERR_CMS_UNSUPPORTED_RECIPIENT (an originator identified by
 * certificate), WAX_ERR_CMS_BAD_RECIPIENT_INFO.
 */
wax_err wax_cmsenv_kari_unwrap(const struct wax_cms_recipient_info *ri,
                               const struct wax_x509_cert *cert,
                               const struct wax_privkey *key, uint8_t *cek,
                               size_t cek_len);

/*
 * wax_cmsenv_auth_attrs_build appends to OUT the DER authAttrs SET OF
 * Attribute (tag SET: the AAD) holding the content-type attribute with
 * CONTENT_TYPE. wax_cmsenv_auth_attrs_check turns the captured authAttrs
 * ATTRS ([1] IMPLICIT, DER-normalised) into the AAD in AAD_OUT (SET tag,
 * attributes in DER SET OF order) and checks them: every Attribute a
 * SEQUENCE { OID, SET SIZE(1..MAX) }, at most WAX_MAX_CMS_ATTRS, a
 * content-type attribute single-valued and equal to CONTENT_TYPE_OID, and
 * required when CONTENT_TYPE_OID is not id-data. Errors:
 * WAX_ERR_CMS_BAD_AUTH_ATTRS, WAX_ERR_CMS_AUTH_ATTRS_REQUIRED.
 */
wax_err wax_cmsenv_auth_attrs_build(struct wax_buf *out,
                                    enum wax_oid_id content_type);
wax_err wax_cmsenv_auth_attrs_check(struct wax_span attrs,
                                    struct wax_span content_type_oid,
                                    struct wax_buf *aad_out);

#endif
