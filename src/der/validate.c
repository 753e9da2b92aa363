/*
 * der/validate.c - wax_der_validate: a recursive strict-DER check that
 * names the first problem with its exact WAX_ERR_DER_* code. It shares the
 * header and content rules with the reader (reader.c), so an input it
 * accepts can be walked with the getters.
 */
#include <wax/der.h>

#include "der/reader_internal.h"

static wax_err validate_elements(struct wax_span s, size_t depth,
                                 size_t max_depth);

/* validate_one checks the element at the start of *S (at nesting level
 * DEPTH, the outermost being 1) and advances *S past it. */
static wax_err
validate_one(struct wax_span *s, size_t depth, size_t max_depth)
{
    uint32_t tag;
    size_t header_len, len;
    WAX_TRY(wax_der_read_header(s, &tag, &header_len, &len));
    WAX_ENSURE(depth <= max_depth, WAX_ERR_DER_TOO_DEEP);
    struct wax_span element, contents;
    WAX_ENSURE(wax_span_get_bytes(s, &element, header_len + len),
               WAX_ERR_DER_TRUNCATED);
    wax_span_init(&contents, element.p + header_len, len);
    if ((tag & WAX_DER_CONSTRUCTED) != 0) {
        return validate_elements(contents, depth + 1, max_depth);
    }
    return wax_der_check_primitive(tag, contents);
}

/* validate_elements checks that S is a sequence of zero or more elements. */
static wax_err
validate_elements(struct wax_span s, size_t depth, size_t max_depth)
{
    while (s.len > 0) {
        WAX_TRY(validate_one(&s, depth, max_depth));
    }
    return WAX_OK;
}

wax_err
wax_der_validate(const uint8_t *der, size_t der_len, size_t max_depth)
{
    WAX_ENSURE(der != NULL || der_len == 0, WAX_ERR_INVALID_ARGUMENT);
    if (max_depth > WAX_MAX_DER_DEPTH) {
        max_depth = WAX_MAX_DER_DEPTH; /* bounds the recursion */
    }
    struct wax_span s;
    wax_span_init(&s, der, der_len);
    WAX_TRY(validate_one(&s, 1, max_depth));
    WAX_ENSURE(s.len == 0, WAX_ERR_DER_TRAILING_DATA);
    return WAX_OK;
}
