/*
 * The RFC 5280 section 4 profile, checked on every certificate of a
 * complete path (anchor included): rules a conforming CA must keep that
 * section 6.1 does not test. And the key policy of SECURITY.md rule 7.
 *
 * For every purpose, the rules that decide what a certificate means:
 *   - the issuer name is not empty (4.1.2.4); a CA, and an end entity
 *     without subjectAltName, have a non-empty subject (4.1.2.6);
 *   - keyUsage and basicConstraints agree: keyCertSign only with cA TRUE,
 *     an end entity with cA TRUE also has keyCertSign (when keyUsage is
 *     present; in an issuer 6.1.4 (n) reports it), and pathLenConstraint
 *     only with both (4.2.1.3, 4.2.1.9);
 *   - nameConstraints only in a CA (4.2.1.10).
 * For the TLS purposes, where the Web PKI holds CAs to the whole profile
 * (deployed S/MIME certificates often break these, and nothing in their
 * meaning depends on them):
 *   - an AKI has a keyIdentifier, a CA a subjectKeyIdentifier, a v3
 *     certificate that is not self-issued (the anchor excepted) an AKI
 *     (4.2.1.1, 4.2.1.2);
 *   - criticality: AKI, SKI, authorityInfoAccess and subjectInfoAccess
 *     non-critical; basicConstraints of a CA, policyConstraints and
 *     inhibitAnyPolicy critical; subjectAltName critical with an empty
 *     subject (nameConstraints may be non-critical: the CA/B Forum
 *     exception);
 *   - dNSName SANs in preferred name syntax (a "*" left-most label
 *     allowed), rfc822Name SANs local@domain, SmtpUTF8Mailbox SANs
 *     local@domain (4.2.1.6, RFC 9598).
 * Name constraints refuse malformed names of a constrained form for every
 * purpose (verify_names.c).
 */
#include "path_int.h"

static bool
ext_critical(const struct wax_x509_cert *c, enum wax_oid_id id, bool *present)
{
    const struct wax_x509_ext *e = wax_x509_exts_find(&c->exts, id);
    *present = e != NULL;
    return e != NULL && e->critical;
}

static bool
must_not_be_critical(const struct wax_x509_cert *c, enum wax_oid_id id)
{
    bool present;
    return ext_critical(c, id, &present);
}

static bool
must_be_critical(const struct wax_x509_cert *c, enum wax_oid_id id)
{
    bool present;
    bool crit = ext_critical(c, id, &present);
    return present && !crit;
}

static wax_err
check_sans(const struct wax_x509_cert *c)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_san_iter(&c->info, &it);
    for (;;) {
        WAX_TRY(wax_x509_gn_next(&it, &g, &present));
        if (!present) {
            return WAX_OK;
        }
        switch (g.type) {
        case WAX_GN_DNS:
            WAX_ENSURE(path_dns_syntax_ok(g.value, true), WAX_ERR_PATH_BAD_SAN);
            break;
        case WAX_GN_RFC822:
            WAX_ENSURE(path_email_syntax_ok(g.value), WAX_ERR_PATH_BAD_SAN);
            break;
        case WAX_GN_OTHER_NAME:
            WAX_ENSURE(!g.is_smtp_utf8 || path_utf8_mailbox_ok(g.value),
                       WAX_ERR_PATH_BAD_SAN);
            break;
        case WAX_GN_X400:
        case WAX_GN_DIRECTORY:
        case WAX_GN_EDI_PARTY:
        case WAX_GN_URI:
        case WAX_GN_IP:
        case WAX_GN_REGISTERED_ID:
            break;
        }
    }
}

void
path_step_profile(struct path_state *st, size_t k)
{
    const struct path_cert *pc = path_at(st, k);
    const struct wax_x509_cert *c = &pc->cert;
    const struct wax_x509_ext_info *info = &c->info;
    bool ca = info->has_basic_constraints && info->ca;
    bool cert_sign =
        info->has_key_usage && (info->key_usage & WAX_KU_KEY_CERT_SIGN) != 0;
    bool strict = path_is_tls(st->ctx->in->purpose);

    /* Every purpose: what decides the meaning of the certificate. */
    if (wax_x509_name_is_empty(c->issuer)) {
        path_problem(st, k, WAX_ERR_PATH_EMPTY_NAME);
    }
    if (wax_x509_name_is_empty(c->subject) && (ca || !info->has_san)) {
        path_problem(st, k, WAX_ERR_PATH_EMPTY_NAME);
    }
    /* (cA TRUE without keyCertSign in an issuer is 6.1.4 (n)'s to report) */
    if ((cert_sign && !ca) ||
        (k == 0 && ca && info->has_key_usage && !cert_sign) ||
        (info->has_path_len && !(ca && (!info->has_key_usage || cert_sign)))) {
        path_problem(st, k, WAX_ERR_PATH_CA_INCONSISTENT);
    }
    if (info->has_name_constraints && !ca) {
        path_problem(st, k, WAX_ERR_PATH_EXTENSION_NOT_ALLOWED);
    }
    if (!strict) {
        return;
    }

    /* The TLS purposes: the rest of the conformance CAs owe. */
    if (info->aki.present && !info->aki.has_key_id) {
        path_problem(st, k, WAX_ERR_PATH_BAD_KEY_ID);
    }
    /* (the anchor is a name and a key: how it was issued is not part of
     * the path) */
    if (c->version == 3 &&
        ((ca && !info->has_ski) ||
         (!info->aki.present && !pc->self_issued && k != st->n - 1))) {
        path_problem(st, k, WAX_ERR_PATH_BAD_KEY_ID);
    }
    bool san_present;
    bool san_critical =
        ext_critical(c, WAX_OID_CE_SUBJECT_ALT_NAME, &san_present);
    if ((wax_x509_name_is_empty(c->subject) && san_present && !san_critical) ||
        must_not_be_critical(c, WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER) ||
        must_not_be_critical(c, WAX_OID_CE_SUBJECT_KEY_IDENTIFIER) ||
        must_not_be_critical(c, WAX_OID_PE_AUTHORITY_INFO_ACCESS) ||
        must_not_be_critical(c, WAX_OID_PE_SUBJECT_INFO_ACCESS) ||
        must_be_critical(c, WAX_OID_CE_POLICY_CONSTRAINTS) ||
        must_be_critical(c, WAX_OID_CE_INHIBIT_ANY_POLICY) ||
        (ca && must_be_critical(c, WAX_OID_CE_BASIC_CONSTRAINTS))) {
        path_problem(st, k, WAX_ERR_PATH_BAD_CRITICALITY);
    }
    if (check_sans(c) != WAX_OK) {
        path_problem(st, k, WAX_ERR_PATH_BAD_SAN);
    }
}

/* SECURITY.md rule 7 for the key certificate k carries: RSA and DSA of
 * at least WAX_PATH_MIN_RSA_BITS (allow_weak accepts smaller ones), EC on
 * the curves wax verifies with (P-256, P-384, P-521; explicit parameters
 * never). */
void
path_step_key_policy(struct path_state *st, size_t k)
{
    const struct wax_x509_spki *key = &path_at(st, k)->cert.spki;
    switch (key->type) {
    case WAX_X509_KEY_RSA:
    case WAX_X509_KEY_RSA_PSS:
    case WAX_X509_KEY_DSA:
        if (key->bits < WAX_PATH_MIN_RSA_BITS) {
            if (st->ctx->in->allow_weak) {
                st->out->weak = true;
            } else {
                path_problem(st, k, WAX_ERR_PATH_WEAK_KEY);
            }
        }
        break;
    case WAX_X509_KEY_EC:
        if (key->curve != WAX_OID_SECP256R1 &&
            key->curve != WAX_OID_SECP384R1 &&
            key->curve != WAX_OID_SECP521R1) {
            path_problem(st, k, WAX_ERR_PATH_UNSUPPORTED_KEY);
        }
        break;
    case WAX_X509_KEY_UNKNOWN:
    case WAX_X509_KEY_ED25519:
    case WAX_X509_KEY_ED448:
    case WAX_X509_KEY_X25519:
    case WAX_X509_KEY_X448:
    case WAX_X509_KEY_DH:
        break;
    }
}
