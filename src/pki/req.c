/*
 * PKCS#10 certification requests (RFC 2986 §4), made with the DER builder
 * and turned into certificate templates:
 *
 *   CertificationRequest ::= SEQUENCE {
 *       certificationRequestInfo CertificationRequestInfo,
 *       signatureAlgorithm       AlgorithmIdentifier,
 *       signature                BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE {
 *       version       INTEGER { v1(0) },
 *       subject       Name,
 *       subjectPKInfo SubjectPublicKeyInfo,
 *       attributes    [0] IMPLICIT SET OF Attribute }
 *   Attribute ::= SEQUENCE { type OID, values SET OF ANY }
 *
 * with one attribute, extensionRequest (RFC 2985 §5.4.2), whose single
 * value is Extensions (SEQUENCE OF Extension).
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

#include "pki_int.h"

static wax_err
usage_profile(enum wax_pki_usage usage, enum wax_pki_profile *out)
{
    switch (usage) {
    case WAX_PKI_USAGE_SIGN:
        *out = WAX_PKI_PROFILE_SIGN;
        return WAX_OK;
    case WAX_PKI_USAGE_ENCRYPT:
        *out = WAX_PKI_PROFILE_ENCRYPT;
        return WAX_OK;
    case WAX_PKI_USAGE_BOTH:
        *out = WAX_PKI_PROFILE_DUAL;
        return WAX_OK;
    }
    WAX_FAIL(WAX_ERR_INVALID_ARGUMENT);
}

wax_err
wax_pki_usage_parse(const char *name, enum wax_pki_usage *out)
{
    static const char *const names[] = {"sign", "encrypt", "both"};
    WAX_ENSURE(name != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum wax_pki_usage)(WAX_PKI_USAGE_SIGN + i);
            return WAX_OK;
        }
    }
    WAX_FAIL(WAX_ERR_INVALID_ARGUMENT);
}

wax_err
wax_pki_profile_parse(const char *name, enum wax_pki_profile *out)
{
    static const char *const names[] = {"ca", "smime-sign", "smime-encrypt",
                                        "smime-dual"};
    WAX_ENSURE(name != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum wax_pki_profile)(WAX_PKI_PROFILE_CA + i);
            return WAX_OK;
        }
    }
    WAX_FAIL(WAX_ERR_INVALID_ARGUMENT);
}

/* check_subject: SUBJECT is one valid Name TLV; *OUT_EMPTY tells whether
 * it has no RDN. */
static wax_err
check_subject(const uint8_t *subject, size_t len, bool *out_empty)
{
    struct wax_span s, name;
    wax_span_init(&s, subject, len);
    WAX_ENSURE(subject != NULL &&
                   wax_der_get_element(&s, WAX_DER_SEQUENCE, &name) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_NAME);
    WAX_TRY(wax_x509_name_check(name));
    *out_empty = wax_x509_name_is_empty(name);
    return WAX_OK;
}

struct req_parts {
    struct wax_span subject;
    struct wax_span spki;
    const struct wax_pki_cert_template *t; /* key usage, EKUs, emails */
    bool san_critical;
};

static wax_err
build_info(struct wax_der_builder *b, const struct req_parts *r)
{
    struct wax_der_builder info, attrs, attr, values, exts;
    struct wax_span ext_req = wax_oid_span(WAX_OID_PKCS9_EXTENSION_REQUEST);
    const struct wax_pki_cert_template *t = r->t;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &info));
    WAX_TRY(wax_der_builder_add_u64(&info, 0)); /* v1 */
    WAX_TRY(wax_der_builder_add_element(&info, r->subject.p, r->subject.len));
    WAX_TRY(wax_der_builder_add_element(&info, r->spki.p, r->spki.len));
    WAX_TRY(wax_der_builder_open(&info, WAX_DER_CONTEXT_CONS(0), &attrs));
    WAX_TRY(wax_der_builder_open(&attrs, WAX_DER_SEQUENCE, &attr));
    WAX_TRY(wax_der_builder_add_oid(&attr, ext_req.p, ext_req.len));
    WAX_TRY(wax_der_builder_open(&attr, WAX_DER_SET, &values));
    WAX_TRY(wax_der_builder_open(&values, WAX_DER_SEQUENCE, &exts));
    WAX_TRY(pki_add_key_usage(&exts, t->key_usage));
    WAX_TRY(pki_add_eku(&exts, t->ekus, t->num_ekus));
    if (t->num_emails > 0) {
        WAX_TRY(pki_add_san(&exts, t->emails, t->num_emails, r->san_critical));
    }
    WAX_TRY(wax_der_builder_close(&exts));
    WAX_TRY(wax_der_builder_close(&values));
    WAX_TRY(wax_der_builder_close(&attr));
    WAX_TRY(wax_der_builder_close(&attrs));
    return wax_der_builder_close(&info);
}

/* build_req writes the signed request into B. */
static wax_err
build_req(struct wax_der_builder *b, const struct req_parts *r,
          const struct wax_privkey *key)
{
    struct wax_der_builder ib;
    uint8_t *info = NULL;
    size_t info_len = 0;
    wax_der_builder_init(&ib, WAX_MAX_PKI_REQ_BYTES);
    wax_err err = build_info(&ib, r);
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&ib, &info, &info_len);
    }
    wax_der_builder_cleanup(&ib);
    if (err == WAX_OK) {
        err = pki_sign_wrap(b, info, info_len, key);
    }
    free(info);
    return err;
}

/* self_check parses the request back and checks its signature. */
static wax_err
req_self_check(const uint8_t *der, size_t len)
{
    struct wax_x509_req *req = malloc(sizeof *req);
    WAX_ENSURE(req != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_req_parse(req, der, len);
    if (err == WAX_OK) {
        err = wax_x509_req_verify_signature(req);
    }
    free(req);
    return err;
}

wax_err
wax_pki_req_make(struct wax_buf *out, const uint8_t *subject,
                 size_t subject_len, const char *const *emails,
                 size_t num_emails, enum wax_pki_usage usage,
                 const struct wax_privkey *key)
{
    WAX_ENSURE(out != NULL && key != NULL &&
                   (emails != NULL || num_emails == 0),
               WAX_ERR_INVALID_ARGUMENT);
    enum wax_pki_profile profile;
    WAX_TRY(usage_profile(usage, &profile));
    bool empty;
    WAX_TRY(check_subject(subject, subject_len, &empty));
    WAX_ENSURE(!empty || num_emails > 0, WAX_ERR_PKI_BAD_TEMPLATE);
    WAX_ENSURE(num_emails <= WAX_MAX_PKI_EMAILS, WAX_ERR_LIMIT_EXCEEDED);
    for (size_t i = 0; i < num_emails; i++) {
        size_t len;
        bool utf8;
        WAX_TRY(pki_email_check(emails[i], &len, &utf8));
    }
    struct wax_sig_alg alg;
    enum wax_oid_id oid;
    bool null_params;
    wax_err err = pki_sig_alg_for_key(key, &alg, &oid, &null_params);
    WAX_ENSURE(err != WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY,
               WAX_ERR_PKI_REQ_KEY_CANNOT_SIGN);
    WAX_TRY(err);

    struct wax_pubkey *pub = NULL;
    WAX_TRY(wax_privkey_public(key, &pub));
    struct wax_pki_cert_template t;
    wax_pki_cert_template_init(&t);
    err = wax_pki_cert_template_profile(&t, profile, pub);
    t.emails = emails;
    t.num_emails = num_emails;

    struct wax_buf spki;
    struct wax_der_builder b;
    uint8_t *der = NULL;
    size_t der_len = 0;
    wax_buf_init(&spki, WAX_MAX_PKI_REQ_BYTES);
    wax_der_builder_init(&b, WAX_MAX_PKI_REQ_BYTES);
    if (err == WAX_OK) {
        err = wax_pubkey_to_spki(pub, &spki);
    }
    if (err == WAX_OK) {
        struct req_parts r = {0};
        wax_span_init(&r.subject, subject, subject_len);
        wax_span_init(&r.spki, spki.data, spki.len);
        r.t = &t;
        r.san_critical = empty;
        err = build_req(&b, &r, key);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &der_len);
    }
    if (err == WAX_ERR_DER_BUILDER_OVERFLOW) {
        err = WAX_ERR_LIMIT_EXCEEDED;
    }
    if (err == WAX_OK) {
        err = req_self_check(der, der_len);
    }
    if (err == WAX_OK) {
        err = wax_buf_append(out, der, der_len);
    }
    free(der);
    wax_der_builder_cleanup(&b);
    wax_buf_cleanup(&spki);
    wax_pubkey_free(pub);
    return err;
}

/* ------------------------------------------------------------------ */
/* From a request to a template.                                       */

/* take_emails copies the email addresses of the requested
 * subjectAltName into R. */
static wax_err
take_emails(struct wax_pki_from_req *r, const struct wax_x509_req *req)
{
    if (!req->has_extension_request || !req->info_ext.has_san) {
        return WAX_OK;
    }
    struct wax_x509_iter it;
    struct wax_x509_general_name gn;
    bool present;
    size_t n = 0;
    wax_x509_san_iter(&req->info_ext, &it);
    while (true) {
        WAX_TRY(wax_x509_gn_next(&it, &gn, &present));
        if (!present) {
            break;
        }
        WAX_ENSURE(gn.type == WAX_GN_RFC822 ||
                       (gn.type == WAX_GN_OTHER_NAME && gn.is_smtp_utf8),
                   WAX_ERR_PKI_REQ_UNSUPPORTED_NAME);
        WAX_ENSURE(n < WAX_MAX_PKI_EMAILS, WAX_ERR_LIMIT_EXCEEDED);
        WAX_ENSURE(gn.value.len <= WAX_MAX_PKI_EMAIL_LEN &&
                       memchr(gn.value.p, '\0', gn.value.len) == NULL,
                   WAX_ERR_PKI_BAD_EMAIL);
        memcpy(r->email_text[n], gn.value.p, gn.value.len);
        r->email_text[n][gn.value.len] = '\0';
        r->emails[n] = r->email_text[n];
        n++;
    }
    r->t.emails = r->emails;
    r->t.num_emails = n;
    return WAX_OK;
}

static wax_err
fill_from_req(struct wax_pki_from_req *r, const struct wax_x509_req *req,
              enum wax_pki_profile profile)
{
    wax_err err = wax_x509_req_verify_signature(req);
    WAX_ENSURE(err != WAX_ERR_X509_SIGNATURE_INVALID,
               WAX_ERR_PKI_REQ_SIGNATURE_INVALID);
    WAX_TRY(err);
    WAX_TRY(take_emails(r, req));
    WAX_TRY(wax_pubkey_from_spki(&r->key, req->spki.der.p, req->spki.der.len));
    /* what the path layer would refuse without --allow-weak */
    enum wax_key_type type = wax_pubkey_type(r->key);
    WAX_ENSURE(!((type == WAX_KEY_RSA || type == WAX_KEY_DSA) &&
                 wax_pubkey_bits(r->key) < WAX_PATH_MIN_RSA_BITS),
               WAX_ERR_PKI_REQ_WEAK_KEY);
    WAX_TRY(wax_pki_cert_template_profile(&r->t, profile, r->key));
    r->t.subject = req->subject.p;
    r->t.subject_len = req->subject.len;
    return WAX_OK;
}

wax_err
wax_pki_req_to_template(struct wax_pki_from_req *out, const uint8_t *req,
                        size_t req_len, enum wax_pki_profile profile)
{
    WAX_ENSURE(out != NULL && req != NULL, WAX_ERR_INVALID_ARGUMENT);
    memset(out, 0, sizeof *out);
    WAX_ENSURE(profile == WAX_PKI_PROFILE_SIGN ||
                   profile == WAX_PKI_PROFILE_ENCRYPT ||
                   profile == WAX_PKI_PROFILE_DUAL,
               WAX_ERR_INVALID_ARGUMENT);
    struct wax_x509_req *parsed = malloc(sizeof *parsed);
    WAX_ENSURE(parsed != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_req_parse(parsed, req, req_len);
    if (err == WAX_OK) {
        err = fill_from_req(out, parsed, profile);
    }
    free(parsed);
    if (err != WAX_OK) {
        wax_pki_from_req_cleanup(out);
        memset(out, 0, sizeof *out);
    }
    return err;
}

void
wax_pki_from_req_cleanup(struct wax_pki_from_req *r)
{
    if (r != NULL) {
        wax_pubkey_free(r->key);
        r->key = NULL;
    }
}

wax_err
wax_pki_cert_from_req(struct wax_buf *out, const uint8_t *req, size_t req_len,
                      enum wax_pki_profile profile, int64_t not_before,
                      int64_t not_after, const char *crl_uri,
                      const struct wax_privkey *ca_key, const uint8_t *ca_cert,
                      size_t ca_cert_len)
{
    WAX_ENSURE(out != NULL && ca_key != NULL && ca_cert != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    struct wax_pki_from_req *r = malloc(sizeof *r);
    WAX_ENSURE(r != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_pki_req_to_template(r, req, req_len, profile);
    if (err == WAX_OK) {
        r->t.not_before = not_before;
        r->t.not_after = not_after;
        r->t.crl_uri = crl_uri;
        err =
            wax_pki_cert_make(out, &r->t, ca_key, ca_cert, ca_cert_len, r->key);
    }
    wax_pki_from_req_cleanup(r);
    free(r);
    return err;
}
