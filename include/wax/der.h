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

/* ------------------------------------------------------------------ */
/* The DER builder (BoringSSL CBB style, STYLE.md rule 6).             */

/* Deepest nesting of open scopes a builder accepts (WAX_ERR_DER_TOO_DEEP). */
#define WAX_MAX_DER_BUILDER_DEPTH WAX_MAX_DER_DEPTH

/*
 * struct wax_der_builder writes DER into one output buffer, either a fixed
 * caller buffer (wax_der_builder_init_fixed) or a heap buffer that grows up
 * to a mandatory cap (wax_der_builder_init). Neither init can fail: the
 * heap buffer is allocated on first write.
 *
 * Constructed elements are built in child scopes: wax_der_builder_open()
 * writes the tag and reserves the length, the caller adds the contents to
 * the child, and wax_der_builder_close() back-fills the minimal length.
 * Only the innermost open scope may be written to: using a parent while it
 * has an open child, a closed child, or a builder after finish fails with
 * WAX_ERR_DER_BUILDER_STATE. Errors stick: after the first failure every
 * call on the builder or any of its scopes returns that error, so a caller
 * may check only the result of wax_der_builder_finish().
 *
 * The top-level builder must not be moved (copied to another address)
 * while scopes are open: each scope points to it. A scope is a small
 * handle; it holds no memory and needs no cleanup. The fields are private.
 */
struct wax_der_builder {
    struct wax_der_builder *root; /* the top-level builder (itself there) */
    uint64_t serial;              /* this scope's id; 0 once closed */
    uint64_t parent_serial;
    size_t start; /* a child: offset of its length placeholder */
    /* The rest is used in the top-level builder only. */
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max;
    uint64_t open_serial; /* the innermost open scope */
    uint64_t next_serial;
    size_t depth;
    wax_err err;
    bool growable;
    bool finished;
};

/* wax_der_builder_init_fixed writes into BUF (CAP bytes, caller-owned);
 * overflowing it gives WAX_ERR_DER_BUILDER_OVERFLOW. */
WAX_API void wax_der_builder_init_fixed(struct wax_der_builder *b, uint8_t *buf,
                                        size_t cap);

/* wax_der_builder_init writes into a heap buffer of at most MAX bytes
 * (WAX_ERR_DER_BUILDER_OVERFLOW past it). */
WAX_API void wax_der_builder_init(struct wax_der_builder *b, size_t max);

/* wax_der_builder_cleanup frees the heap buffer unless finish handed it
 * over. Call it on the top-level builder only; safe to call twice. */
WAX_API void wax_der_builder_cleanup(struct wax_der_builder *b);

/*
 * wax_der_builder_finish ends the build of the top-level builder B (no
 * scope may be open) and gives the bytes. Fixed mode: *OUT_DATA is the
 * caller's buffer. Growable mode: the caller owns *OUT_DATA and frees it
 * with free(); it is NULL when nothing was written. Afterwards B accepts
 * only wax_der_builder_cleanup().
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_finish(struct wax_der_builder *b,
                                                      uint8_t **out_data,
                                                      size_t *out_len);

/* wax_der_builder_len is the number of bytes written so far by the whole
 * builder B belongs to (lengths of open scopes not yet back-filled). */
WAX_API size_t wax_der_builder_len(const struct wax_der_builder *b);

/*
 * wax_der_builder_open writes the identifier octets of TAG (any class,
 * primitive or constructed) to B and opens *OUT_CHILD for its contents.
 * A primitive TAG is allowed (to write a long value in pieces). At most
 * WAX_MAX_DER_BUILDER_DEPTH scopes may be open (WAX_ERR_DER_TOO_DEEP).
 * Universal tag 0 is WAX_ERR_DER_BAD_TAG.
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_open(
    struct wax_der_builder *b, uint32_t tag, struct wax_der_builder *out_child);

/* wax_der_builder_close back-fills CHILD's length in minimal form and makes
 * its parent writable again. CHILD is unusable afterwards. */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_close(struct wax_der_builder *child);

/*
 * wax_der_builder_sort_set sorts the elements written so far to the open
 * scope SET in DER SET OF order (X.690 §11.6: encodings compared as octet
 * strings, the shorter padded with trailing zero octets). Call it before
 * closing SET; the contents must be whole definite-length elements
 * (WAX_ERR_DER_TRUNCATED or WAX_ERR_DER_BAD_LENGTH otherwise). Needs
 * temporary memory of the size of the contents (WAX_ERR_NOMEM). Does not
 * check that SET was opened with a SET tag.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_sort_set(struct wax_der_builder *set);

/* wax_der_builder_add_bytes appends raw bytes, unchecked. */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_bytes(
    struct wax_der_builder *b, const uint8_t *data, size_t len);

/*
 * wax_der_builder_add_element appends one pre-encoded element. Checked:
 * DER is exactly one tag-length-value with a definite length of at most 8
 * octets (WAX_ERR_DER_TRUNCATED, WAX_ERR_DER_BAD_TAG,
 * WAX_ERR_DER_BAD_LENGTH, WAX_ERR_DER_INDEFINITE_LENGTH,
 * WAX_ERR_DER_TRAILING_DATA). Not checked: the contents (validate them
 * with wax_der_validate when they come from outside).
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_element(
    struct wax_der_builder *b, const uint8_t *der, size_t der_len);

/* wax_der_builder_add_primitive appends TAG, the length and the LEN
 * contents bytes as they are (implicitly tagged values, unchecked). */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_primitive(struct wax_der_builder *b, uint32_t tag,
                              const uint8_t *contents, size_t len);

/* INTEGER (or TAG for the _tagged forms) with the minimal two's-complement
 * encoding of V. */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_u64(struct wax_der_builder *b, uint64_t v);
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_i64(struct wax_der_builder *b, int64_t v);
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_u64_tagged(
    struct wax_der_builder *b, uint32_t tag, uint64_t v);

/*
 * wax_der_builder_add_integer appends the non-negative INTEGER whose
 * unsigned big-endian magnitude is MAG (LEN bytes; leading zero bytes are
 * dropped, a 0x00 is prepended when the top bit is set; LEN 0 is zero).
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_integer(
    struct wax_der_builder *b, const uint8_t *mag, size_t len);
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_integer_tagged(
    struct wax_der_builder *b, uint32_t tag, const uint8_t *mag, size_t len);

/* ENUMERATED with the minimal encoding of V. */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_enumerated(struct wax_der_builder *b, uint64_t v);

/* BOOLEAN: 0xFF or 0x00. */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_bool(struct wax_der_builder *b, bool v);

/* NULL: 05 00. */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_null(struct wax_der_builder *b);

/*
 * wax_der_builder_add_oid appends an OBJECT IDENTIFIER from its contents
 * octets, checked by wax_der_check_primitive (WAX_ERR_DER_BAD_OID).
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_oid(
    struct wax_der_builder *b, const uint8_t *oid, size_t len);

/* OCTET STRING with LEN bytes of DATA. */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_octet_string(
    struct wax_der_builder *b, const uint8_t *data, size_t len);

/*
 * wax_der_builder_add_bit_string appends a BIT STRING of LEN bytes whose
 * last UNUSED_BITS (0..7) bits are not part of the value. Those bits must
 * be zero, and UNUSED_BITS must be 0 when LEN is 0
 * (WAX_ERR_DER_BAD_BIT_STRING otherwise).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_bit_string(struct wax_der_builder *b, const uint8_t *data,
                               size_t len, uint8_t unused_bits);

/*
 * wax_der_builder_add_named_bits appends a NamedBitList BIT STRING (the
 * inverse of wax_der_get_named_bits): named bit i is set when bit i of BITS
 * is, trailing zero bits are trimmed (X.690 §11.2.2), and no bit set gives
 * the empty string 03 01 00.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_named_bits(struct wax_der_builder *b, uint32_t bits);

/*
 * wax_der_builder_add_time appends T (seconds since the epoch) as RFC 5280
 * §4.1.2.5 demands: UTCTime YYMMDDHHMMSSZ for the years 1950 to 2049,
 * GeneralizedTime YYYYMMDDHHMMSSZ otherwise (also RFC 5652 §11.3).
 * wax_der_builder_add_generalized_time always uses GeneralizedTime. Years
 * outside 0..9999 are WAX_ERR_DER_BAD_TIME.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_time(struct wax_der_builder *b, int64_t t);
WAX_API WAX_MUST_CHECK wax_err
wax_der_builder_add_generalized_time(struct wax_der_builder *b, int64_t t);

/*
 * wax_der_builder_add_string appends a character string of type TAG
 * (WAX_DER_UTF8_STRING, _PRINTABLE_STRING, _IA5_STRING, _NUMERIC_STRING,
 * _VISIBLE_STRING, _T61_STRING, _BMP_STRING or _UNIVERSAL_STRING; any other
 * tag is WAX_ERR_DER_BAD_TAG). The contents are checked against the type
 * by wax_der_check_primitive (WAX_ERR_DER_BAD_STRING); T61String is not
 * checked.
 */
WAX_API WAX_MUST_CHECK wax_err wax_der_builder_add_string(
    struct wax_der_builder *b, uint32_t tag, const uint8_t *data, size_t len);

/* ------------------------------------------------------------------ */
/* The streaming BER reader (DESIGN.md "How the streaming BER reader    */
/* serves CMS"). BER is accepted only here, at the CMS door.            */

enum wax_ber_event_type {
    WAX_BER_BEGIN = 1, /* an element's header has been read */
    WAX_BER_DATA,      /* a chunk of a primitive element's contents */
    WAX_BER_END,       /* an element ended */
    WAX_BER_CAPTURED,  /* a captured element ended (instead of END) */
};

/*
 * struct wax_ber_event is what the handler receives. Pointers in it are
 * valid only during the call.
 *
 *  TAG, CONSTRUCTED, INDEFINITE, LENGTH (the definite contents length, 0
 *  when indefinite), DEPTH and OFFSET describe the element, in every type
 *  of event: DEPTH 0 is the top-level element, OFFSET the input offset of
 *  its first identifier octet.
 *  DATA: DATA/DATA_LEN a non-empty piece of contents (never the whole
 *  value buffered: pieces follow the input chunks); DATA_OFFSET is the
 *  input offset of its first byte.
 *  CAPTURED: DATA/DATA_LEN the element normalised to DER (it is also the
 *  tail of the capture buffer), WAS_DER true when the input bytes of the
 *  element were exactly these bytes.
 */
struct wax_ber_event {
    enum wax_ber_event_type type;
    uint32_t tag;
    bool constructed;
    bool indefinite;
    bool was_der;
    size_t depth;
    uint64_t offset;
    uint64_t length;
    const uint8_t *data;
    size_t data_len;
    uint64_t data_offset;
};

struct wax_ber_reader;

/* A handler returns WAX_OK to go on; any other code stops the reader, and
 * the reader returns that code from now on. */
typedef wax_err (*wax_ber_handler)(void *ctx, struct wax_ber_reader *r,
                                   const struct wax_ber_event *ev);

/* One open element; private. */
struct wax_ber_frame {
    uint64_t offset;  /* first identifier octet */
    uint64_t end;     /* input offset past the contents; UINT64_MAX if
                         indefinite */
    uint64_t limit;   /* the innermost definite end at or above this */
    uint64_t length;  /* definite contents length (0 if indefinite) */
    uint64_t seen;    /* capture: content bytes of a string segment seen */
    size_t out_start; /* capture: offset of the length placeholder */
    uint32_t tag;
    bool indefinite;
    uint8_t unused_bits; /* capture: a merged BIT STRING's last segment */
};

/*
 * struct wax_ber_reader reads one BER element (X.690 §8) pushed in chunks
 * of any size, and reports it as events to a handler. Accepted: definite
 * and indefinite lengths, constructed strings (nested too), tag numbers up
 * to 2^29-1 in high-tag form. Rejected, with the first error sticking:
 *  - nesting deeper than max_depth: WAX_ERR_BER_TOO_DEEP;
 *  - an element or header running past the end of a definite-length
 *    parent: WAX_ERR_BER_LENGTH_MISMATCH;
 *  - an end-of-contents marker that is not 00 00 or not directly inside an
 *    indefinite-length element: WAX_ERR_BER_BAD_EOC;
 *  - a length of 2^63 or more, more than 8 length octets, the reserved
 *    octet 0xFF, an indefinite length on a primitive: WAX_ERR_BER_BAD_LENGTH;
 *  - a high-tag form for a number below 31 or with a leading 0x80 octet,
 *    a universal tag 0 other than EOC, a constructed BOOLEAN, INTEGER,
 *    NULL, OID, REAL, ENUMERATED or RELATIVE-OID, a primitive SEQUENCE,
 *    SET, EXTERNAL, EMBEDDED PDV or CHARACTER STRING: WAX_ERR_BER_BAD_TAG
 *    (the strict reader's tag rules, without the DER-only ones); a tag
 *    number over 2^29-1: WAX_ERR_DER_TAG_TOO_LARGE;
 *  - input ending inside the element at finish: WAX_ERR_BER_TRUNCATED;
 *  - bytes after the element: WAX_ERR_BER_TRAILING_DATA.
 * Memory use is the struct itself (a fixed stack of WAX_MAX_DER_DEPTH
 * frames) plus what captures take from their capped buffers.
 *
 * Not checked outside captures: the contents of primitive elements (they
 * only pass through as DATA) and the meaning of the structure.
 *
 * The reader is also a wax_sink (wax_ber_reader_sink): write() feeds it,
 * close() is wax_ber_reader_finish(). The fields are private.
 */
struct wax_ber_reader {
    wax_sink sink; /* must stay first */
    wax_ber_handler handler;
    void *ctx;
    size_t max_depth;
    wax_err err;
    int state;
    bool in_callback;
    bool in_begin;
    uint64_t pos;       /* input bytes consumed */
    uint64_t remaining; /* of the primitive being read */
    /* the header being assembled */
    uint64_t hdr_offset;
    uint64_t hdr_length;
    uint32_t hdr_tag;
    uint8_t hdr_stage;
    uint8_t hdr_len_left;
    bool hdr_first_octet;
    bool hdr_eoc;
    bool hdr_len_zero_octet;
    bool hdr_indefinite;
    bool hdr_nonminimal;
    /* the capture */
    struct wax_buf *cap_buf;
    size_t cap_start;
    size_t cap_max;
    size_t cap_root;  /* frame index of the captured element */
    size_t cap_merge; /* frame index of the merged string, or SIZE_MAX */
    bool capturing;
    bool cap_requested;
    bool cap_exact;
    size_t num_frames;
    struct wax_ber_frame frames[WAX_MAX_DER_DEPTH];
};

/*
 * wax_ber_reader_init prepares R to read one element, calling
 * HANDLER(CTX, R, event) for each event. MAX_DEPTH is the deepest nesting
 * accepted (the top-level element is at depth 0, so at most MAX_DEPTH
 * elements are open at once); 0 or more than WAX_MAX_DER_DEPTH means
 * WAX_MAX_DER_DEPTH. Cannot fail; needs no cleanup.
 */
WAX_API void wax_ber_reader_init(struct wax_ber_reader *r, size_t max_depth,
                                 wax_ber_handler handler, void *ctx);

/* wax_ber_reader_write pushes LEN bytes (0 allowed) of input. Calling it
 * from the handler is WAX_ERR_BER_STATE. */
WAX_API WAX_MUST_CHECK wax_err wax_ber_reader_write(struct wax_ber_reader *r,
                                                    const uint8_t *data,
                                                    size_t len);

/* wax_ber_reader_finish says the input has ended: WAX_OK only when exactly
 * one whole element was read (WAX_ERR_BER_TRUNCATED otherwise). */
WAX_API WAX_MUST_CHECK wax_err wax_ber_reader_finish(struct wax_ber_reader *r);

/* wax_ber_reader_sink returns the reader's sink interface. */
WAX_API wax_sink *wax_ber_reader_sink(struct wax_ber_reader *r);

/* wax_ber_reader_offset is the number of input bytes consumed so far. */
WAX_API uint64_t wax_ber_reader_offset(const struct wax_ber_reader *r);

/*
 * wax_ber_reader_capture, called by the handler during a BEGIN event,
 * captures the element that began into OUT: the reader then reports no
 * events from inside it and, at its end, one WAX_BER_CAPTURED event instead
 * of END. The element is appended to OUT normalised to DER: definite
 * lengths in minimal form; constructed universal strings (BIT STRING,
 * OCTET STRING, the character strings, UTCTime and GeneralizedTime) merged
 * into one primitive string; BOOLEAN TRUE as 0xFF; the unused bits of a
 * BIT STRING set to zero. Each primitive universal value is then checked
 * by wax_der_check_primitive (its exact WAX_ERR_DER_* code), so a capture
 * passes wax_der_validate. Also checked: the segments of a constructed
 * string have the string's own type (WAX_ERR_BER_BAD_TAG), BIT STRING
 * segments have their unused-bits octet and only the last has unused bits
 * (WAX_ERR_DER_BAD_BIT_STRING). Not done: SET OF sorting (the reader cannot
 * tell SET from SET OF). Context-specific and application tags keep their
 * form: an implicitly tagged constructed string stays constructed.
 *
 * At most MAX_LEN bytes are appended, and no more than OUT's own cap
 * allows: beyond that the reader fails with WAX_ERR_BER_CAPTURE_TOO_LARGE.
 * On any error the bytes the capture appended are removed again. Outside a
 * BEGIN callback, or during a capture: WAX_ERR_BER_STATE.
 */
WAX_API WAX_MUST_CHECK wax_err wax_ber_reader_capture(struct wax_ber_reader *r,
                                                      struct wax_buf *out,
                                                      size_t max_len);

/*
 * wax_ber_to_der normalises the one BER element IN (IN_LEN bytes, no
 * trailing data) to DER as a capture does, appending at most MAX_OUT bytes
 * to OUT. Errors are those of the reader and of a capture.
 */
WAX_API WAX_MUST_CHECK wax_err wax_ber_to_der(const uint8_t *in, size_t in_len,
                                              size_t max_out,
                                              struct wax_buf *out);

#endif
