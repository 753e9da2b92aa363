/*
 * A large message (64 MiB) streamed through sign -> verify and
 * encrypt -> decrypt, each pipeline chained sink to sink, in a child
 * process whose peak RSS growth must stay far below the message size
 * (DESIGN.md: memory is bounded by constants, never by message size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wax/smime.h>

#include "../harness.h"
#include "../smime_fixture.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* 64 MiB normally; under the sanitizers (slow, and their shadow memory
 * makes RSS meaningless) 8 MiB and no RSS bound. */
#define BIG_BYTES ((uint64_t)(SANITIZED ? 8 : 64) << 20)
/* Allowed peak RSS growth. */
#define RSS_BUDGET_KB (24 * 1024)

static const char big_head[] = "From: Alice <alice@example.org>\r\n"
                               "To: carol@example.org\r\n"
                               "Subject: big\r\n"
                               "Content-Type: text/plain\r\n"
                               "\r\n";

/* Pushes the big message into S: header and 64-byte numbered lines.
 * DIGEST (if not NULL) gets the body bytes. */
static wax_err
push_big(wax_sink *s, struct wax_digest *digest)
{
    WAX_TRY(wax_sink_write(s, (const uint8_t *)big_head, strlen(big_head)));
    static uint8_t chunk[1 << 16];
    uint64_t done = 0;
    uint64_t line = 0;
    while (done < BIG_BYTES) {
        for (size_t i = 0; i < sizeof chunk; i += 64) {
            int n = snprintf((char *)chunk + i, 64, "%020llu ",
                             (unsigned long long)line++);
            memset(chunk + i + n, 'x', 62 - (size_t)n);
            chunk[i + 62] = '\r';
            chunk[i + 63] = '\n';
        }
        if (digest != NULL) {
            WAX_TRY(wax_digest_update(digest, chunk, sizeof chunk));
        }
        WAX_TRY(wax_sink_write(s, chunk, sizeof chunk));
        done += sizeof chunk;
    }
    return wax_sink_close(s);
}

static long
max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The child's work; returns 0 on success, else a line number. */
static int
child_run(void)
{
    struct sf_pki *p = sf_pki();
    long before = max_rss_kb();
    const char *tmpdir = getenv("TMPDIR");
    uint8_t want[32], got[32];
    size_t n = 0;

    /* sign -> verify */
    struct wax_digest_sink released;
    struct wax_null_sink null_out;
    wax_null_sink_init(&null_out);
    if (wax_digest_sink_init(&released, WAX_DIGEST_SHA256, &null_out.sink) !=
        WAX_OK) {
        return __LINE__;
    }
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    vo.spool.tmpdir = tmpdir;
    struct wax_smime_report vrep, srep;
    struct wax_smime_op *vop = NULL, *sop = NULL;
    if (wax_smime_verify_new(&vop, &vo, &released.sink, &vrep) != WAX_OK) {
        return __LINE__;
    }
    struct wax_smime_identity id = sf_id(&p->alice);
    struct wax_smime_sign_opts so;
    memset(&so, 0, sizeof so);
    so.signers = &id;
    so.num_signers = 1;
    so.spool.tmpdir = tmpdir;
    if (wax_smime_sign_new(&sop, &so, wax_smime_op_sink(vop), &srep) !=
        WAX_OK) {
        return __LINE__;
    }
    struct wax_digest body;
    if (wax_digest_init(&body, WAX_DIGEST_SHA256) != WAX_OK ||
        wax_digest_update(&body,
                          (const uint8_t *)"Content-Type: text/plain\r\n\r\n",
                          28) != WAX_OK) {
        return __LINE__;
    }
    wax_err err = push_big(wax_smime_op_sink(sop), &body);
    if (err != WAX_OK || vrep.verdict != WAX_SMIME_VALID) {
        fprintf(stderr, "sign/verify: %s %s\n", wax_err_name(err),
                wax_smime_verdict_name(vrep.verdict));
        return __LINE__;
    }
    if (wax_digest_final(&body, want, sizeof want, &n) != WAX_OK ||
        wax_digest_sink_result(&released, got, sizeof got, &n) != WAX_OK ||
        memcmp(want, got, 32) != 0 || vrep.content_len != BIG_BYTES + 28) {
        return __LINE__;
    }
    wax_digest_cleanup(&body);
    wax_digest_sink_cleanup(&released);
    wax_smime_op_free(sop);
    wax_smime_op_free(vop);
    wax_smime_report_cleanup(&srep);
    wax_smime_report_cleanup(&vrep);

    /* encrypt -> decrypt, AES-GCM (the ciphertext is spooled for the
     * tag) and AES-CBC */
    enum wax_smime_cipher ciphers[2] = {WAX_SMIME_CIPHER_AES256_GCM,
                                        WAX_SMIME_CIPHER_AES128_CBC};
    for (size_t c = 0; c < 2; c++) {
        struct wax_null_sink dnull;
        wax_null_sink_init(&dnull);
        struct wax_smime_identity cid = sf_id(&p->carol);
        struct wax_smime_decrypt_opts dopt;
        memset(&dopt, 0, sizeof dopt);
        dopt.identities = &cid;
        dopt.num_identities = 1;
        dopt.spool.tmpdir = tmpdir;
        struct wax_smime_report drep, erep;
        struct wax_smime_op *dop = NULL, *eop = NULL;
        if (wax_smime_decrypt_new(&dop, &dopt, &dnull.sink, &drep) != WAX_OK) {
            return __LINE__;
        }
        struct sf_list rl;
        struct wax_smime_certs rc = sf_certs(&rl, &p->carol, NULL);
        struct wax_smime_encrypt_opts eo;
        memset(&eo, 0, sizeof eo);
        eo.recipients = &rc;
        eo.cipher = ciphers[c];
        eo.trust.time = SF_NOW;
        eo.spool.tmpdir = tmpdir;
        if (wax_smime_encrypt_new(&eop, &eo, wax_smime_op_sink(dop), &erep) !=
            WAX_OK) {
            return __LINE__;
        }
        err = push_big(wax_smime_op_sink(eop), NULL);
        if (err != WAX_OK || !wax_smime_verdict_positive(drep.verdict) ||
            !dnull.closed) {
            fprintf(stderr, "encrypt/decrypt: %s %s\n", wax_err_name(err),
                    wax_smime_verdict_name(drep.verdict));
            return __LINE__;
        }
        /* the outer fields, MIME-Version, then the entity: its header
         * (28 bytes, the end of big_head) and the body */
        uint64_t outer =
            strlen(big_head) - 28 + strlen("MIME-Version: 1.0\r\n");
        if (dnull.num_bytes != outer + 28 + BIG_BYTES) {
            fprintf(stderr, "decrypted %llu bytes\n",
                    (unsigned long long)dnull.num_bytes);
            return __LINE__;
        }
        wax_smime_op_free(eop);
        wax_smime_op_free(dop);
        wax_smime_report_cleanup(&erep);
        wax_smime_report_cleanup(&drep);
    }
    long after = max_rss_kb();
    fprintf(stderr, "peak RSS growth %ld KiB for %llu MiB\n", after - before,
            (unsigned long long)(BIG_BYTES >> 20));
    if (!SANITIZED && after - before > RSS_BUDGET_KB) {
        return __LINE__;
    }
    return 0;
}

TEST(smime_stream_64mib_bounded_memory)
{
    (void)sf_pki(); /* keys made before the fork and the measurement */
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        _exit(child_run());
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK_MSG(WEXITSTATUS(status) == 0, "child failed at line %d",
              WEXITSTATUS(status));
}
