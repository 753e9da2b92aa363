/*
 * cli/io.h - files for the wax command: input streamed from a file or
 * standard input, output opened only on the first write and committed only
 * on success (a temporary file renamed into place, so a failure never leaves
 * a partial output file), binary output refused on a terminal, and password
 * specifications (env:VAR, file:PATH, pass:TEXT).
 */
#ifndef WAX_CLI_IO_H
#define WAX_CLI_IO_H

#include <stdio.h>

#include <wax/wax.h>

/* Largest file read whole (certificates, keys, CRLs, bundles). */
#define CLI_MAX_SMALL_FILE ((size_t)16 << 20)
/* Longest password accepted from a --pass specification. */
#define CLI_MAX_PASSWORD 1024

/* cli_read_file reads PATH ("-" for standard input) whole into BUF (a
 * wax_buf the caller initialised with its cap). WAX_ERR_CLI_FILE when it
 * cannot be opened or read, WAX_ERR_LIMIT_EXCEEDED when over the cap. */
wax_err cli_read_file(const char *path, struct wax_buf *buf);

/* cli_stream_file pushes PATH ("-" or NULL for standard input) into SINK in
 * chunks and closes SINK at the end of input. */
wax_err cli_stream_file(const char *path, wax_sink *sink);

/*
 * struct cli_output is the output of a command: PATH, or standard output
 * when PATH is NULL or "-". Nothing is created before the first write; a
 * file is written under a temporary name and renamed by cli_output_commit,
 * or removed by cli_output_abort. BINARY output is refused when it would go
 * to a terminal (WAX_ERR_CLI_OUTPUT_IS_TERMINAL); with SNIFF set after
 * init, output to a terminal is refused as soon as a write holds a control
 * byte other than tab, line feed, carriage return and form feed (binary
 * content, or escape sequences that would drive the terminal).
 */
struct cli_output {
    wax_sink sink; /* must stay first */
    const char *path;
    bool binary;
    bool sniff; /* refuse a terminal when the bytes written are binary */
    bool tty;   /* standard output is a terminal (known once opened) */
    bool opened;
    bool to_stdout;
    int fd;
    char tmp_path[4096];
    uint8_t *buf; /* write-behind buffer of CLI_OUTPUT_BUF bytes */
    size_t buf_len;
    wax_err err;
};

/* Bytes of output gathered before one write(2): the layers above push
 * line-sized pieces, which must not each cost a system call. */
#define CLI_OUTPUT_BUF ((size_t)64 << 10)

void cli_output_init(struct cli_output *o, const char *path, bool binary);
wax_sink *cli_output_sink(struct cli_output *o);
/* cli_output_commit makes the output final (an empty output creates the
 * file only if CREATE_EMPTY). */
wax_err cli_output_commit(struct cli_output *o, bool create_empty);
void cli_output_abort(struct cli_output *o);

/* cli_password resolves a --pass SPEC into OUT (NUL-terminated, at most
 * CLI_MAX_PASSWORD bytes): env:VAR, file:PATH (first line), pass:TEXT. */
wax_err cli_password(const char *spec, char *out, size_t out_cap);

/* cli_same_file is true when two paths name the same existing file. */
bool cli_same_file(const char *a, const char *b);

#endif
