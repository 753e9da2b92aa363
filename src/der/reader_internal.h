/*
 * der/reader_internal.h - what the strict reader shares with the validator
 * inside the der layer. Not installed, not exported.
 */
#ifndef WAX_DER_READER_INTERNAL_H
#define WAX_DER_READER_INTERNAL_H

#include <wax/der.h>

/*
 * wax_der_read_header parses the identifier and length octets at the start
 * of IN without advancing it: the tag (WAX_DER_* form), the size of the
 * identifier and length octets, and the content length, which is
 * guaranteed to fit in IN after the header. Returns the exact
 * WAX_ERR_DER_* of the first problem (tag rules, then length rules, then
 * truncation), including the universal-class constructed/primitive rules.
 */
wax_err wax_der_read_header(const struct wax_span *in, uint32_t *out_tag,
                            size_t *out_header_len, size_t *out_len);

#endif
