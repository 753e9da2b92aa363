/* The capped growable buffer (curl's dynbuf idea: growth with a hard cap). */
#include <stdlib.h>
#include <string.h>

#include <wax/util.h>

#define BUF_MIN_ALLOC 64

static wax_err buf_sink_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err buf_sink_close(wax_sink *self);

static void
buf_init(struct wax_buf *b, size_t max, bool secret)
{
    b->sink.write = buf_sink_write;
    b->sink.close = buf_sink_close;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = WAX_OK;
    b->closed = false;
    b->secret = secret;
}

void
wax_buf_init(struct wax_buf *b, size_t max)
{
    buf_init(b, max, false);
}

void
wax_buf_init_secret(struct wax_buf *b, size_t max)
{
    buf_init(b, max, true);
}

void
wax_buf_cleanup(struct wax_buf *b)
{
    if (b->data != NULL && b->secret) {
        wax_wipe(b->data, b->cap);
    }
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
wax_buf_reset(struct wax_buf *b)
{
    if (b->data != NULL && b->secret) {
        wax_wipe(b->data, b->len);
    }
    b->len = 0;
    b->err = WAX_OK;
    b->closed = false;
}

static wax_err
buf_grow(struct wax_buf *b, size_t need)
{
    size_t new_cap = b->cap < BUF_MIN_ALLOC ? BUF_MIN_ALLOC : b->cap;
    while (new_cap < need) {
        new_cap = new_cap > SIZE_MAX / 2 ? SIZE_MAX : new_cap * 2;
    }
    if (new_cap > b->max) {
        new_cap = b->max;
    }
    uint8_t *p;
    if (b->secret) {
        /* realloc could leave a copy of the secret behind: move it by hand */
        p = malloc(new_cap);
        if (p != NULL && b->data != NULL) {
            memcpy(p, b->data, b->len);
            wax_wipe(b->data, b->cap);
            free(b->data);
        }
    } else {
        p = realloc(b->data, new_cap);
    }
    if (p == NULL) {
        b->err = WAX_ERR_NOMEM;
        return b->err;
    }
    b->data = p;
    b->cap = new_cap;
    return WAX_OK;
}

wax_err
wax_buf_reserve(struct wax_buf *b, size_t n, uint8_t **out_ptr)
{
    WAX_TRY(b->err);
    if (n > b->max - b->len) {
        b->err = WAX_ERR_LIMIT_EXCEEDED;
        return b->err;
    }
    if (n > b->cap - b->len) {
        WAX_TRY(buf_grow(b, b->len + n));
    }
    *out_ptr = b->data + b->len;
    return WAX_OK;
}

void
wax_buf_advance(struct wax_buf *b, size_t n)
{
    b->len += n;
}

wax_err
wax_buf_append(struct wax_buf *b, const uint8_t *data, size_t len)
{
    if (len == 0) {
        return b->err;
    }
    uint8_t *dst;
    WAX_TRY(wax_buf_reserve(b, len, &dst));
    memcpy(dst, data, len);
    b->len += len;
    return WAX_OK;
}

wax_err
wax_buf_append_str(struct wax_buf *b, const char *s)
{
    return wax_buf_append(b, (const uint8_t *)s, strlen(s));
}

wax_err
wax_buf_append_byte(struct wax_buf *b, uint8_t byte)
{
    return wax_buf_append(b, &byte, 1);
}

wax_sink *
wax_buf_sink(struct wax_buf *b)
{
    return &b->sink;
}

static wax_err
buf_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_buf *b = (struct wax_buf *)self;
    WAX_ENSURE(!b->closed, WAX_ERR_SINK_CLOSED);
    return wax_buf_append(b, data, len);
}

static wax_err
buf_sink_close(wax_sink *self)
{
    struct wax_buf *b = (struct wax_buf *)self;
    WAX_TRY(b->err);
    WAX_ENSURE(!b->closed, WAX_ERR_SINK_CLOSED);
    b->closed = true;
    return WAX_OK;
}
