/*
 * The EnvelopedData / AuthEnvelopedData encryptor: a push filter from
 * content bytes to a ContentInfo (RFC 5652 §3, §6; RFC 5083; RFC 5084).
 *
 *   ContentInfo ::= SEQUENCE {
 *       contentType ContentType,
 *       content [0] EXPLICIT ANY DEFINED BY contentType }
 *   EnvelopedData ::= SEQUENCE {
 *       version CMSVersion,
 *       originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *       recipientInfos RecipientInfos,
 *       encryptedContentInfo EncryptedContentInfo,
 *       unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 *   AuthEnvelopedData ::= SEQUENCE {
 *       version CMSVersion,  -- always 0
 *       originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *       recipientInfos RecipientInfos,
 *       authEncryptedContentInfo EncryptedContentInfo,
 *       authAttrs [1] IMPLICIT AuthAttributes OPTIONAL,
 *       mac MessageAuthenticationCode,
 *       unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
 *   EncryptedContentInfo ::= SEQUENCE {
 *       contentType ContentType,
 *       contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
 *       encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
 *
 * wax writes no originatorInfo, unprotectedAttrs or unauthAttrs.
 */
#include <stdlib.h>
#include <string.h>

#include "cms/enveloped_int.h"

/* Fixed overhead of the DER framing around the parts, generous. */
#define ENC_DER_SLACK 512

struct chunker {
    wax_sink sink; /* must stay first */
    struct wax_cms_encryptor *enc;
    size_t len;
    uint8_t buf[WAX_CMS_BER_CHUNK];
};

struct wax_cms_encryptor {
    wax_sink sink; /* content input; must stay first */
    wax_sink *out;
    wax_err err;
    bool closed;
    bool auth;
    bool streaming;
    unsigned version;
    struct wax_cmsenv_cea cea;
    uint8_t cek[WAX_CIPHER_MAX_KEY_BYTES];
    enum wax_oid_id content_type;
    size_t threshold;
    struct wax_buf ris;   /* recipientInfos SET, DER */
    struct wax_buf algid; /* contentEncryptionAlgorithm, DER */
    struct wax_buf aad;   /* authAttrs with the SET tag; empty when none */
    struct wax_buf plain; /* content up to the threshold (secret) */
    struct wax_cipher cipher;
    bool cipher_ready;
    struct wax_cipher_sink csink;
    struct chunker chunk;
};

/* ------------------------------------------------------------------ */
/* Output helpers.                                                     */

/* put_header writes TAG (one octet) and a definite LEN in minimal form. */
static size_t
put_header(uint8_t *p, uint8_t tag, size_t len)
{
    size_t n = 0;
    p[n++] = tag;
    if (len < 128) {
        p[n++] = (uint8_t)len;
        return n;
    }
    size_t bytes = 0;
    for (size_t v = len; v > 0; v >>= 8) {
        bytes++;
    }
    p[n++] = (uint8_t)(0x80 | bytes);
    for (size_t i = bytes; i > 0; i--) {
        p[n++] = (uint8_t)(len >> (8 * (i - 1)));
    }
    return n;
}

static wax_err
emit(struct wax_cms_encryptor *enc, const uint8_t *p, size_t len)
{
    return wax_sink_write(enc->out, p, len);
}

/* emit_oid writes an OBJECT IDENTIFIER element for ID. */
static wax_err
emit_oid(struct wax_cms_encryptor *enc, enum wax_oid_id id)
{
    struct wax_span oid = wax_oid_span(id);
    uint8_t hdr[16];
    size_t n = put_header(hdr, 0x06, oid.len);
    WAX_TRY(emit(enc, hdr, n));
    return emit(enc, oid.p, oid.len);
}

static enum wax_oid_id
outer_type(const struct wax_cms_encryptor *enc)
{
    return enc->auth ? WAX_OID_CT_AUTH_ENVELOPED_DATA
                     : WAX_OID_CT_ENVELOPED_DATA;
}

/* ------------------------------------------------------------------ */
/* Indefinite-length BER output.                                       */

static const uint8_t k_indef_seq[2] = {0x30, 0x80};
static const uint8_t k_indef_ctx0[2] = {0xA0, 0x80};
static const uint8_t k_eoc[2] = {0x00, 0x00};

static wax_err
chunk_flush(struct chunker *ch)
{
    if (ch->len == 0) {
        return WAX_OK;
    }
    uint8_t hdr[8];
    size_t n = put_header(hdr, 0x04, ch->len);
    WAX_TRY(emit(ch->enc, hdr, n));
    WAX_TRY(emit(ch->enc, ch->buf, ch->len));
    ch->len = 0;
    return WAX_OK;
}

static wax_err
chunk_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct chunker *ch = (struct chunker *)self;
    while (len > 0) {
        size_t room = sizeof ch->buf - ch->len;
        size_t step = len < room ? len : room;
        memcpy(ch->buf + ch->len, data, step);
        ch->len += step;
        data += step;
        len -= step;
        if (ch->len == sizeof ch->buf) {
            WAX_TRY(chunk_flush(ch));
        }
    }
    return WAX_OK;
}

static wax_err
chunk_close(wax_sink *self)
{
    return chunk_flush((struct chunker *)self);
}

static wax_err
init_cipher(struct wax_cms_encryptor *enc)
{
    WAX_TRY(wax_cipher_init(&enc->cipher, enc->cea.cipher, WAX_CIPHER_ENCRYPT,
                            enc->cek, enc->cea.key_len, enc->cea.iv,
                            enc->cea.iv_len));
    enc->cipher_ready = true;
    if (enc->aad.len > 0) {
        WAX_TRY(wax_cipher_set_aad(&enc->cipher, enc->aad.data, enc->aad.len));
    }
    return WAX_OK;
}

/* start_streaming writes everything before the first content chunk and
 * pushes the content buffered so far through the cipher. */
static wax_err
start_streaming(struct wax_cms_encryptor *enc)
{
    enc->streaming = true;
    WAX_TRY(init_cipher(enc));
    enc->chunk.sink.write = chunk_write;
    enc->chunk.sink.close = chunk_close;
    enc->chunk.enc = enc;
    enc->chunk.len = 0;
    wax_cipher_sink_init(&enc->csink, &enc->cipher, &enc->chunk.sink);

    const uint8_t version[3] = {0x02, 0x01, (uint8_t)enc->version};
    WAX_TRY(emit(enc, k_indef_seq, 2));      /* ContentInfo */
    WAX_TRY(emit_oid(enc, outer_type(enc))); /* contentType */
    WAX_TRY(emit(enc, k_indef_ctx0, 2));     /* [0] EXPLICIT */
    WAX_TRY(emit(enc, k_indef_seq, 2));      /* (Auth)EnvelopedData */
    WAX_TRY(emit(enc, version, 3));
    WAX_TRY(emit(enc, enc->ris.data, enc->ris.len));
    WAX_TRY(emit(enc, k_indef_seq, 2)); /* EncryptedContentInfo */
    WAX_TRY(emit_oid(enc, enc->content_type));
    WAX_TRY(emit(enc, enc->algid.data, enc->algid.len));
    WAX_TRY(emit(enc, k_indef_ctx0, 2)); /* encryptedContent, constructed */

    WAX_TRY(wax_sink_write(&enc->csink.sink, enc->plain.data, enc->plain.len));
    wax_buf_cleanup(&enc->plain);
    return WAX_OK;
}

static wax_err
finish_streaming(struct wax_cms_encryptor *enc)
{
    WAX_TRY(wax_sink_close(&enc->csink.sink)); /* final, last chunk */
    WAX_TRY(emit(enc, k_eoc, 2));              /* encryptedContent */
    WAX_TRY(emit(enc, k_eoc, 2));              /* EncryptedContentInfo */
    if (enc->auth) {
        uint8_t tag[WAX_GCM_MAX_TAG_BYTES], hdr[8];
        if (enc->aad.len > 0) {
            /* authAttrs [1] IMPLICIT: the AAD with its tag replaced */
            const uint8_t a1 = 0xA1;
            WAX_TRY(emit(enc, &a1, 1));
            WAX_TRY(emit(enc, enc->aad.data + 1, enc->aad.len - 1));
        }
        WAX_TRY(wax_cipher_get_tag(&enc->cipher, tag, enc->cea.tag_len));
        size_t n = put_header(hdr, 0x04, enc->cea.tag_len);
        WAX_TRY(emit(enc, hdr, n));
        WAX_TRY(emit(enc, tag, enc->cea.tag_len));
    }
    WAX_TRY(emit(enc, k_eoc, 2)); /* (Auth)EnvelopedData */
    WAX_TRY(emit(enc, k_eoc, 2)); /* [0] */
    WAX_TRY(emit(enc, k_eoc, 2)); /* ContentInfo */
    return wax_sink_close(enc->out);
}

/* ------------------------------------------------------------------ */
/* Definite-length DER output (content within the threshold).          */

static wax_err
build_der(struct wax_cms_encryptor *enc, struct wax_der_builder *b,
          const uint8_t *ct, size_t ct_len, const uint8_t *tag)
{
    struct wax_der_builder ci, explicit0, env, eci;
    struct wax_span oid = wax_oid_span(outer_type(enc));
    struct wax_span inner = wax_oid_span(enc->content_type);
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &ci));
    WAX_TRY(wax_der_builder_add_oid(&ci, oid.p, oid.len));
    WAX_TRY(wax_der_builder_open(&ci, WAX_DER_CONTEXT_CONS(0), &explicit0));
    WAX_TRY(wax_der_builder_open(&explicit0, WAX_DER_SEQUENCE, &env));
    WAX_TRY(wax_der_builder_add_u64(&env, enc->version));
    WAX_TRY(wax_der_builder_add_bytes(&env, enc->ris.data, enc->ris.len));
    WAX_TRY(wax_der_builder_open(&env, WAX_DER_SEQUENCE, &eci));
    WAX_TRY(wax_der_builder_add_oid(&eci, inner.p, inner.len));
    WAX_TRY(wax_der_builder_add_bytes(&eci, enc->algid.data, enc->algid.len));
    WAX_TRY(wax_der_builder_add_primitive(&eci, WAX_DER_CONTEXT_TAG(0), ct,
                                          ct_len));
    WAX_TRY(wax_der_builder_close(&eci));
    if (enc->auth) {
        if (enc->aad.len > 0) {
            const uint8_t a1 = 0xA1;
            WAX_TRY(wax_der_builder_add_bytes(&env, &a1, 1));
            WAX_TRY(wax_der_builder_add_bytes(&env, enc->aad.data + 1,
                                              enc->aad.len - 1));
        }
        WAX_TRY(wax_der_builder_add_octet_string(&env, tag, enc->cea.tag_len));
    }
    WAX_TRY(wax_der_builder_close(&env));
    WAX_TRY(wax_der_builder_close(&explicit0));
    return wax_der_builder_close(&ci);
}

static wax_err
finish_der(struct wax_cms_encryptor *enc)
{
    WAX_TRY(init_cipher(enc));
    size_t plain_len = enc->plain.len;
    size_t cap = plain_len + WAX_CIPHER_MAX_BLOCK_BYTES;
    uint8_t *ct = malloc(cap);
    WAX_ENSURE(ct != NULL, WAX_ERR_NOMEM);
    size_t n1 = 0, n2 = 0;
    uint8_t tag[WAX_GCM_MAX_TAG_BYTES] = {0};
    wax_err err =
        wax_cipher_update(&enc->cipher, ct, cap, &n1,
                          plain_len ? enc->plain.data : NULL, plain_len);
    if (err == WAX_OK) {
        err = wax_cipher_final(&enc->cipher, ct + n1, cap - n1, &n2);
    }
    if (err == WAX_OK && enc->auth) {
        err = wax_cipher_get_tag(&enc->cipher, tag, enc->cea.tag_len);
    }
    wax_buf_cleanup(&enc->plain);
    struct wax_der_builder b;
    wax_der_builder_init(&b, cap + enc->ris.len + enc->algid.len +
                                 enc->aad.len + ENC_DER_SLACK);
    if (err == WAX_OK) {
        err = build_der(enc, &b, ct, n1 + n2, tag);
    }
    free(ct);
    uint8_t *der = NULL;
    size_t der_len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &der_len);
    }
    wax_der_builder_cleanup(&b);
    if (err == WAX_OK) {
        err = emit(enc, der, der_len);
    }
    free(der);
    WAX_TRY(err);
    return wax_sink_close(enc->out);
}

/* ------------------------------------------------------------------ */
/* The content sink.                                                   */

static wax_err
enc_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_cms_encryptor *enc = (struct wax_cms_encryptor *)self;
    WAX_TRY(enc->err);
    if (enc->closed) {
        enc->err = WAX_ERR_SINK_CLOSED;
        return enc->err;
    }
    WAX_ENSURE(data != NULL || len == 0, WAX_ERR_INVALID_ARGUMENT);
    wax_err err = WAX_OK;
    if (!enc->streaming && len <= enc->threshold - enc->plain.len) {
        err = wax_buf_append(&enc->plain, data, len);
    } else {
        if (!enc->streaming) {
            err = start_streaming(enc);
        }
        if (err == WAX_OK) {
            err = wax_sink_write(&enc->csink.sink, data, len);
        }
    }
    enc->err = err;
    return err;
}

static wax_err
enc_close(wax_sink *self)
{
    struct wax_cms_encryptor *enc = (struct wax_cms_encryptor *)self;
    WAX_TRY(enc->err);
    if (enc->closed) {
        enc->err = WAX_ERR_SINK_CLOSED;
        return enc->err;
    }
    enc->closed = true;
    enc->err = enc->streaming ? finish_streaming(enc) : finish_der(enc);
    wax_wipe(enc->cek, sizeof enc->cek);
    return enc->err;
}

/* ------------------------------------------------------------------ */
/* Construction.                                                       */

static bool
cipher_allowed(enum wax_cipher_alg c)
{
    switch (c) {
    case WAX_CIPHER_AES128_CBC:
    case WAX_CIPHER_AES192_CBC:
    case WAX_CIPHER_AES256_CBC:
    case WAX_CIPHER_AES128_GCM:
    case WAX_CIPHER_AES192_GCM:
    case WAX_CIPHER_AES256_GCM:
        return true;
    case WAX_CIPHER_NONE:
    case WAX_CIPHER_DES_EDE3_CBC:
    case WAX_CIPHER_DES_CBC:
    case WAX_CIPHER_RC2_CBC:
        break;
    }
    return false;
}

/* add_recipient parses R's certificate and appends its KTRI to SET. */
static wax_err
add_recipient(struct wax_cms_encryptor *enc, struct wax_der_builder *set,
              const struct wax_cms_recipient *r, bool allow_weak,
              unsigned *out_version)
{
    WAX_ENSURE(r->cert_der != NULL && r->cert_len > 0,
               WAX_ERR_INVALID_ARGUMENT);
    struct wax_x509_cert *cert = malloc(sizeof *cert);
    WAX_ENSURE(cert != NULL, WAX_ERR_NOMEM);
    struct wax_pubkey *key = NULL;
    wax_err err = wax_x509_cert_parse(cert, r->cert_der, r->cert_len);
    if (err == WAX_OK) {
        err = wax_pubkey_from_spki(&key, cert->spki.der.p, cert->spki.der.len);
    }
    if (err == WAX_OK && wax_pubkey_type(key) != WAX_KEY_RSA) {
        err = WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED;
    }
    if (err == WAX_OK && wax_pubkey_bits(key) < 2048 && !allow_weak) {
        err = WAX_ERR_CMS_WEAK_KEY;
    }
    if (err == WAX_OK) {
        err = wax_cmsenv_ktri_build(set, r, cert, key, enc->cek,
                                    enc->cea.key_len, out_version);
    }
    wax_pubkey_free(key);
    free(cert);
    return err;
}

static wax_err
build_recipients(struct wax_cms_encryptor *enc,
                 const struct wax_cms_recipient *recipients,
                 size_t num_recipients, bool allow_weak)
{
    struct wax_der_builder b, set;
    wax_der_builder_init(&b, WAX_MAX_CMS_RECIPIENT_INFOS_BYTES);
    wax_err err = wax_der_builder_open(&b, WAX_DER_SET, &set);
    bool any_v2 = false;
    for (size_t i = 0; i < num_recipients && err == WAX_OK; i++) {
        unsigned v = 0;
        err = add_recipient(enc, &set, &recipients[i], allow_weak, &v);
        any_v2 = any_v2 || v != 0;
    }
    if (err == WAX_OK) {
        err = wax_der_builder_sort_set(&set);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&set);
    }
    uint8_t *der = NULL;
    size_t len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &len);
    }
    wax_der_builder_cleanup(&b);
    if (err == WAX_OK) {
        err = wax_buf_append(&enc->ris, der, len);
    }
    free(der);
    /* RFC 5652 §6.1: 0 when every RecipientInfo is version 0 and there are
     * no originatorInfo and unprotectedAttrs, else 2; RFC 5083: always 0 */
    enc->version = enc->auth ? 0 : (any_v2 ? 2 : 0);
    return err;
}

static wax_err
build_algid(struct wax_cms_encryptor *enc)
{
    struct wax_der_builder b;
    wax_der_builder_init(&b, WAX_MAX_CMS_ALG_BYTES);
    wax_err err = wax_cmsenv_cea_encode(&b, &enc->cea);
    uint8_t *der = NULL;
    size_t len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &len);
    }
    wax_der_builder_cleanup(&b);
    if (err == WAX_OK) {
        err = wax_buf_append(&enc->algid, der, len);
    }
    free(der);
    return err;
}

static wax_err
setup(struct wax_cms_encryptor *enc, const struct wax_cms_encrypt_opts *opts,
      const struct wax_cms_recipient *recipients, size_t num_recipients)
{
    enum wax_cipher_alg cipher =
        opts->cipher == WAX_CIPHER_NONE ? WAX_CIPHER_AES256_GCM : opts->cipher;
    WAX_ENSURE(cipher_allowed(cipher), WAX_ERR_CMS_UNSUPPORTED_CIPHER);
    enc->auth = wax_cipher_is_aead(cipher);
    enc->cea.cipher = cipher;
    enc->cea.key_len = wax_cipher_key_len(cipher);
    enc->cea.iv_len = wax_cipher_iv_len(cipher);
    enc->cea.tag_len = enc->auth ? WAX_GCM_MAX_TAG_BYTES : 0;
    enc->content_type = opts->content_type == WAX_OID_UNKNOWN
                            ? WAX_OID_CT_DATA
                            : opts->content_type;
    WAX_ENSURE(wax_oid_span(enc->content_type).len > 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_random_bytes(enc->cek, enc->cea.key_len));
    WAX_TRY(wax_random_bytes(enc->cea.iv, enc->cea.iv_len));
    WAX_TRY(build_recipients(enc, recipients, num_recipients,
                             opts->allow_weak_keys));
    WAX_TRY(build_algid(enc));
    if (enc->auth && enc->content_type != WAX_OID_CT_DATA) {
        WAX_TRY(wax_cmsenv_auth_attrs_build(&enc->aad, enc->content_type));
    }
    return WAX_OK;
}

wax_err
wax_cms_encryptor_new(struct wax_cms_encryptor **out_enc,
                      const struct wax_cms_encrypt_opts *opts,
                      const struct wax_cms_recipient *recipients,
                      size_t num_recipients, wax_sink *out)
{
    WAX_ENSURE(out_enc != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_enc = NULL;
    WAX_ENSURE(out != NULL && recipients != NULL && num_recipients > 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(num_recipients <= WAX_MAX_CMS_RECIPIENTS,
               WAX_ERR_CMS_TOO_MANY_RECIPIENTS);
    struct wax_cms_encrypt_opts defaults = {0};
    if (opts == NULL) {
        opts = &defaults;
    }
    WAX_ENSURE(opts->der_threshold <= WAX_MAX_CMS_DER_THRESHOLD,
               WAX_ERR_INVALID_ARGUMENT);
    struct wax_cms_encryptor *enc = calloc(1, sizeof *enc);
    WAX_ENSURE(enc != NULL, WAX_ERR_NOMEM);
    enc->sink.write = enc_write;
    enc->sink.close = enc_close;
    enc->out = out;
    enc->threshold = opts->der_threshold ? opts->der_threshold
                                         : WAX_CMS_DEFAULT_DER_THRESHOLD;
    wax_buf_init(&enc->ris, WAX_MAX_CMS_RECIPIENT_INFOS_BYTES);
    wax_buf_init(&enc->algid, WAX_MAX_CMS_ALG_BYTES);
    wax_buf_init(&enc->aad, WAX_MAX_CMS_ATTRS_BYTES);
    wax_buf_init_secret(&enc->plain, enc->threshold);
    wax_err err = setup(enc, opts, recipients, num_recipients);
    if (err != WAX_OK) {
        wax_cms_encryptor_free(enc);
        return err;
    }
    *out_enc = enc;
    return WAX_OK;
}

wax_sink *
wax_cms_encryptor_sink(struct wax_cms_encryptor *enc)
{
    return &enc->sink;
}

void
wax_cms_encryptor_free(struct wax_cms_encryptor *enc)
{
    if (enc == NULL) {
        return;
    }
    wax_cipher_cleanup(&enc->cipher);
    wax_cipher_sink_cleanup(&enc->csink);
    wax_buf_cleanup(&enc->plain);
    wax_buf_cleanup(&enc->ris);
    wax_buf_cleanup(&enc->algid);
    wax_buf_cleanup(&enc->aad);
    wax_wipe(enc, sizeof *enc);
    free(enc);
}

wax_err
wax_cms_encrypt(const struct wax_cms_encrypt_opts *opts,
                const struct wax_cms_recipient *recipients,
                size_t num_recipients, const uint8_t *content, size_t len,
                wax_sink *out)
{
    struct wax_cms_encryptor *enc = NULL;
    WAX_TRY(wax_cms_encryptor_new(&enc, opts, recipients, num_recipients, out));
    wax_err err = wax_sink_write(&enc->sink, content, len);
    if (err == WAX_OK) {
        err = wax_sink_close(&enc->sink);
    }
    wax_cms_encryptor_free(enc);
    return err;
}
