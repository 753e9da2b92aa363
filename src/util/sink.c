/* The push-stream interface and the null sink. */
#include <wax/util.h>

wax_err
wax_sink_write(wax_sink *s, const uint8_t *data, size_t len)
{
    return s->write(s, data, len);
}

wax_err
wax_sink_close(wax_sink *s)
{
    return s->close(s);
}

static wax_err
null_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_null_sink *ns = (struct wax_null_sink *)self;
    (void)data;
    WAX_ENSURE(!ns->closed, WAX_ERR_SINK_CLOSED);
    ns->num_bytes += len;
    return WAX_OK;
}

static wax_err
null_close(wax_sink *self)
{
    struct wax_null_sink *ns = (struct wax_null_sink *)self;
    WAX_ENSURE(!ns->closed, WAX_ERR_SINK_CLOSED);
    ns->closed = true;
    return WAX_OK;
}

void
wax_null_sink_init(struct wax_null_sink *ns)
{
    ns->sink.write = null_write;
    ns->sink.close = null_close;
    ns->num_bytes = 0;
    ns->closed = false;
}
