/* Running one S/MIME operation: input in, output committed or removed,
 * the report, the exit status. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define TERMINAL_HINT "redirect the output to a file or a pipe, or use -o FILE"

int
cli_output_prepare(struct cli_ctx *ctx, const struct cli_args *a,
                   enum cli_out_kind kind, struct cli_output *out)
{
    cli_output_init(out, a->out_path, kind == CLI_OUT_BINARY);
    out->sniff = kind == CLI_OUT_SNIFF;
    if (a->out_path != NULL &&
        ((a->in_path != NULL && cli_same_file(a->in_path, a->out_path)) ||
         (a->content_path != NULL &&
          cli_same_file(a->content_path, a->out_path)))) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_SAME_FILE,
                        "write the output to another file", "-o '%s'",
                        a->out_path);
    }
    /* known binary output: refuse before reading anything */
    if (kind == CLI_OUT_BINARY && a->out_path == NULL &&
        isatty(STDOUT_FILENO)) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_OUTPUT_IS_TERMINAL,
                        TERMINAL_HINT, "standard output");
    }
    return -1;
}

/* stream pushes PATH (NULL: standard input) into SINK and closes it.
 * *READ_FAILED tells a failure to read from one of the sink. */
static wax_err
stream(const char *path, wax_sink *sink, bool *read_failed)
{
    *read_failed = false;
    int fd = path == NULL ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *read_failed = true;
        return WAX_ERR_CLI_FILE;
    }
    enum { CHUNK = 65536 };
    uint8_t *chunk = malloc(CHUNK);
    wax_err err = chunk == NULL ? WAX_ERR_NOMEM : WAX_OK;
    while (err == WAX_OK) {
        ssize_t n = read(fd, chunk, CHUNK);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            *read_failed = true;
            err = WAX_ERR_CLI_FILE;
            break;
        }
        if (n == 0) {
            err = wax_sink_close(sink);
            break;
        }
        err = wax_sink_write(sink, chunk, (size_t)n);
        if (err != WAX_OK) {
            /* The operation failed on the input. Its report is written by
             * close(), which returns the same sticky error: close it so
             * that the verdict (INVALID, DECRYPT_FAILED) is reported. */
            wax_err close_err = wax_sink_close(sink);
            (void)close_err;
        }
    }
    free(chunk);
    if (path != NULL) {
        close(fd);
    }
    return err;
}

static const char *
name_of(const char *path)
{
    return path == NULL ? "standard input" : path;
}

int
cli_exit_status(const struct wax_smime_report *rep, wax_err err)
{
    if (err == WAX_OK) {
        /* the smime layer's success is a positive verdict or none */
        return rep->verdict == WAX_SMIME_VERDICT_NONE ||
                       wax_smime_verdict_positive(rep->verdict)
                   ? WAX_EXIT_OK
                   : WAX_EXIT_REJECTED;
    }
    switch (rep->status) {
    case WAX_SMIME_STATUS_ERROR:
        return WAX_EXIT_USAGE;
    case WAX_SMIME_STATUS_OK:
    case WAX_SMIME_STATUS_REJECTED:
        return WAX_EXIT_REJECTED;
    }
    return WAX_EXIT_REJECTED;
}

/* A sink onto a stdio stream (the JSON report). */
struct file_sink {
    wax_sink sink;
    FILE *f;
};

static wax_err
file_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct file_sink *s = (struct file_sink *)self;
    return fwrite(data, 1, len, s->f) == len ? WAX_OK : WAX_ERR_IO;
}

static wax_err
file_sink_close(wax_sink *self)
{
    struct file_sink *s = (struct file_sink *)self;
    return fflush(s->f) == 0 ? WAX_OK : WAX_ERR_IO;
}

void
cli_report_json(struct cli_ctx *ctx, const struct wax_smime_report *rep)
{
    if (ctx->reported) {
        return;
    }
    ctx->reported = true;
    struct file_sink s = {{file_sink_write, file_sink_close}, stderr};
    if (wax_smime_report_json(rep, &s.sink) == WAX_OK) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

int
cli_report_constructor_error(struct cli_ctx *ctx, struct wax_smime_report *rep,
                             wax_err err, const char *kind,
                             const char *const *names, size_t num_names)
{
    if (rep->err == WAX_OK) {
        rep->err = err;
    }
    int status = rep->status == WAX_SMIME_STATUS_REJECTED ? WAX_EXIT_REJECTED
                                                          : WAX_EXIT_USAGE;
    if (ctx->json) {
        cli_report_json(ctx, rep);
        return status;
    }
    size_t i = rep->err_index;
    if (kind != NULL && i != SIZE_MAX && i < num_names) {
        return cli_fail(ctx, status, rep->err, cli_err_hint(rep->err),
                        "%s '%s'", kind, names[i]);
    }
    if (kind != NULL && i != SIZE_MAX) {
        return cli_fail(ctx, status, rep->err, cli_err_hint(rep->err), "%s %zu",
                        kind, i + 1);
    }
    return cli_fail(ctx, status, rep->err, cli_err_hint(rep->err), "cannot %s",
                    ctx->cmd);
}

int
cli_run(struct cli_ctx *ctx, const struct cli_args *a, struct wax_smime_op *op,
        struct cli_output *out, struct wax_smime_report *rep,
        cli_text_report_fn text_report)
{
    bool read_failed;
    wax_err err;
    wax_sink *content = wax_smime_op_content_sink(op);
    if (content != NULL) {
        err = stream(a->content_path, content, &read_failed);
        if (read_failed) {
            return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "content '%s'",
                            name_of(a->content_path));
        }
    }
    err = stream(a->in_path, wax_smime_op_sink(op), &read_failed);
    if (read_failed) {
        if (out != NULL) {
            cli_output_abort(out);
        }
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "input '%s'",
                        name_of(a->in_path));
    }
    if (out != NULL && out->err != WAX_OK) {
        cli_output_abort(out);
        return cli_fail(
            ctx, WAX_EXIT_USAGE, out->err,
            out->err == WAX_ERR_CLI_OUTPUT_IS_TERMINAL ? TERMINAL_HINT : NULL,
            "output '%s'", out->path == NULL ? "standard output" : out->path);
    }
    if (out != NULL) {
        if (err == WAX_OK) {
            wax_err cerr = cli_output_commit(out, true);
            if (cerr != WAX_OK) {
                return cli_fail(ctx, WAX_EXIT_USAGE, cerr, NULL, "output '%s'",
                                out->path == NULL ? "standard output"
                                                  : out->path);
            }
        } else {
            cli_output_abort(out);
        }
    }
    int status = cli_exit_status(rep, err);
    if (rep->err == WAX_OK && err != WAX_OK) {
        rep->err = err;
    }
    if (ctx->before_report != NULL) {
        ctx->before_report(ctx, rep);
    }
    if (ctx->json) {
        cli_report_json(ctx, rep);
    } else {
        text_report(ctx, rep, status);
    }
    return status;
}
