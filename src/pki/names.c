/*
 * The checks on the strings a certificate template carries: email
 * addresses for subjectAltName (RFC 5322 §3.4.1 addr-spec with a dot-atom
 * local part, RFC 6532 UTF-8, RFC 9598 for the SmtpUTF8Mailbox form) and
 * the URI of a CRL distribution point (RFC 3986 §3.1 scheme).
 */
#include <string.h>

#include "pki_int.h"

/* Longest domain name (RFC 1035 §2.3.4, without the final dot). */
#define PKI_MAX_DOMAIN_LEN 253
/* Longest DNS label. */
#define PKI_MAX_LABEL_LEN 63
/* Longest local part (RFC 5321 §4.5.3.1.1). */
#define PKI_MAX_LOCAL_LEN 64

static bool
is_alnum(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

/* is_atext: RFC 5322 §3.2.3 atext, plus the non-ASCII bytes of UTF-8
 * (RFC 6532 §3.2; the caller checked that the whole is valid UTF-8). */
static bool
is_atext(uint8_t c)
{
    return is_alnum(c) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* local_part_ok: a dot-atom (no leading, trailing or doubled dot). */
static bool
local_part_ok(const uint8_t *p, size_t len, bool *out_non_ascii)
{
    bool non_ascii = false;
    if (len == 0 || len > PKI_MAX_LOCAL_LEN || p[0] == '.' ||
        p[len - 1] == '.') {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '.') {
            if (p[i - 1] == '.') {
                return false;
            }
        } else if (p[i] == '\0' || !is_atext(p[i])) {
            return false;
        }
        non_ascii |= p[i] >= 0x80;
    }
    *out_non_ascii = non_ascii;
    return true;
}

/* domain_check: LDH labels of 1..63 characters without a leading or
 * trailing '-'; non-ASCII or (when A_LABELS_BAD) "xn--" labels need IDNA. */
static wax_err
domain_check(const uint8_t *p, size_t len, bool a_labels_bad)
{
    WAX_ENSURE(len > 0 && len <= PKI_MAX_DOMAIN_LEN, WAX_ERR_PKI_BAD_EMAIL);
    for (size_t i = 0; i < len; i++) {
        WAX_ENSURE(p[i] < 0x80, WAX_ERR_PKI_EMAIL_NEEDS_IDNA);
    }
    size_t start = 0;
    while (start <= len) {
        size_t end = start;
        while (end < len && p[end] != '.') {
            end++;
        }
        size_t n = end - start;
        WAX_ENSURE(n > 0 && n <= PKI_MAX_LABEL_LEN, WAX_ERR_PKI_BAD_EMAIL);
        WAX_ENSURE(p[start] != '-' && p[end - 1] != '-', WAX_ERR_PKI_BAD_EMAIL);
        for (size_t i = start; i < end; i++) {
            WAX_ENSURE(is_alnum(p[i]) || p[i] == '-', WAX_ERR_PKI_BAD_EMAIL);
        }
        bool a_label = n >= 4 && (p[start] | 0x20) == 'x' &&
                       (p[start + 1] | 0x20) == 'n' && p[start + 2] == '-' &&
                       p[start + 3] == '-';
        WAX_ENSURE(!(a_labels_bad && a_label), WAX_ERR_PKI_EMAIL_NEEDS_IDNA);
        start = end + 1;
    }
    return WAX_OK;
}

wax_err
pki_email_check(const char *email, size_t *out_len, bool *out_smtputf8)
{
    WAX_ENSURE(email != NULL, WAX_ERR_INVALID_ARGUMENT);
    size_t len = strnlen(email, WAX_MAX_PKI_EMAIL_LEN + 1);
    WAX_ENSURE(len <= WAX_MAX_PKI_EMAIL_LEN, WAX_ERR_PKI_BAD_EMAIL);
    struct wax_span s;
    wax_span_init(&s, (const uint8_t *)email, len);
    WAX_ENSURE(wax_der_check_primitive(WAX_DER_UTF8_STRING, s) == WAX_OK,
               WAX_ERR_PKI_BAD_EMAIL);
    const uint8_t *at = memchr(s.p, '@', s.len);
    WAX_ENSURE(at != NULL, WAX_ERR_PKI_BAD_EMAIL);
    size_t local_len = (size_t)(at - s.p);
    bool non_ascii = false;
    WAX_ENSURE(local_part_ok(s.p, local_len, &non_ascii),
               WAX_ERR_PKI_BAD_EMAIL);
    WAX_TRY(domain_check(at + 1, len - local_len - 1, non_ascii));
    *out_len = len;
    *out_smtputf8 = non_ascii;
    return WAX_OK;
}

wax_err
pki_uri_check(const char *uri, size_t *out_len)
{
    WAX_ENSURE(uri != NULL, WAX_ERR_INVALID_ARGUMENT);
    size_t len = strnlen(uri, WAX_MAX_PKI_URI_LEN + 1);
    WAX_ENSURE(len > 0 && len <= WAX_MAX_PKI_URI_LEN, WAX_ERR_PKI_BAD_URI);
    const uint8_t *p = (const uint8_t *)uri;
    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    WAX_ENSURE(is_alnum(p[0]) && !(p[0] >= '0' && p[0] <= '9'),
               WAX_ERR_PKI_BAD_URI);
    size_t i = 1;
    while (i < len &&
           (is_alnum(p[i]) || p[i] == '+' || p[i] == '-' || p[i] == '.')) {
        i++;
    }
    WAX_ENSURE(i < len && p[i] == ':' && i + 1 < len, WAX_ERR_PKI_BAD_URI);
    for (i = 0; i < len; i++) {
        WAX_ENSURE(p[i] > 0x20 && p[i] < 0x7F, WAX_ERR_PKI_BAD_URI);
    }
    *out_len = len;
    return WAX_OK;
}
