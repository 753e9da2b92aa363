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

/*
 * wax_der_is_string_type: universal type numbers whose DER encoding is
 * always primitive and that BER allows in constructed form (X.690 §10.2,
 * §8.23): the string and time types. ObjectDescriptor is left out. The
 * strict reader rejects them constructed; the BER capture merges them.
 */
bool wax_der_is_string_type(uint32_t number);

#endif
