/* Unit tests: header field writing, boundaries, the multipart/signed and
 * application/pkcs7-mime writers (byte-exact), and round trips through the
 * readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime_test.h"

static wax_err
field_to(struct wax_buf *out, const char *name, const char *value)
{
    return wax_mime_write_field(wax_buf_sink(out), name, (const uint8_t *)value,
                                strlen(value));
}

TEST(write_field_folds_at_78_columns)
{
    static const struct {
        const char *name, *value, *want;
    } cases[] = {
        {"Subject", "hello world", "Subject: hello world\r\n"},
        {"Subject", "", "Subject: \r\n"},
        {"X-Long",
         "word00 word01 word02 word03 word04 word05 word06 word07 word08 "
         "word09 word10 word11 word12 word13 word14 word15 word16 word17 "
         "word18 word19",
         "X-Long: word00 word01 word02 word03 word04 word05 word06 word07 "
         "word08 word09\r\n word10 word11 word12 word13 word14 word15 word16 "
         "word17 word18 word19\r\n"},
        /* a line of exactly 78 stays, 79 folds; never a line of white
         * space only; tabs fold too */
        {"X",
         "short bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
         "bbbbbbbbbbbbbbbbbbbbbbbbbb",
         "X: short\r\n bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
         "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"},
        {"X",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaa bbbbb",
         "X: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaa bbbbb\r\n"},
        {"X",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaa bbbbbb",
         "X: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaa\r\n bbbbbb\r\n"},
        {"X", "abc   ", "X: abc   \r\n"},
        {"X",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaa\tb",
         "X: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaa\r\n\tb\r\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wax_buf out;
        wax_buf_init(&out, 4096);
        CHECK_OK(field_to(&out, cases[i].name, cases[i].value));
        CHECK_MSG(
            mt_mem_is(out.data, out.len, cases[i].want, strlen(cases[i].want)),
            "case %zu: got \"%.*s\"", i, (int)out.len, (const char *)out.data);
        wax_buf_cleanup(&out);
    }
}

TEST(write_field_rejects_injection_and_unfoldable_lines)
{
    struct wax_buf out;
    wax_buf_init(&out, 4096);
    CHECK_ERR(field_to(&out, "Subject", "a\r\nBcc: evil@example.org"),
              WAX_ERR_MIME_BAD_HEADER_VALUE);
    CHECK_ERR(field_to(&out, "Subject", "a\nb"), WAX_ERR_MIME_BAD_HEADER_VALUE);
    CHECK_ERR(field_to(&out, "Subject", "a\rb"), WAX_ERR_MIME_BAD_HEADER_VALUE);
    CHECK_ERR(wax_mime_write_field(wax_buf_sink(&out), "Subject",
                                   (const uint8_t *)"a\0b", 3),
              WAX_ERR_MIME_BAD_HEADER_VALUE);
    CHECK_ERR(field_to(&out, "Bad Name", "x"), WAX_ERR_MIME_BAD_FIELD_NAME);
    CHECK_ERR(field_to(&out, "A:B", "x"), WAX_ERR_MIME_BAD_FIELD_NAME);
    CHECK_ERR(field_to(&out, "", "x"), WAX_ERR_MIME_BAD_FIELD_NAME);
    CHECK_ERR(field_to(&out, "N\xc3\xa9", "x"), WAX_ERR_MIME_BAD_FIELD_NAME);
    char word[1001];
    memset(word, 'a', 1000);
    word[995] = 0; /* "X: " + 995 = 998: written whole */
    CHECK_OK(field_to(&out, "X", word));
    CHECK_EQ_U64(out.len, 998 + 2);
    wax_buf_reset(&out);
    word[995] = 'a';
    word[996] = 0; /* 999 */
    CHECK_ERR(field_to(&out, "X", word), WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    /* "short " then the long word on its own continuation line: 1 + 996 */
    char v[1100];
    snprintf(v, sizeof v, "short %s", word);
    CHECK_OK(field_to(&out, "X", v));
    CHECK_EQ_U64(out.len, strlen("X: short\r\n") + 1 + 996 + 2);
    wax_buf_reset(&out);
    word[996] = 'a';
    word[997] = 'a';
    word[998] = 0;
    snprintf(v, sizeof v, "short %s", word);
    CHECK_ERR(field_to(&out, "X", v), WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    CHECK_EQ_U64(out.len, 0); /* nothing written on error */
    wax_buf_cleanup(&out);
}

TEST(write_outer_fields_keeps_all_but_content_and_mime_version)
{
    static const char h[] = "Received: by x;\n\tdate\nFrom: a\r\nMIME-Version: "
                            "1.0\nContent-Type: text/plain\r\nContent-ID: <1>"
                            "\nSubject: s";
    static struct wax_mime_header hdr;
    size_t off;
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)h, strlen(h)));
    struct wax_buf out;
    wax_buf_init(&out, 4096);
    CHECK_OK(wax_mime_write_outer_fields(wax_buf_sink(&out), &hdr));
    static const char want[] =
        "Received: by x;\r\n\tdate\r\nFrom: a\r\nSubject: s\r\n";
    CHECK_MEM(out.data, out.len, want, strlen(want));
    CHECK_OK(wax_mime_write_outer_fields(wax_buf_sink(&out), NULL));
    CHECK_EQ_U64(out.len, strlen(want));
    wax_buf_cleanup(&out);
}

TEST(boundaries)
{
    uint8_t rnd[WAX_MIME_BOUNDARY_RANDOM];
    for (size_t i = 0; i < sizeof rnd; i++) {
        rnd[i] = (uint8_t)(i * 17);
    }
    char b[WAX_MIME_BOUNDARY_SIZE];
    wax_mime_boundary_from_bytes(b, rnd);
    CHECK_STR(b, "=_wax_00112233445566778899aabbccddeeff");
    char b1[WAX_MIME_BOUNDARY_SIZE], b2[WAX_MIME_BOUNDARY_SIZE];
    CHECK_OK(wax_mime_boundary_new(b1));
    CHECK_OK(wax_mime_boundary_new(b2));
    CHECK_EQ_U64(strlen(b1), 38);
    CHECK(strncmp(b1, "=_wax_", 6) == 0);
    CHECK(strcmp(b1, b2) != 0);
    CHECK_OK(wax_mime_boundary_check((const uint8_t *)b1, strlen(b1)));
}

/* ------------------------------------------------------------------ */
/* multipart/signed.                                                   */

static const char outer_msg[] = "From: a@example.org\nTo: b@example.org\n"
                                "Subject: test\nMIME-Version: 1.0\n"
                                "Content-Type: text/plain\n\n";

static const char entity[] = "Content-Type: text/plain\r\n\r\nhello\r\n";

static const char signed_want[] =
    "From: a@example.org\r\n"
    "To: b@example.org\r\n"
    "Subject: test\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
    "\r\n micalg=sha-256; boundary=\"=_wax_000102030405060708090a0b0c0d0e0f\""
    "\r\n"
    "\r\n"
    "This is an S/MIME signed message\r\n"
    "--=_wax_000102030405060708090a0b0c0d0e0f\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "hello\r\n"
    "\r\n"
    "--=_wax_000102030405060708090a0b0c0d0e0f\r\n"
    "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=smime.p7s\r\n"
    "\r\n"
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1"
    "Njc4\r\n"
    "OTo7\r\n"
    "--=_wax_000102030405060708090a0b0c0d0e0f--\r\n";

static struct wax_mime_header outer_hdr;
static struct wax_mime_signed_writer sw;
static struct wax_mime_signed_split ss;

static void
make_boundary(char b[WAX_MIME_BOUNDARY_SIZE])
{
    uint8_t rnd[WAX_MIME_BOUNDARY_RANDOM];
    for (size_t i = 0; i < sizeof rnd; i++) {
        rnd[i] = (uint8_t)i;
    }
    wax_mime_boundary_from_bytes(b, rnd);
}

TEST(signed_writer_is_byte_exact_and_round_trips)
{
    size_t off;
    CHECK_OK(wax_mime_header_parse(&outer_hdr, &off, (const uint8_t *)outer_msg,
                                   strlen(outer_msg)));
    char b[WAX_MIME_BOUNDARY_SIZE];
    make_boundary(b);
    uint8_t sig[60];
    for (size_t i = 0; i < sizeof sig; i++) {
        sig[i] = (uint8_t)i;
    }
    for (int mode = 0; mode < 2; mode++) {
        struct wax_buf out;
        wax_buf_init(&out, 1 << 16);
        CHECK_OK(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), b,
                                             WAX_DIGEST_SHA256));
        CHECK_OK(wax_mime_signed_writer_begin(&sw, &outer_hdr));
        wax_sink *es = wax_mime_signed_writer_sink(&sw);
        CHECK_OK(wax_sink_write(es, (const uint8_t *)entity, 10));
        CHECK_OK(wax_sink_write(es, (const uint8_t *)entity + 10,
                                strlen(entity) - 10));
        CHECK_OK(wax_sink_close(es));
        CHECK(!out.closed);
        if (mode == 0) {
            CHECK_OK(wax_mime_signed_writer_finish(&sw, sig, sizeof sig));
        } else {
            /* streamed in odd pieces */
            wax_sink *s = wax_mime_signed_writer_signature_sink(&sw);
            CHECK_OK(wax_sink_write(s, sig, 7));
            CHECK_OK(wax_sink_write(s, sig + 7, 50));
            CHECK_OK(wax_sink_write(s, sig + 57, 3));
            CHECK_OK(wax_sink_close(s));
        }
        CHECK(out.closed);
        CHECK_MSG(
            mt_mem_is(out.data, out.len, signed_want, strlen(signed_want)),
            "mode %d: got \"%.*s\"", mode, (int)out.len,
            (const char *)out.data);

        /* and back: the split gives the entity and the signature */
        struct wax_buf content, sigout;
        wax_buf_init(&content, 1 << 16);
        wax_buf_init(&sigout, 1 << 16);
        wax_mime_signed_split_init(&ss, wax_buf_sink(&content),
                                   wax_buf_sink(&sigout), NULL, NULL);
        CHECK_OK(wax_sink_write(&ss.sink, out.data, out.len));
        CHECK_OK(wax_sink_close(&ss.sink));
        CHECK_MEM(content.data, content.len, entity, strlen(entity));
        CHECK_MEM(sigout.data, sigout.len, sig, sizeof sig);
        const struct wax_mime_header *o = wax_mime_signed_split_outer(&ss);
        CHECK(o != NULL && o->num_fields == 5);
        wax_mime_signed_split_cleanup(&ss);
        wax_buf_cleanup(&content);
        wax_buf_cleanup(&sigout);
        wax_buf_cleanup(&out);
    }
}

TEST(signed_writer_states_and_arguments)
{
    struct wax_buf out;
    wax_buf_init(&out, 1 << 16);
    char b[WAX_MIME_BOUNDARY_SIZE];
    make_boundary(b);
    CHECK_ERR(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), "a\"b",
                                          WAX_DIGEST_SHA256),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(wax_mime_signed_writer_begin(&sw, NULL),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), "",
                                          WAX_DIGEST_SHA256),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(wax_mime_signed_writer_init(
                  &sw, wax_buf_sink(&out),
                  "0123456789012345678901234567890123456789012345678901234567"
                  "890123456789x",
                  WAX_DIGEST_SHA256),
              WAX_ERR_MIME_BOUNDARY_TOO_LONG);
    CHECK_ERR(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), b,
                                          WAX_DIGEST_NONE),
              WAX_ERR_MIME_UNKNOWN_MICALG);
    CHECK_EQ_U64(out.len, 0);

    /* entity before begin */
    CHECK_OK(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), b,
                                         WAX_DIGEST_SHA512));
    CHECK_ERR(wax_sink_write(wax_mime_signed_writer_sink(&sw),
                             (const uint8_t *)"x", 1),
              WAX_ERR_MIME_WRITER_STATE);
    CHECK_ERR(wax_mime_signed_writer_begin(&sw, NULL),
              WAX_ERR_MIME_WRITER_STATE);

    /* signature before the entity is closed; begin twice */
    CHECK_OK(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), b,
                                         WAX_DIGEST_SHA512));
    CHECK_OK(wax_mime_signed_writer_begin(&sw, NULL));
    CHECK_ERR(wax_mime_signed_writer_finish(&sw, (const uint8_t *)"x", 1),
              WAX_ERR_MIME_WRITER_STATE);
    CHECK_ERR(wax_sink_close(wax_mime_signed_writer_sink(&sw)),
              WAX_ERR_MIME_WRITER_STATE);

    CHECK_OK(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), b,
                                         WAX_DIGEST_SHA1));
    CHECK_OK(wax_mime_signed_writer_begin(&sw, NULL));
    CHECK_ERR(wax_mime_signed_writer_begin(&sw, NULL),
              WAX_ERR_MIME_WRITER_STATE);
    wax_buf_cleanup(&out);

    /* no outer header, empty signature: the close delimiter still has its
     * line end before it */
    wax_buf_init(&out, 1 << 16);
    CHECK_OK(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), "b",
                                         WAX_DIGEST_SHA1));
    CHECK_OK(wax_mime_signed_writer_begin(&sw, NULL));
    CHECK_OK(wax_sink_close(wax_mime_signed_writer_sink(&sw)));
    CHECK_OK(wax_mime_signed_writer_finish(&sw, NULL, 0));
    static const char want[] =
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/signed; protocol=\"application/pkcs7-"
        "signature\";\r\n micalg=sha-1; boundary=\"b\"\r\n\r\n"
        "This is an S/MIME signed message\r\n--b\r\n\r\n--b\r\n"
        "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=smime.p7s\r\n\r\n\r\n"
        "--b--\r\n";
    CHECK_MEM(out.data, out.len, want, strlen(want));
    CHECK(out.closed);
    wax_buf_cleanup(&out);
}

/* ------------------------------------------------------------------ */
/* application/pkcs7-mime.                                             */

TEST(p7m_writer_is_byte_exact_and_round_trips)
{
    static const struct {
        enum wax_mime_smime_type type;
        const char *ct_and_cd;
    } cases[] = {
        {WAX_MIME_SMIME_ENVELOPED_DATA,
         "Content-Type: application/pkcs7-mime; smime-type=enveloped-data;\r\n"
         " name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=smime.p7m\r\n"},
        {WAX_MIME_SMIME_SIGNED_DATA,
         "Content-Type: application/pkcs7-mime; smime-type=signed-data;"
         " name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=smime.p7m\r\n"},
        {WAX_MIME_SMIME_AUTH_ENVELOPED_DATA,
         "Content-Type: application/pkcs7-mime;"
         " smime-type=authEnveloped-data;\r\n"
         " name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=smime.p7m\r\n"},
        {WAX_MIME_SMIME_COMPRESSED_DATA,
         "Content-Type: application/pkcs7-mime; smime-type=compressed-data;\r\n"
         " name=smime.p7z\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=smime.p7z\r\n"},
        {WAX_MIME_SMIME_CERTS_ONLY,
         "Content-Type: application/pkcs7-mime; smime-type=certs-only;"
         " name=smime.p7c\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=smime.p7c\r\n"},
    };
    size_t off;
    CHECK_OK(wax_mime_header_parse(&outer_hdr, &off, (const uint8_t *)outer_msg,
                                   strlen(outer_msg)));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wax_buf out;
        wax_buf_init(&out, 1 << 16);
        struct wax_mime_p7m_writer w;
        CHECK_OK(
            wax_mime_p7m_writer_init(&w, wax_buf_sink(&out), cases[i].type));
        CHECK_ERR(wax_sink_write(wax_mime_p7m_writer_sink(&w),
                                 (const uint8_t *)"x", 1),
                  WAX_ERR_MIME_WRITER_STATE);
        CHECK_OK(
            wax_mime_p7m_writer_init(&w, wax_buf_sink(&out), cases[i].type));
        CHECK_OK(wax_mime_p7m_writer_begin(&w, &outer_hdr));
        CHECK_ERR(wax_mime_p7m_writer_begin(&w, &outer_hdr),
                  WAX_ERR_MIME_WRITER_STATE);
        CHECK_OK(
            wax_mime_p7m_writer_init(&w, wax_buf_sink(&out), cases[i].type));
        wax_buf_reset(&out);
        CHECK_OK(wax_mime_p7m_writer_begin(&w, &outer_hdr));
        wax_sink *s = wax_mime_p7m_writer_sink(&w);
        CHECK_OK(wax_sink_write(s, (const uint8_t *)"\x30\x03", 2));
        CHECK_OK(wax_sink_write(s, (const uint8_t *)"\x02\x01\x01", 3));
        CHECK_OK(wax_sink_close(s));
        CHECK(out.closed);
        char want[1024];
        snprintf(want, sizeof want,
                 "From: a@example.org\r\nTo: b@example.org\r\n"
                 "Subject: test\r\nMIME-Version: 1.0\r\n%s\r\nMAMCAQE=\r\n",
                 cases[i].ct_and_cd);
        CHECK_MSG(mt_mem_is(out.data, out.len, want, strlen(want)),
                  "case %zu: got \"%.*s\"", i, (int)out.len,
                  (const char *)out.data);

        static struct wax_mime_p7m_reader r;
        struct wax_buf back;
        wax_buf_init(&back, 1 << 16);
        wax_mime_p7m_reader_init(&r, wax_buf_sink(&back), NULL, NULL);
        CHECK_OK(
            wax_sink_write(wax_mime_p7m_reader_sink(&r), out.data, out.len));
        CHECK_OK(wax_sink_close(wax_mime_p7m_reader_sink(&r)));
        CHECK_MEM(back.data, back.len, "\x30\x03\x02\x01\x01", 5);
        CHECK_EQ_U64(r.info.type, cases[i].type);
        wax_mime_p7m_reader_cleanup(&r);
        wax_buf_cleanup(&back);
        wax_buf_cleanup(&out);
    }
    struct wax_buf out;
    wax_buf_init(&out, 16);
    struct wax_mime_p7m_writer w;
    CHECK_ERR(wax_mime_p7m_writer_init(&w, wax_buf_sink(&out),
                                       WAX_MIME_SMIME_SIGNATURE),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_mime_p7m_writer_init(&w, wax_buf_sink(&out),
                                       WAX_MIME_SMIME_PKCS7_MIME),
              WAX_ERR_INVALID_ARGUMENT);
    wax_buf_cleanup(&out);
}

/* ------------------------------------------------------------------ */
/* The whole signing flow, as the smime layer will run it.             */

struct flow {
    struct wax_mime_signed_writer *w;
};

static wax_err
flow_on_header(void *ctx, const struct wax_mime_header *h)
{
    struct flow *f = ctx;
    return wax_mime_signed_writer_begin(f->w, h);
}

TEST(sign_flow_scan_choose_prepare_write_then_split)
{
    static const char msg[] =
        "Received: from x by y\n"
        "From: =?utf-8?q?Andr=C3=A9?= <andre@example.org>\n"
        "Subject: caf\xc3\xa9\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Un caf\xc3\xa9, s'il vous pla\xc3\xaet.\n"
        "From here on, trailing space \n";
    size_t len = strlen(msg);

    /* pass 1 */
    static struct wax_mime_entity_scan es;
    wax_mime_entity_scan_init(&es);
    CHECK_OK(wax_sink_write(&es.sink, (const uint8_t *)msg, len));
    CHECK_OK(wax_sink_close(&es.sink));
    enum wax_mime_encode enc;
    CHECK_OK(wax_mime_choose_encoding(&enc, wax_mime_entity_scan_header(&es),
                                      &es.scan));
    CHECK_EQ_U64(enc, WAX_MIME_ENCODE_QP);
    CHECK(es.scan.from_line);
    CHECK(es.scan.trailing_ws);
    wax_mime_entity_scan_cleanup(&es);

    /* pass 2: prepare -> (entity copy for the digest) -> writer */
    struct wax_buf out, digest_copy;
    wax_buf_init(&out, 1 << 16);
    wax_buf_init(&digest_copy, 1 << 16);
    char b[WAX_MIME_BOUNDARY_SIZE];
    CHECK_OK(wax_mime_boundary_new(b));
    CHECK_OK(wax_mime_signed_writer_init(&sw, wax_buf_sink(&out), b,
                                         WAX_DIGEST_SHA256));
    struct flow f = {&sw};
    static struct wax_mime_prepare prep;
    wax_mime_prepare_init(&prep, wax_buf_sink(&digest_copy), enc,
                          flow_on_header, &f);
    for (size_t i = 0; i < len; i += 5) {
        CHECK_OK(wax_sink_write(&prep.sink, (const uint8_t *)msg + i,
                                len - i < 5 ? len - i : 5));
    }
    CHECK_OK(wax_sink_close(&prep.sink));
    static const char want_entity[] =
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "Un caf=C3=A9, s'il vous pla=C3=AEt.\r\n"
        "From here on, trailing space=20\r\n";
    CHECK_MEM(digest_copy.data, digest_copy.len, want_entity,
              strlen(want_entity));
    CHECK_OK(wax_sink_write(wax_mime_signed_writer_sink(&sw), digest_copy.data,
                            digest_copy.len));
    CHECK_OK(wax_sink_close(wax_mime_signed_writer_sink(&sw)));
    CHECK_OK(
        wax_mime_signed_writer_finish(&sw, (const uint8_t *)"\x30\x00", 2));
    wax_mime_prepare_cleanup(&prep);

    /* verify side: the first part is exactly the entity that was signed */
    struct wax_buf content, sig;
    wax_buf_init(&content, 1 << 16);
    wax_buf_init(&sig, 1 << 16);
    wax_mime_signed_split_init(&ss, wax_buf_sink(&content), wax_buf_sink(&sig),
                               NULL, NULL);
    CHECK_OK(wax_sink_write(&ss.sink, out.data, out.len));
    CHECK_OK(wax_sink_close(&ss.sink));
    CHECK_MEM(content.data, content.len, want_entity, strlen(want_entity));
    CHECK_MEM(sig.data, sig.len, "\x30\x00", 2);
    const struct wax_mime_header *o = wax_mime_signed_split_outer(&ss);
    CHECK(o != NULL);
    CHECK_EQ_U64(o->num_fields, 5); /* Received, From, Subject, MIME, CT */
    CHECK(mt_span_is(o->fields[2].raw, "Subject: caf\xc3\xa9\r\n"));
    wax_mime_signed_split_cleanup(&ss);
    wax_buf_cleanup(&content);
    wax_buf_cleanup(&sig);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&digest_copy);
}
