/* Unit tests: errors, the capped buffer, sinks and the spool. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include <wax/util.h>

#include "../harness.h"

TEST(err_names_round_trip)
{
    CHECK_STR(wax_err_name(WAX_OK), "WAX_OK");
    CHECK_STR(wax_err_name(WAX_ERR_NOMEM), "WAX_ERR_NOMEM");
    CHECK_STR(wax_err_name(WAX_ERR_DER_TRAILING_DATA),
              "WAX_ERR_DER_TRAILING_DATA");
    CHECK_STR(wax_err_name((wax_err)99999), "WAX_ERR_UNKNOWN");
    CHECK_STR(wax_err_str((wax_err)99999), "unknown error");
    CHECK_STR(wax_err_str(WAX_ERR_LIMIT_EXCEEDED), "a size limit was exceeded");
    wax_err e;
    CHECK(wax_err_from_name("WAX_ERR_DER_BAD_TIME", &e));
    CHECK(e == WAX_ERR_DER_BAD_TIME);
    CHECK(wax_err_from_name("WAX_OK", &e) && e == WAX_OK);
    CHECK(!wax_err_from_name("WAX_ERR_NO_SUCH_THING", &e));
}

TEST(err_numbers_are_in_their_layer_block)
{
    CHECK_EQ_U64(WAX_ERR_NOMEM, 100);
    CHECK_EQ_U64(WAX_ERR_DER_TRUNCATED, 200);
    CHECK_EQ_U64(WAX_ERR_CRYPTO_UNSUPPORTED_ALG, 300);
    CHECK_EQ_U64(WAX_ERR_X509_MALFORMED, 400);
    CHECK_EQ_U64(WAX_ERR_PATH_NO_ISSUER, 500);
}

TEST(buf_appends_until_cap_then_sticks)
{
    struct wax_buf b;
    wax_buf_init(&b, 10);
    CHECK_OK(wax_buf_append(&b, (const uint8_t *)"hello", 5));
    CHECK_OK(wax_buf_append_str(&b, "world"));
    CHECK_MEM(b.data, b.len, "helloworld", 10);
    CHECK_ERR(wax_buf_append_byte(&b, '!'), WAX_ERR_LIMIT_EXCEEDED);
    CHECK_EQ_U64(b.len, 10);
    /* errors stick, even for an append that would fit */
    CHECK_ERR(wax_buf_append(&b, (const uint8_t *)"", 0), WAX_ERR_LIMIT_EXCEEDED);
    wax_buf_reset(&b);
    CHECK_OK(wax_buf_append_byte(&b, 'x'));
    CHECK_MEM(b.data, b.len, "x", 1);
    wax_buf_cleanup(&b);
    wax_buf_cleanup(&b); /* twice is safe */
}

TEST(buf_as_sink_rejects_write_after_close)
{
    struct wax_buf b;
    wax_buf_init_secret(&b, 1 << 20);
    wax_sink *s = wax_buf_sink(&b);
    for (int i = 0; i < 1000; i++) {
        CHECK_OK(wax_sink_write(s, (const uint8_t *)"0123456789", 10));
    }
    CHECK_OK(wax_sink_close(s));
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"x", 1), WAX_ERR_SINK_CLOSED);
    CHECK_ERR(wax_sink_close(s), WAX_ERR_SINK_CLOSED);
    CHECK_EQ_U64(b.len, 10000);
    CHECK(memcmp(b.data + 9990, "0123456789", 10) == 0);
    wax_buf_cleanup(&b);
}

TEST(ct_equal_and_wipe)
{
    uint8_t a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 2, 3, 4, 5};
    CHECK(wax_ct_equal(a, b, 5));
    b[4] = 6;
    CHECK(!wax_ct_equal(a, b, 5));
    CHECK(wax_ct_equal(a, b, 0));
    wax_wipe(a, sizeof a);
    static const uint8_t zero[5];
    CHECK_MEM(a, 5, zero, 5);
    wax_wipe(NULL, 0);
}

static int
count_spool_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL) {
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void
spool_round_trip(size_t threshold, size_t total, bool want_memory)
{
    char dir[] = "/tmp/wax-spool-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct wax_spool sp;
    wax_spool_init(&sp, threshold, dir);
    uint8_t chunk[1000];
    for (size_t i = 0; i < total; i += sizeof chunk) {
        for (size_t j = 0; j < sizeof chunk; j++) {
            chunk[j] = (uint8_t)((i + j) * 7);
        }
        size_t n = total - i < sizeof chunk ? total - i : sizeof chunk;
        CHECK_OK(wax_sink_write(wax_spool_sink(&sp), chunk, n));
    }
    /* the temporary file, if any, is unlinked already */
    CHECK_EQ_I64(count_spool_files(dir), 0);
    CHECK(wax_spool_in_memory(&sp) == want_memory);
    struct wax_buf out;
    wax_buf_init(&out, total + 1);
    CHECK_ERR(wax_spool_release(&sp, wax_buf_sink(&out)), WAX_ERR_SPOOL_STATE);
    CHECK_OK(wax_sink_close(wax_spool_sink(&sp)));
    CHECK_EQ_U64(wax_spool_size(&sp), total);
    CHECK_OK(wax_spool_release(&sp, wax_buf_sink(&out)));
    CHECK_EQ_U64(out.len, total);
    for (size_t i = 0; i < total; i++) {
        CHECK(out.data[i] == (uint8_t)(i * 7));
    }
    wax_buf_cleanup(&out);
    wax_spool_cleanup(&sp);
    CHECK(rmdir(dir) == 0);
}

TEST(spool_small_content_stays_in_memory)
{
    spool_round_trip(4096, 3000, true);
}

TEST(spool_large_content_moves_to_unlinked_file)
{
    spool_round_trip(4096, 100000, false);
}

TEST(spool_discard_drops_content_and_refuses_release)
{
    struct wax_spool sp;
    wax_spool_init(&sp, 16, NULL);
    CHECK_OK(wax_sink_write(wax_spool_sink(&sp), (const uint8_t *)"secret secret secret", 20));
    CHECK_OK(wax_sink_close(wax_spool_sink(&sp)));
    wax_spool_discard(&sp);
    struct wax_buf out;
    wax_buf_init(&out, 100);
    CHECK_ERR(wax_spool_release(&sp, wax_buf_sink(&out)), WAX_ERR_SPOOL_STATE);
    CHECK_EQ_U64(out.len, 0);
    wax_buf_cleanup(&out);
    wax_spool_cleanup(&sp);
}

TEST(spool_bad_tmpdir_fails_cleanly)
{
    struct wax_spool sp;
    wax_spool_init(&sp, 8, "/nonexistent/wax/dir");
    CHECK_OK(wax_sink_write(wax_spool_sink(&sp), (const uint8_t *)"1234", 4));
    CHECK_ERR(wax_sink_write(wax_spool_sink(&sp), (const uint8_t *)"123456789", 9),
              WAX_ERR_SPOOL_TMPFILE);
    /* sticky */
    CHECK_ERR(wax_sink_write(wax_spool_sink(&sp), (const uint8_t *)"1", 1),
              WAX_ERR_SPOOL_TMPFILE);
    wax_spool_cleanup(&sp);
}

TEST(null_sink_counts)
{
    struct wax_null_sink ns;
    wax_null_sink_init(&ns);
    CHECK_OK(wax_sink_write(&ns.sink, (const uint8_t *)"abc", 3));
    CHECK_OK(wax_sink_close(&ns.sink));
    CHECK_EQ_U64(ns.num_bytes, 3);
    CHECK_ERR(wax_sink_close(&ns.sink), WAX_ERR_SINK_CLOSED);
}
