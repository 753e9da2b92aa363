/* O_TMPFILE is a Linux extension. */
#define _GNU_SOURCE
/*
 * The spool: content waits here until its verdict is known (SECURITY.md
 * rule 1). Memory up to a threshold, then an unlinked 0600 temporary file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wax/util.h>

/* Chunk size used to replay a file-backed spool. */
#define SPOOL_COPY_CHUNK 65536

static wax_err spool_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err spool_close(wax_sink *self);

void
wax_spool_init(struct wax_spool *sp, size_t threshold, const char *tmpdir)
{
    sp->sink.write = spool_write;
    sp->sink.close = spool_close;
    sp->mem = NULL;
    sp->mem_len = 0;
    sp->threshold = threshold == 0 ? WAX_SPOOL_DEFAULT_THRESHOLD : threshold;
    sp->fd = -1;
    sp->total = 0;
    sp->tmpdir = tmpdir;
    sp->state = WAX_SPOOL_WRITING;
    sp->err = WAX_OK;
}

wax_sink *
wax_spool_sink(struct wax_spool *sp)
{
    return &sp->sink;
}

uint64_t
wax_spool_size(const struct wax_spool *sp)
{
    return sp->total;
}

bool
wax_spool_in_memory(const struct wax_spool *sp)
{
    return sp->fd < 0;
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
open_tmpfile(const char *dir, int *out_fd)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        /* file systems without O_TMPFILE: a named file unlinked at once */
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/wax-spool-XXXXXX", dir);
        if (n < 0 || (size_t)n >= sizeof path) {
            return WAX_ERR_SPOOL_TMPFILE;
        }
        mode_t old = umask(077);
        fd = mkstemp(path);
        umask(old);
        if (fd < 0) {
            return WAX_ERR_SPOOL_TMPFILE;
        }
        unlink(path);
    }
    *out_fd = fd;
    return WAX_OK;
}

/* spool_flush writes the file-mode write-behind buffer to the file. */
static wax_err
spool_flush(struct wax_spool *sp)
{
    if (sp->fd < 0 || sp->mem_len == 0) {
        return WAX_OK;
    }
    wax_err err = write_all(sp->fd, sp->mem, sp->mem_len);
    wax_wipe(sp->mem, sp->mem_len);
    sp->mem_len = 0;
    return err;
}

/* spool_to_file moves the content to an unlinked temporary file; the
 * memory buffer stays as the file's write-behind buffer, so that the
 * small writes of the layers above do not each cost a system call. */
static wax_err
spool_to_file(struct wax_spool *sp)
{
    const char *dir = sp->tmpdir;
    if (dir == NULL) {
        dir = getenv("TMPDIR");
    }
    if (dir == NULL || dir[0] == '\0') {
        dir = "/tmp";
    }
    int fd;
    WAX_TRY(open_tmpfile(dir, &fd));
    sp->fd = fd;
    return spool_flush(sp);
}

static wax_err
spool_write_inner(struct wax_spool *sp, const uint8_t *data, size_t len)
{
    if (sp->mem == NULL) {
        sp->mem = malloc(sp->threshold);
        WAX_ENSURE(sp->mem != NULL, WAX_ERR_NOMEM);
    }
    if (len <= sp->threshold - sp->mem_len) {
        memcpy(sp->mem + sp->mem_len, data, len);
        sp->mem_len += len;
        return WAX_OK;
    }
    if (sp->fd < 0) {
        WAX_TRY(spool_to_file(sp));
    } else {
        WAX_TRY(spool_flush(sp));
    }
    if (len >= sp->threshold) {
        return write_all(sp->fd, data, len);
    }
    memcpy(sp->mem, data, len);
    sp->mem_len = len;
    return WAX_OK;
}

static wax_err
spool_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_spool *sp = (struct wax_spool *)self;
    WAX_TRY(sp->err);
    WAX_ENSURE(sp->state == WAX_SPOOL_WRITING, WAX_ERR_SINK_CLOSED);
    if (len == 0) {
        return WAX_OK;
    }
    sp->err = spool_write_inner(sp, data, len);
    if (sp->err == WAX_OK) {
        sp->total += len;
    }
    return sp->err;
}

static wax_err
spool_close(wax_sink *self)
{
    struct wax_spool *sp = (struct wax_spool *)self;
    WAX_TRY(sp->err);
    WAX_ENSURE(sp->state == WAX_SPOOL_WRITING, WAX_ERR_SINK_CLOSED);
    sp->err = spool_flush(sp);
    WAX_TRY(sp->err);
    sp->state = WAX_SPOOL_CLOSED;
    return WAX_OK;
}

wax_err
wax_spool_release(struct wax_spool *sp, wax_sink *out)
{
    WAX_TRY(sp->err);
    WAX_ENSURE(sp->state == WAX_SPOOL_CLOSED, WAX_ERR_SPOOL_STATE);
    if (sp->fd < 0) {
        WAX_TRY(wax_sink_write(out, sp->mem, sp->mem_len));
        sp->state = WAX_SPOOL_RELEASED;
        return WAX_OK;
    }
    WAX_ENSURE(lseek(sp->fd, 0, SEEK_SET) == 0, WAX_ERR_IO);
    uint8_t *chunk = malloc(SPOOL_COPY_CHUNK);
    WAX_ENSURE(chunk != NULL, WAX_ERR_NOMEM);
    uint64_t left = sp->total;
    wax_err err = WAX_OK;
    while (left > 0 && err == WAX_OK) {
        size_t want = left < SPOOL_COPY_CHUNK ? (size_t)left : SPOOL_COPY_CHUNK;
        ssize_t n = read(sp->fd, chunk, want);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            err = WAX_ERR_IO;
            break;
        }
        err = wax_sink_write(out, chunk, (size_t)n);
        left -= (uint64_t)n;
    }
    wax_wipe(chunk, SPOOL_COPY_CHUNK);
    free(chunk);
    WAX_TRY(err);
    sp->state = WAX_SPOOL_RELEASED;
    return WAX_OK;
}

void
wax_spool_discard(struct wax_spool *sp)
{
    if (sp->mem != NULL) {
        wax_wipe(sp->mem, sp->mem_len);
        free(sp->mem);
        sp->mem = NULL;
    }
    sp->mem_len = 0;
    if (sp->fd >= 0) {
        /* the file is already unlinked; truncating drops the content now */
        if (ftruncate(sp->fd, 0) != 0) {
            /* nothing more to do: closing frees the blocks anyway */
        }
        close(sp->fd);
        sp->fd = -1;
    }
    if (sp->state != WAX_SPOOL_RELEASED) {
        sp->state = WAX_SPOOL_DISCARDED;
    }
}

void
wax_spool_cleanup(struct wax_spool *sp)
{
    wax_spool_discard(sp);
}
