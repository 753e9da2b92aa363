/*
 * fuzz_pki_dn - wax_pki_dn_parse on arbitrary text.
 *
 * Oracles: a failed parse leaves the output buffer as it was and returns
 * one of the documented codes; a successful one gives exactly one strict
 * DER element that the x509 name checker accepts; formatting that Name
 * with wax_x509_name_format and parsing the text again succeeds, and
 * gives the same DER when the input used no '#' (hexstrings may carry
 * string types and values the text form cannot say).
 */
#include <stdlib.h>
#include <string.h>

#include <wax/pki.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            abort();                                                           \
        }                                                                      \
    } while (0)

static bool
documented(wax_err err)
{
    switch (err) {
    case WAX_ERR_PKI_BAD_DN:
    case WAX_ERR_PKI_DN_UNKNOWN_ATTR:
    case WAX_ERR_PKI_DN_BAD_VALUE:
    case WAX_ERR_PKI_DN_VALUE_TOO_LONG:
    case WAX_ERR_LIMIT_EXCEEDED:
        return true;
    default:
        return false;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wax_buf a, b;
    static char text[4 * WAX_MAX_PKI_NAME_BYTES];
    size_t text_len = 0;

    wax_buf_init(&a, WAX_MAX_PKI_NAME_BYTES);
    wax_buf_init(&b, WAX_MAX_PKI_NAME_BYTES);
    ASSERT(wax_buf_append(&a, (const uint8_t *)"x", 1) == WAX_OK);
    wax_err err = wax_pki_dn_parse(&a, (const char *)data, size);
    if (err != WAX_OK) {
        ASSERT(documented(err));
        ASSERT(a.len == 1 && a.data[0] == 'x');
        goto out;
    }
    struct wax_span name;
    wax_span_init(&name, a.data + 1, a.len - 1);
    ASSERT(wax_der_validate(name.p, name.len, WAX_MAX_DER_DEPTH) == WAX_OK);
    ASSERT(wax_x509_name_check(name) == WAX_OK);

    ASSERT(wax_x509_name_format(name, text, sizeof text, &text_len) == WAX_OK);
    /* escaping may lengthen the text past the parser's cap */
    if (text_len <= WAX_MAX_PKI_DN_TEXT) {
        err = wax_pki_dn_parse(&b, text, text_len);
        if (memchr(data, '#', size) == NULL) {
            ASSERT(err == WAX_OK);
            ASSERT(b.len == name.len && memcmp(b.data, name.p, b.len) == 0);
        } else {
            /* a hexstring may hold what the text form refuses (an empty
             * or over-long string, a control character) */
            ASSERT(err == WAX_OK || documented(err));
        }
    }
out:
    wax_buf_cleanup(&a);
    wax_buf_cleanup(&b);
    return 0;
}
