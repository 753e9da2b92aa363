/*
 * Structured MIME header values: Content-Type (RFC 2045 5.1),
 * Content-Transfer-Encoding (RFC 2045 6.1), Content-Disposition (RFC 2183),
 * parameter value continuations and encodings (RFC 2231 3, 4), micalg
 * (RFC 8551 3.5.3) and the S/MIME media types (RFC 8551 3.2, 3.9).
 *
 *   content   := type "/" subtype *(";" parameter)
 *   parameter := attribute "=" value
 *   value     := token / quoted-string
 *   token     := 1*<any US-ASCII CHAR except SPACE, CTLs, or tspecials>
 *   tspecials := "(" / ")" / "<" / ">" / "@" / "," / ";" / ":" / "\" /
 *                <"> / "/" / "[" / "]" / "?" / "="
 * with comments and folding white space (CFWS) allowed between tokens.
 */
#include <string.h>

#include "mime_internal.h"

/* A cursor over a header value; only the helpers below move it. */
struct cur {
    const uint8_t *p;
    size_t len;
    size_t i;
};

static bool
cur_end(const struct cur *c)
{
    return c->i >= c->len;
}

static uint8_t
cur_peek(const struct cur *c)
{
    return c->p[c->i];
}

static struct wax_span
cur_span(const struct cur *c, size_t from)
{
    struct wax_span s = {c->p + from, c->i - from};
    return s;
}

static bool
is_tspecial(uint8_t c)
{
    return strchr("()<>@,;:\\\"/[]?=", c) != NULL && c != 0;
}

static bool
is_token_char(uint8_t c)
{
    return c > 32 && c < 127 && !is_tspecial(c);
}

/* The unquoted parameter values real mail uses (see mime.h). */
static bool
is_lax_value_char(uint8_t c)
{
    return c > 32 && c != 127 && c != ';' && c != '"' && c != '(' && c != ')' &&
           c != '\\';
}

/* skip_cfws skips white space, line ends (folding) and comments, which may
 * nest and contain quoted pairs. An unterminated comment is BAD. */
static wax_err
skip_cfws(struct cur *c, wax_err bad)
{
    while (!cur_end(c)) {
        uint8_t ch = cur_peek(c);
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            c->i++;
            continue;
        }
        if (ch != '(') {
            break;
        }
        size_t depth = 0;
        do {
            WAX_ENSURE(!cur_end(c), bad);
            ch = cur_peek(c);
            if (ch == '\\') {
                c->i++;
                WAX_ENSURE(!cur_end(c), bad);
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            }
            c->i++;
        } while (depth > 0);
    }
    return WAX_OK;
}

static struct wax_span
take_token(struct cur *c)
{
    size_t from = c->i;
    while (!cur_end(c) && is_token_char(cur_peek(c))) {
        c->i++;
    }
    return cur_span(c, from);
}

/* take_quoted reads a quoted-string; *OUT is its contents. */
static wax_err
take_quoted(struct cur *c, struct wax_span *out, wax_err bad)
{
    c->i++; /* the opening quote */
    size_t from = c->i;
    for (;;) {
        WAX_ENSURE(!cur_end(c), bad);
        uint8_t ch = cur_peek(c);
        WAX_ENSURE(ch != 0, bad);
        if (ch == '"') {
            break;
        }
        if (ch == '\\') {
            c->i++;
            WAX_ENSURE(!cur_end(c) && cur_peek(c) != 0, bad);
        }
        c->i++;
    }
    *out = cur_span(c, from);
    c->i++; /* the closing quote */
    return WAX_OK;
}

static wax_err
parse_params(struct cur *c, struct wax_mime_params *out)
{
    const wax_err bad = WAX_ERR_MIME_BAD_PARAM;
    out->num_params = 0;
    for (;;) {
        WAX_TRY(skip_cfws(c, bad));
        if (cur_end(c)) {
            return WAX_OK;
        }
        WAX_ENSURE(cur_peek(c) == ';', bad);
        c->i++;
        WAX_TRY(skip_cfws(c, bad));
        if (cur_end(c) || cur_peek(c) == ';') {
            continue; /* an empty parameter */
        }
        struct wax_mime_param p;
        p.name = take_token(c);
        WAX_ENSURE(p.name.len > 0, bad);
        WAX_TRY(skip_cfws(c, bad));
        WAX_ENSURE(!cur_end(c) && cur_peek(c) == '=', bad);
        c->i++;
        WAX_TRY(skip_cfws(c, bad));
        WAX_ENSURE(!cur_end(c), bad);
        if (cur_peek(c) == '"') {
            WAX_TRY(take_quoted(c, &p.value, bad));
            p.quoted = true;
        } else {
            size_t from = c->i;
            while (!cur_end(c) && is_lax_value_char(cur_peek(c))) {
                c->i++;
            }
            p.value = cur_span(c, from);
            WAX_ENSURE(p.value.len > 0, bad);
            p.quoted = false;
        }
        for (size_t k = 0; k < out->num_params; k++) {
            WAX_ENSURE(!wax_mime_span_ieq(out->params[k].name,
                                          (const char *)p.name.p, p.name.len),
                       WAX_ERR_MIME_DUPLICATE_PARAM);
        }
        WAX_ENSURE(out->num_params < WAX_MAX_MIME_PARAMS,
                   WAX_ERR_MIME_TOO_MANY_PARAMS);
        out->params[out->num_params++] = p;
    }
}

wax_err
wax_mime_content_type_parse(struct wax_mime_content_type *out,
                            struct wax_span value)
{
    const wax_err bad = WAX_ERR_MIME_BAD_CONTENT_TYPE;
    struct wax_mime_content_type ct;
    struct cur c = {value.p, value.len, 0};
    WAX_TRY(skip_cfws(&c, bad));
    ct.type = take_token(&c);
    WAX_ENSURE(ct.type.len > 0, bad);
    WAX_TRY(skip_cfws(&c, bad));
    WAX_ENSURE(!cur_end(&c) && cur_peek(&c) == '/', bad);
    c.i++;
    WAX_TRY(skip_cfws(&c, bad));
    ct.subtype = take_token(&c);
    WAX_ENSURE(ct.subtype.len > 0, bad);
    WAX_TRY(parse_params(&c, &ct.params));
    *out = ct;
    return WAX_OK;
}

bool
wax_mime_content_type_is(const struct wax_mime_content_type *ct,
                         const char *type, const char *subtype)
{
    return wax_mime_name_eq(ct->type, type) &&
           (subtype == NULL || wax_mime_name_eq(ct->subtype, subtype));
}

wax_err
wax_mime_disposition_parse(struct wax_mime_disposition *out,
                           struct wax_span value)
{
    struct wax_mime_disposition d;
    struct cur c = {value.p, value.len, 0};
    WAX_TRY(skip_cfws(&c, WAX_ERR_MIME_BAD_DISPOSITION));
    d.type = take_token(&c);
    WAX_ENSURE(d.type.len > 0, WAX_ERR_MIME_BAD_DISPOSITION);
    WAX_TRY(parse_params(&c, &d.params));
    *out = d;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Parameter values (RFC 2231).                                        */

/* An output buffer that counts what does not fit instead of overflowing. */
struct obuf {
    uint8_t *p;
    size_t cap;
    size_t len;
};

static void
obuf_put(struct obuf *o, uint8_t c)
{
    if (o->len < o->cap) {
        o->p[o->len] = c;
    }
    o->len++;
}

static int
hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = wax_mime_lower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* A plain value: a token as is, a quoted-string unescaped and unfolded. */
static void
decode_plain(struct obuf *o, const struct wax_mime_param *p)
{
    for (size_t i = 0; i < p->value.len; i++) {
        uint8_t ch = p->value.p[i];
        if (p->quoted) {
            if (ch == '\r' || ch == '\n') {
                continue;
            }
            if (ch == '\\' && i + 1 < p->value.len) {
                ch = p->value.p[++i];
            }
        }
        obuf_put(o, ch);
    }
}

/* An extended value: percent-decoded; with SKIP_CHARSET the charset'lang'
 * prefix is dropped first. */
static wax_err
decode_extended(struct obuf *o, const struct wax_mime_param *p,
                bool skip_charset)
{
    const uint8_t *v = p->value.p;
    size_t n = p->value.len;
    size_t i = 0;
    if (skip_charset) {
        int quotes = 0;
        while (i < n && quotes < 2) {
            if (v[i] == '\'') {
                quotes++;
            }
            i++;
        }
        WAX_ENSURE(quotes == 2, WAX_ERR_MIME_BAD_RFC2231);
    }
    for (; i < n; i++) {
        if (v[i] != '%') {
            obuf_put(o, v[i]);
            continue;
        }
        WAX_ENSURE(i + 2 < n, WAX_ERR_MIME_BAD_RFC2231);
        int hi = hexval(v[i + 1]);
        int lo = hexval(v[i + 2]);
        WAX_ENSURE(hi >= 0 && lo >= 0, WAX_ERR_MIME_BAD_RFC2231);
        obuf_put(o, (uint8_t)(hi * 16 + lo));
        i += 2;
    }
    return WAX_OK;
}

/*
 * classify tells how parameter P relates to NAME: 0 unrelated, 1 plain
 * "name", 2 "name*", 3 a section "name*N" (*OUT_EXT when "name*N*").
 * A malformed section suffix (leading zero, too large) is an error.
 */
static wax_err
classify(int *out_kind, size_t *out_section, bool *out_ext,
         const struct wax_mime_param *p, const char *name, size_t nlen)
{
    *out_kind = 0;
    if (p->name.len < nlen) {
        return WAX_OK;
    }
    struct wax_span head = {p->name.p, nlen};
    if (!wax_mime_span_ieq(head, name, nlen)) {
        return WAX_OK;
    }
    if (p->name.len == nlen) {
        *out_kind = 1;
        return WAX_OK;
    }
    const uint8_t *s = p->name.p + nlen;
    size_t sl = p->name.len - nlen;
    if (s[0] != '*') {
        return WAX_OK; /* another parameter, e.g. "names" */
    }
    if (sl == 1) {
        *out_kind = 2;
        return WAX_OK;
    }
    size_t k = 1;
    size_t num = 0;
    while (k < sl && s[k] >= '0' && s[k] <= '9') {
        WAX_ENSURE(num < WAX_MAX_MIME_PARAMS, WAX_ERR_MIME_BAD_RFC2231);
        num = num * 10 + (size_t)(s[k] - '0');
        k++;
    }
    if (k == 1) {
        return WAX_OK; /* "name*x": not ours */
    }
    bool ext = false;
    if (k < sl && s[k] == '*') {
        ext = true;
        k++;
    }
    if (k != sl) {
        return WAX_OK;
    }
    WAX_ENSURE(!(s[1] == '0' && k - (ext ? 1 : 0) > 2),
               WAX_ERR_MIME_BAD_RFC2231);
    WAX_ENSURE(num < WAX_MAX_MIME_PARAMS, WAX_ERR_MIME_BAD_RFC2231);
    *out_kind = 3;
    *out_section = num;
    *out_ext = ext;
    return WAX_OK;
}

wax_err
wax_mime_param_get(const struct wax_mime_params *ps, uint8_t *out,
                   size_t out_cap, size_t *out_len, bool *out_present,
                   const char *name)
{
    size_t nlen = strlen(name);
    const struct wax_mime_param *plain = NULL;
    const struct wax_mime_param *single = NULL;
    const struct wax_mime_param *sect[WAX_MAX_MIME_PARAMS];
    bool sect_ext[WAX_MAX_MIME_PARAMS];
    size_t num_sect = 0;
    size_t max_sect = 0;
    for (size_t i = 0; i < WAX_MAX_MIME_PARAMS; i++) {
        sect[i] = NULL;
        sect_ext[i] = false;
    }
    for (size_t i = 0; i < ps->num_params; i++) {
        int kind;
        size_t n = 0;
        bool ext = false;
        WAX_TRY(classify(&kind, &n, &ext, &ps->params[i], name, nlen));
        if (kind == 1) {
            plain = &ps->params[i];
        } else if (kind == 2) {
            single = &ps->params[i];
        } else if (kind == 3) {
            WAX_ENSURE(sect[n] == NULL, WAX_ERR_MIME_BAD_RFC2231);
            sect[n] = &ps->params[i];
            sect_ext[n] = ext;
            num_sect++;
            if (n > max_sect) {
                max_sect = n;
            }
        }
    }

    struct obuf o = {out, out_cap, 0};
    if (num_sect > 0) {
        WAX_ENSURE(single == NULL, WAX_ERR_MIME_BAD_RFC2231);
        WAX_ENSURE(max_sect + 1 == num_sect, WAX_ERR_MIME_BAD_RFC2231);
        for (size_t n = 0; n < num_sect; n++) {
            if (sect_ext[n]) {
                WAX_TRY(decode_extended(&o, sect[n], n == 0));
            } else {
                decode_plain(&o, sect[n]);
            }
        }
    } else if (single != NULL) {
        WAX_TRY(decode_extended(&o, single, true));
    } else if (plain != NULL) {
        decode_plain(&o, plain);
    } else {
        *out_len = 0;
        *out_present = false;
        return WAX_OK;
    }
    WAX_ENSURE(o.len <= out_cap, WAX_ERR_BUF_TOO_SMALL);
    *out_len = o.len;
    *out_present = true;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Content-Transfer-Encoding.                                          */

static const struct {
    enum wax_mime_cte cte;
    const char *name;
} cte_names[] = {
    {WAX_MIME_CTE_7BIT, "7bit"},     {WAX_MIME_CTE_8BIT, "8bit"},
    {WAX_MIME_CTE_BINARY, "binary"}, {WAX_MIME_CTE_QP, "quoted-printable"},
    {WAX_MIME_CTE_BASE64, "base64"},
};

wax_err
wax_mime_cte_parse(enum wax_mime_cte *out, struct wax_span value)
{
    const wax_err bad = WAX_ERR_MIME_BAD_CTE;
    struct cur c = {value.p, value.len, 0};
    WAX_TRY(skip_cfws(&c, bad));
    struct wax_span tok = take_token(&c);
    WAX_ENSURE(tok.len > 0, bad);
    WAX_TRY(skip_cfws(&c, bad));
    WAX_ENSURE(cur_end(&c), bad);
    for (size_t i = 0; i < sizeof cte_names / sizeof cte_names[0]; i++) {
        if (wax_mime_name_eq(tok, cte_names[i].name)) {
            *out = cte_names[i].cte;
            return WAX_OK;
        }
    }
    return WAX_ERR_MIME_UNKNOWN_CTE;
}

wax_err
wax_mime_header_cte(enum wax_mime_cte *out, const struct wax_mime_header *h)
{
    const struct wax_mime_field *f;
    WAX_TRY(wax_mime_header_get(h, &f, "Content-Transfer-Encoding"));
    if (f == NULL) {
        *out = WAX_MIME_CTE_7BIT;
        return WAX_OK;
    }
    return wax_mime_cte_parse(out, f->value);
}

const char *
wax_mime_cte_name(enum wax_mime_cte cte)
{
    for (size_t i = 0; i < sizeof cte_names / sizeof cte_names[0]; i++) {
        if (cte_names[i].cte == cte) {
            return cte_names[i].name;
        }
    }
    return "unknown";
}

/* ------------------------------------------------------------------ */
/* Boundaries.                                                         */

wax_err
wax_mime_boundary_check(const uint8_t *b, size_t len)
{
    WAX_ENSURE(len > 0, WAX_ERR_MIME_BAD_BOUNDARY);
    WAX_ENSURE(len <= WAX_MAX_MIME_BOUNDARY, WAX_ERR_MIME_BOUNDARY_TOO_LONG);
    for (size_t i = 0; i < len; i++) {
        WAX_ENSURE(b[i] >= 32 && b[i] <= 126, WAX_ERR_MIME_BAD_BOUNDARY);
    }
    WAX_ENSURE(b[len - 1] != ' ', WAX_ERR_MIME_BAD_BOUNDARY);
    return WAX_OK;
}

wax_err
wax_mime_ct_of(struct wax_mime_content_type *out, bool *out_present,
               const struct wax_mime_header *h)
{
    const struct wax_mime_field *f;
    WAX_TRY(wax_mime_header_get(h, &f, "Content-Type"));
    if (f == NULL) {
        *out_present = false;
        return WAX_OK;
    }
    WAX_TRY(wax_mime_content_type_parse(out, f->value));
    *out_present = true;
    return WAX_OK;
}

wax_err
wax_mime_header_boundary(uint8_t out[WAX_MAX_MIME_BOUNDARY], size_t *out_len,
                         const struct wax_mime_header *h)
{
    struct wax_mime_content_type ct;
    bool present;
    WAX_TRY(wax_mime_ct_of(&ct, &present, h));
    WAX_ENSURE(present && wax_mime_content_type_is(&ct, "multipart", NULL),
               WAX_ERR_MIME_NOT_MULTIPART);
    uint8_t b[WAX_MAX_MIME_BOUNDARY + 1];
    size_t len;
    wax_err err =
        wax_mime_param_get(&ct.params, b, sizeof b, &len, &present, "boundary");
    WAX_ENSURE(err != WAX_ERR_BUF_TOO_SMALL, WAX_ERR_MIME_BOUNDARY_TOO_LONG);
    WAX_TRY(err);
    WAX_ENSURE(present, WAX_ERR_MIME_NO_BOUNDARY);
    WAX_TRY(wax_mime_boundary_check(b, len));
    memcpy(out, b, len);
    *out_len = len;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* micalg and the S/MIME types.                                        */

static const struct {
    enum wax_digest_alg alg;
    const char *name;
    const char *old_name;
} micalgs[] = {
    {WAX_DIGEST_MD5, "md5", "md5"},
    {WAX_DIGEST_SHA1, "sha-1", "sha1"},
    {WAX_DIGEST_SHA224, "sha-224", "sha224"},
    {WAX_DIGEST_SHA256, "sha-256", "sha256"},
    {WAX_DIGEST_SHA384, "sha-384", "sha384"},
    {WAX_DIGEST_SHA512, "sha-512", "sha512"},
};

wax_err
wax_mime_micalg_parse(enum wax_digest_alg *out, struct wax_span token)
{
    for (size_t i = 0; i < sizeof micalgs / sizeof micalgs[0]; i++) {
        if (wax_mime_name_eq(token, micalgs[i].name) ||
            wax_mime_name_eq(token, micalgs[i].old_name)) {
            *out = micalgs[i].alg;
            return WAX_OK;
        }
    }
    return WAX_ERR_MIME_UNKNOWN_MICALG;
}

const char *
wax_mime_micalg_name(enum wax_digest_alg alg)
{
    for (size_t i = 0; i < sizeof micalgs / sizeof micalgs[0]; i++) {
        if (micalgs[i].alg == alg) {
            return micalgs[i].name;
        }
    }
    return NULL;
}

/* Longest parameter value looked at for a file name or a media type; a
 * longer one cannot be "smime.p7m" or a pkcs7 protocol. */
#define NAME_BUF 1024

/* get_short gets a parameter, treating a value too long for NAME_BUF as
 * absent (it cannot be one of the values this file looks for). */
static wax_err
get_short(const struct wax_mime_params *ps, uint8_t *buf, size_t *out_len,
          bool *out_present, const char *name)
{
    wax_err err =
        wax_mime_param_get(ps, buf, NAME_BUF, out_len, out_present, name);
    if (err == WAX_ERR_BUF_TOO_SMALL) {
        *out_present = false;
        *out_len = 0;
        return WAX_OK;
    }
    return err;
}

static bool
ends_with_ci(const uint8_t *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    if (len < n) {
        return false;
    }
    struct wax_span tail = {s + len - n, n};
    return wax_mime_span_ieq(tail, suffix, n);
}

/* file_name_type maps a file name suffix to a type; NONE if not telling. */
static enum wax_mime_smime_type
file_name_type(const uint8_t *name, size_t len)
{
    if (ends_with_ci(name, len, ".p7m")) {
        return WAX_MIME_SMIME_PKCS7_MIME;
    }
    if (ends_with_ci(name, len, ".p7c")) {
        return WAX_MIME_SMIME_CERTS_ONLY;
    }
    if (ends_with_ci(name, len, ".p7z")) {
        return WAX_MIME_SMIME_COMPRESSED_DATA;
    }
    if (ends_with_ci(name, len, ".p7s")) {
        return WAX_MIME_SMIME_SIGNATURE;
    }
    return WAX_MIME_SMIME_NONE;
}

/* name_type: the type the Content-Type name, else the Content-Disposition
 * filename, tells. */
static wax_err
name_type(enum wax_mime_smime_type *out, const struct wax_mime_content_type *ct,
          const struct wax_mime_header *h)
{
    uint8_t buf[NAME_BUF];
    size_t len;
    bool present;
    *out = WAX_MIME_SMIME_NONE;
    WAX_TRY(get_short(&ct->params, buf, &len, &present, "name"));
    if (present) {
        *out = file_name_type(buf, len);
    }
    if (*out != WAX_MIME_SMIME_NONE) {
        return WAX_OK;
    }
    const struct wax_mime_field *f;
    WAX_TRY(wax_mime_header_get(h, &f, "Content-Disposition"));
    if (f == NULL) {
        return WAX_OK;
    }
    struct wax_mime_disposition d;
    WAX_TRY(wax_mime_disposition_parse(&d, f->value));
    WAX_TRY(get_short(&d.params, buf, &len, &present, "filename"));
    if (present) {
        *out = file_name_type(buf, len);
    }
    return WAX_OK;
}

static const struct {
    enum wax_mime_smime_type type;
    const char *name;
} smime_types[] = {
    {WAX_MIME_SMIME_SIGNED_DATA, "signed-data"},
    {WAX_MIME_SMIME_ENVELOPED_DATA, "enveloped-data"},
    {WAX_MIME_SMIME_AUTH_ENVELOPED_DATA, "authEnveloped-data"},
    {WAX_MIME_SMIME_COMPRESSED_DATA, "compressed-data"},
    {WAX_MIME_SMIME_CERTS_ONLY, "certs-only"},
};

static wax_err
identify_signed(struct wax_mime_smime_info *info,
                const struct wax_mime_content_type *ct)
{
    uint8_t buf[NAME_BUF];
    size_t len;
    bool present;
    WAX_TRY(get_short(&ct->params, buf, &len, &present, "protocol"));
    if (!present) {
        return WAX_OK;
    }
    struct wax_span proto = {buf, len};
    if (wax_mime_name_eq(proto, "application/pkcs7-signature")) {
        info->type = WAX_MIME_SMIME_MULTIPART_SIGNED;
    } else if (wax_mime_name_eq(proto, "application/x-pkcs7-signature")) {
        info->type = WAX_MIME_SMIME_MULTIPART_SIGNED;
        info->legacy_x = true;
    } else {
        return WAX_OK;
    }
    WAX_TRY(get_short(&ct->params, buf, &len, &present, "micalg"));
    if (present) {
        /* micalg lists every digest used, comma separated: take the first */
        size_t a = 0;
        while (a < len && (buf[a] == ' ' || buf[a] == '\t')) {
            a++;
        }
        size_t b = a;
        while (b < len && buf[b] != ',' && buf[b] != ' ' && buf[b] != '\t') {
            b++;
        }
        struct wax_span tok = {buf + a, b - a};
        enum wax_digest_alg alg;
        if (wax_mime_micalg_parse(&alg, tok) == WAX_OK) {
            info->micalg = alg;
        }
    }
    return WAX_OK;
}

wax_err
wax_mime_smime_identify(struct wax_mime_smime_info *out,
                        const struct wax_mime_header *h)
{
    struct wax_mime_smime_info info = {WAX_MIME_SMIME_NONE, false, false,
                                       WAX_DIGEST_NONE};
    struct wax_mime_content_type ct;
    bool present;
    WAX_TRY(wax_mime_ct_of(&ct, &present, h));
    if (!present) {
        *out = info;
        return WAX_OK;
    }
    bool x = false;
    if (wax_mime_content_type_is(&ct, "multipart", "signed")) {
        WAX_TRY(identify_signed(&info, &ct));
    } else if (wax_mime_content_type_is(&ct, "application", "pkcs7-mime") ||
               (x = wax_mime_content_type_is(&ct, "application",
                                             "x-pkcs7-mime"))) {
        info.legacy_x = x;
        info.type = WAX_MIME_SMIME_PKCS7_MIME;
        uint8_t buf[NAME_BUF];
        size_t len;
        WAX_TRY(get_short(&ct.params, buf, &len, &present, "smime-type"));
        struct wax_span st = {buf, len};
        bool stated = false;
        for (size_t i = 0;
             present && i < sizeof smime_types / sizeof smime_types[0]; i++) {
            if (wax_mime_name_eq(st, smime_types[i].name)) {
                info.type = smime_types[i].type;
                stated = true;
            }
        }
        if (!stated) {
            enum wax_mime_smime_type by;
            WAX_TRY(name_type(&by, &ct, h));
            if (by == WAX_MIME_SMIME_PKCS7_MIME ||
                by == WAX_MIME_SMIME_CERTS_ONLY ||
                by == WAX_MIME_SMIME_COMPRESSED_DATA) {
                info.type = by;
                info.by_name = true;
            }
        }
    } else if (wax_mime_content_type_is(&ct, "application",
                                        "pkcs7-signature") ||
               (x = wax_mime_content_type_is(&ct, "application",
                                             "x-pkcs7-signature"))) {
        info.type = WAX_MIME_SMIME_SIGNATURE;
        info.legacy_x = x;
    } else if (wax_mime_content_type_is(&ct, "application", "octet-stream")) {
        WAX_TRY(name_type(&info.type, &ct, h));
        info.by_name = info.type != WAX_MIME_SMIME_NONE;
    }
    *out = info;
    return WAX_OK;
}
