/*
 * Vector test: every CMS object of the RFC 4134 examples and of
 * draft-ireland-examples-cms walks through the streaming BER reader to the
 * end without error, with identical events fed in 1-byte and 4096-byte
 * chunks, and normalises to DER that wax_der_validate accepts, idempotently.
 */
#include <glob.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include <wax/der.h>

#include "../ber_record.h"
#include "../harness.h"

/* The largest object in the corpora is a few KiB. */
#define CORPUS_MAX_DER ((size_t)1 << 20)

static char corpus_msg[512];

/* walk_one checks one file; returns false with corpus_msg set. */
static bool
walk_one(const char *path, const uint8_t *in, size_t len, bool *out_was_der)
{
    struct ber_rec bytewise, blocks;
    ber_rec_init(&bytewise);
    ber_rec_init(&blocks);
    wax_err e1 = ber_rec_run(&bytewise, in, len, 0, 1, SIZE_MAX, 0);
    wax_err e2 = ber_rec_run(&blocks, in, len, 0, 4096, SIZE_MAX, 0);
    bool same = ber_rec_same(&bytewise, &blocks) && !bytewise.offsets_broken;
    size_t num_events = bytewise.num_events;
    ber_rec_cleanup(&bytewise);
    ber_rec_cleanup(&blocks);
    if (e1 != WAX_OK || e2 != WAX_OK || !same || num_events < 3) {
        snprintf(corpus_msg, sizeof corpus_msg,
                 "%s: 1-byte %s, 4096-byte %s, events %s (%zu)", path,
                 wax_err_name(e1), wax_err_name(e2), same ? "same" : "differ",
                 num_events);
        return false;
    }

    struct wax_buf der, again;
    wax_buf_init(&der, CORPUS_MAX_DER);
    wax_buf_init(&again, CORPUS_MAX_DER);
    wax_err e3 = wax_ber_to_der(in, len, CORPUS_MAX_DER, &der);
    wax_err e4 = e3 == WAX_OK
                     ? wax_ber_to_der(der.data, der.len, CORPUS_MAX_DER, &again)
                     : e3;
    wax_err valid = e3 == WAX_OK
                        ? wax_der_validate(der.data, der.len, WAX_MAX_DER_DEPTH)
                        : e3;
    bool idempotent = e4 == WAX_OK && valid == WAX_OK && der.len == again.len &&
                      memcmp(der.data, again.data, der.len) == 0;
    *out_was_der =
        e3 == WAX_OK && der.len == len && memcmp(der.data, in, len) == 0;
    wax_buf_cleanup(&der);
    wax_buf_cleanup(&again);
    if (!idempotent) {
        snprintf(corpus_msg, sizeof corpus_msg,
                 "%s: ber_to_der %s, validate %s, again %s", path,
                 wax_err_name(e3), wax_err_name(valid), wax_err_name(e4));
        return false;
    }
    return true;
}

/* walk_corpus walks every file matching PATTERN (under the test data)
 * that looks like a CMS object (a SEQUENCE); at least MIN_FILES must. */
static bool
walk_corpus(const char *pattern, size_t min_files, size_t *out_num,
            size_t *out_num_der)
{
    glob_t g;
    *out_num = 0;
    *out_num_der = 0;
    if (glob(wax_test_data_path(pattern), 0, NULL, &g) != 0) {
        snprintf(corpus_msg, sizeof corpus_msg, "no files match %s", pattern);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < g.gl_pathc; i++) {
        size_t len;
        uint8_t *in = wax_test_read_file(g.gl_pathv[i], &len);
        if (in == NULL) {
            snprintf(corpus_msg, sizeof corpus_msg, "cannot read %s",
                     g.gl_pathv[i]);
            ok = false;
            break;
        }
        /* not CMS: ExContent.bin is the plain text of the examples */
        if (len < 2 || in[0] != 0x30) {
            free(in);
            continue;
        }
        bool was_der = false;
        ok = walk_one(g.gl_pathv[i], in, len, &was_der);
        free(in);
        (*out_num)++;
        *out_num_der += was_der;
    }
    globfree(&g);
    if (ok && *out_num < min_files) {
        snprintf(corpus_msg, sizeof corpus_msg, "%s: only %zu CMS files",
                 pattern, *out_num);
        ok = false;
    }
    return ok;
}

/* corpus_missing: the corpus directory is not there at all. */
static bool
corpus_missing(const char *dir)
{
    struct stat st;
    return stat(wax_test_data_path(dir), &st) != 0 || !S_ISDIR(st.st_mode);
}

TEST(rfc4134_examples_walk)
{
    size_t n, num_der;
    if (corpus_missing("rfc4134-examples")) {
        SKIP("no %s", wax_test_data_path("rfc4134-examples"));
    }
    CHECK_MSG(walk_corpus("rfc4134-examples/*.bin", 16, &n, &num_der), "%s",
              corpus_msg);
    /* 4.5.bin (and others) use indefinite lengths: not everything is DER */
    CHECK(num_der < n);
}

TEST(draft_ireland_examples_walk)
{
    size_t n, num_der;
    if (corpus_missing("draft-ireland-examples-cms")) {
        SKIP("no %s", wax_test_data_path("draft-ireland-examples-cms"));
    }
    CHECK_MSG(walk_corpus("draft-ireland-examples-cms/*.p7m", 10, &n, &num_der),
              "%s", corpus_msg);
}
