/*
 * bench_base64 - throughput of the streaming base64 encoder and decoder.
 *
 * Encodes N MiB of random bytes through struct wax_b64_encoder (MIME layout,
 * 76 columns, CRLF) and decodes that text through struct wax_b64_decoder,
 * both pushed in 64 KiB writes into a null sink, all in memory. Each is
 * timed best of 3 (wall clock, and the thread's CPU time, which other
 * processes on a busy machine do not inflate). Throughput is given in MB/s
 * with 1 MB = 10^6 bytes, of
 * the binary data (the figure the 1 GB/s target is about) and of the base64
 * text. If an `openssl` command is on PATH, `openssl base64` and
 * `openssl base64 -d` run on the same data (files in $TMPDIR, page cache,
 * output to /dev/null; process start included) and the ratio is printed.
 *
 * Usage: bench_base64 [MIB]   (default 256, or $WAX_BENCH_MIB)
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wax/util.h>

extern char **environ;

#define CHUNK (64 * 1024)
#define ROUNDS 3

static double
clock_secs(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
    return clock_secs(CLOCK_MONOTONIC);
}

/* CPU time of this thread: what the codec costs on one core, unaffected by
 * other processes competing for the machine's cores. */
static double
cpu_now(void)
{
    return clock_secs(CLOCK_THREAD_CPUTIME_ID);
}

struct timing {
    double wall;
    double cpu;
};

static void
die(const char *what, wax_err err)
{
    fprintf(stderr, "bench_base64: %s: %s\n", what, wax_err_str(err));
    exit(1);
}

static void
push_all(wax_sink *s, const uint8_t *p, size_t len)
{
    for (size_t off = 0; off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        wax_err err = wax_sink_write(s, p + off, n);
        if (err != WAX_OK) {
            die("write", err);
        }
    }
    wax_err err = wax_sink_close(s);
    if (err != WAX_OK) {
        die("close", err);
    }
}

static struct timing
time_encode(const uint8_t *data, size_t len, uint64_t *out_len)
{
    static struct wax_b64_encoder enc;
    struct wax_null_sink ns;
    wax_null_sink_init(&ns);
    wax_err err = wax_b64_encoder_init(&enc, &ns.sink, WAX_B64_MIME_LINE_LEN);
    if (err != WAX_OK) {
        die("encoder init", err);
    }
    struct timing t = {now(), cpu_now()};
    push_all(&enc.sink, data, len);
    t.wall = now() - t.wall;
    t.cpu = cpu_now() - t.cpu;
    *out_len = ns.num_bytes;
    return t;
}

static struct timing
time_decode(const uint8_t *text, size_t len, uint64_t *out_len)
{
    static struct wax_b64_decoder dec;
    struct wax_null_sink ns;
    wax_null_sink_init(&ns);
    wax_b64_decoder_init(&dec, &ns.sink);
    struct timing t = {now(), cpu_now()};
    push_all(&dec.sink, text, len);
    t.wall = now() - t.wall;
    t.cpu = cpu_now() - t.cpu;
    *out_len = ns.num_bytes;
    return t;
}

static bool
write_file(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return false;
    }
    bool ok = fwrite(p, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* run_openssl runs `openssl base64 [-d] -in IN -out OUT`; returns seconds
 * or a negative value on failure. */
static double
run_openssl(bool decode, const char *in, const char *out)
{
    char *argv[8];
    int i = 0;
    argv[i++] = "openssl";
    argv[i++] = "base64";
    if (decode) {
        argv[i++] = "-d";
    }
    argv[i++] = "-in";
    argv[i++] = (char *)in;
    argv[i++] = "-out";
    argv[i++] = (char *)out;
    argv[i] = NULL;
    pid_t pid;
    double t = now();
    if (posix_spawnp(&pid, "openssl", NULL, NULL, argv, environ) != 0) {
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    t = now() - t;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return -1;
    }
    return t;
}

static bool
have_openssl(void)
{
    const char *path = getenv("PATH");
    if (path == NULL) {
        return false;
    }
    char buf[4096];
    while (*path != '\0') {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        if (n > 0 && n < sizeof(buf) - 16) {
            memcpy(buf, path, n);
            memcpy(buf + n, "/openssl", sizeof("/openssl"));
            if (access(buf, X_OK) == 0) {
                return true;
            }
        }
        path += n;
        if (*path == ':') {
            path++;
        }
    }
    return false;
}

static double
mbps(uint64_t bytes, double secs)
{
    return (double)bytes / 1e6 / secs;
}

int
main(int argc, char **argv)
{
    size_t mib = 256;
    const char *arg = argc > 1 ? argv[1] : getenv("WAX_BENCH_MIB");
    if (arg != NULL) {
        char *end;
        unsigned long v = strtoul(arg, &end, 10);
        if (*end != '\0' || v == 0 || v > 4096) {
            fprintf(stderr, "usage: bench_base64 [MIB (1..4096)]\n");
            return 2;
        }
        mib = v;
    }
    size_t len = mib << 20;
    uint8_t *data = malloc(len);
    size_t text_cap = WAX_B64_ENCODED_LEN(len, WAX_B64_MIME_LINE_LEN);
    uint8_t *text = malloc(text_cap);
    uint8_t *back = malloc(len);
    if (data == NULL || text == NULL || back == NULL) {
        fprintf(stderr, "bench_base64: out of memory\n");
        return 1;
    }
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data[i] = (uint8_t)(x >> 32);
    }

    /* the decode input, and a correctness check of both directions */
    size_t text_len, back_len;
    wax_err err = wax_b64_encode(text, text_cap, &text_len, data, len,
                                 WAX_B64_MIME_LINE_LEN);
    if (err != WAX_OK) {
        die("encode", err);
    }
    err = wax_b64_decode(back, len, &back_len, text, text_len);
    if (err != WAX_OK || back_len != len || memcmp(back, data, len) != 0) {
        fprintf(stderr, "bench_base64: round trip failed\n");
        return 1;
    }

    struct timing enc_best = {1e9, 1e9}, dec_best = {1e9, 1e9};
    uint64_t enc_out = 0, dec_out = 0;
    for (int r = 0; r < ROUNDS; r++) {
        struct timing t = time_encode(data, len, &enc_out);
        enc_best.wall = t.wall < enc_best.wall ? t.wall : enc_best.wall;
        enc_best.cpu = t.cpu < enc_best.cpu ? t.cpu : enc_best.cpu;
        t = time_decode(text, text_len, &dec_out);
        dec_best.wall = t.wall < dec_best.wall ? t.wall : dec_best.wall;
        dec_best.cpu = t.cpu < dec_best.cpu ? t.cpu : dec_best.cpu;
    }
    if (enc_out != text_len || dec_out != len) {
        fprintf(stderr, "bench_base64: streaming output length mismatch\n");
        return 1;
    }

    printf("bench_base64: %zu MiB random data, 76-column CRLF base64 text of "
           "%zu bytes; streaming, %d KiB writes, best of %d; 1 MB = 10^6 "
           "bytes\n",
           mib, text_len, CHUNK / 1024, ROUNDS);
    double enc_mbps = mbps(len, enc_best.wall);
    double dec_mbps = mbps(len, dec_best.wall);
    printf("  wax encode        %8.1f MB/s of data  (%8.1f MB/s of text; "
           "%8.1f MB/s of data by CPU time)\n",
           enc_mbps, mbps(text_len, enc_best.wall), mbps(len, enc_best.cpu));
    printf("  wax decode        %8.1f MB/s of data  (%8.1f MB/s of text; "
           "%8.1f MB/s of data by CPU time)\n",
           dec_mbps, mbps(text_len, dec_best.wall), mbps(len, dec_best.cpu));

    if (!have_openssl()) {
        printf("  openssl: no openssl command on PATH, comparison skipped\n");
        goto out;
    }
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0') {
        tmp = "/tmp";
    }
    char bin_path[4096], txt_path[4096], chk_path[4096];
    snprintf(bin_path, sizeof(bin_path), "%s/wax-bench-b64-%ld.bin", tmp,
             (long)getpid());
    snprintf(txt_path, sizeof(txt_path), "%s/wax-bench-b64-%ld.txt", tmp,
             (long)getpid());
    snprintf(chk_path, sizeof(chk_path), "%s/wax-bench-b64-%ld.chk", tmp,
             (long)getpid());
    if (!write_file(bin_path, data, len) ||
        !write_file(txt_path, text, text_len)) {
        printf("  openssl: cannot write temporary files in %s, skipped\n", tmp);
        goto cleanup;
    }
    /* make sure openssl reads our MIME text the same way */
    if (run_openssl(true, txt_path, chk_path) < 0) {
        printf("  openssl: `openssl base64 -d` failed, skipped\n");
        goto cleanup;
    }
    FILE *f = fopen(chk_path, "rb");
    size_t got = f ? fread(back, 1, len, f) : 0;
    if (f) {
        fclose(f);
    }
    if (got != len || memcmp(back, data, len) != 0) {
        printf("  openssl: decoded our text differently, skipped\n");
        goto cleanup;
    }
    double oenc = 1e9, odec = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        double t = run_openssl(false, bin_path, "/dev/null");
        double u = run_openssl(true, txt_path, "/dev/null");
        if (t < 0 || u < 0) {
            printf("  openssl: a run failed, skipped\n");
            goto cleanup;
        }
        oenc = t < oenc ? t : oenc;
        odec = u < odec ? u : odec;
    }
    printf("  openssl base64    %8.1f MB/s of data  -> wax/openssl %.2fx\n",
           mbps(len, oenc), enc_mbps / mbps(len, oenc));
    printf("  openssl base64 -d %8.1f MB/s of data  -> wax/openssl %.2fx\n",
           mbps(len, odec), dec_mbps / mbps(len, odec));
    printf("  (openssl: separate process, file input from page cache, "
           "output to /dev/null)\n");
cleanup:
    unlink(bin_path);
    unlink(txt_path);
    unlink(chk_path);
out:
    free(data);
    free(text);
    free(back);
    return 0;
}
