/* Unit tests: PKCS#10 requests made by the pki layer (wax_pki_req_make)
 * read back through the x509 parser, and certificates issued from
 * requests (wax_pki_req_to_template, wax_pki_cert_from_req). */
#include <stdlib.h>
#include <string.h>

#include <wax/pki.h>

#include "../harness.h"
#include "pki_test.h"

#define DS_NR (WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION)

/* check_emails: the GeneralNames SAN lists exactly EMAILS, in order, as
 * rfc822Name or (non-ASCII local part) SmtpUTF8Mailbox. */
static bool
san_is(const struct wax_x509_ext_info *info, const char *const *emails,
       size_t n)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name gn;
    bool present;
    wax_x509_san_iter(info, &it);
    for (size_t i = 0; i <= n; i++) {
        if (wax_x509_gn_next(&it, &gn, &present) != WAX_OK) {
            return false;
        }
        if (i == n) {
            return !present;
        }
        bool utf8 = false;
        for (const char *c = emails[i]; *c != '@'; c++) {
            utf8 |= (unsigned char)*c >= 0x80;
        }
        if (!present || strlen(emails[i]) != gn.value.len ||
            memcmp(gn.value.p, emails[i], gn.value.len) != 0) {
            return false;
        }
        if (utf8 ? !(gn.type == WAX_GN_OTHER_NAME && gn.is_smtp_utf8)
                 : gn.type != WAX_GN_RFC822) {
            return false;
        }
    }
    return false;
}

/* eku_is_email: extendedKeyUsage is exactly { emailProtection }. */
static bool
eku_is_email(const struct wax_x509_ext_info *info)
{
    struct wax_x509_iter it;
    struct wax_span oid;
    enum wax_oid_id id;
    bool present;
    wax_x509_eku_iter(info, &it);
    return info->has_eku && wax_x509_oid_next(&it, &oid, &id, &present) == 0 &&
           present && id == WAX_OID_KP_EMAIL_PROTECTION &&
           wax_x509_oid_next(&it, &oid, &id, &present) == 0 && !present;
}

/* ------------------------------------------------------------------ */
/* Requests: every field back through wax_x509_req_parse.              */

struct req_row {
    enum wax_keygen kind;
    enum wax_pki_usage usage;
    uint32_t want_ku;
    enum wax_oid_id want_sig;
};

static const struct req_row req_rows[] = {
    {WAX_KEYGEN_RSA2048, WAX_PKI_USAGE_SIGN, DS_NR, WAX_OID_SHA256_WITH_RSA},
    {WAX_KEYGEN_RSA2048, WAX_PKI_USAGE_ENCRYPT, WAX_KU_KEY_ENCIPHERMENT,
     WAX_OID_SHA256_WITH_RSA},
    {WAX_KEYGEN_RSA2048, WAX_PKI_USAGE_BOTH, DS_NR | WAX_KU_KEY_ENCIPHERMENT,
     WAX_OID_SHA256_WITH_RSA},
    {WAX_KEYGEN_P256, WAX_PKI_USAGE_SIGN, DS_NR, WAX_OID_ECDSA_WITH_SHA256},
    {WAX_KEYGEN_P256, WAX_PKI_USAGE_ENCRYPT, WAX_KU_KEY_AGREEMENT,
     WAX_OID_ECDSA_WITH_SHA256},
    {WAX_KEYGEN_P384, WAX_PKI_USAGE_BOTH, DS_NR | WAX_KU_KEY_AGREEMENT,
     WAX_OID_ECDSA_WITH_SHA384},
    {WAX_KEYGEN_P521, WAX_PKI_USAGE_SIGN, DS_NR, WAX_OID_ECDSA_WITH_SHA512},
    {WAX_KEYGEN_ED25519, WAX_PKI_USAGE_SIGN, DS_NR, WAX_OID_ED25519},
};

TEST(pki_req_fields)
{
    static const char *const emails[] = {"alice@example.org",
                                         "a.l+ice@mail.example.org"};
    struct wax_buf subject;
    CHECK_OK(pt_dn(&subject, "CN=Alice,O=Wax Test,C=DE"));
    for (size_t i = 0; i < sizeof req_rows / sizeof req_rows[0]; i++) {
        const struct req_row *row = &req_rows[i];
        struct wax_privkey *key = pt_key(row->kind, 0);
        CHECK(key != NULL);
        struct wax_buf out, spki;
        wax_buf_init(&out, WAX_MAX_PKI_REQ_BYTES);
        wax_buf_init(&spki, 4096);
        CHECK_OK(pt_spki(key, &spki));
        CHECK_OK(wax_pki_req_make(&out, subject.data, subject.len, emails, 2,
                                  row->usage, key));
        struct wax_x509_req *req = malloc(sizeof *req);
        CHECK(req != NULL);
        wax_err perr = wax_x509_req_parse(req, out.data, out.len);
        wax_err verr =
            perr == WAX_OK ? wax_x509_req_verify_signature(req) : perr;
        bool ok = perr == WAX_OK && verr == WAX_OK && req->version == 1 &&
                  req->subject.len == subject.len &&
                  memcmp(req->subject.p, subject.data, subject.len) == 0 &&
                  req->spki.der.len == spki.len &&
                  memcmp(req->spki.der.p, spki.data, spki.len) == 0 &&
                  req->sig_alg_id.id == row->want_sig &&
                  req->num_attributes == 1 && req->has_extension_request &&
                  req->exts.num == 3 && req->info_ext.has_key_usage &&
                  req->info_ext.key_usage == row->want_ku &&
                  !req->info_ext.has_basic_constraints &&
                  eku_is_email(&req->info_ext) &&
                  san_is(&req->info_ext, emails, 2);
        const struct wax_x509_ext *ku =
            ok ? wax_x509_exts_find(&req->exts, WAX_OID_CE_KEY_USAGE) : NULL;
        const struct wax_x509_ext *san =
            ok ? wax_x509_exts_find(&req->exts, WAX_OID_CE_SUBJECT_ALT_NAME)
               : NULL;
        bool crit_ok =
            ku != NULL && ku->critical && san != NULL && !san->critical;
        free(req);
        wax_buf_cleanup(&out);
        wax_buf_cleanup(&spki);
        CHECK_MSG(perr == WAX_OK && verr == WAX_OK, "row %zu: %s %s", i,
                  wax_err_name(perr), wax_err_name(verr));
        CHECK_MSG(ok && crit_ok, "row %zu: fields differ", i);
    }
    wax_buf_cleanup(&subject);
}

/* An empty subject: the SAN is critical; a non-ASCII local part is an
 * SmtpUTF8Mailbox. No emails: no SAN. */
TEST(pki_req_empty_subject_smtputf8_and_no_san)
{
    static const char *const emails[] = {"erika.m\xC3\xBCller@example.org",
                                         "bob@example.org"};
    struct wax_privkey *key = pt_key(WAX_KEYGEN_P256, 0);
    CHECK(key != NULL);
    struct wax_buf empty, named, out;
    CHECK_OK(pt_dn(&empty, ""));
    CHECK_OK(pt_dn(&named, "CN=Nobody"));
    wax_buf_init(&out, WAX_MAX_PKI_REQ_BYTES);
    struct wax_x509_req req;
    CHECK_OK(wax_pki_req_make(&out, empty.data, empty.len, emails, 2,
                              WAX_PKI_USAGE_BOTH, key));
    CHECK_OK(wax_x509_req_parse(&req, out.data, out.len));
    CHECK_OK(wax_x509_req_verify_signature(&req));
    CHECK(wax_x509_name_is_empty(req.subject));
    CHECK(san_is(&req.info_ext, emails, 2));
    const struct wax_x509_ext *san =
        wax_x509_exts_find(&req.exts, WAX_OID_CE_SUBJECT_ALT_NAME);
    CHECK(san != NULL && san->critical);

    wax_buf_reset(&out);
    CHECK_OK(wax_pki_req_make(&out, named.data, named.len, NULL, 0,
                              WAX_PKI_USAGE_SIGN, key));
    CHECK_OK(wax_x509_req_parse(&req, out.data, out.len));
    CHECK_OK(wax_x509_req_verify_signature(&req));
    CHECK(!req.info_ext.has_san);
    CHECK_EQ_U64(req.exts.num, 2);
    CHECK_EQ_U64(req.info_ext.key_usage, DS_NR);
    wax_buf_cleanup(&empty);
    wax_buf_cleanup(&named);
    wax_buf_cleanup(&out);
}

/* Every refusal of wax_pki_req_make, with OUT left unchanged. */
TEST(pki_req_errors)
{
    static const char *const good[] = {"alice@example.org"};
    static const char *const no_at[] = {"alice.example.org"};
    static const char *const idna[] = {"alice@b\xC3\xBC.example"};
    static const char *many[WAX_MAX_PKI_EMAILS + 1];
    for (size_t i = 0; i < WAX_MAX_PKI_EMAILS + 1; i++) {
        many[i] = "x@example.org";
    }
    static const uint8_t not_name[] = {0x04, 0x00};
    static const uint8_t trailing[] = {0x30, 0x00, 0x00};
    /* a PrintableString holding '@' */
    static const uint8_t bad_string[] = {0x30, 0x0c, 0x31, 0x0a, 0x30,
                                         0x08, 0x06, 0x03, 0x55, 0x04,
                                         0x03, 0x13, 0x01, 0x40};
    struct wax_privkey *rsa = pt_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_privkey *ed = pt_key(WAX_KEYGEN_ED25519, 0);
    struct wax_privkey *x25519 = pt_key(WAX_KEYGEN_X25519, 0);
    CHECK(rsa != NULL && ed != NULL && x25519 != NULL);
    struct wax_buf subj, empty, out;
    CHECK_OK(pt_dn(&subj, "CN=Alice"));
    CHECK_OK(pt_dn(&empty, ""));
    wax_buf_init(&out, WAX_MAX_PKI_REQ_BYTES);
    const uint8_t *s = subj.data;
    size_t sl = subj.len;

    struct {
        const char *what;
        const uint8_t *subject;
        size_t subject_len;
        const char *const *emails;
        size_t n;
        enum wax_pki_usage usage;
        const struct wax_privkey *key;
        wax_err want;
    } rows[] = {
        {"null key", s, sl, good, 1, WAX_PKI_USAGE_SIGN, NULL,
         WAX_ERR_INVALID_ARGUMENT},
        {"emails null", s, sl, NULL, 1, WAX_PKI_USAGE_SIGN, rsa,
         WAX_ERR_INVALID_ARGUMENT},
        {"usage 0", s, sl, good, 1, (enum wax_pki_usage)0, rsa,
         WAX_ERR_INVALID_ARGUMENT},
        {"usage 4", s, sl, good, 1, (enum wax_pki_usage)4, rsa,
         WAX_ERR_INVALID_ARGUMENT},
        {"subject null", NULL, 0, good, 1, WAX_PKI_USAGE_SIGN, rsa,
         WAX_ERR_X509_BAD_NAME},
        {"subject not a Name", not_name, sizeof not_name, good, 1,
         WAX_PKI_USAGE_SIGN, rsa, WAX_ERR_X509_BAD_NAME},
        {"subject trailing", trailing, sizeof trailing, good, 1,
         WAX_PKI_USAGE_SIGN, rsa, WAX_ERR_X509_BAD_NAME},
        {"subject bad string", bad_string, sizeof bad_string, good, 1,
         WAX_PKI_USAGE_SIGN, rsa, WAX_ERR_X509_BAD_NAME},
        {"empty subject no email", empty.data, empty.len, NULL, 0,
         WAX_PKI_USAGE_SIGN, rsa, WAX_ERR_PKI_BAD_TEMPLATE},
        {"email without @", s, sl, no_at, 1, WAX_PKI_USAGE_SIGN, rsa,
         WAX_ERR_PKI_BAD_EMAIL},
        {"email needs IDNA", s, sl, idna, 1, WAX_PKI_USAGE_SIGN, rsa,
         WAX_ERR_PKI_EMAIL_NEEDS_IDNA},
        {"too many emails", s, sl, many, WAX_MAX_PKI_EMAILS + 1,
         WAX_PKI_USAGE_SIGN, rsa, WAX_ERR_LIMIT_EXCEEDED},
        {"x25519 cannot sign", s, sl, good, 1, WAX_PKI_USAGE_ENCRYPT, x25519,
         WAX_ERR_PKI_REQ_KEY_CANNOT_SIGN},
        {"ed25519 encrypt", s, sl, good, 1, WAX_PKI_USAGE_ENCRYPT, ed,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH},
        {"ed25519 both", s, sl, good, 1, WAX_PKI_USAGE_BOTH, ed,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        wax_err got = wax_pki_req_make(&out, rows[i].subject,
                                       rows[i].subject_len, rows[i].emails,
                                       rows[i].n, rows[i].usage, rows[i].key);
        CHECK_MSG(got == rows[i].want, "%s: got %s, want %s", rows[i].what,
                  wax_err_name(got), wax_err_name(rows[i].want));
        CHECK_MSG(out.len == 0, "%s: output written", rows[i].what);
    }
    CHECK_ERR(wax_pki_req_make(NULL, s, sl, good, 1, WAX_PKI_USAGE_SIGN, rsa),
              WAX_ERR_INVALID_ARGUMENT);
    wax_buf_cleanup(&subj);
    wax_buf_cleanup(&empty);
    wax_buf_cleanup(&out);
}

/* ------------------------------------------------------------------ */
/* Issuing from requests.                                              */

struct issue_row {
    enum wax_keygen kind;
    enum wax_pki_usage asked; /* what the request asks: the CA ignores it */
    enum wax_pki_profile profile;
    uint32_t want_ku;
};

static const struct issue_row issue_rows[] = {
    {WAX_KEYGEN_RSA2048, WAX_PKI_USAGE_SIGN, WAX_PKI_PROFILE_SIGN, DS_NR},
    {WAX_KEYGEN_RSA2048, WAX_PKI_USAGE_SIGN, WAX_PKI_PROFILE_ENCRYPT,
     WAX_KU_KEY_ENCIPHERMENT},
    {WAX_KEYGEN_RSA2048, WAX_PKI_USAGE_ENCRYPT, WAX_PKI_PROFILE_DUAL,
     DS_NR | WAX_KU_KEY_ENCIPHERMENT},
    {WAX_KEYGEN_P256, WAX_PKI_USAGE_BOTH, WAX_PKI_PROFILE_ENCRYPT,
     WAX_KU_KEY_AGREEMENT},
    {WAX_KEYGEN_P384, WAX_PKI_USAGE_BOTH, WAX_PKI_PROFILE_DUAL,
     DS_NR | WAX_KU_KEY_AGREEMENT},
    {WAX_KEYGEN_ED25519, WAX_PKI_USAGE_SIGN, WAX_PKI_PROFILE_SIGN, DS_NR},
};

TEST(pki_cert_from_req_fields)
{
    static const char *const emails[] = {"alice@example.org",
                                         "j\xC3\xBCrgen@example.org"};
    struct wax_privkey *ca_key = pt_key(WAX_KEYGEN_P256, 1);
    CHECK(ca_key != NULL);
    struct wax_buf ca, subject;
    CHECK_OK(pt_cert(&ca, "CN=Wax Test CA", NULL, WAX_PKI_PROFILE_CA, ca_key,
                     NULL, NULL));
    struct wax_x509_cert cac;
    CHECK_OK(wax_x509_cert_parse(&cac, ca.data, ca.len));
    CHECK(cac.info.has_ski);
    CHECK_OK(pt_dn(&subject, "CN=Alice,O=Wax Test"));
    for (size_t i = 0; i < sizeof issue_rows / sizeof issue_rows[0]; i++) {
        const struct issue_row *row = &issue_rows[i];
        struct wax_privkey *key = pt_key(row->kind, 0);
        CHECK(key != NULL);
        struct wax_buf req, cert, spki;
        wax_buf_init(&req, WAX_MAX_PKI_REQ_BYTES);
        wax_buf_init(&cert, WAX_MAX_PKI_CERT_BYTES);
        wax_buf_init(&spki, 4096);
        CHECK_OK(pt_spki(key, &spki));
        CHECK_OK(wax_pki_req_make(&req, subject.data, subject.len, emails, 2,
                                  row->asked, key));
        wax_err err = wax_pki_cert_from_req(
            &cert, req.data, req.len, row->profile, 1600000000, 1700000000,
            "http://crl.example.org/ca.crl", ca_key, ca.data, ca.len);
        CHECK_MSG(err == WAX_OK, "row %zu: %s", i, wax_err_name(err));
        struct wax_x509_cert *c = malloc(sizeof *c);
        CHECK(c != NULL);
        err = wax_x509_cert_parse(c, cert.data, cert.len);
        if (err == WAX_OK) {
            err = wax_x509_cert_verify_signature(c, cac.spki.der);
        }
        struct wax_x509_iter it;
        struct wax_x509_dist_point dp;
        bool present = false;
        wax_x509_crl_dps_iter(&c->info, &it);
        bool ok =
            err == WAX_OK && c->version == 3 && c->subject.len == subject.len &&
            memcmp(c->subject.p, subject.data, subject.len) == 0 &&
            c->issuer.len == cac.subject.len &&
            memcmp(c->issuer.p, cac.subject.p, cac.subject.len) == 0 &&
            c->spki.der.len == spki.len &&
            memcmp(c->spki.der.p, spki.data, spki.len) == 0 &&
            c->not_before == 1600000000 && c->not_after == 1700000000 &&
            c->info.has_basic_constraints && !c->info.ca &&
            c->info.key_usage == row->want_ku && eku_is_email(&c->info) &&
            san_is(&c->info, emails, 2) && c->info.has_ski &&
            c->info.aki.has_key_id &&
            c->info.aki.key_id.len == cac.info.ski.len &&
            memcmp(c->info.aki.key_id.p, cac.info.ski.p, cac.info.ski.len) ==
                0 &&
            c->serial.len >= 1 && c->serial.len <= WAX_PKI_SERIAL_BYTES &&
            wax_x509_dist_point_next(&it, &dp, &present) == WAX_OK && present &&
            dp.has_full_name;
        free(c);
        wax_buf_cleanup(&req);
        wax_buf_cleanup(&cert);
        wax_buf_cleanup(&spki);
        CHECK_MSG(ok, "row %zu: fields differ (%s)", i, wax_err_name(err));
    }
    wax_buf_cleanup(&ca);
    wax_buf_cleanup(&subject);
}

/* hand_req builds a request for a P-256 KEY whose extensionRequest holds
 * a subjectAltName with the GeneralNames contents SAN (SAN_LEN bytes). */
static wax_err
hand_req(struct wax_buf *out, const struct wax_privkey *key, const uint8_t *san,
         size_t san_len)
{
    struct wax_der_builder b, info, attrs, attr, set, exts, ext, val, names;
    struct wax_buf spki, name;
    struct wax_span er = wax_oid_span(WAX_OID_PKCS9_EXTENSION_REQUEST);
    struct wax_span so = wax_oid_span(WAX_OID_CE_SUBJECT_ALT_NAME);
    wax_buf_init(&spki, 4096);
    WAX_TRY(pt_spki(key, &spki));
    WAX_TRY(pt_dn(&name, "CN=Hand"));
    wax_der_builder_init(&b, 65536);
    WAX_TRY(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &info));
    WAX_TRY(wax_der_builder_add_u64(&info, 0));
    WAX_TRY(wax_der_builder_add_element(&info, name.data, name.len));
    WAX_TRY(wax_der_builder_add_element(&info, spki.data, spki.len));
    WAX_TRY(wax_der_builder_open(&info, WAX_DER_CONTEXT_CONS(0), &attrs));
    WAX_TRY(wax_der_builder_open(&attrs, WAX_DER_SEQUENCE, &attr));
    WAX_TRY(wax_der_builder_add_oid(&attr, er.p, er.len));
    WAX_TRY(wax_der_builder_open(&attr, WAX_DER_SET, &set));
    WAX_TRY(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &exts));
    WAX_TRY(wax_der_builder_open(&exts, WAX_DER_SEQUENCE, &ext));
    WAX_TRY(wax_der_builder_add_oid(&ext, so.p, so.len));
    WAX_TRY(wax_der_builder_open(&ext, WAX_DER_OCTET_STRING, &val));
    WAX_TRY(wax_der_builder_open(&val, WAX_DER_SEQUENCE, &names));
    WAX_TRY(wax_der_builder_add_bytes(&names, san, san_len));
    WAX_TRY(wax_der_builder_close(&names));
    WAX_TRY(wax_der_builder_close(&val));
    WAX_TRY(wax_der_builder_close(&ext));
    WAX_TRY(wax_der_builder_close(&exts));
    WAX_TRY(wax_der_builder_close(&set));
    WAX_TRY(wax_der_builder_close(&attr));
    WAX_TRY(wax_der_builder_close(&attrs));
    WAX_TRY(wax_der_builder_close(&info));
    uint8_t *tbs;
    size_t tbs_len;
    WAX_TRY(wax_der_builder_finish(&b, &tbs, &tbs_len));
    wax_der_builder_cleanup(&b);
    uint8_t sig[WAX_MAX_SIG_BYTES];
    size_t sig_len;
    struct wax_sig_alg alg = {.scheme = WAX_SIG_ECDSA,
                              .digest = WAX_DIGEST_SHA256};
    wax_err err =
        wax_privkey_sign(key, &alg, sig, sizeof sig, &sig_len, tbs, tbs_len);
    struct wax_der_builder o, seq, algid;
    struct wax_span ecdsa = wax_oid_span(WAX_OID_ECDSA_WITH_SHA256);
    wax_der_builder_init(&o, 65536);
    if (err == WAX_OK) {
        err = wax_der_builder_open(&o, WAX_DER_SEQUENCE, &seq);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_element(&seq, tbs, tbs_len);
    }
    free(tbs);
    WAX_TRY(err);
    WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &algid));
    WAX_TRY(wax_der_builder_add_oid(&algid, ecdsa.p, ecdsa.len));
    WAX_TRY(wax_der_builder_close(&algid));
    WAX_TRY(wax_der_builder_add_bit_string(&seq, sig, sig_len, 0));
    WAX_TRY(wax_der_builder_close(&seq));
    uint8_t *der;
    size_t der_len;
    WAX_TRY(wax_der_builder_finish(&o, &der, &der_len));
    wax_der_builder_cleanup(&o);
    err = wax_buf_append(out, der, der_len);
    free(der);
    wax_buf_cleanup(&spki);
    wax_buf_cleanup(&name);
    return err;
}

/* A 1024-bit RSA key (too weak to certify; made for this test). */
static const char rsa1024_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAOF4hOB7WBY9Wt4Y\n"
    "iN7a2wHYvpJBjNUebGRqVmMigmi7YFiUo5QlqiPwzx2+RopOe5btTCHhIlMhgo+R\n"
    "M1yNBhtBQFPuq9f8osNhHtE7JzjGDwdWVymWU396UOEzKSSN49JDGahSlzYz0/my\n"
    "HJ13uznhYJlmqjDUUO9B5ybWaRSPAgMBAAECgYEAr+bve5afBVK+ppDrjzmdLRak\n"
    "rsP3FHmUxM51MQhGR2EP7GuiJr0vvLRtUV4V+Gb8YqYlBDV5KvP0wP7d3DGldX0P\n"
    "oXllYSF/BG01AwwRY/FHZCMAk0rQSZIkh4TrRk8j7XrfjdbufOWZhaE53sFERQGG\n"
    "sFvwF1KDFutef5ckQskCQQDzJ4KR3/4IQFSya1lwLvnMi1ZP+CRigXNjFy+LAMmE\n"
    "V76/CCTRHFDOuPb14PQrKY7y0IpmnLkSQhOYgf6m4q8DAkEA7WHZ9tsMwXVIrHDT\n"
    "AkoLXBguKpzlB+bVibVoP3GGpAPjp9AUUv0sLsNXzKxgsp7TF/Yvj+4MRV452FK4\n"
    "u564hQJAeMj4oFP/UcP7DsIqpIKBTe0tS/48vL4HPoLm+ArFD7uyohx+hW2manoR\n"
    "G2TKhaJYQx/6kCxr9rjiGRECGY5jVwJBAK5RUvxB82YFOG7ZEzr1IM5qO0yzlkRt\n"
    "MJZFjt44AcVjzcOnu6UNoWpdrJXyZ7gDhcRs1pR9HKm7/gJrDJlKfvkCQF8944ep\n"
    "HecuV8TyVTeJCpVk5TLPr7F5RZA0sGHIa4gfpuDtaxOP6mr7hUs72WLvn1ua5mMj\n"
    "sPwAtRjfFtYMAyc=\n"
    "-----END PRIVATE KEY-----\n";

TEST(pki_cert_from_req_errors)
{
    static const char *const good[] = {"alice@example.org"};
    struct wax_privkey *ca_key = pt_key(WAX_KEYGEN_P256, 1);
    struct wax_privkey *other = pt_key(WAX_KEYGEN_P256, 2);
    struct wax_privkey *rsa = pt_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_privkey *ed = pt_key(WAX_KEYGEN_ED25519, 0);
    struct wax_privkey *p256 = pt_key(WAX_KEYGEN_P256, 0);
    CHECK(ca_key && other && rsa && ed && p256);
    struct wax_buf ca, leaf, subject, rreq, ereq, tampered, dns, rfc, many;
    CHECK_OK(pt_cert(&ca, "CN=Wax Test CA", NULL, WAX_PKI_PROFILE_CA, ca_key,
                     NULL, NULL));
    CHECK_OK(pt_cert(&leaf, "CN=Leaf", "leaf@example.org", WAX_PKI_PROFILE_SIGN,
                     other, ca_key, &ca));
    CHECK_OK(pt_dn(&subject, "CN=Alice"));
    wax_buf_init(&rreq, WAX_MAX_PKI_REQ_BYTES);
    wax_buf_init(&ereq, WAX_MAX_PKI_REQ_BYTES);
    wax_buf_init(&tampered, WAX_MAX_PKI_REQ_BYTES);
    wax_buf_init(&dns, WAX_MAX_PKI_REQ_BYTES);
    wax_buf_init(&rfc, WAX_MAX_PKI_REQ_BYTES);
    wax_buf_init(&many, WAX_MAX_PKI_REQ_BYTES);
    CHECK_OK(wax_pki_req_make(&rreq, subject.data, subject.len, good, 1,
                              WAX_PKI_USAGE_BOTH, rsa));
    CHECK_OK(wax_pki_req_make(&ereq, subject.data, subject.len, good, 1,
                              WAX_PKI_USAGE_SIGN, ed));
    /* "Alice" -> "Blice" inside the signed info */
    CHECK_OK(wax_buf_append(&tampered, rreq.data, rreq.len));
    uint8_t *a = NULL;
    for (size_t i = 0; a == NULL && i + 5 <= tampered.len; i++) {
        if (memcmp(tampered.data + i, "Alice", 5) == 0) {
            a = tampered.data + i;
        }
    }
    CHECK(a != NULL);
    *a = 'B';
    /* dNSName [2] "example.org"; rfc822Name [1] "h@example.org" */
    static const uint8_t dns_gn[] = {0x82, 0x0b, 'e', 'x', 'a', 'm', 'p',
                                     'l',  'e',  '.', 'o', 'r', 'g'};
    static const uint8_t rfc_gn[] = {0x81, 0x0d, 'h', '@', 'e', 'x', 'a', 'm',
                                     'p',  'l',  'e', '.', 'o', 'r', 'g'};
    uint8_t *lots = malloc(sizeof rfc_gn * (WAX_MAX_PKI_EMAILS + 1));
    CHECK(lots != NULL);
    for (size_t i = 0; i <= WAX_MAX_PKI_EMAILS; i++) {
        memcpy(lots + i * sizeof rfc_gn, rfc_gn, sizeof rfc_gn);
    }
    struct wax_privkey *weak = NULL;
    struct wax_buf wreq;
    wax_buf_init(&wreq, WAX_MAX_PKI_REQ_BYTES);
    CHECK_OK(wax_privkey_load(&weak, (const uint8_t *)rsa1024_pem,
                              sizeof rsa1024_pem - 1, NULL));
    wax_err werr = wax_pki_req_make(&wreq, subject.data, subject.len, good, 1,
                                    WAX_PKI_USAGE_SIGN, weak);
    wax_privkey_free(weak);
    CHECK_OK(werr);
    CHECK_OK(hand_req(&dns, p256, dns_gn, sizeof dns_gn));
    CHECK_OK(hand_req(&rfc, p256, rfc_gn, sizeof rfc_gn));
    CHECK_OK(
        hand_req(&many, p256, lots, sizeof rfc_gn * (WAX_MAX_PKI_EMAILS + 1)));
    free(lots);

    /* the hand-made request with one rfc822Name is accepted */
    struct wax_pki_from_req *fr = malloc(sizeof *fr);
    CHECK(fr != NULL);
    CHECK_OK(
        wax_pki_req_to_template(fr, rfc.data, rfc.len, WAX_PKI_PROFILE_SIGN));
    CHECK_EQ_U64(fr->t.num_emails, 1);
    CHECK_STR(fr->t.emails[0], "h@example.org");
    CHECK(fr->key != NULL && !fr->t.ca && fr->t.key_usage == DS_NR);
    wax_pki_from_req_cleanup(fr);
    wax_pki_from_req_cleanup(fr);
    CHECK(fr->key == NULL);

    struct {
        const char *what;
        const struct wax_buf *req;
        size_t req_len; /* 0: whole */
        enum wax_pki_profile profile;
        wax_err want;
    } rows[] = {
        {"profile CA", &rreq, 0, WAX_PKI_PROFILE_CA, WAX_ERR_INVALID_ARGUMENT},
        {"profile 0", &rreq, 0, (enum wax_pki_profile)0,
         WAX_ERR_INVALID_ARGUMENT},
        {"truncated", &rreq, 10, WAX_PKI_PROFILE_SIGN, WAX_ERR_DER_TRUNCATED},
        {"signature", &tampered, 0, WAX_PKI_PROFILE_SIGN,
         WAX_ERR_PKI_REQ_SIGNATURE_INVALID},
        {"dNSName", &dns, 0, WAX_PKI_PROFILE_SIGN,
         WAX_ERR_PKI_REQ_UNSUPPORTED_NAME},
        {"65 emails", &many, 0, WAX_PKI_PROFILE_SIGN, WAX_ERR_LIMIT_EXCEEDED},
        {"rsa 1024", &wreq, 0, WAX_PKI_PROFILE_SIGN, WAX_ERR_PKI_REQ_WEAK_KEY},
        {"ed25519 encrypt", &ereq, 0, WAX_PKI_PROFILE_ENCRYPT,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH},
        {"ed25519 dual", &ereq, 0, WAX_PKI_PROFILE_DUAL,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = rows[i].req_len ? rows[i].req_len : rows[i].req->len;
        wax_err got = wax_pki_req_to_template(fr, rows[i].req->data, len,
                                              rows[i].profile);
        CHECK_MSG(got == rows[i].want, "%s: got %s, want %s", rows[i].what,
                  wax_err_name(got), wax_err_name(rows[i].want));
        CHECK_MSG(fr->key == NULL && fr->t.subject == NULL, "%s: state left",
                  rows[i].what);
    }
    CHECK_ERR(wax_pki_req_to_template(fr, NULL, 0, WAX_PKI_PROFILE_SIGN),
              WAX_ERR_INVALID_ARGUMENT);
    free(fr);

    /* wax_pki_cert_from_req passes on the template's and the maker's
     * errors, OUT untouched */
    struct wax_buf out;
    wax_buf_init(&out, WAX_MAX_PKI_CERT_BYTES);
    struct {
        const char *what;
        const struct wax_buf *req;
        int64_t nb, na;
        const char *uri;
        const struct wax_privkey *key;
        const struct wax_buf *ca;
        wax_err want;
    } issue[] = {
        {"signature", &tampered, 0, 1, NULL, ca_key, &ca,
         WAX_ERR_PKI_REQ_SIGNATURE_INVALID},
        {"issuer not CA", &rreq, 0, 1, NULL, other, &leaf,
         WAX_ERR_PKI_ISSUER_NOT_CA},
        {"issuer key", &rreq, 0, 1, NULL, other, &ca,
         WAX_ERR_PKI_ISSUER_KEY_MISMATCH},
        {"validity", &rreq, 2, 1, NULL, ca_key, &ca, WAX_ERR_PKI_BAD_VALIDITY},
        {"uri", &rreq, 0, 1, "no-scheme", ca_key, &ca, WAX_ERR_PKI_BAD_URI},
        {"null key", &rreq, 0, 1, NULL, NULL, &ca, WAX_ERR_INVALID_ARGUMENT},
        {"null ca", &rreq, 0, 1, NULL, ca_key, NULL, WAX_ERR_INVALID_ARGUMENT},
    };
    for (size_t i = 0; i < sizeof issue / sizeof issue[0]; i++) {
        wax_err got = wax_pki_cert_from_req(
            &out, issue[i].req->data, issue[i].req->len, WAX_PKI_PROFILE_SIGN,
            issue[i].nb, issue[i].na, issue[i].uri, issue[i].key,
            issue[i].ca ? issue[i].ca->data : NULL,
            issue[i].ca ? issue[i].ca->len : 0);
        CHECK_MSG(got == issue[i].want, "%s: got %s, want %s", issue[i].what,
                  wax_err_name(got), wax_err_name(issue[i].want));
        CHECK_MSG(out.len == 0, "%s: output written", issue[i].what);
    }
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&ca);
    wax_buf_cleanup(&leaf);
    wax_buf_cleanup(&subject);
    wax_buf_cleanup(&rreq);
    wax_buf_cleanup(&ereq);
    wax_buf_cleanup(&tampered);
    wax_buf_cleanup(&dns);
    wax_buf_cleanup(&rfc);
    wax_buf_cleanup(&many);
    wax_buf_cleanup(&wreq);
}

TEST(pki_usage_and_profile_names)
{
    static const struct {
        const char *name;
        enum wax_pki_usage usage;
    } usages[] = {{"sign", WAX_PKI_USAGE_SIGN},
                  {"encrypt", WAX_PKI_USAGE_ENCRYPT},
                  {"both", WAX_PKI_USAGE_BOTH}};
    static const struct {
        const char *name;
        enum wax_pki_profile profile;
    } profiles[] = {{"ca", WAX_PKI_PROFILE_CA},
                    {"smime-sign", WAX_PKI_PROFILE_SIGN},
                    {"smime-encrypt", WAX_PKI_PROFILE_ENCRYPT},
                    {"smime-dual", WAX_PKI_PROFILE_DUAL}};
    enum wax_pki_usage u;
    enum wax_pki_profile p;
    for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++) {
        CHECK_OK(wax_pki_usage_parse(usages[i].name, &u));
        CHECK_EQ_U64(u, usages[i].usage);
    }
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        CHECK_OK(wax_pki_profile_parse(profiles[i].name, &p));
        CHECK_EQ_U64(p, profiles[i].profile);
    }
    static const char *const bad[] = {"", "Sign", "dual", "sign ", "smime"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(wax_pki_usage_parse(bad[i], &u), WAX_ERR_INVALID_ARGUMENT);
        CHECK_ERR(wax_pki_profile_parse(bad[i], &p), WAX_ERR_INVALID_ARGUMENT);
    }
    CHECK_ERR(wax_pki_profile_parse("sign", &p), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_usage_parse(NULL, &u), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_profile_parse("ca", NULL), WAX_ERR_INVALID_ARGUMENT);
}
