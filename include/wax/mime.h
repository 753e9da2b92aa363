/*
 * wax/mime.h - the mime layer: header sections (RFC 5322, RFC 2045),
 * Content-Type and friends, canonicalization for signing (RFC 8551
 * section 3.1), the streaming multipart parser (RFC 2046 section 5.1.1),
 * multipart/signed splitting (RFC 1847) and application/pkcs7-mime
 * unwrapping for the verifier and decrypter, and the writers of both forms.
 *
 * Everything is push-streaming (DESIGN.md "Data flows one way"): the
 * filters below are wax_sinks, take input in chunks of any size, buffer
 * only bounded things (a header section, a delimiter candidate, codec
 * groups) and give the same result for every way of splitting the input.
 * Every bound on input is a WAX_MAX_MIME_* constant; exceeding it is an
 * exact WAX_ERR_MIME_* error, never a reallocation.
 *
 * Views: parsed structures hold struct wax_span views into the bytes they
 * were parsed from (the caller's buffer, or a filter's own header buffer);
 * they are valid as long as those bytes are.
 *
 * Closing: every filter here closes the sink it pushes into when it is
 * closed itself, so closing the head of a chain closes the whole chain.
 * Errors stick (STYLE.md rule 10): once a filter failed, every later
 * write() and close() returns the same error.
 *
 * This layer does not check signatures, decrypt, or look inside CMS
 * objects: it gives the smime layer the exact bytes to digest and the
 * exact bytes of the CMS object.
 */
#ifndef WAX_MIME_H
#define WAX_MIME_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/crypto.h>
#include <wax/der.h>

/* ------------------------------------------------------------------ */
/* Limits (STYLE.md rule 14).                                          */

/* Longest physical header line, line end excluded (RFC 5322 2.1.1). */
#define WAX_MAX_MIME_LINE 998
/* Largest header section, its terminating empty line included. */
#define WAX_MAX_MIME_HEADER_BYTES ((size_t)128 * 1024)
/* Most fields in one header section. */
#define WAX_MAX_MIME_FIELDS 256
/* Most parameters in one Content-Type or Content-Disposition value. */
#define WAX_MAX_MIME_PARAMS 64
/* Deepest multipart nesting the parser follows (1 = a flat multipart). */
#define WAX_MAX_MIME_DEPTH 16
/* Longest boundary (RFC 2046 5.1.1). */
#define WAX_MAX_MIME_BOUNDARY 70
/* Most transport-padding characters (SP, HTAB) after a delimiter. */
#define WAX_MAX_MIME_PADDING 128

/* Longest line of 7-bit data (RFC 5322 / RFC 2045 2.7), line end excluded:
 * the threshold of the 7-bit decision, not a limit on input. */
#define WAX_MIME_7BIT_LINE 998

/* Column that written header fields are folded at (RFC 5322 2.1.1). */
#define WAX_MIME_FOLD_COLUMN 78

/* ------------------------------------------------------------------ */
/* Header sections (header.c).                                         */

/*
 * struct wax_mime_field is one header field, as views into the header
 * section it was parsed from:
 *   NAME   the field name, without any white space before the colon and
 *          without the colon;
 *   VALUE  the raw value: everything after the colon up to (not including)
 *          the field's final line end; white space after the colon and the
 *          line ends of folding are still in it (see wax_mime_unfold);
 *   RAW    the whole field, name to final line end included (the last
 *          field of a section that ends at the end of its input may have
 *          no line end).
 */
struct wax_mime_field {
    struct wax_span name;
    struct wax_span value;
    struct wax_span raw;
};

/*
 * struct wax_mime_header is a parsed header section: its fields in order,
 * and RAW, the whole section including the empty line that ends it (when
 * there is one). About 12 KiB: embed it in heap objects or keep it in a
 * caller's frame knowingly.
 */
struct wax_mime_header {
    struct wax_span raw;
    size_t num_fields;
    struct wax_mime_field fields[WAX_MAX_MIME_FIELDS];
};

/*
 * wax_mime_header_parse parses the header section at the start of DATA
 * (an RFC 5322 message, or a MIME entity or body part).
 *
 * Accepted: lines ended by CRLF or by a bare LF (mixed is fine); a field is
 * a name of printable US-ASCII other than ':' (RFC 5322 ftext), optional
 * SP/HTAB (obsolete syntax), ':', then the value, continued on lines that
 * start with SP or HTAB (folding; a line of only white space is a
 * continuation too). Values may hold 8-bit bytes (RFC 6532). The section
 * ends after the first empty line, or at the end of DATA when there is no
 * empty line (an entity without body; the last line may then lack its line
 * end). DATA that starts with an empty line has zero fields.
 *
 * Errors: a line over WAX_MAX_MIME_LINE: WAX_ERR_MIME_HEADER_LINE_TOO_LONG;
 * a section over WAX_MAX_MIME_HEADER_BYTES: WAX_ERR_MIME_HEADER_TOO_LARGE;
 * more than WAX_MAX_MIME_FIELDS fields: WAX_ERR_MIME_TOO_MANY_FIELDS; a
 * NUL byte: WAX_ERR_MIME_HEADER_NUL; a CR not followed by LF:
 * WAX_ERR_MIME_BARE_CR; a first line that starts with white space:
 * WAX_ERR_MIME_BAD_FOLDING; a line without ':': WAX_ERR_MIME_FIELD_NO_COLON;
 * an empty or invalid name: WAX_ERR_MIME_BAD_FIELD_NAME.
 *
 * On success *OUT holds views into DATA and *OUT_BODY_OFFSET is the offset
 * of the body (== LEN when there is none). On failure *OUT is unchanged.
 * Not checked: the syntax of values (see the parsers below).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_header_parse(struct wax_mime_header *out, size_t *out_body_offset,
                      const uint8_t *data, size_t len);

/* wax_mime_name_eq: NAME equals the NUL-terminated S, ASCII case-insensitive.
 */
WAX_API bool wax_mime_name_eq(struct wax_span name, const char *s);

/*
 * wax_mime_header_find looks for the next field named NAME (case
 * insensitive) at an index >= *IO_INDEX. When found it sets *IO_INDEX to
 * the field's index and returns true (start the next search at index + 1);
 * otherwise returns false and leaves *IO_INDEX.
 */
WAX_API bool wax_mime_header_find(const struct wax_mime_header *h,
                                  size_t *io_index, const char *name);

/*
 * wax_mime_header_get gives the one field named NAME: *OUT_FIELD points to
 * it, or is NULL when there is none. Two or more such fields are
 * WAX_ERR_MIME_DUPLICATE_FIELD (which one counts would be ambiguous).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_header_get(const struct wax_mime_header *h,
                    const struct wax_mime_field **out_field, const char *name);

/* wax_mime_field_is_content: the field's name starts with "Content-"
 * (case insensitive): it belongs to the MIME entity (RFC 2045 section 9). */
WAX_API bool wax_mime_field_is_content(const struct wax_mime_field *f);

/* wax_mime_field_is_mime_version: the field is MIME-Version. */
WAX_API bool wax_mime_field_is_mime_version(const struct wax_mime_field *f);

/*
 * wax_mime_unfold writes the unfolded VALUE to OUT (RFC 5322 2.2.3: every
 * line end - CRLF or LF - that is followed by SP or HTAB is removed), with
 * the leading and trailing SP/HTAB removed. Nothing else changes: comments,
 * quotes and encoded-words stay. WAX_ERR_BUF_TOO_SMALL when OUT_CAP is too
 * small (VALUE.len always suffices).
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_unfold(uint8_t *out, size_t out_cap,
                                               size_t *out_len,
                                               struct wax_span value);

/*
 * wax_mime_header_fn is called by the filters below once a header section
 * is complete, before any byte of the body is pushed on. H stays valid
 * until the filter is cleaned up. Returning an error fails the filter
 * with that error.
 */
typedef wax_err (*wax_mime_header_fn)(void *ctx,
                                      const struct wax_mime_header *h);

/*
 * struct wax_mime_splitter is a sink that buffers the header section of
 * what is written to it (at most WAX_MAX_MIME_HEADER_BYTES, limits checked
 * as bytes arrive), parses it as wax_mime_header_parse does, calls
 * ON_HEADER (if not NULL) and pushes every later byte, the body, into the
 * body sink unchanged. If the input ends inside the header section, that
 * section is parsed (entity without body) at close. close() closes the body
 * sink. Fields other than sink and header are private.
 */
struct wax_mime_splitter {
    wax_sink sink; /* must stay first */
    wax_sink *body;
    wax_mime_header_fn on_header;
    void *ctx;
    struct wax_buf buf;
    struct wax_mime_header header; /* valid once ON_HEADER was called */
    size_t line_len;
    bool pending_cr;
    bool in_body;
    bool closed;
    wax_err err;
};

/* wax_mime_splitter_init prepares SP; BODY may be NULL (body dropped) and
 * may be changed by ON_HEADER with wax_mime_splitter_set_body. */
WAX_API void wax_mime_splitter_init(struct wax_mime_splitter *sp,
                                    wax_mime_header_fn on_header, void *ctx,
                                    wax_sink *body);
WAX_API void wax_mime_splitter_set_body(struct wax_mime_splitter *sp,
                                        wax_sink *body);
WAX_API wax_sink *wax_mime_splitter_sink(struct wax_mime_splitter *sp);
/* wax_mime_splitter_has_header: the header section is complete and parsed. */
WAX_API bool wax_mime_splitter_has_header(const struct wax_mime_splitter *sp);
WAX_API void wax_mime_splitter_cleanup(struct wax_mime_splitter *sp);

/* ------------------------------------------------------------------ */
/* Content-Type, Content-Transfer-Encoding, Content-Disposition        */
/* (content_type.c).                                                   */

/*
 * struct wax_mime_param is one parameter as written: NAME is the attribute
 * (for RFC 2231 forms with the '*' suffixes, e.g. "filename*0*"), VALUE the
 * token, or the contents of the quoted-string without its quotes (quoted
 * pairs and folding still in it; QUOTED tells which).
 */
struct wax_mime_param {
    struct wax_span name;
    struct wax_span value;
    bool quoted;
};

struct wax_mime_params {
    size_t num_params;
    struct wax_mime_param params[WAX_MAX_MIME_PARAMS];
};

/* struct wax_mime_content_type: TYPE "/" SUBTYPE and the parameters. */
struct wax_mime_content_type {
    struct wax_span type;
    struct wax_span subtype;
    struct wax_mime_params params;
};

/*
 * wax_mime_content_type_parse parses a Content-Type value (RFC 2045 5.1,
 * as in struct wax_mime_field.value: folding allowed).
 *
 * Accepted: comments and white space (CFWS) around every token, '/', ';'
 * and '='; type and subtype as RFC 2045 tokens; attribute names as tokens;
 * values as a quoted-string (with quoted pairs, 8-bit bytes allowed) or as
 * an unquoted run of bytes other than CTLs, SP, ';', '"', '(', ')', '\'
 * (laxer than an RFC 2045 token: real mail leaves '/', '=', '?' unquoted,
 * e.g. protocol=application/pkcs7-signature); empty parameters (";;", a
 * trailing ';') are skipped.
 * Errors: WAX_ERR_MIME_BAD_CONTENT_TYPE for the type/subtype part,
 * WAX_ERR_MIME_BAD_PARAM for a parameter (no '=', no value, unterminated
 * quoted-string or comment), WAX_ERR_MIME_TOO_MANY_PARAMS, and
 * WAX_ERR_MIME_DUPLICATE_PARAM when two parameters have the same
 * attribute name (case insensitive; "name" and "name*" differ).
 * Not checked: whether the type is registered.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_content_type_parse(
    struct wax_mime_content_type *out, struct wax_span value);

/* wax_mime_content_type_is: TYPE and SUBTYPE match (case insensitive);
 * SUBTYPE NULL matches any subtype. */
WAX_API bool wax_mime_content_type_is(const struct wax_mime_content_type *ct,
                                      const char *type, const char *subtype);

/*
 * wax_mime_param_get decodes the parameter NAME (case insensitive) into
 * OUT: *OUT_PRESENT tells whether it exists (when not, *OUT_LEN is 0).
 *
 * Forms (RFC 2045, RFC 2231 sections 3 and 4):
 *   name=value / name="quoted"      value as is; quoted pairs unescaped,
 *                                   line ends of folding removed;
 *   name*=charset'lang'%XX...       percent-decoded; charset and language
 *                                   are dropped (bytes as sent);
 *   name*0=..; name*1*=%XX..; ...   the sections joined in order, each
 *                                   plain or percent-encoded ("*N*"); the
 *                                   charset'lang' prefix only in section 0.
 * When the plain form and an RFC 2231 form are both present (clients send
 * both for compatibility), the RFC 2231 form wins.
 * Errors: WAX_ERR_MIME_BAD_RFC2231 (missing or duplicated section, a
 * section number with a leading zero, "*N" and "*N*" both present, no
 * charset'lang' quotes in an extended section 0, '%' not followed by two
 * hex digits); WAX_ERR_BUF_TOO_SMALL when the value does not fit OUT_CAP.
 * RFC 2047 encoded-words inside a quoted value are not decoded.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_param_get(
    const struct wax_mime_params *ps, uint8_t *out, size_t out_cap,
    size_t *out_len, bool *out_present, const char *name);

/* Content-Transfer-Encoding (RFC 2045 section 6). */
enum wax_mime_cte {
    WAX_MIME_CTE_7BIT = 0, /* also the default when the field is absent */
    WAX_MIME_CTE_8BIT,
    WAX_MIME_CTE_BINARY,
    WAX_MIME_CTE_QP,
    WAX_MIME_CTE_BASE64,
};

/*
 * wax_mime_cte_parse parses a Content-Transfer-Encoding value: one token
 * with optional CFWS around it, case insensitive. An unknown token (an
 * x-token or a typo) is WAX_ERR_MIME_UNKNOWN_CTE; anything else that is
 * not one token is WAX_ERR_MIME_BAD_CTE.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_cte_parse(enum wax_mime_cte *out,
                                                  struct wax_span value);

/*
 * wax_mime_header_cte gives the entity's transfer encoding: 7bit when H has
 * no Content-Transfer-Encoding field, WAX_ERR_MIME_DUPLICATE_FIELD when it
 * has two, else as wax_mime_cte_parse.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_header_cte(enum wax_mime_cte *out, const struct wax_mime_header *h);

/* wax_mime_cte_name: "7bit", "8bit", "binary", "quoted-printable",
 * "base64" ("unknown" otherwise). */
WAX_API const char *wax_mime_cte_name(enum wax_mime_cte cte);

/* struct wax_mime_disposition: the disposition type and its parameters. */
struct wax_mime_disposition {
    struct wax_span type;
    struct wax_mime_params params;
};

/*
 * wax_mime_disposition_parse parses a Content-Disposition value (RFC 2183):
 * a token, then parameters as for Content-Type (same errors, with
 * WAX_ERR_MIME_BAD_DISPOSITION for the type). The file name is
 * wax_mime_param_get(&d->params, ..., "filename").
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_disposition_parse(
    struct wax_mime_disposition *out, struct wax_span value);

/*
 * wax_mime_boundary_check: B (LEN bytes) is a usable boundary: 1 to
 * WAX_MAX_MIME_BOUNDARY bytes (else WAX_ERR_MIME_BOUNDARY_TOO_LONG or
 * WAX_ERR_MIME_BAD_BOUNDARY for 0), each printable US-ASCII or SP, not
 * ending in SP (else WAX_ERR_MIME_BAD_BOUNDARY). Laxer than RFC 2046's
 * bchars on purpose: a boundary is matched byte for byte, and real mail
 * uses characters outside bchars.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_boundary_check(const uint8_t *b,
                                                       size_t len);

/*
 * wax_mime_header_boundary gets the boundary of a multipart entity from
 * its header: WAX_ERR_MIME_NOT_MULTIPART when the Content-Type is absent
 * or not multipart/(any), WAX_ERR_MIME_NO_BOUNDARY when it has no boundary
 * parameter, else the checks of wax_mime_boundary_check and of the parsers
 * above. OUT must have room for WAX_MAX_MIME_BOUNDARY bytes (no NUL added).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_header_boundary(uint8_t out[WAX_MAX_MIME_BOUNDARY], size_t *out_len,
                         const struct wax_mime_header *h);

/*
 * wax_mime_micalg_parse maps one micalg token (RFC 8551 3.5.3, case
 * insensitive) to a digest: "md5", "sha-1", "sha-224", "sha-256",
 * "sha-384", "sha-512", and the older spellings without the dash ("sha1",
 * "sha256"...) that RFC 2311-era clients sent. Anything else is
 * WAX_ERR_MIME_UNKNOWN_MICALG.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_micalg_parse(enum wax_digest_alg *out,
                                                     struct wax_span token);

/* wax_mime_micalg_name: the RFC 8551 micalg name of ALG ("sha-256"), NULL
 * for WAX_DIGEST_NONE and unknown values. */
WAX_API const char *wax_mime_micalg_name(enum wax_digest_alg alg);

/* What an entity is, for S/MIME (RFC 8551 sections 3.2, 3.4, 3.9). */
enum wax_mime_smime_type {
    WAX_MIME_SMIME_NONE = 0,         /* not S/MIME */
    WAX_MIME_SMIME_MULTIPART_SIGNED, /* multipart/signed with a pkcs7 protocol
                                      */
    WAX_MIME_SMIME_SIGNED_DATA,      /* smime-type=signed-data */
    WAX_MIME_SMIME_ENVELOPED_DATA,   /* smime-type=enveloped-data */
    WAX_MIME_SMIME_AUTH_ENVELOPED_DATA, /* smime-type=authEnveloped-data */
    WAX_MIME_SMIME_COMPRESSED_DATA,     /* smime-type=compressed-data, .p7z */
    WAX_MIME_SMIME_CERTS_ONLY,          /* smime-type=certs-only, .p7c */
    WAX_MIME_SMIME_PKCS7_MIME,          /* pkcs7-mime, kind not stated (.p7m,
                                           no or unknown smime-type): the CMS
                                           content type decides */
    WAX_MIME_SMIME_SIGNATURE,           /* a detached signature entity (.p7s) */
};

/*
 * struct wax_mime_smime_info is what wax_mime_smime_identify found:
 *   TYPE        as above;
 *   LEGACY_X    the media type was the older application/x-pkcs7-(any);
 *   BY_NAME     only the file name said so (application/octet-stream with
 *               a .p7m/.p7c/.p7z/.p7s name, or pkcs7-mime without
 *               smime-type but with a telling name);
 *   MICALG      multipart/signed only: the first micalg the parameter
 *               lists, WAX_DIGEST_NONE when absent or unknown (informative:
 *               the digest that counts is the one in the CMS object).
 */
struct wax_mime_smime_info {
    enum wax_mime_smime_type type;
    bool legacy_x;
    bool by_name;
    enum wax_digest_alg micalg;
};

/*
 * wax_mime_smime_identify tells what the entity whose header is H is.
 * Recognised: multipart/signed whose protocol is application/pkcs7-
 * signature or application/x-pkcs7-signature (another protocol, such as
 * PGP's, is NONE); application/pkcs7-mime and application/x-pkcs7-mime
 * with smime-type signed-data, enveloped-data, authEnveloped-data,
 * compressed-data, certs-only (case insensitive), else by the file name
 * (Content-Type name or Content-Disposition filename: .p7c certs-only,
 * .p7z compressed-data, otherwise PKCS7_MIME); application/pkcs7-signature
 * and application/x-pkcs7-signature (SIGNATURE); application/octet-stream
 * with a .p7m (PKCS7_MIME), .p7c, .p7z or .p7s name. A header without
 * Content-Type is text/plain: NONE.
 * Errors: those of the parsers above for the fields involved (a malformed
 * or duplicated Content-Type is an error, never NONE).
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_smime_identify(
    struct wax_mime_smime_info *out, const struct wax_mime_header *h);

/* ------------------------------------------------------------------ */
/* Canonicalization and transfer encoding for signing (canon.c).       */

/*
 * struct wax_mime_canon is a sink that puts line ends in canonical form
 * (RFC 8551 3.1.1): a LF not preceded by CR becomes CRLF; CRLF stays. A CR
 * not followed by LF is passed through unchanged (never dropped, never made
 * into a line end): such a body is not 7-bit data (see wax_mime_scan), so
 * the smime layer transfer-encodes it and the CR travels safely inside the
 * encoding. Nothing is added at the end: a body that does not end with a
 * line end still does not. No buffering: the output of every write is
 * pushed at once. close() closes OUT.
 */
struct wax_mime_canon {
    wax_sink sink; /* must stay first */
    wax_sink *out;
    bool prev_cr;
    bool closed;
    wax_err err;
};

WAX_API void wax_mime_canon_init(struct wax_mime_canon *c, wax_sink *out);
WAX_API wax_sink *wax_mime_canon_sink(struct wax_mime_canon *c);

/*
 * struct wax_mime_scan is a sink that drops its input and counts what
 * decides whether a body can be sent as 7-bit data (RFC 2045 2.7): bytes
 * with the high bit set, NUL bytes, CRs not followed by LF, LFs not
 * preceded by CR (harmless: canonicalization fixes them), the longest line
 * (line end excluded; lines end at LF; a bare CR counts as a character),
 * and two signals of fragile text that some transports alter: a line
 * ending in SP/HTAB, a line starting "From ". All fields are public and
 * read-only; valid after close (and meaningful as running counts before).
 */
struct wax_mime_scan {
    wax_sink sink; /* must stay first */
    uint64_t num_bytes;
    uint64_t num_8bit;
    uint64_t num_nul;
    uint64_t num_bare_cr;
    uint64_t num_bare_lf;
    uint64_t num_lines; /* line ends seen */
    uint64_t max_line_len;
    bool trailing_ws;
    bool from_line;
    /* private */
    uint64_t line_len;
    uint8_t last;         /* last byte of the current line, 0 if none */
    uint8_t from_matched; /* bytes of "From " matched at line start */
    bool pending_cr;
    bool closed;
};

WAX_API void wax_mime_scan_init(struct wax_mime_scan *s);
WAX_API wax_sink *wax_mime_scan_sink(struct wax_mime_scan *s);

/* wax_mime_scan_is_7bit: no 8-bit byte, no NUL, no bare CR, and no line
 * longer than WAX_MIME_7BIT_LINE: the body may be sent as it is (after
 * canonicalization) with Content-Transfer-Encoding 7bit. */
WAX_API bool wax_mime_scan_is_7bit(const struct wax_mime_scan *s);

/* The transfer encoding that preparing an entity applies to its body. */
enum wax_mime_encode {
    WAX_MIME_ENCODE_NONE = 0, /* body is 7-bit data (or already encoded) */
    WAX_MIME_ENCODE_QP,
    WAX_MIME_ENCODE_BASE64,
};

/*
 * wax_mime_choose_encoding decides, before signing, how the body of the
 * entity with header H must travel, from a scan of that body:
 *   - declared base64 or quoted-printable: NONE (already encoded); the
 *     body must scan as 7-bit, else WAX_ERR_MIME_NOT_7BIT;
 *   - multipart/(any) or message/(any): NONE when 7-bit; otherwise
 *     WAX_ERR_MIME_COMPOSITE_ENCODING (RFC 2045 6.4 forbids encoding a
 *     composite body; its leaf parts would have to be re-encoded one by
 *     one, which this layer does not do);
 *   - any other body that scans as 7-bit: NONE;
 *   - text/(any) (or no Content-Type), without NUL, with at most one 8-bit
 *     byte in six: QP (bare CRs become =0D);
 *   - otherwise BASE64.
 * Errors also: those of wax_mime_header_cte and the Content-Type parser.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_choose_encoding(
    enum wax_mime_encode *out, const struct wax_mime_header *h,
    const struct wax_mime_scan *body);

/*
 * struct wax_mime_entity_scan is the first pass of signing: a sink taking a
 * whole message or entity, splitting its header and scanning its body.
 * After close, HEADER is the parsed header and SCAN the body's counts, for
 * wax_mime_choose_encoding. About 13 KiB.
 */
struct wax_mime_entity_scan {
    wax_sink sink; /* must stay first */
    struct wax_mime_splitter split;
    struct wax_mime_scan scan;
};
WAX_API void wax_mime_entity_scan_init(struct wax_mime_entity_scan *es);
WAX_API wax_sink *wax_mime_entity_scan_sink(struct wax_mime_entity_scan *es);
/* The header; NULL before the header section is complete. */
WAX_API const struct wax_mime_header *
wax_mime_entity_scan_header(const struct wax_mime_entity_scan *es);
WAX_API void wax_mime_entity_scan_cleanup(struct wax_mime_entity_scan *es);

/*
 * struct wax_mime_prepare is the second pass of signing (and the input
 * stage of encrypting and compressing): a sink taking a whole RFC 5322
 * message (or a bare MIME entity) that writes the canonical MIME entity to
 * protect into OUT (RFC 8551 3.1):
 *
 *   1. the header section is split off and parsed; ON_HEADER (if not NULL)
 *      is called with it before any output, so that the caller can write
 *      the outer fields first (every field that is not Content-* and not
 *      MIME-Version stays outside the protected entity: From, To, Cc,
 *      Subject, Date, Message-ID, Received...);
 *   2. the entity's header goes out: its Content-* fields in their order,
 *      raw (folding kept), line ends made CRLF; when ENC is not NONE, the
 *      Content-Transfer-Encoding field is replaced in place (or appended
 *      after the last Content-* field) by "Content-Transfer-Encoding:
 *      quoted-printable" or "Content-Transfer-Encoding: base64". A header
 *      without Content-Type gets, first, exactly
 *      "Content-Type: text/plain; charset=us-ascii" CRLF (the RFC 2045
 *      default made explicit), or, when ENC is not NONE (the body had 8-bit
 *      bytes, so it was not us-ascii after all),
 *      "Content-Type: text/plain; charset=unknown-8bit" CRLF (RFC 1428);
 *   3. an empty line (CRLF);
 *   4. the body: ENC NONE: line ends canonicalized, and the body is checked
 *      as it streams to be 7-bit data (wax_mime_scan_is_7bit); the first
 *      8-bit byte, NUL, bare CR or overlong line is WAX_ERR_MIME_NOT_7BIT.
 *      ENC QP: quoted-printable in text mode (line ends become hard
 *      breaks). ENC BASE64: base64 in 76-column CRLF lines, of the
 *      canonicalized body for text/(any) (and no Content-Type), of the body's
 *      bytes unchanged otherwise.
 *
 * ENC comes from wax_mime_choose_encoding on a first pass; a mismatch with
 * the entity is an error: QP or BASE64 for a composite entity is
 * WAX_ERR_MIME_COMPOSITE_ENCODING, for a body declared base64 or
 * quoted-printable WAX_ERR_MIME_ALREADY_ENCODED, QP for a non-text entity
 * WAX_ERR_INVALID_ARGUMENT. Nothing is buffered but the header section and
 * the codecs' bounded lines. close() closes OUT. About 21 KiB.
 */
struct wax_mime_prepare {
    wax_sink sink; /* must stay first */
    wax_sink *out;
    enum wax_mime_encode enc;
    wax_mime_header_fn on_header;
    void *ctx;
    struct wax_mime_splitter split;
    wax_sink body_in; /* private: the splitter's body sink */
    wax_sink *body_next;
    struct wax_mime_canon canon;
    struct wax_mime_scan check;
    union {
        struct wax_b64_encoder b64;
        struct wax_qp_encoder qp;
    } codec;
    bool check_7bit;
    bool closed;
    wax_err err;
};

WAX_API void wax_mime_prepare_init(struct wax_mime_prepare *p, wax_sink *out,
                                   enum wax_mime_encode enc,
                                   wax_mime_header_fn on_header, void *ctx);
WAX_API wax_sink *wax_mime_prepare_sink(struct wax_mime_prepare *p);
/* The input's header (outer fields included); NULL before it is complete. */
WAX_API const struct wax_mime_header *
wax_mime_prepare_header(const struct wax_mime_prepare *p);
WAX_API void wax_mime_prepare_cleanup(struct wax_mime_prepare *p);

/* ------------------------------------------------------------------ */
/* The multipart parser (multipart.c).                                 */

/*
 * Events of the multipart parser. DEPTH is 0 for the parts of the
 * multipart the parser was started on, 1 for the parts of a multipart
 * part it descended into, and so on. Every callback may be NULL.
 *
 *   part_begin   a delimiter opened part INDEX (0-based) at DEPTH;
 *   part_header  the part's header section is complete: H (valid during
 *                the call only) with H->raw its exact bytes. Setting
 *                *DESCEND to true makes the parser parse the part's body
 *                as a nested multipart (then no part_body events come for
 *                this part, but events at DEPTH + 1);
 *   part_body    the next bytes of the part's body, exactly as they stand
 *                between the header section and the CRLF (or LF) before
 *                the next delimiter; chunked as the input arrives, never
 *                buffered whole;
 *   part_end     the part ended (a delimiter or the close delimiter).
 *
 * H->raw followed by every part_body chunk is the part, byte for byte.
 */
struct wax_mime_multipart_events {
    wax_err (*part_begin)(void *ctx, size_t depth, size_t index);
    wax_err (*part_header)(void *ctx, size_t depth,
                           const struct wax_mime_header *h, bool *descend);
    wax_err (*part_body)(void *ctx, size_t depth, const uint8_t *data,
                         size_t len);
    wax_err (*part_end)(void *ctx, size_t depth);
};

/* Private: one nesting level of the parser. LA holds a delimiter
 * candidate: line end, "--", boundary, "--" or padding and line end. */
#define WAX_MIME_LA_MAX                                                        \
    (2 + 2 + WAX_MAX_MIME_BOUNDARY + WAX_MAX_MIME_PADDING + 2)
struct wax_mime_mp_level {
    uint8_t boundary[WAX_MAX_MIME_BOUNDARY];
    size_t boundary_len;
    int state;
    size_t num_parts;
    bool in_header;
    bool descended;
    bool cand;         /* a delimiter candidate is being matched */
    bool cand_virtual; /* it started at a part start, with no line end */
    int phase;
    size_t pos;     /* boundary bytes matched */
    size_t padding; /* padding bytes seen */
    size_t la_len;
    uint8_t la[WAX_MIME_LA_MAX];
};

/*
 * struct wax_mime_multipart is a sink that parses the body of a multipart
 * entity (RFC 2046 5.1.1) and reports its parts as events:
 *   - a delimiter is a line end (CRLF, or a bare LF in non-canonical input)
 *     then "--" boundary, optional transport padding (SP/HTAB, at most
 *     WAX_MAX_MIME_PADDING, else WAX_ERR_MIME_PADDING_TOO_LONG), then a line
 *     end; the line end before "--" belongs to the delimiter, not to the
 *     part. At the very start of the body, and right after a delimiter
 *     line, "--" boundary needs no line end before it (an empty preamble; an
 *     empty part);
 *   - "--" boundary "--" is the close delimiter; what follows it is the
 *     epilogue and is ignored, as is the preamble;
 *   - a line that starts with "--" boundary but goes on with anything else
 *     (e.g. "--boundaryX") is part content, not a delimiter;
 *   - a part is a header section (wax_mime_header_parse; it may be empty, or
 *     the whole part when there is no empty line) and a body.
 * At close: no delimiter at all is WAX_ERR_MIME_NO_DELIMITER, a close
 * delimiter with no part before it WAX_ERR_MIME_EMPTY_MULTIPART, input
 * ending inside a part WAX_ERR_MIME_NO_CLOSE_DELIMITER; a nested multipart
 * must be closed before its enclosing part ends (same errors). Nesting past
 * WAX_MAX_MIME_DEPTH levels is WAX_ERR_MIME_TOO_DEEP. Header errors are
 * those of wax_mime_header_parse. Split points never change events (only
 * how part_body chunks are cut) nor errors. About 17 KiB.
 */
struct wax_mime_multipart {
    wax_sink sink; /* must stay first */
    const struct wax_mime_multipart_events *ev;
    void *ctx;
    size_t num_levels;
    struct wax_mime_mp_level levels[WAX_MAX_MIME_DEPTH];
    struct wax_buf hbuf; /* the header section being read */
    size_t hline_len;
    bool hpending_cr;
    bool closed;
    wax_err err;
    struct wax_mime_header header;
};

/*
 * wax_mime_multipart_init prepares MP to parse a multipart body whose
 * boundary is BOUNDARY (LEN bytes, checked by wax_mime_boundary_check;
 * on error MP is unusable: every call returns that error). EV must outlive
 * MP.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_multipart_init(
    struct wax_mime_multipart *mp, const uint8_t *boundary, size_t len,
    const struct wax_mime_multipart_events *ev, void *ctx);
WAX_API wax_sink *wax_mime_multipart_sink(struct wax_mime_multipart *mp);
WAX_API void wax_mime_multipart_cleanup(struct wax_mime_multipart *mp);

/* ------------------------------------------------------------------ */
/* multipart/signed for verification, pkcs7-mime unwrapping            */
/* (multipart.c).                                                      */

/*
 * struct wax_mime_signed_split is a sink taking a whole multipart/signed
 * message (RFC 1847, RFC 8551 3.5) for verification:
 *   - the input's line ends are canonicalized first (wax_mime_canon), so a
 *     message stored with LF line ends yields the bytes that were signed;
 *   - the top header is parsed; ON_OUTER (if not NULL) is called with it
 *     (From, Sender, Subject, Date... for the smime layer; also available
 *     afterwards with wax_mime_signed_split_outer). It must be
 *     multipart/signed (else WAX_ERR_MIME_NOT_SIGNED) with protocol
 *     application/pkcs7-signature or application/x-pkcs7-signature (else
 *     WAX_ERR_MIME_BAD_SIGNED_PROTOCOL) and a boundary;
 *   - the first part's exact bytes, its header section and body as they
 *     stand between its delimiters, stream into CONTENT (the digest, the
 *     spool); CONTENT is closed when the first part ends;
 *   - the second part must be application/pkcs7-signature or
 *     application/x-pkcs7-signature (else WAX_ERR_MIME_BAD_SIGNATURE_PART)
 *     with Content-Transfer-Encoding base64 (else
 *     WAX_ERR_MIME_BAD_SIGNATURE_ENCODING); its body is base64-decoded
 *     (wax_b64_decoder rules and errors) into SIGNATURE, which is closed
 *     when the part ends;
 *   - more or fewer than two parts: WAX_ERR_MIME_SIGNED_PART_COUNT; the
 *     errors of the multipart parser otherwise.
 * INFO holds what wax_mime_smime_identify found (micalg). About 38 KiB.
 */
struct wax_mime_signed_split {
    wax_sink sink; /* must stay first */
    wax_sink *content;
    wax_sink *signature;
    wax_mime_header_fn on_outer;
    void *ctx;
    struct wax_mime_smime_info info;
    struct wax_mime_canon canon;
    struct wax_mime_splitter split;
    struct wax_mime_multipart mp;
    struct wax_b64_decoder b64;
    struct wax_mime_multipart_events ev;
    size_t num_parts;
    bool mp_ready;
    bool closed;
    wax_err err;
};

WAX_API void wax_mime_signed_split_init(struct wax_mime_signed_split *ss,
                                        wax_sink *content, wax_sink *signature,
                                        wax_mime_header_fn on_outer, void *ctx);
WAX_API wax_sink *wax_mime_signed_split_sink(struct wax_mime_signed_split *ss);
/* The outer header; NULL before it is complete. */
WAX_API const struct wax_mime_header *
wax_mime_signed_split_outer(const struct wax_mime_signed_split *ss);
WAX_API void wax_mime_signed_split_cleanup(struct wax_mime_signed_split *ss);

/*
 * struct wax_mime_p7m_reader is a sink taking a whole application/pkcs7-
 * mime message (or a .p7m attachment entity) and pushing the CMS object
 * into OUT: the header is parsed (ON_HEADER, if not NULL, is called with
 * it); wax_mime_smime_identify must find SIGNED_DATA, ENVELOPED_DATA,
 * AUTH_ENVELOPED_DATA, COMPRESSED_DATA, CERTS_ONLY or PKCS7_MIME (else
 * WAX_ERR_MIME_NOT_PKCS7_MIME; INFO keeps the result); a base64 body is
 * decoded, a binary one (Content-Transfer-Encoding binary) passed as is,
 * any other encoding is WAX_ERR_MIME_BAD_CMS_ENCODING. No canonicalization:
 * binary CMS must not be touched. close() closes OUT. About 21 KiB.
 */
struct wax_mime_p7m_reader {
    wax_sink sink; /* must stay first */
    wax_sink *out;
    wax_mime_header_fn on_header;
    void *ctx;
    struct wax_mime_smime_info info;
    struct wax_mime_splitter split;
    struct wax_b64_decoder b64;
    bool closed;
    wax_err err;
};

WAX_API void wax_mime_p7m_reader_init(struct wax_mime_p7m_reader *r,
                                      wax_sink *out,
                                      wax_mime_header_fn on_header, void *ctx);
WAX_API wax_sink *wax_mime_p7m_reader_sink(struct wax_mime_p7m_reader *r);
WAX_API const struct wax_mime_header *
wax_mime_p7m_reader_header(const struct wax_mime_p7m_reader *r);
WAX_API void wax_mime_p7m_reader_cleanup(struct wax_mime_p7m_reader *r);

/* ------------------------------------------------------------------ */
/* Writers (writer.c).                                                 */

/*
 * wax_mime_write_field writes "NAME: VALUE" CRLF to OUT, folded: where the
 * line would pass WAX_MIME_FOLD_COLUMN columns, a CRLF is inserted before
 * a SP or HTAB of VALUE (greedily, never before the first word and never
 * making a line of white space only). A word too long to fold is written
 * whole if its line stays within WAX_MAX_MIME_LINE, else
 * WAX_ERR_MIME_HEADER_LINE_TOO_LONG. NAME must be RFC 5322 ftext
 * (WAX_ERR_MIME_BAD_FIELD_NAME); VALUE must not contain CR, LF or NUL
 * (WAX_ERR_MIME_BAD_HEADER_VALUE: no header injection). Nothing is written
 * on error.
 */
WAX_API WAX_MUST_CHECK wax_err wax_mime_write_field(wax_sink *out,
                                                    const char *name,
                                                    const uint8_t *value,
                                                    size_t value_len);

/*
 * wax_mime_write_outer_fields writes every field of H that is not Content-*
 * and not MIME-Version, raw (their folding kept), line ends made CRLF (a
 * last field without line end gets one). H may be NULL (nothing written).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_write_outer_fields(wax_sink *out, const struct wax_mime_header *h);

/* Size of a boundary buffer from wax_mime_boundary_*: the boundary and a NUL.
 */
#define WAX_MIME_BOUNDARY_SIZE 40
/* Random bytes in a boundary. */
#define WAX_MIME_BOUNDARY_RANDOM 16

/*
 * wax_mime_boundary_from_bytes makes the boundary "=_wax_" followed by the
 * 32 lower-case hex digits of RND (NUL-terminated, 38 characters). "=_"
 * cannot occur in quoted-printable or base64 text, and 128 random bits do
 * not occur by chance in anything else.
 */
WAX_API void
wax_mime_boundary_from_bytes(char out[WAX_MIME_BOUNDARY_SIZE],
                             const uint8_t rnd[WAX_MIME_BOUNDARY_RANDOM]);

/* wax_mime_boundary_new is wax_mime_boundary_from_bytes with bytes from
 * wax_random_bytes (its errors). */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_boundary_new(char out[WAX_MIME_BOUNDARY_SIZE]);

/*
 * struct wax_mime_signed_writer writes a multipart/signed message
 * (RFC 8551 3.5) into OUT, streaming:
 *   1. wax_mime_signed_writer_begin(w, outer): the outer fields of OUTER
 *      (wax_mime_write_outer_fields; NULL: none), then
 *        MIME-Version: 1.0
 *        Content-Type: multipart/signed;
 * protocol="application/pkcs7-signature"; micalg=<micalg>;
 * boundary="<boundary>"      (folded at 78) an empty line, the preamble line
 *        "This is an S/MIME signed message" CRLF
 *      and the first delimiter line "--<boundary>" CRLF;
 *   2. the canonical entity (from wax_mime_prepare) written to
 *      wax_mime_signed_writer_sink(w) passes to OUT unchanged; closing that
 *      sink ends the first part (OUT is not closed);
 *   3. the signature: either wax_mime_signed_writer_finish(w, sig, len) or
 *      bytes written to wax_mime_signed_writer_signature_sink(w), then
 *      closed. It goes out as CRLF "--<boundary>" CRLF,
 *        Content-Type: application/pkcs7-signature; name=smime.p7s
 *        Content-Transfer-Encoding: base64
 *        Content-Disposition: attachment; filename=smime.p7s
 *      an empty line, the signature in base64 in 76-column CRLF lines, and
 *      "--<boundary>--" CRLF; then OUT is closed.
 * Calls out of this order are WAX_ERR_MIME_WRITER_STATE. The writer does
 * not check that BOUNDARY is absent from the entity (use a random one).
 */
struct wax_mime_signed_writer {
    wax_sink sink; /* entity input; must stay first */
    wax_sink sig_sink;
    wax_sink tail_sink;
    wax_sink *out;
    char boundary[WAX_MAX_MIME_BOUNDARY + 1];
    enum wax_digest_alg micalg;
    int state;
    wax_err err;
    uint64_t num_sig_chars;
    struct wax_b64_encoder b64;
};

/*
 * wax_mime_signed_writer_init prepares W. BOUNDARY (NUL-terminated) must
 * pass wax_mime_boundary_check and contain no '"' or '\'; MICALG must have
 * a wax_mime_micalg_name. Errors: WAX_ERR_MIME_BAD_BOUNDARY,
 * WAX_ERR_MIME_BOUNDARY_TOO_LONG, WAX_ERR_MIME_UNKNOWN_MICALG (W is then
 * unusable).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_mime_signed_writer_init(struct wax_mime_signed_writer *w, wax_sink *out,
                            const char *boundary, enum wax_digest_alg micalg);
WAX_API WAX_MUST_CHECK wax_err wax_mime_signed_writer_begin(
    struct wax_mime_signed_writer *w, const struct wax_mime_header *outer);
WAX_API wax_sink *wax_mime_signed_writer_sink(struct wax_mime_signed_writer *w);
WAX_API wax_sink *
wax_mime_signed_writer_signature_sink(struct wax_mime_signed_writer *w);
WAX_API WAX_MUST_CHECK wax_err wax_mime_signed_writer_finish(
    struct wax_mime_signed_writer *w, const uint8_t *sig, size_t sig_len);

/*
 * struct wax_mime_p7m_writer writes an application/pkcs7-mime message into
 * OUT: wax_mime_p7m_writer_begin(w, outer) writes the outer fields
 * (as above), then
 *   MIME-Version: 1.0
 *   Content-Type: application/pkcs7-mime; smime-type=<type>; name=<file>
 *   Content-Transfer-Encoding: base64
 *   Content-Disposition: attachment; filename=<file>
 * and an empty line; the CMS object written to wax_mime_p7m_writer_sink(w)
 * goes out in base64 in 76-column CRLF lines; closing that sink closes
 * OUT. TYPE is SIGNED_DATA, ENVELOPED_DATA, AUTH_ENVELOPED_DATA (file
 * smime.p7m, smime-type signed-data / enveloped-data /
 * authEnveloped-data), COMPRESSED_DATA (smime.p7z, compressed-data) or
 * CERTS_ONLY (smime.p7c, certs-only); anything else is
 * WAX_ERR_INVALID_ARGUMENT at init. Out of order: WAX_ERR_MIME_WRITER_STATE.
 */
struct wax_mime_p7m_writer {
    wax_sink sink; /* must stay first */
    wax_sink *out;
    enum wax_mime_smime_type type;
    int state;
    wax_err err;
    struct wax_b64_encoder b64;
};

WAX_API WAX_MUST_CHECK wax_err
wax_mime_p7m_writer_init(struct wax_mime_p7m_writer *w, wax_sink *out,
                         enum wax_mime_smime_type type);
WAX_API WAX_MUST_CHECK wax_err wax_mime_p7m_writer_begin(
    struct wax_mime_p7m_writer *w, const struct wax_mime_header *outer);
WAX_API wax_sink *wax_mime_p7m_writer_sink(struct wax_mime_p7m_writer *w);

#endif
