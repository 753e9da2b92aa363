/*
 * The EnvelopedData / AuthEnvelopedData decryptor: a push filter from CMS
 * bytes (DER or BER) to plaintext, driven by the events of the streaming
 * BER reader (DESIGN.md "How the streaming BER reader serves CMS").
 * Schemas: see enveloped_encrypt.c. Depths of the reader's events:
 *
 *   0 ContentInfo SEQUENCE
 *   1   contentType OID (captured), [0] EXPLICIT
 *   2     (Auth)EnvelopedData SEQUENCE
 *   3       version, originatorInfo, recipientInfos, attributes and mac
 *           (all captured); EncryptedContentInfo (walked)
 *   4         contentType, contentEncryptionAlgorithm (captured);
 *             encryptedContent [0] (primitive: streamed)
 *   5+          the OCTET STRING segments of a constructed [0] (streamed)
 *
 * Content octets of EnvelopedData stream through the cipher into OUT.
 * Those of AuthEnvelopedData go to an internal spool first: the authAttrs,
 * the AAD, come after them; at the end the spool is replayed through the
 * cipher into OUT. OUT is closed only when everything checked.
 */
#include <stdlib.h>
#include <string.h>

#include "cms/enveloped_int.h"

#define MAX_SMALL_CAPTURE 64

enum env_field {
    F_VERSION = 0,
    F_ORIG_OR_RIS,
    F_ECI,
    F_IN_ECI,
    F_AFTER_ECI,
    F_MAC,
    F_AFTER_MAC,
    F_DONE,
};

enum capture_kind {
    CAP_NONE = 0,
    CAP_OUTER_TYPE,
    CAP_VERSION,
    CAP_ORIGINATOR,
    CAP_RIS,
    CAP_INNER_TYPE,
    CAP_ALG,
    CAP_AUTH_ATTRS,
    CAP_MAC,
    CAP_UNPROTECTED,
};

struct count_sink {
    wax_sink sink; /* must stay first */
    struct wax_cms_decryptor *dec;
};

struct wax_cms_decryptor {
    wax_sink sink; /* CMS input; must stay first */
    wax_sink *out;
    struct count_sink counted; /* OUT, counting the plaintext */
    wax_err err;
    bool closed;
    struct wax_cms_decrypt_opts opts;
    /* the identities */
    size_t num_keys;
    const struct wax_cms_decrypt_key *keys;
    struct wax_x509_cert *certs;
    /* the reader and where it is */
    struct wax_ber_reader reader;
    enum capture_kind capturing;
    size_t ci_pos; /* children of ContentInfo seen */
    bool env_seen;
    enum env_field field;
    size_t eci_pos;
    bool auth;
    bool content_seen;
    bool in_content;
    bool top_done;
    /* captured parts (each buffer filled once, so spans into it stay) */
    struct wax_buf scratch;
    struct wax_buf ris_buf;
    struct wax_buf type_buf;
    struct wax_buf alg_buf;
    struct wax_buf aad_buf;
    struct wax_buf unprot_buf;
    struct wax_cmsenv_ri_extra extras[WAX_MAX_CMS_RECIPIENTS];
    struct wax_cmsenv_cea cea;
    uint8_t mac[WAX_GCM_MAX_TAG_BYTES];
    size_t mac_len;
    /* crypto */
    uint8_t cek[WAX_CIPHER_MAX_KEY_BYTES];
    struct wax_cipher cipher;
    struct wax_cipher_sink csink;
    struct wax_spool spool;
    struct wax_null_sink skip;
    wax_sink *content; /* where content octets go */
    struct wax_cms_decrypt_result result;
};

/* ------------------------------------------------------------------ */
/* The plaintext output, counted.                                      */

static wax_err
count_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct count_sink *cs = (struct count_sink *)self;
    WAX_TRY(wax_sink_write(cs->dec->out, data, len));
    cs->dec->result.content_len += len;
    return WAX_OK;
}

static wax_err
count_close(wax_sink *self)
{
    struct count_sink *cs = (struct count_sink *)self;
    return wax_sink_close(cs->dec->out);
}

/* ------------------------------------------------------------------ */
/* Captured parts.                                                     */

static wax_err
capture(struct wax_cms_decryptor *dec, struct wax_ber_reader *r,
        enum capture_kind kind, struct wax_buf *buf, size_t max)
{
    dec->capturing = kind;
    return wax_ber_reader_capture(r, buf, max);
}

/* on_outer_type: the ContentInfo's contentType. */
static wax_err
on_outer_type(struct wax_cms_decryptor *dec, struct wax_span der)
{
    struct wax_span oid;
    WAX_ENSURE(wax_der_get_oid(&der, &oid) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    enum wax_oid_id id = wax_oid_find(oid);
    WAX_ENSURE(id == WAX_OID_CT_ENVELOPED_DATA ||
                   id == WAX_OID_CT_AUTH_ENVELOPED_DATA,
               WAX_ERR_CMS_UNSUPPORTED_CONTENT);
    WAX_ENSURE(dec->opts.accept == WAX_OID_UNKNOWN || dec->opts.accept == id,
               WAX_ERR_CMS_UNSUPPORTED_CONTENT);
    dec->auth = id == WAX_OID_CT_AUTH_ENVELOPED_DATA;
    dec->result.type = id;
    return WAX_OK;
}

/* on_version: RFC 5652 §6.1 allows 0, 2, 3 and 4; RFC 5083 only 0. */
static wax_err
on_version(struct wax_cms_decryptor *dec, struct wax_span der)
{
    uint64_t v;
    WAX_ENSURE(wax_der_get_u64(&der, &v) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    bool ok = dec->auth ? v == 0 : (v == 0 || v == 2 || v == 3 || v == 4);
    WAX_ENSURE(ok, WAX_ERR_CMS_ENV_BAD_VERSION);
    dec->result.version = (unsigned)v;
    return WAX_OK;
}

/* choose_recipient finds the first KTRI naming one of the certificates,
 * else the first KARI. */
static wax_err
choose_recipient(struct wax_cms_decryptor *dec)
{
    struct wax_cms_decrypt_result *res = &dec->result;
    static const enum wax_cms_ri_kind order[2] = {WAX_CMS_RI_KTRI,
                                                  WAX_CMS_RI_KARI};
    for (size_t o = 0; o < 2; o++) {
        for (size_t i = 0; i < res->num_recipients; i++) {
            if (res->recipients[i].kind != order[o]) {
                continue;
            }
            for (size_t k = 0; k < dec->num_keys; k++) {
                if (wax_cmsenv_ri_names_cert(&res->recipients[i],
                                             &dec->certs[k])) {
                    res->matched = i;
                    res->matched_key = k;
                    return WAX_OK;
                }
            }
        }
    }
    return WAX_ERR_CMS_NO_RECIPIENT;
}

/*
 *   RecipientInfos ::= SET SIZE (1..MAX) OF RecipientInfo
 */
static wax_err
on_recipient_infos(struct wax_cms_decryptor *dec, struct wax_span der)
{
    struct wax_cms_decrypt_result *res = &dec->result;
    struct wax_span set;
    WAX_ENSURE(wax_der_get(&der, WAX_DER_SET, &set) &&
                   wax_der_expect_end(&der) && set.len > 0,
               WAX_ERR_CMS_MALFORMED);
    while (set.len > 0) {
        WAX_ENSURE(res->num_recipients < WAX_MAX_CMS_RECIPIENTS,
                   WAX_ERR_CMS_TOO_MANY_RECIPIENTS);
        struct wax_span ri;
        WAX_ENSURE(wax_der_get_any(&set, NULL, NULL, &ri),
                   WAX_ERR_CMS_BAD_RECIPIENT_INFO);
        size_t i = res->num_recipients;
        WAX_TRY(wax_cmsenv_ri_parse(ri, &res->recipients[i], &dec->extras[i]));
        res->num_recipients++;
    }
    if (dec->opts.inspect_only) {
        return WAX_OK;
    }
    WAX_TRY(choose_recipient(dec));
    const struct wax_cms_recipient_info *ri = &res->recipients[res->matched];
    const struct wax_privkey *key = dec->keys[res->matched_key].key;
    if (ri->kind == WAX_CMS_RI_KARI) {
        return WAX_OK; /* checked when the key is agreed */
    }
    WAX_ENSURE(ri->kt != WAX_CMS_KT_UNKNOWN,
               WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT);
    WAX_ENSURE(wax_privkey_type(key) == WAX_KEY_RSA,
               WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED);
    if (wax_privkey_bits(key) < 2048) {
        res->weak |= WAX_CMS_WEAK_RSA_KEY;
    }
    if (ri->kt == WAX_CMS_KT_RSA_OAEP &&
        (ri->oaep_digest == WAX_DIGEST_SHA1 ||
         ri->oaep_mgf1_digest == WAX_DIGEST_SHA1)) {
        res->weak |= WAX_CMS_WEAK_OAEP_SHA1;
    }
    return WAX_OK;
}

static wax_err
on_inner_type(struct wax_cms_decryptor *dec, struct wax_span der)
{
    struct wax_span oid;
    WAX_ENSURE(wax_der_get_oid(&der, &oid) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    dec->result.content_type_oid = oid;
    dec->result.content_type = wax_oid_find(oid);
    return WAX_OK;
}

/* on_algorithm: the contentEncryptionAlgorithm; sets up the decryption. */
static wax_err
on_algorithm(struct wax_cms_decryptor *dec, struct wax_span der)
{
    struct wax_cms_decrypt_result *res = &dec->result;
    struct wax_x509_algid alg;
    WAX_ENSURE(wax_x509_algid_parse(&der, &alg) == WAX_OK &&
                   wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    res->cipher_oid = alg.oid;
    wax_err err =
        wax_cmsenv_cea_decode(&alg, dec->auth, dec->opts.allow_weak, &dec->cea);
    res->cipher = dec->cea.cipher;
    res->weak |= dec->cea.weak | (dec->auth ? 0 : WAX_CMS_WEAK_NO_AUTH);
    WAX_TRY(err);
    res->key_len = dec->cea.key_len;
    res->rc2_effective_bits = dec->cea.rc2_bits;
    if (dec->auth) {
        res->nonce_len = dec->cea.iv_len;
        res->tag_len = dec->cea.tag_len;
    }
    if (dec->opts.inspect_only) {
        wax_null_sink_init(&dec->skip);
        dec->content = &dec->skip.sink;
        return WAX_OK;
    }

    const struct wax_cms_recipient_info *ri = &res->recipients[res->matched];
    const struct wax_privkey *key = dec->keys[res->matched_key].key;
    if (ri->kind == WAX_CMS_RI_KARI) {
        WAX_TRY(wax_cmsenv_kari_unwrap(ri, &dec->certs[res->matched_key], key,
                                       dec->cek, dec->cea.key_len));
    } else {
        WAX_TRY(wax_cmsenv_ktri_unwrap(ri, &dec->extras[res->matched], key,
                                       dec->cek, dec->cea.key_len));
    }
    if (dec->cea.cipher == WAX_CIPHER_RC2_CBC) {
        WAX_TRY(wax_cipher_init_rc2(&dec->cipher, WAX_CIPHER_DECRYPT, dec->cek,
                                    dec->cea.key_len, dec->cea.rc2_bits,
                                    dec->cea.iv, dec->cea.iv_len));
    } else {
        WAX_TRY(wax_cipher_init(&dec->cipher, dec->cea.cipher,
                                WAX_CIPHER_DECRYPT, dec->cek, dec->cea.key_len,
                                dec->cea.iv, dec->cea.iv_len));
    }
    wax_wipe(dec->cek, sizeof dec->cek);
    wax_cipher_sink_init(&dec->csink, &dec->cipher, &dec->counted.sink);
    if (dec->auth) {
        wax_spool_init(&dec->spool, dec->opts.spool_threshold,
                       dec->opts.tmpdir);
        dec->content = wax_spool_sink(&dec->spool);
    } else {
        dec->content = &dec->csink.sink;
    }
    return WAX_OK;
}

static wax_err
on_auth_attrs(struct wax_cms_decryptor *dec, struct wax_span der)
{
    WAX_TRY(wax_cmsenv_auth_attrs_check(der, dec->result.content_type_oid,
                                        &dec->aad_buf));
    dec->result.has_auth_attrs = true;
    wax_span_init(&dec->result.auth_attrs, dec->aad_buf.data, dec->aad_buf.len);
    return WAX_OK;
}

/*
 *   MessageAuthenticationCode ::= OCTET STRING
 * Its length must be the declared aes-ICVlen (SECURITY.md rule 2).
 */
static wax_err
on_mac(struct wax_cms_decryptor *dec, struct wax_span der)
{
    struct wax_span mac;
    WAX_ENSURE(wax_der_get(&der, WAX_DER_OCTET_STRING, &mac) &&
                   wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(mac.len == dec->cea.tag_len, WAX_ERR_CMS_BAD_TAG_LENGTH);
    memcpy(dec->mac, mac.p, mac.len);
    dec->mac_len = mac.len;
    return WAX_OK;
}

static wax_err
on_captured(struct wax_cms_decryptor *dec, const struct wax_ber_event *ev)
{
    struct wax_span der;
    wax_span_init(&der, ev->data, ev->data_len);
    enum capture_kind kind = dec->capturing;
    dec->capturing = CAP_NONE;
    switch (kind) {
    case CAP_OUTER_TYPE:
        return on_outer_type(dec, der);
    case CAP_VERSION:
        return on_version(dec, der);
    case CAP_ORIGINATOR:
        dec->result.has_originator_info = true;
        wax_buf_reset(&dec->scratch); /* certificates are not used here */
        return WAX_OK;
    case CAP_RIS:
        return on_recipient_infos(dec, der);
    case CAP_INNER_TYPE:
        return on_inner_type(dec, der);
    case CAP_ALG:
        return on_algorithm(dec, der);
    case CAP_AUTH_ATTRS:
        return on_auth_attrs(dec, der);
    case CAP_MAC:
        return on_mac(dec, der);
    case CAP_UNPROTECTED:
        dec->result.has_unprotected_attrs = true;
        dec->result.unprotected_attrs = der;
        return WAX_OK;
    case CAP_NONE:
        break;
    }
    return WAX_ERR_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* Walking the structure.                                              */

static bool
is_octet_string(uint32_t tag)
{
    return tag == WAX_DER_OCTET_STRING ||
           tag == (WAX_DER_OCTET_STRING | WAX_DER_CONSTRUCTED);
}

/* begin_env_field: an element directly inside (Auth)EnvelopedData. */
static wax_err
begin_env_field(struct wax_cms_decryptor *dec, struct wax_ber_reader *r,
                uint32_t tag)
{
    switch (dec->field) {
    case F_VERSION:
        WAX_ENSURE(tag == WAX_DER_INTEGER, WAX_ERR_CMS_MALFORMED);
        dec->field = F_ORIG_OR_RIS;
        wax_buf_reset(&dec->scratch);
        return capture(dec, r, CAP_VERSION, &dec->scratch, MAX_SMALL_CAPTURE);
    case F_ORIG_OR_RIS:
        if (tag == WAX_DER_CONTEXT_CONS(0) &&
            !dec->result.has_originator_info) {
            /* OriginatorInfo: captured within its cap, then dropped */
            wax_buf_reset(&dec->scratch);
            return capture(dec, r, CAP_ORIGINATOR, &dec->scratch,
                           WAX_MAX_CMS_ORIGINATOR_INFO_BYTES);
        }
        WAX_ENSURE(tag == WAX_DER_SET, WAX_ERR_CMS_MALFORMED);
        dec->field = F_ECI;
        return capture(dec, r, CAP_RIS, &dec->ris_buf,
                       WAX_MAX_CMS_RECIPIENT_INFOS_BYTES);
    case F_ECI:
        WAX_ENSURE(tag == WAX_DER_SEQUENCE, WAX_ERR_CMS_MALFORMED);
        dec->field = F_IN_ECI;
        dec->eci_pos = 0;
        return WAX_OK;
    case F_AFTER_ECI:
        if (tag == WAX_DER_CONTEXT_CONS(1)) {
            if (dec->auth) {
                dec->field = F_MAC;
                wax_buf_reset(&dec->scratch);
                return capture(dec, r, CAP_AUTH_ATTRS, &dec->scratch,
                               WAX_MAX_CMS_ATTRS_BYTES);
            }
            dec->field = F_DONE;
            return capture(dec, r, CAP_UNPROTECTED, &dec->unprot_buf,
                           WAX_MAX_CMS_ATTRS_BYTES);
        }
        WAX_ENSURE(dec->auth && is_octet_string(tag), WAX_ERR_CMS_MALFORMED);
        dec->field = F_AFTER_MAC;
        wax_buf_reset(&dec->scratch);
        return capture(dec, r, CAP_MAC, &dec->scratch, MAX_SMALL_CAPTURE);
    case F_MAC:
        WAX_ENSURE(is_octet_string(tag), WAX_ERR_CMS_MALFORMED);
        dec->field = F_AFTER_MAC;
        wax_buf_reset(&dec->scratch);
        return capture(dec, r, CAP_MAC, &dec->scratch, MAX_SMALL_CAPTURE);
    case F_AFTER_MAC:
        WAX_ENSURE(tag == WAX_DER_CONTEXT_CONS(2), WAX_ERR_CMS_MALFORMED);
        dec->field = F_DONE;
        return capture(dec, r, CAP_UNPROTECTED, &dec->unprot_buf,
                       WAX_MAX_CMS_ATTRS_BYTES);
    case F_IN_ECI:
    case F_DONE:
        break;
    }
    return WAX_ERR_CMS_MALFORMED;
}

/* begin_eci_field: an element directly inside EncryptedContentInfo. */
static wax_err
begin_eci_field(struct wax_cms_decryptor *dec, struct wax_ber_reader *r,
                uint32_t tag)
{
    switch (dec->eci_pos) {
    case 0:
        WAX_ENSURE(tag == WAX_DER_OID, WAX_ERR_CMS_MALFORMED);
        dec->eci_pos = 1;
        return capture(dec, r, CAP_INNER_TYPE, &dec->type_buf,
                       MAX_SMALL_CAPTURE);
    case 1:
        WAX_ENSURE(tag == WAX_DER_SEQUENCE, WAX_ERR_CMS_MALFORMED);
        dec->eci_pos = 2;
        return capture(dec, r, CAP_ALG, &dec->alg_buf, WAX_MAX_CMS_ALG_BYTES);
    case 2:
        /* encryptedContent [0] IMPLICIT OCTET STRING, either form */
        WAX_ENSURE(tag == WAX_DER_CONTEXT_TAG(0) ||
                       tag == WAX_DER_CONTEXT_CONS(0),
                   WAX_ERR_CMS_MALFORMED);
        dec->eci_pos = 3;
        dec->content_seen = true;
        dec->in_content = true;
        return WAX_OK;
    default:
        break;
    }
    return WAX_ERR_CMS_MALFORMED;
}

static wax_err
on_begin(struct wax_cms_decryptor *dec, struct wax_ber_reader *r,
         const struct wax_ber_event *ev)
{
    switch (ev->depth) {
    case 0:
        WAX_ENSURE(ev->tag == WAX_DER_SEQUENCE, WAX_ERR_CMS_MALFORMED);
        return WAX_OK;
    case 1:
        if (dec->ci_pos == 0) {
            WAX_ENSURE(ev->tag == WAX_DER_OID, WAX_ERR_CMS_MALFORMED);
            dec->ci_pos = 1;
            wax_buf_reset(&dec->scratch);
            return capture(dec, r, CAP_OUTER_TYPE, &dec->scratch,
                           MAX_SMALL_CAPTURE);
        }
        WAX_ENSURE(dec->ci_pos == 1 && ev->tag == WAX_DER_CONTEXT_CONS(0),
                   WAX_ERR_CMS_MALFORMED);
        dec->ci_pos = 2;
        return WAX_OK;
    case 2:
        WAX_ENSURE(!dec->env_seen && ev->tag == WAX_DER_SEQUENCE,
                   WAX_ERR_CMS_MALFORMED);
        dec->env_seen = true;
        dec->field = F_VERSION;
        return WAX_OK;
    case 3:
        return begin_env_field(dec, r, ev->tag);
    case 4:
        WAX_ENSURE(dec->field == F_IN_ECI, WAX_ERR_CMS_MALFORMED);
        return begin_eci_field(dec, r, ev->tag);
    default:
        /* segments of a constructed encryptedContent (nesting allowed) */
        WAX_ENSURE(dec->in_content && is_octet_string(ev->tag),
                   WAX_ERR_CMS_MALFORMED);
        return WAX_OK;
    }
}

static wax_err
on_end(struct wax_cms_decryptor *dec, const struct wax_ber_event *ev)
{
    switch (ev->depth) {
    case 0:
        WAX_ENSURE(dec->ci_pos == 2 && dec->env_seen, WAX_ERR_CMS_MALFORMED);
        dec->top_done = true;
        return WAX_OK;
    case 1:
        WAX_ENSURE(dec->env_seen, WAX_ERR_CMS_MALFORMED);
        return WAX_OK;
    case 2:
        /* the (Auth)EnvelopedData is complete */
        WAX_ENSURE(dec->field >= F_AFTER_ECI, WAX_ERR_CMS_MALFORMED);
        if (dec->auth) {
            WAX_ENSURE(dec->field >= F_AFTER_MAC, WAX_ERR_CMS_MALFORMED);
            WAX_ENSURE(dec->result.has_auth_attrs ||
                           dec->result.content_type == WAX_OID_CT_DATA,
                       WAX_ERR_CMS_AUTH_ATTRS_REQUIRED);
        }
        return WAX_OK;
    case 3:
        if (dec->field == F_IN_ECI) {
            WAX_ENSURE(dec->eci_pos >= 2, WAX_ERR_CMS_MALFORMED);
            WAX_ENSURE(dec->content_seen, WAX_ERR_CMS_CONTENT_ABSENT);
            dec->field = F_AFTER_ECI;
        }
        return WAX_OK;
    case 4:
        dec->in_content = false;
        return WAX_OK;
    default:
        return WAX_OK;
    }
}

static wax_err
handler(void *ctx, struct wax_ber_reader *r, const struct wax_ber_event *ev)
{
    struct wax_cms_decryptor *dec = ctx;
    switch (ev->type) {
    case WAX_BER_BEGIN:
        return on_begin(dec, r, ev);
    case WAX_BER_DATA:
        WAX_ENSURE(dec->in_content && dec->content != NULL,
                   WAX_ERR_CMS_MALFORMED);
        return wax_sink_write(dec->content, ev->data, ev->data_len);
    case WAX_BER_END:
        return on_end(dec, ev);
    case WAX_BER_CAPTURED:
        return on_captured(dec, ev);
    }
    return WAX_ERR_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* Finishing.                                                          */

static wax_err
finish_enveloped(struct wax_cms_decryptor *dec)
{
    wax_err err = wax_sink_close(&dec->csink.sink);
    /* RFC 3218: padding failures look like every other failure */
    return err == WAX_ERR_CRYPTO_BAD_PADDING ? WAX_ERR_CMS_DECRYPT_FAILED : err;
}

static wax_err
finish_auth(struct wax_cms_decryptor *dec)
{
    if (dec->aad_buf.len > 0) {
        WAX_TRY(wax_cipher_set_aad(&dec->cipher, dec->aad_buf.data,
                                   dec->aad_buf.len));
    }
    WAX_TRY(wax_cipher_set_tag(&dec->cipher, dec->mac, dec->mac_len));
    WAX_TRY(wax_sink_close(wax_spool_sink(&dec->spool)));
    WAX_TRY(wax_spool_release(&dec->spool, &dec->csink.sink));
    wax_spool_discard(&dec->spool);
    wax_err err = wax_sink_close(&dec->csink.sink);
    WAX_ENSURE(err != WAX_ERR_CRYPTO_TAG_MISMATCH, WAX_ERR_CMS_TAG_MISMATCH);
    WAX_TRY(err);
    dec->result.authenticated = true;
    return WAX_OK;
}

static wax_err
finish(struct wax_cms_decryptor *dec)
{
    WAX_TRY(wax_ber_reader_finish(&dec->reader));
    WAX_ENSURE(dec->top_done, WAX_ERR_CMS_MALFORMED);
    if (!dec->opts.inspect_only) {
        WAX_TRY(dec->auth ? finish_auth(dec) : finish_enveloped(dec));
    }
    dec->result.complete = true;
    return WAX_OK;
}

static wax_err
dec_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_cms_decryptor *dec = (struct wax_cms_decryptor *)self;
    WAX_TRY(dec->err);
    if (dec->closed) {
        dec->err = WAX_ERR_SINK_CLOSED;
        return dec->err;
    }
    dec->err = wax_ber_reader_write(&dec->reader, data, len);
    return dec->err;
}

static wax_err
dec_close(wax_sink *self)
{
    struct wax_cms_decryptor *dec = (struct wax_cms_decryptor *)self;
    WAX_TRY(dec->err);
    if (dec->closed) {
        dec->err = WAX_ERR_SINK_CLOSED;
        return dec->err;
    }
    dec->closed = true;
    dec->err = finish(dec);
    return dec->err;
}

/* ------------------------------------------------------------------ */
/* Construction.                                                       */

static wax_err
load_keys(struct wax_cms_decryptor *dec)
{
    if (dec->num_keys == 0) {
        return WAX_OK;
    }
    dec->certs = calloc(dec->num_keys, sizeof *dec->certs);
    WAX_ENSURE(dec->certs != NULL, WAX_ERR_NOMEM);
    for (size_t k = 0; k < dec->num_keys; k++) {
        const struct wax_cms_decrypt_key *dk = &dec->keys[k];
        WAX_ENSURE(dk->key != NULL && dk->cert_der != NULL,
                   WAX_ERR_INVALID_ARGUMENT);
        WAX_TRY(
            wax_x509_cert_parse(&dec->certs[k], dk->cert_der, dk->cert_len));
        WAX_TRY(wax_privkey_match_spki(dk->key, dec->certs[k].spki.der.p,
                                       dec->certs[k].spki.der.len));
    }
    return WAX_OK;
}

wax_err
wax_cms_decryptor_new(struct wax_cms_decryptor **out_dec,
                      const struct wax_cms_decrypt_opts *opts,
                      const struct wax_cms_decrypt_key *keys, size_t num_keys,
                      wax_sink *out)
{
    WAX_ENSURE(out_dec != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_dec = NULL;
    struct wax_cms_decrypt_opts defaults = {0};
    if (opts == NULL) {
        opts = &defaults;
    }
    WAX_ENSURE(opts->accept == WAX_OID_UNKNOWN ||
                   opts->accept == WAX_OID_CT_ENVELOPED_DATA ||
                   opts->accept == WAX_OID_CT_AUTH_ENVELOPED_DATA,
               WAX_ERR_INVALID_ARGUMENT);
    if (!opts->inspect_only) {
        WAX_ENSURE(out != NULL && keys != NULL && num_keys > 0,
                   WAX_ERR_INVALID_ARGUMENT);
    }
    WAX_ENSURE(num_keys <= WAX_MAX_CMS_DECRYPT_KEYS, WAX_ERR_LIMIT_EXCEEDED);
    struct wax_cms_decryptor *dec = calloc(1, sizeof *dec);
    WAX_ENSURE(dec != NULL, WAX_ERR_NOMEM);
    dec->sink.write = dec_write;
    dec->sink.close = dec_close;
    dec->out = out;
    dec->counted.sink.write = count_write;
    dec->counted.sink.close = count_close;
    dec->counted.dec = dec;
    dec->opts = *opts;
    dec->keys = keys;
    dec->num_keys = opts->inspect_only ? 0 : num_keys;
    dec->result.matched = SIZE_MAX;
    dec->result.matched_key = SIZE_MAX;
    wax_buf_init(&dec->scratch, WAX_MAX_CMS_ORIGINATOR_INFO_BYTES);
    wax_buf_init(&dec->ris_buf, WAX_MAX_CMS_RECIPIENT_INFOS_BYTES);
    wax_buf_init(&dec->type_buf, MAX_SMALL_CAPTURE);
    wax_buf_init(&dec->alg_buf, WAX_MAX_CMS_ALG_BYTES);
    wax_buf_init(&dec->aad_buf, WAX_MAX_CMS_ATTRS_BYTES + 16);
    wax_buf_init(&dec->unprot_buf, WAX_MAX_CMS_ATTRS_BYTES);
    wax_spool_init(&dec->spool, opts->spool_threshold, opts->tmpdir);
    wax_ber_reader_init(&dec->reader, 0, handler, dec);
    wax_err err = load_keys(dec);
    if (err != WAX_OK) {
        wax_cms_decryptor_free(dec);
        return err;
    }
    *out_dec = dec;
    return WAX_OK;
}

wax_sink *
wax_cms_decryptor_sink(struct wax_cms_decryptor *dec)
{
    return &dec->sink;
}

const struct wax_cms_decrypt_result *
wax_cms_decryptor_result(const struct wax_cms_decryptor *dec)
{
    return &dec->result;
}

void
wax_cms_decryptor_free(struct wax_cms_decryptor *dec)
{
    if (dec == NULL) {
        return;
    }
    wax_cipher_cleanup(&dec->cipher);
    wax_cipher_sink_cleanup(&dec->csink);
    wax_spool_cleanup(&dec->spool);
    wax_buf_cleanup(&dec->scratch);
    wax_buf_cleanup(&dec->ris_buf);
    wax_buf_cleanup(&dec->type_buf);
    wax_buf_cleanup(&dec->alg_buf);
    wax_buf_cleanup(&dec->aad_buf);
    wax_buf_cleanup(&dec->unprot_buf);
    free(dec->certs);
    wax_wipe(dec, sizeof *dec);
    free(dec);
}
