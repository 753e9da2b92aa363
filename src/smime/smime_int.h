/*
 * Internal interface of the smime layer: the operation object, the input
 * front end (format detection, PEM, the CMS content-type router) and the
 * report helpers shared by the operations.
 */
#ifndef WAX_SMIME_INT_H
#define WAX_SMIME_INT_H

#include <wax/smime.h>

/* ------------------------------------------------------------------ */
/* Small sinks.                                                        */

/* tee: every write and close goes to A then B (either may be NULL). */
struct smime_tee {
    wax_sink sink;
    wax_sink *a;
    wax_sink *b;
};
void smime_tee_init(struct smime_tee *t, wax_sink *a, wax_sink *b);

/* drain: accepts and drops everything. */
extern wax_sink smime_drain;

/* head: keeps the first CAP bytes written to it (the inner header of a
 * decrypted or verified entity) and forwards everything to NEXT. */
struct smime_head {
    wax_sink sink;
    wax_sink *next;
    struct wax_buf buf;
};
void smime_head_init(struct smime_head *h, wax_sink *next, size_t cap);
void smime_head_cleanup(struct smime_head *h);

/* PEM writer: "-----BEGIN CMS-----", base64 in 64-column lines, END. */
struct smime_pem_writer {
    wax_sink sink;
    wax_sink *out;
    bool begun;
    wax_err err;
    wax_sink lines; /* base64 text in, LF line ends out */
    struct wax_b64_encoder b64;
};
wax_err smime_pem_writer_init(struct smime_pem_writer *w, wax_sink *out);

/* PEM reader: finds the first CMS/PKCS7 block and pushes its decoded bytes
 * into NEXT; text around it is ignored. */
#define SMIME_PEM_LINE_MAX 1024
struct smime_pem_reader {
    wax_sink sink;
    wax_sink *next;
    int state;
    size_t line_len;
    bool overlong;
    wax_err err;
    struct wax_b64_decoder b64;
    uint8_t line[SMIME_PEM_LINE_MAX];
};
void smime_pem_reader_init(struct smime_pem_reader *r, wax_sink *next);

/* ------------------------------------------------------------------ */
/* The operation.                                                      */

enum smime_kind {
    SMIME_OP_SIGN = 1,
    SMIME_OP_VERIFY,
    SMIME_OP_ENCRYPT,
    SMIME_OP_DECRYPT,
    SMIME_OP_INSPECT,
};

enum smime_in_format {
    SMIME_IN_UNKNOWN = 0,
    SMIME_IN_MIME,
    SMIME_IN_DER,
    SMIME_IN_PEM,
};

/* What the front end found at the top of the input. */
enum smime_route {
    SMIME_ROUTE_NONE = 0,
    SMIME_ROUTE_MULTIPART_SIGNED, /* signed_split */
    SMIME_ROUTE_PKCS7,            /* p7m reader -> CMS router */
    SMIME_ROUTE_CMS,              /* raw DER/PEM -> CMS router */
    SMIME_ROUTE_PLAIN,            /* a plain message, drained */
    SMIME_ROUTE_PARTIAL_SCAN,     /* multipart, looking for signed parts */
};

/* Bytes the CMS router buffers to read the ContentInfo's contentType. */
#define SMIME_ROUTER_BYTES 32

struct smime_sign_state;
struct smime_verify_state;
struct smime_env_state;

struct wax_smime_op {
    wax_sink in;
    wax_sink content_in;
    enum smime_kind kind;
    struct wax_smime_report *rep;
    wax_sink *out;
    wax_err err; /* sticky */
    bool in_closed;
    bool content_closed;
    bool finished;
    struct wax_smime_spool_opts spool_opts;

    /* Front end (verify, decrypt, inspect). */
    bool decided;
    enum smime_in_format format;
    enum smime_route route;
    struct wax_buf head; /* the first bytes / the top header section */
    size_t head_scan;    /* where the search for the header end resumes */
    bool head_parsed;
    struct wax_mime_header *top; /* parsed from HEAD (MIME input) */
    struct wax_mime_smime_info top_info;
    wax_sink *front_next; /* where input goes once decided */
    struct smime_pem_reader *pem;
    struct wax_mime_p7m_reader *p7m;
    struct wax_mime_signed_split *split;
    struct wax_mime_multipart *partial;
    bool partial_found;
    size_t partial_depth_ok;

    /* CMS router. */
    wax_sink router;
    uint8_t router_buf[SMIME_ROUTER_BYTES];
    size_t router_len;
    bool router_decided;
    wax_sink *router_next;
    enum wax_oid_id cms_type;

    struct smime_sign_state *sign;
    struct smime_verify_state *verify;
    struct smime_env_state *env;
};

/* Records ERR as the operation's first error (sticky) and returns it. */
wax_err smime_op_fail(struct wax_smime_op *op, wax_err err);

/* Front end: sets OP->in to the detecting sink. The operation supplies: */
void smime_front_init(struct wax_smime_op *op);
/* called once the MIME top header is parsed (OP->top, OP->top_info);
 * returns the sink for the whole input (which is replayed from HEAD) */
wax_err smime_on_mime(struct wax_smime_op *op, wax_sink **out_next);
/* called for raw CMS (DER or PEM, after decoding) and pkcs7-mime bodies
 * once the content type is known; returns the sink for the CMS bytes */
wax_err smime_on_cms(struct wax_smime_op *op, enum wax_oid_id type,
                     wax_sink **out_next);
/* the CMS router sink (initialised by smime_front_init) */
wax_sink *smime_router_sink(struct wax_smime_op *op);
/* closes the front end's pipeline at end of input */
wax_err smime_front_close(struct wax_smime_op *op);
void smime_front_cleanup(struct wax_smime_op *op);
/* peeks a ContentInfo contentType from the first bytes (DER or BER) */
enum wax_oid_id smime_peek_content_type(const uint8_t *p, size_t len);

/* Operation parts (sign.c, verify.c, envelope.c). */
wax_err smime_verify_finish(struct wax_smime_op *op);
wax_err smime_env_finish(struct wax_smime_op *op);
void smime_sign_free(struct smime_sign_state *s);
void smime_verify_free(struct smime_verify_state *v);
void smime_env_free(struct smime_env_state *e);
wax_err smime_verify_on_mime(struct wax_smime_op *op, wax_sink **out_next);
wax_err smime_verify_on_cms(struct wax_smime_op *op, enum wax_oid_id type,
                            wax_sink **out_next);
bool smime_verify_wants_content(const struct wax_smime_op *op);
wax_sink *smime_verify_content_sink(struct wax_smime_op *op);
bool smime_verify_is_detached(const struct wax_smime_op *op);
wax_err smime_env_on_mime(struct wax_smime_op *op, wax_sink **out_next);
wax_err smime_env_on_cms(struct wax_smime_op *op, enum wax_oid_id type,
                         wax_sink **out_next);

/* ------------------------------------------------------------------ */
/* Report helpers (report.c).                                          */

/* Adds a warning (copied); silently counts it when the list is full. */
void smime_warn(struct wax_smime_report *r, const char *text);
/* Adds a layer and returns it (NULL when full). */
struct wax_smime_layer *smime_add_layer(struct wax_smime_report *r,
                                        enum wax_smime_layer_type type,
                                        enum wax_smime_form form);
/* malloc'd copies and formatting; NULL on failure */
char *smime_strdup(const char *s);
char *smime_hex(const uint8_t *p, size_t len);
char *smime_name_text(struct wax_span name);
/* Fills subject, issuer, serial, sha256 and emails of a signer report
 * from CERT (DER). */
wax_err smime_signer_fill_cert(struct wax_smime_signer_report *s,
                               const uint8_t *der, size_t len);
/* Sets the final status from the verdict and error. */
void smime_report_set_status(struct wax_smime_report *r, enum smime_kind kind);
/* Is ERR a local (usage, configuration, I/O) error rather than one about
 * the message? */
bool smime_err_is_local(wax_err err);
/* Report form of the input format. */
enum wax_smime_form smime_form_of(const struct wax_smime_op *op);

/* Writes the outer fields of OUTER (not Content-*, not MIME-Version, and
 * not those named in INNER, which may be NULL), CRLF line ends, then
 * "MIME-Version: 1.0" unless INNER has one. */
wax_err smime_write_outer(wax_sink *out, const struct wax_mime_header *outer,
                          const struct wax_mime_header *inner);

/* Parses the header section at the start of DATA when it is complete
 * within it (an empty line found); *OUT_OK false otherwise. */
void smime_parse_inner(struct wax_mime_header *h, const uint8_t *data,
                       size_t len, bool *out_ok);

#endif
