/*
 * Names: the syntax of the names and name constraints the path layer
 * checks (RFC 1034 preferred name syntax as RFC 1123 relaxed it, RFC 5280
 * section 4.2.1.10 constraint forms), subtree membership for name
 * constraints, RFC 6125 DNS matching of peer names, and IP address text
 * (RFC 4291 parsing, RFC 5952 formatting).
 *
 * Every input here is attacker-chosen bytes from a certificate: nothing
 * is NUL-terminated except the caller's reference names.
 */
#include "path_int.h"

/* Longest DNS name (RFC 1034: 255 octets on the wire, 253 as text). */
#define PATH_MAX_DNS_NAME 253
/* Longest DNS label (RFC 1034). */
#define PATH_MAX_DNS_LABEL 63

static uint8_t
lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

bool
path_ascii_ieq(const uint8_t *a, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

static bool
is_alnum(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* One LDH label: letters, digits, hyphens, not starting or ending with a
 * hyphen, 1..63 octets. */
static bool
label_ok(const uint8_t *p, size_t len)
{
    if (len == 0 || len > PATH_MAX_DNS_LABEL || p[0] == '-' ||
        p[len - 1] == '-') {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_alnum(p[i]) && p[i] != '-') {
            return false;
        }
    }
    return true;
}

/* Preferred name syntax, labels separated by single dots, no trailing
 * dot; with ALLOW_WILDCARD the first label may be exactly "*" when at
 * least one label follows. */
bool
path_dns_syntax_ok(struct wax_span name, bool allow_wildcard)
{
    if (name.len == 0 || name.len > PATH_MAX_DNS_NAME) {
        return false;
    }
    size_t start = 0;
    bool first = true;
    for (size_t i = 0; i <= name.len; i++) {
        if (i < name.len && name.p[i] != '.') {
            continue;
        }
        const uint8_t *lab = name.p + start;
        size_t lab_len = i - start;
        bool wild = first && allow_wildcard && lab_len == 1 && lab[0] == '*' &&
                    i < name.len;
        if (!wild && !label_ok(lab, lab_len)) {
            return false;
        }
        first = false;
        start = i + 1;
    }
    return true;
}

/* A dNSName constraint: empty (every name), or a name without wildcard
 * and without a leading period (RFC 5280 4.2.1.10 gives DNS constraints
 * as host names; the leading period belongs to URI and email forms). */
bool
path_dns_constraint_ok(struct wax_span c)
{
    return c.len == 0 || path_dns_syntax_ok(c, false);
}

/* NAME equals C or ends with "." C, ASCII case-insensitively. */
static bool
dns_suffix(struct wax_span name, struct wax_span c)
{
    if (name.len == c.len) {
        return path_ascii_ieq(name.p, c.p, c.len);
    }
    return name.len > c.len && name.p[name.len - c.len - 1] == '.' &&
           path_ascii_ieq(name.p + name.len - c.len, c.p, c.len);
}

bool
path_dns_in_subtree(struct wax_span name, struct wax_span c, bool permitted)
{
    if (c.len == 0) {
        return true;
    }
    if (name.len >= 2 && name.p[0] == '*' && name.p[1] == '.') {
        /* "*.X" stands for every L.X with one label L. */
        struct wax_span x = {name.p + 2, name.len - 2};
        if (dns_suffix(x, c)) {
            return true; /* every such name is in the subtree */
        }
        if (permitted) {
            return false;
        }
        /* Excluded: some L.X is inside C when C itself is one L.X. */
        if (c.len > x.len + 1 && c.p[c.len - x.len - 1] == '.' &&
            path_ascii_ieq(c.p + c.len - x.len, x.p, x.len)) {
            return memchr(c.p, '.', c.len - x.len - 1) == NULL;
        }
        return false;
    }
    return dns_suffix(name, c);
}

/* Splits an address at its last '@'. */
static bool
split_at(struct wax_span addr, struct wax_span *local, struct wax_span *domain)
{
    size_t at = addr.len;
    for (size_t i = addr.len; i-- > 0;) {
        if (addr.p[i] == '@') {
            at = i;
            break;
        }
    }
    if (at == addr.len || at == 0 || at + 1 == addr.len) {
        return false;
    }
    local->p = addr.p;
    local->len = at;
    domain->p = addr.p + at + 1;
    domain->len = addr.len - at - 1;
    return true;
}

/* A local part: printable ASCII without space; an '@' only inside a
 * quoted string. */
static bool
local_part_ok(struct wax_span l)
{
    bool quoted = l.len >= 2 && l.p[0] == '"' && l.p[l.len - 1] == '"';
    for (size_t i = 0; i < l.len; i++) {
        uint8_t c = l.p[i];
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
        if (c == '@' && !quoted) {
            return false;
        }
    }
    return true;
}

bool
path_email_syntax_ok(struct wax_span addr)
{
    struct wax_span local, domain;
    return split_at(addr, &local, &domain) && local_part_ok(local) &&
           path_dns_syntax_ok(domain, false);
}

/* An SmtpUTF8Mailbox (RFC 9598): local@domain, UTF-8 (checked by the
 * parser), no '@' in the local part, a non-empty domain. */
bool
path_utf8_mailbox_ok(struct wax_span addr)
{
    struct wax_span local, domain;
    if (!split_at(addr, &local, &domain)) {
        return false;
    }
    for (size_t i = 0; i < addr.len; i++) {
        if (addr.p[i] <= 0x20 || addr.p[i] == 0x7f) {
            return false;
        }
    }
    return memchr(local.p, '@', local.len) == NULL;
}

/* An rfc822Name constraint (RFC 5280 4.2.1.10): a mailbox
 * "local@host", all mail at a host "host", or any host of a domain
 * ".domain". Characters of the local part are literal ("*" too). */
bool
path_email_constraint_ok(struct wax_span c)
{
    if (c.len == 0) {
        return false;
    }
    if (memchr(c.p, '@', c.len) != NULL) {
        return path_email_syntax_ok(c);
    }
    if (c.p[0] == '.') {
        struct wax_span d = {c.p + 1, c.len - 1};
        return path_dns_syntax_ok(d, false);
    }
    return path_dns_syntax_ok(c, false);
}

bool
path_email_in_subtree(struct wax_span addr, struct wax_span c)
{
    struct wax_span local, domain;
    if (!split_at(addr, &local, &domain) || c.len == 0) {
        return false;
    }
    const uint8_t *at = memchr(c.p, '@', c.len);
    if (at != NULL) {
        /* a mailbox: the local part exactly, the host without case */
        size_t cl = (size_t)(at - c.p);
        size_t ch = c.len - cl - 1;
        return cl == local.len && memcmp(c.p, local.p, cl) == 0 &&
               ch == domain.len && path_ascii_ieq(at + 1, domain.p, ch);
    }
    if (c.p[0] == '.') {
        /* any host below the domain */
        return domain.len > c.len &&
               path_ascii_ieq(domain.p + domain.len - c.len, c.p, c.len);
    }
    return domain.len == c.len && path_ascii_ieq(domain.p, c.p, c.len);
}

/* An iPAddress constraint: address and mask, the mask contiguous ones
 * then zeros (CIDR). */
bool
path_ip_constraint_ok(struct wax_span c)
{
    if (c.len != 8 && c.len != 32) {
        return false;
    }
    size_t half = c.len / 2;
    bool zeros = false;
    for (size_t i = 0; i < half; i++) {
        for (int b = 7; b >= 0; b--) {
            bool one = (c.p[half + i] >> b) & 1;
            if (one && zeros) {
                return false;
            }
            zeros = zeros || !one;
        }
    }
    return true;
}

bool
path_ip_in_subtree(struct wax_span addr, struct wax_span c)
{
    if (c.len != addr.len * 2) {
        return false;
    }
    for (size_t i = 0; i < addr.len; i++) {
        uint8_t mask = c.p[addr.len + i];
        if ((addr.p[i] & mask) != (c.p[i] & mask)) {
            return false;
        }
    }
    return true;
}

/* The RDNs of a Name TLV: the contents of its SEQUENCE. */
static bool
name_rdns(struct wax_span name, struct wax_span *out)
{
    struct wax_span s = name;
    return wax_der_get(&s, WAX_DER_SEQUENCE, out) && wax_der_expect_end(&s);
}

bool
path_dn_in_subtree(struct wax_span name, struct wax_span base)
{
    struct wax_span nr, br, rdn;
    if (!name_rdns(name, &nr) || !name_rdns(base, &br)) {
        return false;
    }
    size_t count = 0;
    while (br.len > 0) {
        if (!wax_der_get(&br, WAX_DER_SET, &rdn)) {
            return false;
        }
        count++;
    }
    if (count == 0) {
        return true;
    }
    /* The first COUNT RDNs of NAME, as a Name of their own. */
    struct wax_span walk = nr;
    for (size_t i = 0; i < count; i++) {
        if (!wax_der_get(&walk, WAX_DER_SET, &rdn)) {
            return false; /* fewer RDNs than the base */
        }
    }
    size_t prefix_len = nr.len - walk.len;
    uint8_t head[6];
    size_t head_len = 0;
    head[head_len++] = 0x30;
    if (prefix_len < 0x80) {
        head[head_len++] = (uint8_t)prefix_len;
    } else {
        size_t bytes = 0;
        for (size_t v = prefix_len; v > 0; v >>= 8) {
            bytes++;
        }
        head[head_len++] = (uint8_t)(0x80 | bytes);
        for (size_t b = bytes; b-- > 0;) {
            head[head_len++] = (uint8_t)(prefix_len >> (8 * b));
        }
    }
    uint8_t *buf = malloc(head_len + prefix_len);
    if (buf == NULL) {
        return false;
    }
    memcpy(buf, head, head_len);
    memcpy(buf + head_len, nr.p, prefix_len);
    struct wax_span prefix = {buf, head_len + prefix_len};
    bool eq = wax_x509_name_equal(prefix, base);
    free(buf);
    return eq;
}

/* ------------------------------------------------------------------ */
/* Peer names.                                                         */

bool
wax_path_dns_match(const uint8_t *presented, size_t presented_len,
                   const char *reference)
{
    if (presented == NULL || reference == NULL) {
        return false;
    }
    size_t rlen = strlen(reference);
    if (rlen > 0 && reference[rlen - 1] == '.') {
        rlen--;
    }
    struct wax_span ref = {(const uint8_t *)reference, rlen};
    struct wax_span pres = {presented, presented_len};
    if (!path_dns_syntax_ok(ref, false) || !path_dns_syntax_ok(pres, true)) {
        return false;
    }
    if (presented_len >= 2 && presented[0] == '*') {
        /* "*.X": X needs two labels at least, and REF is L.X. */
        struct wax_span x = {presented + 2, presented_len - 2};
        if (memchr(x.p, '.', x.len) == NULL) {
            return false;
        }
        const uint8_t *dot = memchr(ref.p, '.', ref.len);
        if (dot == NULL || dot == ref.p) {
            return false;
        }
        size_t rest = ref.len - (size_t)(dot + 1 - ref.p);
        return rest == x.len && path_ascii_ieq(dot + 1, x.p, x.len);
    }
    return pres.len == ref.len && path_ascii_ieq(pres.p, ref.p, ref.len);
}

/* Decimal 0..255 without leading zeros; advances *I. */
static bool
parse_dec_octet(const char *s, size_t *i, uint8_t *out)
{
    size_t start = *i;
    unsigned v = 0;
    while (s[*i] >= '0' && s[*i] <= '9' && *i - start < 3) {
        v = v * 10 + (unsigned)(s[*i] - '0');
        (*i)++;
    }
    size_t n = *i - start;
    if (n == 0 || v > 255 || (n > 1 && s[start] == '0')) {
        return false;
    }
    *out = (uint8_t)v;
    return true;
}

static bool
parse_v4(const char *s, size_t *i, uint8_t out[4])
{
    for (int k = 0; k < 4; k++) {
        if (k > 0) {
            if (s[*i] != '.') {
                return false;
            }
            (*i)++;
        }
        if (!parse_dec_octet(s, i, &out[k])) {
            return false;
        }
    }
    return true;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* RFC 4291 2.2: groups of 1..4 hex digits, one "::", an IPv4 tail. */
static bool
parse_v6(const char *s, uint8_t out[16])
{
    uint16_t groups[8];
    size_t ng = 0;
    long gap = -1; /* index in GROUPS where "::" stands */
    size_t i = 0;
    if (s[0] == ':') {
        if (s[1] != ':') {
            return false;
        }
        gap = 0;
        i = 2;
    }
    while (s[i] != '\0') {
        if (ng >= 8) {
            return false;
        }
        /* an IPv4 tail: only where two groups remain */
        size_t j = i;
        while (hexval(s[j]) >= 0) {
            j++;
        }
        if (s[j] == '.') {
            uint8_t v4[4];
            if (ng > 6 || !parse_v4(s, &i, v4) || s[i] != '\0') {
                return false;
            }
            groups[ng++] = (uint16_t)(v4[0] << 8 | v4[1]);
            groups[ng++] = (uint16_t)(v4[2] << 8 | v4[3]);
            break;
        }
        size_t n = j - i;
        if (n == 0 || n > 4) {
            return false;
        }
        unsigned v = 0;
        for (; i < j; i++) {
            v = v << 4 | (unsigned)hexval(s[i]);
        }
        groups[ng++] = (uint16_t)v;
        if (s[i] == '\0') {
            break;
        }
        if (s[i] != ':') {
            return false;
        }
        i++;
        if (s[i] == ':') {
            if (gap >= 0) {
                return false;
            }
            gap = (long)ng;
            i++;
        } else if (s[i] == '\0') {
            return false; /* a trailing single ':' */
        }
    }
    if (gap < 0 ? ng != 8 : ng > 7) {
        return false;
    }
    size_t fill = 8 - ng;
    size_t o = 0;
    for (size_t g = 0; g <= ng; g++) {
        if (gap >= 0 && (size_t)gap == g) {
            for (size_t z = 0; z < fill; z++) {
                out[o++] = 0;
                out[o++] = 0;
            }
        }
        if (g < ng) {
            out[o++] = (uint8_t)(groups[g] >> 8);
            out[o++] = (uint8_t)groups[g];
        }
    }
    return o == 16;
}

bool
wax_path_ip_parse(const char *text, uint8_t out[16], size_t *out_len)
{
    if (text == NULL || out == NULL || out_len == NULL) {
        return false;
    }
    if (strchr(text, ':') != NULL) {
        if (!parse_v6(text, out)) {
            return false;
        }
        *out_len = 16;
        return true;
    }
    size_t i = 0;
    if (!parse_v4(text, &i, out) || text[i] != '\0') {
        return false;
    }
    *out_len = 4;
    return true;
}

size_t
path_ip_format(const uint8_t *ip, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (len == 4) {
        for (size_t k = 0; k < 4; k++) {
            unsigned v = ip[k];
            if (k > 0) {
                out[o++] = '.';
            }
            if (v >= 100) {
                out[o++] = (char)('0' + v / 100);
            }
            if (v >= 10) {
                out[o++] = (char)('0' + v / 10 % 10);
            }
            out[o++] = (char)('0' + v % 10);
        }
        out[o] = '\0';
        return o;
    }
    uint16_t g[8];
    for (size_t k = 0; k < 8; k++) {
        g[k] = (uint16_t)(ip[2 * k] << 8 | ip[2 * k + 1]);
    }
    /* RFC 5952 4.2: the first longest run of two or more zero groups. */
    size_t best = 8, best_len = 0;
    for (size_t k = 0; k < 8;) {
        if (g[k] != 0) {
            k++;
            continue;
        }
        size_t run = 0;
        while (k + run < 8 && g[k + run] == 0) {
            run++;
        }
        if (run > best_len && run >= 2) {
            best = k;
            best_len = run;
        }
        k += run;
    }
    for (size_t k = 0; k < 8; k++) {
        if (k == best) {
            out[o++] = ':';
            out[o++] = ':';
            k += best_len - 1;
            continue;
        }
        if (k > 0 && !(k == best + best_len && best < 8)) {
            out[o++] = ':';
        }
        bool started = false;
        for (int sh = 12; sh >= 0; sh -= 4) {
            unsigned d = (g[k] >> sh) & 0xf;
            if (d != 0 || started || sh == 0) {
                out[o++] = hex[d];
                started = true;
            }
        }
    }
    out[o] = '\0';
    return o;
}
