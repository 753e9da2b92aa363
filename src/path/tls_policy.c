/*
 * The TLS purposes (`wax cert verify --purpose tls-server|tls-client`,
 * the x509-limbo suite): the CA/Browser Forum Baseline Requirements
 * profile where it goes beyond RFC 5280, and peer names (RFC 6125).
 *
 * Per certificate of the path:
 *   - a positive serial number below the anchor (BR 7.1.2);
 *   - no DSA key or signature, RSA moduli a multiple of 8 bits (BR 6.1.5,
 *     7.1.3);
 *   - the anchor: no extendedKeyUsage (BR 7.1.2.1.2), and an
 *     authorityKeyIdentifier, if present, only a keyIdentifier equal to
 *     its subjectKeyIdentifier (BR 7.1.2.1.3);
 *   - an intermediate with extendedKeyUsage lists the purpose or any;
 *   - the leaf: v3; for a server, a subjectAltName that is critical only
 *     when the subject is empty, subject commonNames in ASCII that spell a
 *     SAN only as its exact copy (an IP address as the RFC 5952 / dotted
 *     decimal text of an iPAddress SAN, a DNS name in the SAN's letter
 *     case; BR 7.1.4.3), and no "*." wildcard with fewer than two labels
 *     after it.
 * Peer names (any purpose, when given): DNS_NAME against the dNSName SANs
 * (wax_path_dns_match; the CN is never used), IP_ADDRESS against the
 * iPAddress SANs.
 */
#include "path_int.h"

static bool
serial_positive(const struct wax_x509_cert *c)
{
    return (c->flags &
            (WAX_X509_FLAG_SERIAL_ZERO | WAX_X509_FLAG_SERIAL_NEGATIVE)) == 0;
}

static bool
is_dsa_sig(const struct wax_x509_cert *c)
{
    return c->sig_alg_err == WAX_OK && c->sig_alg.scheme == WAX_SIG_DSA;
}

/* The anchor's AKI: a keyIdentifier only, equal to its SKI. */
static bool
anchor_aki_ok(const struct wax_x509_cert *c)
{
    const struct wax_x509_aki *aki = &c->info.aki;
    if (!aki->present) {
        return true;
    }
    if (!aki->has_key_id || aki->has_issuer || aki->has_serial) {
        return false;
    }
    return !c->info.has_ski || wax_span_equal(aki->key_id, c->info.ski);
}

/* Is VALUE a copy of one of the SANs (a dNSName byte for byte, or the
 * canonical text of an iPAddress)? */
static bool
cn_in_san(const struct wax_x509_cert *c, struct wax_span value)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_san_iter(&c->info, &it);
    while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
        if (g.type == WAX_GN_DNS && wax_span_equal(g.value, value)) {
            return true;
        }
        if (g.type == WAX_GN_IP) {
            char text[64];
            size_t n = path_ip_format(g.value.p, g.value.len, text);
            if (n == value.len && memcmp(text, value.p, n) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* TEXT reads as an IPv4 address to a lenient (inet_aton) parser: one to
 * four dot-separated numbers, decimal, octal or 0x-hex. */
static bool
ipv4_lenient(const char *text)
{
    size_t parts = 0;
    const char *p = text;
    for (;;) {
        size_t digits = 0;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            p += 2;
            while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                   (*p >= 'A' && *p <= 'F')) {
                p++, digits++;
            }
        } else {
            while (*p >= '0' && *p <= '9') {
                p++, digits++;
            }
        }
        if (digits == 0 || ++parts > 4) {
            return false;
        }
        if (*p == '\0') {
            return true;
        }
        if (*p++ != '.') {
            return false;
        }
    }
}

/* A subject commonName of a TLS server leaf (BR 7.1.4.3): ASCII; an IP
 * address only as the canonical text of an iPAddress SAN; a DNS name
 * that is a SAN in other letter case must be its exact copy. (A CN that
 * is not a spelling of any SAN is not refused: the name is only ever
 * matched against the SANs.) */
static bool
cn_ok(const struct wax_x509_cert *c, struct wax_span value)
{
    char text[64];
    for (size_t i = 0; i < value.len; i++) {
        if (value.p[i] < 0x20 || value.p[i] >= 0x7f) {
            return false;
        }
    }
    if (value.len < sizeof text) {
        memcpy(text, value.p, value.len);
        text[value.len] = '\0';
        uint8_t ip[16];
        size_t ip_len;
        if ((strchr(text, ':') != NULL &&
             wax_path_ip_parse(text, ip, &ip_len)) ||
            ipv4_lenient(text)) {
            return cn_in_san(c, value);
        }
    }
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_san_iter(&c->info, &it);
    while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
        if (g.type == WAX_GN_DNS && g.value.len == value.len &&
            path_ascii_ieq(g.value.p, value.p, value.len) &&
            memcmp(g.value.p, value.p, value.len) != 0) {
            return false;
        }
    }
    return true;
}

static wax_err
check_leaf_names(const struct wax_x509_cert *c)
{
    const struct wax_x509_ext *san =
        wax_x509_exts_find(&c->exts, WAX_OID_CE_SUBJECT_ALT_NAME);
    bool empty_subject = wax_x509_name_is_empty(c->subject);
    WAX_ENSURE(san != NULL, WAX_ERR_PATH_TLS_PROFILE);
    WAX_ENSURE(!san->critical || empty_subject, WAX_ERR_PATH_TLS_PROFILE);
    struct wax_x509_name_iter ni;
    struct wax_x509_name_attr attr;
    bool present = true;
    WAX_TRY(wax_x509_name_iter_init(&ni, c->subject));
    for (;;) {
        WAX_TRY(wax_x509_name_next(&ni, &attr, &present));
        if (!present) {
            break;
        }
        if (attr.type_id == WAX_OID_AT_COMMON_NAME) {
            WAX_ENSURE(cn_ok(c, attr.value), WAX_ERR_PATH_TLS_PROFILE);
        }
    }
    /* wildcards with two labels after them at least */
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    present = true;
    wax_x509_san_iter(&c->info, &it);
    while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
        if (g.type == WAX_GN_DNS && g.value.len >= 1 && g.value.p[0] == '*') {
            WAX_ENSURE(g.value.len > 2 &&
                           memchr(g.value.p + 2, '.', g.value.len - 2) != NULL,
                       WAX_ERR_PATH_TLS_PROFILE);
        }
    }
    return WAX_OK;
}

void
path_tls_check_cert(struct path_state *st, size_t k)
{
    const struct wax_x509_cert *c = &path_at(st, k)->cert;
    const struct wax_x509_ext_info *info = &c->info;
    enum wax_oid_id eku = st->ctx->in->purpose == WAX_PATH_PURPOSE_TLS_SERVER
                              ? WAX_OID_KP_SERVER_AUTH
                              : WAX_OID_KP_CLIENT_AUTH;
    /* (the anchor's serial number is its CA's business: deployed roots
     * have serial 0) */
    if (k != st->n - 1 && !serial_positive(c)) {
        path_problem(st, k, WAX_ERR_PATH_TLS_PROFILE);
    }
    if (c->spki.type == WAX_X509_KEY_DSA ||
        ((c->spki.type == WAX_X509_KEY_RSA ||
          c->spki.type == WAX_X509_KEY_RSA_PSS) &&
         c->spki.bits % 8 != 0)) {
        path_problem(st, k, WAX_ERR_PATH_UNSUPPORTED_KEY);
    }
    if (k != st->n - 1 && is_dsa_sig(c)) {
        path_problem(st, k, WAX_ERR_PATH_TLS_PROFILE);
    }
    if (k == st->n - 1 && st->n > 1) {
        if (info->has_eku ||
            (path_at(st, k)->self_issued && !anchor_aki_ok(c))) {
            path_problem(st, k, WAX_ERR_PATH_TLS_PROFILE);
        }
    } else if (k > 0) {
        if (info->has_eku && !wax_x509_has_eku(info, eku) &&
            !wax_x509_has_eku(info, WAX_OID_ANY_EXTENDED_KEY_USAGE)) {
            path_problem(st, k, WAX_ERR_PATH_BAD_EKU);
        }
    }
    if (k == 0) {
        if (c->version != 3) {
            path_problem(st, k, WAX_ERR_PATH_TLS_PROFILE);
        }
        if (st->ctx->in->purpose == WAX_PATH_PURPOSE_TLS_SERVER &&
            check_leaf_names(c) != WAX_OK) {
            path_problem(st, k, WAX_ERR_PATH_TLS_PROFILE);
        }
    }
}

void
path_tls_check_peer(struct path_state *st)
{
    const struct wax_path_input *in = st->ctx->in;
    const struct wax_x509_cert *c = &path_at(st, 0)->cert;
    if (in->dns_name == NULL && in->ip_address == NULL) {
        return;
    }
    bool dns_ok = in->dns_name == NULL, ip_ok = in->ip_address == NULL;
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_san_iter(&c->info, &it);
    while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
        if (!dns_ok && g.type == WAX_GN_DNS &&
            wax_path_dns_match(g.value.p, g.value.len, in->dns_name)) {
            dns_ok = true;
        }
        if (!ip_ok && g.type == WAX_GN_IP &&
            g.value.len == st->ctx->peer_ip_len &&
            memcmp(g.value.p, st->ctx->peer_ip, g.value.len) == 0) {
            ip_ok = true;
        }
    }
    if (!dns_ok || !ip_ok) {
        path_problem(st, 0, WAX_ERR_PATH_NAME_MISMATCH);
    }
}
