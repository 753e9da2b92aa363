/*
 * Addresses for the signer binding (SECURITY.md rule 5): RFC 5322 section
 * 3.4 address lists (with the obsolete forms of section 4.4 that real mail
 * still has) and the email addresses of a certificate (RFC 8550 section
 * 3: rfc822Name, SmtpUTF8Mailbox, else the subject's emailAddress).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "smime_int.h"

/* ------------------------------------------------------------------ */
/* Tokens.                                                             */

enum tok_type {
    T_END = 0,
    T_ATOM,    /* atext run (RFC 6532: bytes >= 0x80 count as atext) */
    T_QSTRING, /* quoted-string, TEXT the unescaped contents */
    T_DLIT,    /* domain-literal, TEXT the whole "[...]" */
    T_SPECIAL, /* one of < > @ : ; , . and others */
};

/* The longest token kept; a longer one cannot be part of an address we
 * accept (WAX_MAX_SMIME_ADDRESS) and is an error only if it would be. */
#define TOK_MAX (WAX_MAX_SMIME_ADDRESS + 1)

struct tok {
    enum tok_type type;
    char c; /* T_SPECIAL */
    char text[TOK_MAX + 1];
    size_t len;
    bool overlong;
};

struct lexer {
    const uint8_t *p;
    size_t len;
    size_t pos;
    wax_err err;
};

static bool
is_atext(uint8_t c)
{
    if (c >= 0x80) {
        return true;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9')) {
        return true;
    }
    return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static void
tok_put(struct tok *t, uint8_t c)
{
    if (t->len < TOK_MAX) {
        t->text[t->len++] = (char)c;
        t->text[t->len] = 0;
    } else {
        t->overlong = true;
    }
}

/* Skips white space (folding included) and comments, nested. */
static void
skip_cfws(struct lexer *lx)
{
    while (lx->pos < lx->len) {
        uint8_t c = lx->p[lx->pos];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            lx->pos++;
        } else if (c == '(') {
            size_t depth = 0;
            while (lx->pos < lx->len) {
                c = lx->p[lx->pos++];
                if (c == '\\') {
                    lx->pos++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (--depth == 0) {
                        break;
                    }
                }
            }
            if (depth != 0 || lx->pos > lx->len) {
                lx->err = WAX_ERR_SMIME_BAD_ADDRESS; /* unterminated */
                lx->pos = lx->len;
                return;
            }
        } else {
            return;
        }
    }
}

static void
next_tok(struct lexer *lx, struct tok *t)
{
    t->type = T_END;
    t->c = 0;
    t->text[0] = 0;
    t->len = 0;
    t->overlong = false;
    skip_cfws(lx);
    if (lx->err != WAX_OK || lx->pos >= lx->len) {
        t->type = T_END;
        return;
    }
    uint8_t c = lx->p[lx->pos];
    if (is_atext(c)) {
        t->type = T_ATOM;
        while (lx->pos < lx->len && is_atext(lx->p[lx->pos])) {
            tok_put(t, lx->p[lx->pos++]);
        }
        return;
    }
    if (c == '"') {
        t->type = T_QSTRING;
        lx->pos++;
        while (lx->pos < lx->len) {
            c = lx->p[lx->pos++];
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                if (lx->pos >= lx->len) {
                    break;
                }
                c = lx->p[lx->pos++];
            } else if (c == '\r' || c == '\n') {
                continue; /* folding inside the quotes */
            }
            tok_put(t, c);
        }
        lx->err = WAX_ERR_SMIME_BAD_ADDRESS; /* unterminated */
        t->type = T_END;
        return;
    }
    if (c == '[') {
        t->type = T_DLIT;
        while (lx->pos < lx->len) {
            c = lx->p[lx->pos++];
            if (c == '\\' && lx->pos < lx->len) {
                c = lx->p[lx->pos++];
            } else if (c == '\r' || c == '\n') {
                continue;
            }
            tok_put(t, c);
            if (c == ']') {
                return;
            }
        }
        lx->err = WAX_ERR_SMIME_BAD_ADDRESS;
        t->type = T_END;
        return;
    }
    t->type = T_SPECIAL;
    t->c = (char)c;
    lx->pos++;
}

/* ------------------------------------------------------------------ */
/* Parser.                                                             */

struct parser {
    struct lexer lx;
    struct tok cur;
    char (*out)[WAX_MAX_SMIME_ADDRESS + 1];
    size_t max_out;
    size_t num;
    wax_err err;
};

static void
advance(struct parser *ps)
{
    next_tok(&ps->lx, &ps->cur);
    if (ps->lx.err != WAX_OK && ps->err == WAX_OK) {
        ps->err = ps->lx.err;
    }
}

static bool
is_special(const struct parser *ps, char c)
{
    return ps->cur.type == T_SPECIAL && ps->cur.c == c;
}

static bool
is_word(const struct parser *ps)
{
    return ps->cur.type == T_ATOM || ps->cur.type == T_QSTRING;
}

static void
fail(struct parser *ps)
{
    if (ps->err == WAX_OK) {
        ps->err = WAX_ERR_SMIME_BAD_ADDRESS;
    }
}

/* Appends S (N bytes) to the address being built in BUF. */
static void
addr_put(struct parser *ps, char *buf, size_t *len, const char *s, size_t n)
{
    if (*len + n > WAX_MAX_SMIME_ADDRESS) {
        fail(ps);
        return;
    }
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = 0;
}

/*
 * Finishes an addr-spec whose local part (words and dots, already read
 * into LOCAL) is followed by the current token, which must be '@':
 *   domain = dot-atom / domain-literal / obs-domain (atom *("." atom))
 */
static void
finish_addr_spec(struct parser *ps, const char *local, size_t local_len)
{
    if (!is_special(ps, '@') || local_len == 0) {
        fail(ps);
        return;
    }
    advance(ps);
    char buf[WAX_MAX_SMIME_ADDRESS + 1];
    size_t len = 0;
    buf[0] = 0;
    addr_put(ps, buf, &len, local, local_len);
    addr_put(ps, buf, &len, "@", 1);
    if (ps->cur.type == T_DLIT) {
        if (ps->cur.overlong) {
            fail(ps);
        }
        addr_put(ps, buf, &len, ps->cur.text, ps->cur.len);
        advance(ps);
    } else {
        bool want_atom = true;
        while (ps->err == WAX_OK) {
            if (want_atom && ps->cur.type == T_ATOM) {
                if (ps->cur.overlong) {
                    fail(ps);
                }
                addr_put(ps, buf, &len, ps->cur.text, ps->cur.len);
                want_atom = false;
            } else if (!want_atom && is_special(ps, '.')) {
                addr_put(ps, buf, &len, ".", 1);
                want_atom = true;
            } else {
                break;
            }
            advance(ps);
        }
        if (want_atom) {
            fail(ps); /* empty domain or a trailing dot */
        }
    }
    if (ps->err != WAX_OK) {
        return;
    }
    if (ps->num >= ps->max_out) {
        ps->err = WAX_ERR_LIMIT_EXCEEDED;
        return;
    }
    memcpy(ps->out[ps->num], buf, len + 1);
    ps->num++;
}

/* Reads a local part: word *("." word) (obs-local-part allows words that
 * are quoted strings between dots). */
static void
read_local(struct parser *ps, char *local, size_t *local_len)
{
    bool want_word = true;
    *local_len = 0;
    local[0] = 0;
    while (ps->err == WAX_OK) {
        if (want_word && is_word(ps)) {
            if (ps->cur.overlong) {
                fail(ps);
            }
            addr_put(ps, local, local_len, ps->cur.text, ps->cur.len);
            want_word = false;
        } else if (!want_word && is_special(ps, '.')) {
            addr_put(ps, local, local_len, ".", 1);
            want_word = true;
        } else {
            break;
        }
        advance(ps);
    }
    if (want_word) {
        fail(ps);
    }
}

/* angle-addr = "<" [obs-route] addr-spec ">"; the '<' is current. */
static void
parse_angle(struct parser *ps)
{
    advance(ps);
    /* obs-route = obs-domain-list ":" : "@a.example,@b.example:" */
    if (is_special(ps, '@') || is_special(ps, ',')) {
        while (ps->err == WAX_OK && ps->cur.type != T_END &&
               !is_special(ps, ':') && !is_special(ps, '>')) {
            advance(ps);
        }
        if (!is_special(ps, ':')) {
            fail(ps);
            return;
        }
        advance(ps);
    }
    char local[WAX_MAX_SMIME_ADDRESS + 1];
    size_t local_len = 0;
    read_local(ps, local, &local_len);
    if (ps->err != WAX_OK) {
        return;
    }
    finish_addr_spec(ps, local, local_len);
    if (ps->err != WAX_OK) {
        return;
    }
    if (!is_special(ps, '>')) {
        fail(ps);
        return;
    }
    advance(ps);
}

/*
 * mailbox = name-addr / addr-spec. A display name (phrase: words and, in
 * obs-phrase, dots) is read first; what follows decides: '<' an angle
 * address, '@' an addr-spec whose local part those words were. With
 * IN_GROUP, ':' (a nested group) is an error.
 * Returns true when a group starts (':' after a phrase, outside a group).
 */
static bool
parse_mailbox_or_group(struct parser *ps, bool in_group)
{
    char phrase[WAX_MAX_SMIME_ADDRESS + 1];
    size_t phrase_len = 0;
    phrase[0] = 0;
    size_t num_words = 0;
    bool only_local = true; /* words separated by single dots */
    bool last_dot = false;
    bool phrase_overlong = false;
    while (ps->err == WAX_OK && (is_word(ps) || is_special(ps, '.'))) {
        if (is_special(ps, '.')) {
            if (num_words == 0 || last_dot) {
                only_local = false;
            }
            last_dot = true;
        } else {
            if (num_words > 0 && !last_dot) {
                only_local = false; /* two words side by side: a name */
            }
            last_dot = false;
            num_words++;
        }
        if (ps->cur.overlong) {
            phrase_overlong = true;
        } else if (!phrase_overlong) {
            const char *s = is_special(ps, '.') ? "." : ps->cur.text;
            size_t n = is_special(ps, '.') ? 1 : ps->cur.len;
            if (phrase_len + n > WAX_MAX_SMIME_ADDRESS) {
                phrase_overlong = true;
            } else {
                memcpy(phrase + phrase_len, s, n);
                phrase_len += n;
                phrase[phrase_len] = 0;
            }
        }
        advance(ps);
    }
    if (ps->err != WAX_OK) {
        return false;
    }
    if (is_special(ps, '<')) {
        parse_angle(ps);
        return false;
    }
    if (is_special(ps, ':') && !in_group && num_words > 0) {
        advance(ps);
        return true;
    }
    if (is_special(ps, '@')) {
        if (num_words == 0 || !only_local || last_dot || phrase_overlong) {
            fail(ps);
            return false;
        }
        finish_addr_spec(ps, phrase, phrase_len);
        return false;
    }
    fail(ps);
    return false;
}

wax_err
wax_smime_parse_addresses(char (*out)[WAX_MAX_SMIME_ADDRESS + 1],
                          size_t max_out, size_t *out_num, const uint8_t *value,
                          size_t value_len)
{
    WAX_ENSURE(out_num != NULL && (value != NULL || value_len == 0) &&
                   (out != NULL || max_out == 0),
               WAX_ERR_INVALID_ARGUMENT);
    *out_num = 0;
    WAX_ENSURE(value_len <= WAX_MAX_SMIME_ADDRESS_FIELD,
               WAX_ERR_SMIME_BAD_ADDRESS);
    for (size_t i = 0; i < value_len; i++) {
        WAX_ENSURE(value[i] != 0, WAX_ERR_SMIME_BAD_ADDRESS);
    }
    struct parser *ps = calloc(1, sizeof *ps);
    WAX_ENSURE(ps != NULL, WAX_ERR_NOMEM);
    ps->lx.p = value;
    ps->lx.len = value_len;
    ps->out = out;
    ps->max_out = max_out;
    advance(ps);
    /* address-list = (address *("," address)) / obs-addr-list */
    while (ps->err == WAX_OK && ps->cur.type != T_END) {
        if (is_special(ps, ',')) {
            advance(ps); /* obs-addr-list: empty elements */
            continue;
        }
        bool group = parse_mailbox_or_group(ps, false);
        if (group) {
            /* group-list = mailbox-list / CFWS / obs-group-list */
            while (ps->err == WAX_OK && !is_special(ps, ';')) {
                if (ps->cur.type == T_END) {
                    fail(ps);
                    break;
                }
                if (is_special(ps, ',')) {
                    advance(ps);
                    continue;
                }
                (void)parse_mailbox_or_group(ps, true);
                if (ps->err == WAX_OK && !is_special(ps, ',') &&
                    !is_special(ps, ';')) {
                    fail(ps);
                }
            }
            if (ps->err == WAX_OK) {
                advance(ps); /* the ';' */
            }
        }
        if (ps->err == WAX_OK && ps->cur.type != T_END &&
            !is_special(ps, ',')) {
            fail(ps);
        }
    }
    wax_err err = ps->err;
    size_t num = ps->num;
    free(ps);
    if (err != WAX_OK) {
        return err;
    }
    *out_num = num;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Comparison and certificates.                                        */

bool
wax_smime_address_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return false;
    }
    const char *at_a = strrchr(a, '@');
    const char *at_b = strrchr(b, '@');
    if (at_a == NULL || at_b == NULL) {
        return false;
    }
    size_t la = (size_t)(at_a - a), lb = (size_t)(at_b - b);
    if (la != lb || la == 0 || memcmp(a, b, la) != 0) {
        return false;
    }
    const char *da = at_a + 1, *db = at_b + 1;
    if (strlen(da) != strlen(db) || *da == 0) {
        return false;
    }
    for (; *da != 0; da++, db++) {
        char x = *da, y = *db;
        x = (x >= 'A' && x <= 'Z') ? (char)(x + 32) : x;
        y = (y >= 'A' && y <= 'Z') ? (char)(y + 32) : y;
        if (x != y) {
            return false;
        }
    }
    return true;
}

static void
add_email(char (*out)[WAX_MAX_SMIME_ADDRESS + 1], size_t max_out, size_t *num,
          struct wax_span v)
{
    if (v.len == 0 || v.len > WAX_MAX_SMIME_ADDRESS || *num >= max_out ||
        memchr(v.p, 0, v.len) != NULL) {
        return;
    }
    memcpy(out[*num], v.p, v.len);
    out[*num][v.len] = 0;
    (*num)++;
}

wax_err
wax_smime_cert_emails(char (*out)[WAX_MAX_SMIME_ADDRESS + 1], size_t max_out,
                      size_t *out_num, const struct wax_x509_cert *cert)
{
    WAX_ENSURE(out_num != NULL && cert != NULL && (out != NULL || max_out == 0),
               WAX_ERR_INVALID_ARGUMENT);
    size_t num = 0;
    bool any_san_email = false;
    struct wax_x509_iter it;
    wax_x509_san_iter(&cert->info, &it);
    for (;;) {
        struct wax_x509_general_name gn;
        bool present = false;
        WAX_TRY(wax_x509_gn_next(&it, &gn, &present));
        if (!present) {
            break;
        }
        if (gn.type == WAX_GN_RFC822 ||
            (gn.type == WAX_GN_OTHER_NAME && gn.is_smtp_utf8)) {
            any_san_email = true;
            add_email(out, max_out, &num, gn.value);
        }
    }
    if (!any_san_email) {
        struct wax_x509_name_iter nit;
        WAX_TRY(wax_x509_name_iter_init(&nit, cert->subject));
        for (;;) {
            struct wax_x509_name_attr a;
            bool present = false;
            WAX_TRY(wax_x509_name_next(&nit, &a, &present));
            if (!present) {
                break;
            }
            if (a.type_id == WAX_OID_PKCS9_EMAIL_ADDRESS &&
                (a.value_tag == WAX_DER_IA5_STRING ||
                 a.value_tag == WAX_DER_UTF8_STRING)) {
                add_email(out, max_out, &num, a.value);
            }
        }
    }
    *out_num = num;
    return WAX_OK;
}
