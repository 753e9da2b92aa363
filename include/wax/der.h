/*
 * wax/der.h - the der layer: the strict DER span reader (in the style of
 * BoringSSL's CBS), UTCTime/GeneralizedTime, the DER builder (CBB style),
 * the OID table and the streaming BER reader for CMS content.
 *
 * Every untrusted byte goes through struct wax_span: no other code does
 * pointer arithmetic on input (STYLE.md rule 1).
 *
 * Accepted input (reader): strict DER (X.690 §10): definite lengths in the
 * minimal number of octets, no indefinite length, primitive encoding for
 * string types, BOOLEAN as 0x00/0xFF, minimal INTEGERs, tag numbers in
 * minimal high-tag form. Not checked by the reader: the semantics of a
 * structure (callers check ordering, DEFAULT values and CHOICE arms).
 */
#ifndef WAX_DER_H
#define WAX_DER_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>

/* Maximum nesting depth the reader-based validators and the BER reader
 * accept. */
#define WAX_MAX_DER_DEPTH 64

/* ------------------------------------------------------------------ */
/* Spans.                                                              */

/*
 * struct wax_span is a read-only view of LEN bytes at P. It does not own
 * the bytes: a span (and every span parsed from it) is valid only while
 * the buffer it points into is. All getters check bounds once and advance
 * the span only on success; on failure the span is unchanged.
 */
struct wax_span {
    const uint8_t *p;
    size_t len;
};

WAX_API void wax_span_init(struct wax_span *s, const uint8_t *p, size_t len);
WAX_API bool wax_span_skip(struct wax_span *s, size_t n);
WAX_API bool wax_span_get_u8(struct wax_span *s, uint8_t *out);
/* wax_span_get_bytes takes the next N bytes as a sub-span. */
WAX_API bool wax_span_get_bytes(struct wax_span *s, struct wax_span *out,
                                size_t n);
/* wax_span_equal: same length and same bytes (not constant time). */
WAX_API bool wax_span_equal(struct wax_span a, struct wax_span b);
/* wax_span_equal_bytes compares a span with LEN bytes at P. */
WAX_API bool wax_span_equal_bytes(struct wax_span a, const uint8_t *p,
                                  size_t len);

/* The OID table (generated; it needs struct wax_span above). */
#include <wax/oids.h>

/* ------------------------------------------------------------------ */
/* Tags. A tag is a uint32_t: class and constructed bits in the top three  */
/* bits, the tag number in the low 29 bits (as BoringSSL's CBS_ASN1_*).    */

#define WAX_DER_CONSTRUCTED (0x20u << 24)
#define WAX_DER_UNIVERSAL (0x00u << 24)
#define WAX_DER_APPLICATION (0x40u << 24)
#define WAX_DER_CONTEXT (0x80u << 24)
#define WAX_DER_PRIVATE (0xC0u << 24)
#define WAX_DER_CLASS_MASK (0xC0u << 24)
#define WAX_DER_TAG_NUMBER_MASK ((1u << 29) - 1)

#define WAX_DER_BOOLEAN 0x01u
#define WAX_DER_INTEGER 0x02u
#define WAX_DER_BIT_STRING 0x03u
#define WAX_DER_OCTET_STRING 0x04u
#define WAX_DER_NULL 0x05u
#define WAX_DER_OID 0x06u
#define WAX_DER_ENUMERATED 0x0Au
#define WAX_DER_UTF8_STRING 0x0Cu
#define WAX_DER_SEQUENCE (0x10u | WAX_DER_CONSTRUCTED)
#define WAX_DER_SET (0x11u | WAX_DER_CONSTRUCTED)
#define WAX_DER_NUMERIC_STRING 0x12u
#define WAX_DER_PRINTABLE_STRING 0x13u
#define WAX_DER_T61_STRING 0x14u
#define WAX_DER_IA5_STRING 0x16u
#define WAX_DER_UTC_TIME 0x17u
#define WAX_DER_GENERALIZED_TIME 0x18u
#define WAX_DER_VISIBLE_STRING 0x1Au
#define WAX_DER_UNIVERSAL_STRING 0x1Cu
#define WAX_DER_BMP_STRING 0x1Eu

/* [n] IMPLICIT primitive, and [n] constructed (EXPLICIT or IMPLICIT SEQUENCE).
 */
#define WAX_DER_CONTEXT_TAG(n) (WAX_DER_CONTEXT | (uint32_t)(n))
#define WAX_DER_CONTEXT_CONS(n)                                                \
    (WAX_DER_CONTEXT | WAX_DER_CONSTRUCTED | (uint32_t)(n))

/* ------------------------------------------------------------------ */
/* The strict DER reader. Every function returns true and advances IN   */
/* on success, returns false and leaves IN unchanged on failure.        */

/* wax_der_peek_tag reads the tag of the next element without advancing. */
WAX_API bool wax_der_peek_tag(const struct wax_span *in, uint32_t *out_tag);

/* wax_der_peek is true when the next element has tag TAG. */
WAX_API bool wax_der_peek(const struct wax_span *in, uint32_t tag);

/*
 * wax_der_get_any reads the next element whatever its tag: *OUT_TAG, its
 * contents (without tag and length) in *OUT_CONTENTS and, if
 * OUT_ELEMENT is not NULL, the whole TLV in *OUT_ELEMENT (OUT_TAG and
 * OUT_CONTENTS may be NULL too). Enforces the DER tag and length rules:
 * tag numbers up to 29 bits, in the high-tag form only from 31 and without
 * a leading 0x80 octet; no [UNIVERSAL 0]; definite lengths in the fewest
 * octets (long form only from 128) that fit in IN. Rejects constructed
 * universal string types (strings, BIT STRING, OCTET STRING, times),
 * constructed BOOLEAN, INTEGER, NULL, OID, REAL, ENUMERATED and
 * RELATIVE-OID, and primitive SEQUENCE, SET, EXTERNAL, EMBEDDED PDV and
 * CHARACTER STRING. Does not check the contents (see
 * wax_der_check_primitive and the typed getters below).
 */
WAX_API bool wax_der_get_any(struct wax_span *in, uint32_t *out_tag,
                             struct wax_span *out_contents,
                             struct wax_span *out_element);

/* wax_der_get reads the next element, which must have tag TAG, and gives
 * its contents. */
WAX_API bool wax_der_get(struct wax_span *in, uint32_t tag,
                         struct wax_span *out_contents);

/* wax_der_get_element is wax_der_get giving the whole TLV. */
WAX_API bool wax_der_get_element(struct wax_span *in, uint32_t tag,
                                 struct wax_span *out_element);

/* wax_der_get_optional reads the next element if it has tag TAG
 * (*OUT_PRESENT true) and otherwise reads nothing (*OUT_PRESENT false).
 * It fails only on a malformed element with tag TAG. OUT_CONTENTS may be
 * NULL. */
WAX_API bool wax_der_get_optional(struct wax_span *in, uint32_t tag,
                                  struct wax_span *out_contents,
                                  bool *out_present);

/* wax_der_expect_end is true when S has no bytes left (STYLE.md rule 3). */
WAX_API bool wax_der_expect_end(const struct wax_span *s);

/* BOOLEAN: contents exactly one byte, 0x00 or 0xFF. */
WAX_API bool wax_der_get_bool(struct wax_span *in, bool *out);

/* NULL: empty contents. */
WAX_API bool wax_der_get_null(struct wax_span *in);

/*
 * INTEGER: *OUT_BYTES are the contents (two's complement, big-endian,
 * minimal: checked), *OUT_NEGATIVE the sign. OUT_NEGATIVE may be NULL.
 */
WAX_API bool wax_der_get_integer(struct wax_span *in,
                                 struct wax_span *out_bytes,
                                 bool *out_negative);

/* INTEGER that is non-negative and fits a uint64_t. */
WAX_API bool wax_der_get_u64(struct wax_span *in, uint64_t *out);

/* INTEGER that fits an int64_t. */
WAX_API bool wax_der_get_i64(struct wax_span *in, int64_t *out);

/* ENUMERATED that is non-negative and fits a uint64_t. */
WAX_API bool wax_der_get_enumerated(struct wax_span *in, uint64_t *out);

/*
 * BIT STRING: *OUT_BYTES the bit bytes (without the unused-bits octet),
 * *OUT_UNUSED_BITS 0..7; the unused bits must be zero, and an empty string
 * must have 0 unused bits.
 */
WAX_API bool wax_der_get_bit_string(struct wax_span *in,
                                    struct wax_span *out_bytes,
                                    uint8_t *out_unused_bits);

/* BIT STRING holding whole octets (unused bits 0): keys, signatures. */
WAX_API bool wax_der_get_bit_string_octets(struct wax_span *in,
                                           struct wax_span *out_bytes);

/*
 * BIT STRING as a NamedBitList (keyUsage, reasonFlags): bit 0 is the most
 * significant bit of the first octet, and *OUT_BITS has bit i set when
 * named bit i is set (at most 32 named bits). DER requires trailing zero
 * bits to be removed; that is checked.
 */
WAX_API bool wax_der_get_named_bits(struct wax_span *in, uint32_t *out_bits);

/* OBJECT IDENTIFIER: *OUT_OID the contents, validated (minimal base-128
 * arcs, non-empty, last octet terminates an arc). */
WAX_API bool wax_der_get_oid(struct wax_span *in, struct wax_span *out_oid);

/*
 * UTCTime or GeneralizedTime with the RFC 5280 §4.1.2.5 profile: UTCTime
 * YYMMDDHHMMSSZ (YY >= 50 is 19YY), GeneralizedTime YYYYMMDDHHMMSSZ without
 * fractional seconds; every field in range (Feb 29 only in leap years).
 * *OUT_TIME is seconds since 1970-01-01T00:00:00Z.
 */
WAX_API bool wax_der_get_time(struct wax_span *in, int64_t *out_time);

/* wax_der_parse_time is the same check on contents already read with tag
 * TAG (WAX_DER_UTC_TIME or WAX_DER_GENERALIZED_TIME). */
WAX_API bool wax_der_parse_time(uint32_t tag, struct wax_span contents,
                                int64_t *out_time);

/*
 * wax_der_check_primitive checks the contents of a primitive element with
 * tag TAG against the DER rules of its universal type and returns the
 * exact error: BOOLEAN (WAX_ERR_DER_BAD_BOOLEAN), INTEGER and ENUMERATED
 * (WAX_ERR_DER_BAD_INTEGER), BIT STRING (WAX_ERR_DER_BAD_BIT_STRING, general
 * rules only, not the NamedBitList rule), OBJECT IDENTIFIER
 * (WAX_ERR_DER_BAD_OID), NULL (WAX_ERR_DER_BAD_NULL), UTCTime and
 * GeneralizedTime (WAX_ERR_DER_BAD_TIME, the profile of wax_der_parse_time)
 * and WAX_ERR_DER_BAD_STRING for: NumericString (digits and space),
 * PrintableString (X.680 table 10), IA5String (0x00..0x7F), VisibleString
 * (0x20..0x7E), UTF8String (well-formed UTF-8, RFC 3629), BMPString (even
 * length), UniversalString (length a multiple of 4). Any other tag (other
 * classes, OCTET STRING, T61String...) has no content rule: WAX_OK.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_der_check_primitive(uint32_t tag, struct wax_span contents);

/*
 * wax_der_validate checks that DER holds exactly one strict-DER element
 * (recursively through every constructed element) and returns the exact
 * WAX_ERR_DER_* of the first problem found, in document order:
 * WAX_ERR_DER_TRUNCATED (input ends, or an element overruns its parent),
 * _BAD_TAG, _TAG_TOO_LARGE, _CONSTRUCTED_STRING, _INDEFINITE_LENGTH,
 * _BAD_LENGTH, _NON_MINIMAL_LENGTH, _TOO_DEEP, the content errors of
 * wax_der_check_primitive for every primitive universal element, and
 * _TRAILING_DATA after the element. The outermost element is level 1; an
 * element deeper than MAX_DEPTH levels is WAX_ERR_DER_TOO_DEEP. MAX_DEPTH
 * above WAX_MAX_DER_DEPTH counts as WAX_MAX_DER_DEPTH. DER NULL with a
 * non-zero DER_LEN is WAX_ERR_INVALID_ARGUMENT. Not checked: SET OF order,
 * DEFAULT values, the NamedBitList rule (the schema is unknown here).
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_validate(const uint8_t *der,
                                                size_t der_len,
                                                size_t max_depth);

/* wax_time_from_civil / wax_time_to_civil convert between seconds since the
 * epoch and a proleptic Gregorian UTC date (years 0..9999). */
struct wax_civil_time {
    int year, month, day, hour, minute, second;
};
WAX_API bool wax_time_from_civil(const struct wax_civil_time *ct,
                                 int64_t *out_time);
WAX_API bool wax_time_to_civil(int64_t t, struct wax_civil_time *out);

/* wax_time_format_rfc3339 writes "YYYY-MM-DDTHH:MM:SSZ" (20 chars + NUL)
 * into OUT, which must hold WAX_RFC3339_LEN + 1 bytes. */
#define WAX_RFC3339_LEN 20
WAX_API bool wax_time_format_rfc3339(int64_t t, char *out, size_t out_cap);

/* wax_time_parse_rfc3339 parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or
 * a "+HH:MM"/"-HH:MM" offset (fractional seconds allowed and dropped). */
WAX_API bool wax_time_parse_rfc3339(const char *s, int64_t *out_time);

/* The builder, the OID table and the streaming BER reader follow below. */

#endif
