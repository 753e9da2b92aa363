/*
 * A small recursive-descent JSON reader for the vector tests (RFC 8259).
 * It is strict about syntax (no trailing commas, no comments, no leading
 * zeros, no control characters in strings) because a lenient reader could
 * hide a broken vector file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
    const char *p;
    const char *start;
    const char *end;
    char *err;
    size_t err_cap;
    bool failed;
};

static void
fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed) {
        return;
    }
    ps->failed = true;
    if (ps->err == NULL || ps->err_cap == 0) {
        return;
    }
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->err_cap, "json: offset %zu: %s",
             (size_t)(ps->p - ps->start), msg);
}

static void
skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static bool
peek_is(struct parser *ps, char c)
{
    return ps->p < ps->end && *ps->p == c;
}

static bool
consume_literal(struct parser *ps, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0) {
        return false;
    }
    ps->p += n;
    return true;
}

/* Growable byte buffer for decoding strings. */
struct sbuf {
    char *data;
    size_t len;
    size_t cap;
};

static bool
sbuf_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            return false;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

static int
hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool
read_u16(struct parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4) {
        return false;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_val(ps->p[i]);
        if (h < 0) {
            return false;
        }
        v = v << 4 | (unsigned)h;
    }
    ps->p += 4;
    *out = v;
    return true;
}

static bool
put_utf8(struct sbuf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return sbuf_put(b, u, n);
}

/* Parses a string starting at the opening quote into a malloc'd buffer. */
static char *
parse_string(struct parser *ps, size_t *out_len)
{
    struct sbuf b = {0};
    ps->p++; /* the opening quote */
    if (!sbuf_put(&b, "", 0)) {
        fail(ps, "out of memory");
        return NULL;
    }
    for (;;) {
        if (ps->p >= ps->end) {
            fail(ps, "unterminated string");
            goto err;
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            fail(ps, "control character in string");
            goto err;
        }
        if (c != '\\') {
            const char *run = ps->p;
            while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
                   (unsigned char)*ps->p >= 0x20) {
                ps->p++;
            }
            if (!sbuf_put(&b, run, (size_t)(ps->p - run))) {
                fail(ps, "out of memory");
                goto err;
            }
            continue;
        }
        ps->p++;
        if (ps->p >= ps->end) {
            fail(ps, "unterminated escape");
            goto err;
        }
        char e = *ps->p++;
        const char *lit = NULL;
        switch (e) {
        case '"':
            lit = "\"";
            break;
        case '\\':
            lit = "\\";
            break;
        case '/':
            lit = "/";
            break;
        case 'b':
            lit = "\b";
            break;
        case 'f':
            lit = "\f";
            break;
        case 'n':
            lit = "\n";
            break;
        case 'r':
            lit = "\r";
            break;
        case 't':
            lit = "\t";
            break;
        case 'u': {
            unsigned hi;
            if (!read_u16(ps, &hi)) {
                fail(ps, "bad \\u escape");
                goto err;
            }
            unsigned long cp = hi;
            if (hi >= 0xD800 && hi <= 0xDBFF) {
                unsigned lo;
                if (!consume_literal(ps, "\\u") || !read_u16(ps, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF) {
                    fail(ps, "unpaired surrogate");
                    goto err;
                }
                cp = 0x10000 + ((unsigned long)(hi - 0xD800) << 10) +
                     (lo - 0xDC00);
            } else if (hi >= 0xDC00 && hi <= 0xDFFF) {
                fail(ps, "unpaired surrogate");
                goto err;
            }
            if (!put_utf8(&b, cp)) {
                fail(ps, "out of memory");
                goto err;
            }
            continue;
        }
        default:
            fail(ps, "bad escape \\%c", e);
            goto err;
        }
        if (!sbuf_put(&b, lit, 1)) {
            fail(ps, "out of memory");
            goto err;
        }
    }
    *out_len = b.len;
    return b.data;
err:
    free(b.data);
    return NULL;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
parse_number(struct parser *ps, struct json_value *v)
{
    const char *s = ps->p;
    bool integer = true;
    if (peek_is(ps, '-')) {
        ps->p++;
    }
    if (peek_is(ps, '0')) {
        ps->p++;
    } else if (ps->p < ps->end && is_digit(*ps->p)) {
        while (ps->p < ps->end && is_digit(*ps->p)) {
            ps->p++;
        }
    } else {
        fail(ps, "bad number");
        return false;
    }
    if (peek_is(ps, '.')) {
        integer = false;
        ps->p++;
        if (!(ps->p < ps->end && is_digit(*ps->p))) {
            fail(ps, "bad fraction");
            return false;
        }
        while (ps->p < ps->end && is_digit(*ps->p)) {
            ps->p++;
        }
    }
    if (peek_is(ps, 'e') || peek_is(ps, 'E')) {
        integer = false;
        ps->p++;
        if (peek_is(ps, '+') || peek_is(ps, '-')) {
            ps->p++;
        }
        if (!(ps->p < ps->end && is_digit(*ps->p))) {
            fail(ps, "bad exponent");
            return false;
        }
        while (ps->p < ps->end && is_digit(*ps->p)) {
            ps->p++;
        }
    }
    char tmp[64];
    size_t n = (size_t)(ps->p - s);
    if (n >= sizeof tmp) {
        /* Long literals: keep only the double (strtod needs a string). */
        char *big = malloc(n + 1);
        if (big == NULL) {
            fail(ps, "out of memory");
            return false;
        }
        memcpy(big, s, n);
        big[n] = '\0';
        v->number = strtod(big, NULL);
        free(big);
        integer = false;
    } else {
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        v->number = strtod(tmp, NULL);
        if (integer) {
            errno = 0;
            long long ll = strtoll(tmp, NULL, 10);
            if (errno == 0) {
                v->integer = ll;
            } else {
                integer = false;
            }
        }
    }
    v->type = JSON_NUMBER;
    v->is_integer = integer;
    return true;
}

static void free_children(struct json_value *v);

static bool parse_value(struct parser *ps, struct json_value *v, int depth);

static bool
grow(struct json_value *v, size_t *cap, bool with_keys)
{
    if (v->num_items < *cap) {
        return true;
    }
    size_t ncap = *cap ? *cap * 2 : 8;
    struct json_value *items = realloc(v->items, ncap * sizeof *items);
    if (items == NULL) {
        return false;
    }
    v->items = items;
    if (with_keys) {
        char **keys = realloc(v->keys, ncap * sizeof *keys);
        if (keys == NULL) {
            return false;
        }
        v->keys = keys;
    }
    *cap = ncap;
    return true;
}

static bool
parse_array(struct parser *ps, struct json_value *v, int depth)
{
    size_t cap = 0;
    v->type = JSON_ARRAY;
    ps->p++; /* [ */
    skip_ws(ps);
    if (peek_is(ps, ']')) {
        ps->p++;
        return true;
    }
    for (;;) {
        if (!grow(v, &cap, false)) {
            fail(ps, "out of memory");
            return false;
        }
        struct json_value *item = &v->items[v->num_items];
        memset(item, 0, sizeof *item);
        v->num_items++;
        if (!parse_value(ps, item, depth + 1)) {
            return false;
        }
        skip_ws(ps);
        if (peek_is(ps, ',')) {
            ps->p++;
            continue;
        }
        if (peek_is(ps, ']')) {
            ps->p++;
            return true;
        }
        fail(ps, "expected ',' or ']'");
        return false;
    }
}

static bool
parse_object(struct parser *ps, struct json_value *v, int depth)
{
    size_t cap = 0;
    v->type = JSON_OBJECT;
    ps->p++; /* { */
    skip_ws(ps);
    if (peek_is(ps, '}')) {
        ps->p++;
        return true;
    }
    for (;;) {
        skip_ws(ps);
        if (!peek_is(ps, '"')) {
            fail(ps, "expected a key");
            return false;
        }
        if (!grow(v, &cap, true)) {
            fail(ps, "out of memory");
            return false;
        }
        size_t klen;
        char *key = parse_string(ps, &klen);
        if (key == NULL) {
            return false;
        }
        struct json_value *item = &v->items[v->num_items];
        memset(item, 0, sizeof *item);
        v->keys[v->num_items] = key;
        v->num_items++;
        skip_ws(ps);
        if (!peek_is(ps, ':')) {
            fail(ps, "expected ':'");
            return false;
        }
        ps->p++;
        if (!parse_value(ps, item, depth + 1)) {
            return false;
        }
        skip_ws(ps);
        if (peek_is(ps, ',')) {
            ps->p++;
            continue;
        }
        if (peek_is(ps, '}')) {
            ps->p++;
            return true;
        }
        fail(ps, "expected ',' or '}'");
        return false;
    }
}

static bool
parse_value(struct parser *ps, struct json_value *v, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nesting deeper than %d", JSON_MAX_DEPTH);
        return false;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of input");
        return false;
    }
    switch (*ps->p) {
    case '{':
        return parse_object(ps, v, depth);
    case '[':
        return parse_array(ps, v, depth);
    case '"':
        v->type = JSON_STRING;
        v->string = parse_string(ps, &v->string_len);
        return v->string != NULL;
    case 't':
    case 'f':
    case 'n':
        if (consume_literal(ps, "true")) {
            v->type = JSON_BOOL;
            v->boolean = true;
            return true;
        }
        if (consume_literal(ps, "false")) {
            v->type = JSON_BOOL;
            return true;
        }
        if (consume_literal(ps, "null")) {
            v->type = JSON_NULL;
            return true;
        }
        fail(ps, "bad literal");
        return false;
    default:
        return parse_number(ps, v);
    }
}

static void
free_children(struct json_value *v)
{
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->num_items; i++) {
            free_children(&v->items[i]);
            if (v->keys != NULL) {
                free(v->keys[i]);
            }
        }
        free(v->items);
        free(v->keys);
    }
    free(v->string);
}

struct json_value *
json_parse(const char *text, size_t len, char *err, size_t err_cap)
{
    struct parser ps = {text, text, text + len, err, err_cap, false};
    struct json_value *v = calloc(1, sizeof *v);
    if (v == NULL) {
        fail(&ps, "out of memory");
        return NULL;
    }
    if (parse_value(&ps, v, 0)) {
        skip_ws(&ps);
        if (ps.p != ps.end) {
            fail(&ps, "trailing data");
        }
    }
    if (ps.failed) {
        json_free(v);
        return NULL;
    }
    return v;
}

void
json_free(struct json_value *v)
{
    if (v == NULL) {
        return;
    }
    free_children(v);
    free(v);
}

const struct json_value *
json_get(const struct json_value *obj, const char *key)
{
    if (obj == NULL || obj->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < obj->num_items; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return &obj->items[i];
        }
    }
    return NULL;
}

const char *
json_get_string(const struct json_value *obj, const char *key)
{
    const struct json_value *v = json_get(obj, key);
    return v != NULL && v->type == JSON_STRING ? v->string : NULL;
}

bool
json_get_int(const struct json_value *obj, const char *key, long long *out)
{
    const struct json_value *v = json_get(obj, key);
    if (v == NULL || v->type != JSON_NUMBER || !v->is_integer) {
        return false;
    }
    *out = v->integer;
    return true;
}

size_t
json_array_len(const struct json_value *arr)
{
    return arr != NULL && arr->type == JSON_ARRAY ? arr->num_items : 0;
}

const struct json_value *
json_at(const struct json_value *arr, size_t i)
{
    return i < json_array_len(arr) ? &arr->items[i] : NULL;
}

uint8_t *
json_get_hex(const struct json_value *obj, const char *key, size_t *out_len)
{
    const struct json_value *v = json_get(obj, key);
    if (v == NULL || v->type != JSON_STRING || v->string_len % 2 != 0) {
        return NULL;
    }
    size_t n = v->string_len / 2;
    uint8_t *out = malloc(n ? n : 1);
    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = hex_val(v->string[2 * i]);
        int lo = hex_val(v->string[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = n;
    return out;
}

bool
json_has_string(const struct json_value *arr, const char *s)
{
    for (size_t i = 0; i < json_array_len(arr); i++) {
        const struct json_value *v = &arr->items[i];
        if (v->type == JSON_STRING && strcmp(v->string, s) == 0) {
            return true;
        }
    }
    return false;
}

struct json_value *
json_load_file(const char *path, char *err, size_t err_cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (err != NULL && err_cap > 0) {
            snprintf(err, err_cap, "cannot open %s", path);
        }
        return NULL;
    }
    struct sbuf b = {0};
    char chunk[65536];
    size_t n;
    bool ok = true;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (!sbuf_put(&b, chunk, n)) {
            ok = false;
            break;
        }
    }
    if (ferror(f)) {
        ok = false;
    }
    fclose(f);
    if (!ok) {
        free(b.data);
        if (err != NULL && err_cap > 0) {
            snprintf(err, err_cap, "cannot read %s", path);
        }
        return NULL;
    }
    struct json_value *v =
        json_parse(b.data ? b.data : "", b.len, err, err_cap);
    free(b.data);
    return v;
}
