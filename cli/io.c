/* Input, lazily opened and atomically committed output, passwords. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

#define CLI_CHUNK 65536

static bool
is_stdio(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0;
}

wax_err
cli_read_file(const char *path, struct wax_buf *buf)
{
    int fd = is_stdio(path) ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    WAX_ENSURE(fd >= 0, WAX_ERR_CLI_FILE);
    wax_err err = WAX_OK;
    for (;;) {
        uint8_t *dst;
        err = wax_buf_reserve(buf, 1, &dst);
        if (err != WAX_OK) {
            break;
        }
        size_t room = buf->cap - buf->len;
        ssize_t n = read(fd, dst, room);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            err = WAX_ERR_CLI_FILE;
            break;
        }
        if (n == 0) {
            break;
        }
        wax_buf_advance(buf, (size_t)n);
    }
    if (!is_stdio(path)) {
        close(fd);
    }
    return err;
}

wax_err
cli_stream_file(const char *path, wax_sink *sink)
{
    int fd = is_stdio(path) ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    WAX_ENSURE(fd >= 0, WAX_ERR_CLI_FILE);
    uint8_t *chunk = malloc(CLI_CHUNK);
    wax_err err = chunk == NULL ? WAX_ERR_NOMEM : WAX_OK;
    while (err == WAX_OK) {
        ssize_t n = read(fd, chunk, CLI_CHUNK);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            err = WAX_ERR_CLI_FILE;
            break;
        }
        if (n == 0) {
            err = wax_sink_close(sink);
            break;
        }
        err = wax_sink_write(sink, chunk, (size_t)n);
    }
    free(chunk);
    if (!is_stdio(path)) {
        close(fd);
    }
    return err;
}

static wax_err
write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return WAX_ERR_IO;
        }
        data += n;
        len -= (size_t)n;
    }
    return WAX_OK;
}

static wax_err
output_open(struct cli_output *o)
{
    if (o->to_stdout) {
        WAX_ENSURE(!(o->binary && isatty(STDOUT_FILENO)),
                   WAX_ERR_CLI_OUTPUT_IS_TERMINAL);
        o->fd = STDOUT_FILENO;
        o->opened = true;
        return WAX_OK;
    }
    int n =
        snprintf(o->tmp_path, sizeof o->tmp_path, "%s.wax-tmp-XXXXXX", o->path);
    WAX_ENSURE(n > 0 && (size_t)n < sizeof o->tmp_path, WAX_ERR_CLI_FILE);
    mode_t old = umask(077);
    o->fd = mkstemp(o->tmp_path);
    umask(old);
    WAX_ENSURE(o->fd >= 0, WAX_ERR_CLI_FILE);
    o->opened = true;
    return WAX_OK;
}

static wax_err
output_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct cli_output *o = (struct cli_output *)self;
    WAX_TRY(o->err);
    if (len == 0) {
        return WAX_OK;
    }
    if (!o->opened) {
        o->err = output_open(o);
        WAX_TRY(o->err);
    }
    o->err = write_all(o->fd, data, len);
    return o->err;
}

static wax_err
output_close(wax_sink *self)
{
    struct cli_output *o = (struct cli_output *)self;
    return o->err;
}

void
cli_output_init(struct cli_output *o, const char *path, bool binary)
{
    memset(o, 0, sizeof *o);
    o->sink.write = output_write;
    o->sink.close = output_close;
    o->path = path;
    o->binary = binary;
    o->to_stdout = is_stdio(path);
    o->fd = -1;
}

wax_sink *
cli_output_sink(struct cli_output *o)
{
    return &o->sink;
}

wax_err
cli_output_commit(struct cli_output *o, bool create_empty)
{
    WAX_TRY(o->err);
    if (!o->opened && create_empty) {
        WAX_TRY(output_open(o));
    }
    if (!o->opened || o->to_stdout) {
        return WAX_OK;
    }
    /* the temporary file is 0600; the final file gets the usual mode */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(o->fd, 0666 & ~mask) != 0 || fsync(o->fd) != 0 ||
        close(o->fd) != 0) {
        o->fd = -1;
        cli_output_abort(o);
        return WAX_ERR_IO;
    }
    o->fd = -1;
    if (rename(o->tmp_path, o->path) != 0) {
        cli_output_abort(o);
        return WAX_ERR_CLI_FILE;
    }
    o->opened = false;
    return WAX_OK;
}

void
cli_output_abort(struct cli_output *o)
{
    if (o->to_stdout) {
        return;
    }
    if (o->fd >= 0) {
        close(o->fd);
        o->fd = -1;
    }
    if (o->opened) {
        unlink(o->tmp_path);
        o->opened = false;
    }
}

static wax_err
copy_password(char *out, size_t out_cap, const char *text, size_t len)
{
    WAX_ENSURE(len < out_cap && len <= CLI_MAX_PASSWORD,
               WAX_ERR_LIMIT_EXCEEDED);
    memcpy(out, text, len);
    out[len] = '\0';
    return WAX_OK;
}

wax_err
cli_password(const char *spec, char *out, size_t out_cap)
{
    if (strncmp(spec, "pass:", 5) == 0) {
        return copy_password(out, out_cap, spec + 5, strlen(spec + 5));
    }
    if (strncmp(spec, "env:", 4) == 0) {
        const char *v = getenv(spec + 4);
        WAX_ENSURE(v != NULL, WAX_ERR_CLI_USAGE);
        return copy_password(out, out_cap, v, strlen(v));
    }
    if (strncmp(spec, "file:", 5) == 0) {
        struct wax_buf b;
        wax_buf_init_secret(&b, CLI_MAX_PASSWORD + 2);
        wax_err err = cli_read_file(spec + 5, &b);
        if (err == WAX_OK) {
            size_t len = 0;
            while (len < b.len && b.data[len] != '\n' && b.data[len] != '\r') {
                len++;
            }
            err = copy_password(out, out_cap, (const char *)b.data, len);
        }
        wax_buf_cleanup(&b);
        return err;
    }
    return WAX_ERR_CLI_USAGE;
}

bool
cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (is_stdio(a) || is_stdio(b) || stat(a, &sa) != 0 || stat(b, &sb) != 0) {
        return false;
    }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
