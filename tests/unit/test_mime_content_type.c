/* Unit tests: Content-Type, parameters (RFC 2231), Content-Transfer-
 * Encoding, Content-Disposition, boundaries, micalg, S/MIME types. */
#include <stdio.h>
#include <string.h>

#include "mime_test.h"

static struct wax_mime_header hdr;
static struct wax_mime_content_type ct;

/* param_is: parameter NAME of CT decodes to exactly WANT. */
static bool
param_is(const struct wax_mime_params *ps, const char *name, const char *want)
{
    uint8_t out[256];
    size_t n;
    bool present;
    if (wax_mime_param_get(ps, out, sizeof out, &n, &present, name) != WAX_OK) {
        return false;
    }
    return present && n == strlen(want) && memcmp(out, want, n) == 0;
}

TEST(content_type_simple)
{
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span("text/plain; charset=us-ascii")));
    CHECK(mt_span_is(ct.type, "text"));
    CHECK(mt_span_is(ct.subtype, "plain"));
    CHECK_EQ_U64(ct.params.num_params, 1);
    CHECK(mt_span_is(ct.params.params[0].name, "charset"));
    CHECK(mt_span_is(ct.params.params[0].value, "us-ascii"));
    CHECK(!ct.params.params[0].quoted);
    CHECK(wax_mime_content_type_is(&ct, "TEXT", "Plain"));
    CHECK(wax_mime_content_type_is(&ct, "text", NULL));
    CHECK(!wax_mime_content_type_is(&ct, "text", "html"));
    CHECK(param_is(&ct.params, "CHARSET", "us-ascii"));
}

TEST(content_type_folded_quoted_and_case)
{
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span(" Multipart/Signed ; protocol=\"application/pkcs7-"
                     "signature\"; micalg=sha-256;\r\n\tboundary=\"----=_Part"
                     "_1_2.3\"")));
    CHECK(wax_mime_content_type_is(&ct, "multipart", "signed"));
    CHECK(mt_span_is(ct.type, "Multipart"));
    CHECK_EQ_U64(ct.params.num_params, 3);
    CHECK(ct.params.params[0].quoted);
    CHECK(param_is(&ct.params, "protocol", "application/pkcs7-signature"));
    CHECK(param_is(&ct.params, "micalg", "sha-256"));
    CHECK(param_is(&ct.params, "boundary", "----=_Part_1_2.3"));
}

TEST(content_type_comments_quoted_pairs_and_lax_tokens)
{
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span("text (a comment (nested) \\) ) / plain (x); charset = "
                     "(c) \"utf-8\" (y) ; name=\"a\\\"b\\\\c\";"
                     " protocol=application/x-pkcs7-signature;;"
                     " boundary=----=_NextPart_000_0001;")));
    CHECK(wax_mime_content_type_is(&ct, "text", "plain"));
    CHECK_EQ_U64(ct.params.num_params, 4);
    CHECK(param_is(&ct.params, "charset", "utf-8"));
    CHECK(param_is(&ct.params, "name", "a\"b\\c"));
    CHECK(param_is(&ct.params, "protocol", "application/x-pkcs7-signature"));
    CHECK(param_is(&ct.params, "boundary", "----=_NextPart_000_0001"));
    /* a folded quoted-string loses its line ends */
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span("text/plain; name=\"long\r\n name\"")));
    CHECK(param_is(&ct.params, "name", "long name"));
}

TEST(content_type_rfc2231)
{
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span("application/octet-stream;\r\n"
                     " name*0*=utf-8''%E2%82%AC; name*1=\" rate\";\r\n"
                     " name*2*=%20.txt; other*=us-ascii'en'%41%42;"
                     " title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A;"
                     " boundary*0=\"abc\"; boundary*1=def")));
    CHECK(param_is(&ct.params, "name", "\xE2\x82\xAC rate .txt"));
    CHECK(param_is(&ct.params, "other", "AB"));
    CHECK(param_is(&ct.params, "title", "This is ***fun***")); /* RFC 2231 */
    CHECK(param_is(&ct.params, "boundary", "abcdef"));
    uint8_t out[8];
    size_t n = 7;
    bool present = true;
    CHECK_OK(wax_mime_param_get(&ct.params, out, sizeof out, &n, &present,
                                "missing"));
    CHECK(!present);
    CHECK_EQ_U64(n, 0);
    CHECK_ERR(wax_mime_param_get(&ct.params, out, 3, &n, &present, "name"),
              WAX_ERR_BUF_TOO_SMALL);
    /* both forms: the RFC 2231 one wins */
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span("application/pdf; filename=\"x.txt\"; "
                     "filename*=utf-8''y%2Etxt")));
    CHECK(param_is(&ct.params, "filename", "y.txt"));
    /* "names" is another parameter than "name" */
    CHECK_OK(wax_mime_content_type_parse(
        &ct, mt_span("a/b; names=1; name*x=2; name=3")));
    CHECK(param_is(&ct.params, "name", "3"));
}

static const struct {
    const char *params; /* after "a/b; " */
    wax_err want;
} bad_2231[] = {
    {"n*0=a; n*2=c", WAX_ERR_MIME_BAD_RFC2231},   /* gap */
    {"n*1=a", WAX_ERR_MIME_BAD_RFC2231},          /* no section 0 */
    {"n*00=a", WAX_ERR_MIME_BAD_RFC2231},         /* leading zero */
    {"n*0=a; n*01=b", WAX_ERR_MIME_BAD_RFC2231},  /* leading zero */
    {"n*0=a; n*0*=b", WAX_ERR_MIME_BAD_RFC2231},  /* section twice */
    {"n*=a; n*0=b", WAX_ERR_MIME_BAD_RFC2231},    /* both extended forms */
    {"n*=nocharset", WAX_ERR_MIME_BAD_RFC2231},   /* no charset'lang' */
    {"n*=utf-8'x", WAX_ERR_MIME_BAD_RFC2231},     /* one quote only */
    {"n*=utf-8''%G1", WAX_ERR_MIME_BAD_RFC2231},  /* not hex */
    {"n*=utf-8''ab%4", WAX_ERR_MIME_BAD_RFC2231}, /* truncated escape */
    {"n*0*=a%", WAX_ERR_MIME_BAD_RFC2231},
    {"n*99=a", WAX_ERR_MIME_BAD_RFC2231}, /* more sections than params */
    {"n*0=a; n*64=b", WAX_ERR_MIME_BAD_RFC2231},
};

TEST(content_type_rfc2231_errors)
{
    for (size_t i = 0; i < sizeof bad_2231 / sizeof bad_2231[0]; i++) {
        char v[128];
        snprintf(v, sizeof v, "a/b; %s", bad_2231[i].params);
        CHECK_OK(wax_mime_content_type_parse(&ct, mt_span(v)));
        uint8_t out[64];
        size_t n;
        bool present;
        wax_err got =
            wax_mime_param_get(&ct.params, out, sizeof out, &n, &present, "n");
        CHECK_MSG(got == bad_2231[i].want, "case %zu (%s): got %s", i, v,
                  wax_err_name(got));
    }
}

static const struct {
    const char *in;
    wax_err want;
} bad_types[] = {
    {"", WAX_ERR_MIME_BAD_CONTENT_TYPE},
    {"text", WAX_ERR_MIME_BAD_CONTENT_TYPE},
    {"text/", WAX_ERR_MIME_BAD_CONTENT_TYPE},
    {"/plain", WAX_ERR_MIME_BAD_CONTENT_TYPE},
    {"te xt/plain", WAX_ERR_MIME_BAD_CONTENT_TYPE},
    {"text/pl@in", WAX_ERR_MIME_BAD_PARAM}, /* junk after the subtype */
    {"(unterminated text/plain", WAX_ERR_MIME_BAD_CONTENT_TYPE},
    {"text/plain (unterminated", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; charset", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; charset=", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; charset=;", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; =x", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; a=\"x", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; a=\"x\\", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; a=x y", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; a=\"x\" y", WAX_ERR_MIME_BAD_PARAM},
    {"text/plain; a=1; A=2", WAX_ERR_MIME_DUPLICATE_PARAM},
    {"multipart/mixed; boundary=a; boundary=\"a\"",
     WAX_ERR_MIME_DUPLICATE_PARAM},
};

TEST(content_type_errors)
{
    for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
        ct.params.num_params = 99;
        wax_err got =
            wax_mime_content_type_parse(&ct, mt_span(bad_types[i].in));
        CHECK_MSG(got == bad_types[i].want, "case %zu (%s): got %s, want %s", i,
                  bad_types[i].in, wax_err_name(got),
                  wax_err_name(bad_types[i].want));
        CHECK_EQ_U64(ct.params.num_params, 99); /* untouched on failure */
    }
    /* WAX_MAX_MIME_PARAMS parameters pass, one more does not */
    char v[2048];
    size_t o = (size_t)snprintf(v, sizeof v, "a/b");
    for (int i = 0; i < WAX_MAX_MIME_PARAMS; i++) {
        o += (size_t)snprintf(v + o, sizeof v - o, "; p%d=%d", i, i);
    }
    CHECK_OK(wax_mime_content_type_parse(&ct, mt_span(v)));
    CHECK_EQ_U64(ct.params.num_params, WAX_MAX_MIME_PARAMS);
    snprintf(v + o, sizeof v - o, "; last=1");
    CHECK_ERR(wax_mime_content_type_parse(&ct, mt_span(v)),
              WAX_ERR_MIME_TOO_MANY_PARAMS);
}

TEST(cte_parse)
{
    static const struct {
        const char *in;
        wax_err err;
        enum wax_mime_cte want;
    } cases[] = {
        {" Base64 ", WAX_OK, WAX_MIME_CTE_BASE64},
        {"quoted-printable (c)", WAX_OK, WAX_MIME_CTE_QP},
        {"7BIT", WAX_OK, WAX_MIME_CTE_7BIT},
        {"8bit", WAX_OK, WAX_MIME_CTE_8BIT},
        {"\r\n binary", WAX_OK, WAX_MIME_CTE_BINARY},
        {"x-uuencode", WAX_ERR_MIME_UNKNOWN_CTE, 0},
        {"base-64", WAX_ERR_MIME_UNKNOWN_CTE, 0},
        {"", WAX_ERR_MIME_BAD_CTE, 0},
        {"base64 junk", WAX_ERR_MIME_BAD_CTE, 0},
        {"base64;", WAX_ERR_MIME_BAD_CTE, 0},
        {"(c", WAX_ERR_MIME_BAD_CTE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum wax_mime_cte cte = WAX_MIME_CTE_BINARY;
        wax_err got = wax_mime_cte_parse(&cte, mt_span(cases[i].in));
        CHECK_MSG(got == cases[i].err, "case %zu: got %s", i,
                  wax_err_name(got));
        if (got == WAX_OK) {
            CHECK_EQ_U64(cte, cases[i].want);
        }
    }
    CHECK_STR(wax_mime_cte_name(WAX_MIME_CTE_QP), "quoted-printable");
    CHECK_STR(wax_mime_cte_name(WAX_MIME_CTE_7BIT), "7bit");
    CHECK_STR(wax_mime_cte_name((enum wax_mime_cte)42), "unknown");

    size_t off;
    enum wax_mime_cte cte;
    static const char h1[] = "Subject: x\r\n\r\n";
    CHECK_OK(
        wax_mime_header_parse(&hdr, &off, (const uint8_t *)h1, strlen(h1)));
    CHECK_OK(wax_mime_header_cte(&cte, &hdr));
    CHECK_EQ_U64(cte, WAX_MIME_CTE_7BIT);
    static const char h2[] = "Content-Transfer-Encoding: base64\r\n"
                             "content-transfer-encoding: 7bit\r\n\r\n";
    CHECK_OK(
        wax_mime_header_parse(&hdr, &off, (const uint8_t *)h2, strlen(h2)));
    CHECK_ERR(wax_mime_header_cte(&cte, &hdr), WAX_ERR_MIME_DUPLICATE_FIELD);
}

TEST(disposition_parse)
{
    struct wax_mime_disposition d;
    CHECK_OK(wax_mime_disposition_parse(
        &d, mt_span(" attachment; filename=smime.p7s")));
    CHECK(mt_span_is(d.type, "attachment"));
    CHECK(param_is(&d.params, "filename", "smime.p7s"));
    CHECK_OK(wax_mime_disposition_parse(
        &d, mt_span("inline; filename*0*=utf-8''%C3%A9t%C3%A9; "
                    "filename*1=\".pdf\"")));
    CHECK(param_is(&d.params, "filename", "\xC3\xA9t\xC3\xA9.pdf"));
    CHECK_ERR(wax_mime_disposition_parse(&d, mt_span("; filename=x")),
              WAX_ERR_MIME_BAD_DISPOSITION);
    CHECK_ERR(wax_mime_disposition_parse(&d, mt_span("attachment; filename")),
              WAX_ERR_MIME_BAD_PARAM);
}

TEST(boundary_check_and_header_boundary)
{
    static const char b70[] = "0123456789012345678901234567890123456789"
                              "012345678901234567890123456789";
    CHECK_EQ_U64(strlen(b70), 70);
    CHECK_OK(wax_mime_boundary_check((const uint8_t *)b70, 70));
    char b71[72];
    memcpy(b71, b70, 70);
    b71[70] = 'x';
    b71[71] = 0;
    CHECK_ERR(wax_mime_boundary_check((const uint8_t *)b71, 71),
              WAX_ERR_MIME_BOUNDARY_TOO_LONG);
    CHECK_ERR(wax_mime_boundary_check((const uint8_t *)"", 0),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(wax_mime_boundary_check((const uint8_t *)"ab ", 3),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(wax_mime_boundary_check((const uint8_t *)"a\x01", 2),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(wax_mime_boundary_check((const uint8_t *)"a\xc3\xa9", 3),
              WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_OK(wax_mime_boundary_check((const uint8_t *)"a b#$%", 6));

    static const struct {
        const char *header;
        wax_err err;
        const char *want;
    } cases[] = {
        {"Content-Type: multipart/mixed; boundary=\"a b\"\r\n\r\n", WAX_OK,
         "a b"},
        {"Content-Type: Multipart/Alternative;\r\n boundary*0=x;"
         " boundary*1=\"y z\"\r\n\r\n",
         WAX_OK, "xy z"},
        {"Content-Type: text/plain; boundary=x\r\n\r\n",
         WAX_ERR_MIME_NOT_MULTIPART, NULL},
        {"Subject: x\r\n\r\n", WAX_ERR_MIME_NOT_MULTIPART, NULL},
        {"Content-Type: multipart/mixed\r\n\r\n", WAX_ERR_MIME_NO_BOUNDARY,
         NULL},
        {"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n",
         WAX_ERR_MIME_BAD_BOUNDARY, NULL},
        {"Content-Type: multipart/mixed; boundary=\"0123456789012345678901234"
         "5678901234567890123456789012345678901234567890x\"\r\n\r\n",
         WAX_ERR_MIME_BOUNDARY_TOO_LONG, NULL},
        {"Content-Type: multipart/mixed; boundary=\"0123456789012345678901234"
         "56789012345678901234567890123456789012345678901234567890\"\r\n\r\n",
         WAX_ERR_MIME_BOUNDARY_TOO_LONG, NULL},
        {"Content-Type: multipart/mixed; boundary=a\r\n"
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n",
         WAX_ERR_MIME_DUPLICATE_FIELD, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t off;
        CHECK_OK(wax_mime_header_parse(&hdr, &off,
                                       (const uint8_t *)cases[i].header,
                                       strlen(cases[i].header)));
        uint8_t b[WAX_MAX_MIME_BOUNDARY];
        size_t blen;
        wax_err got = wax_mime_header_boundary(b, &blen, &hdr);
        CHECK_MSG(got == cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(got), wax_err_name(cases[i].err));
        if (got == WAX_OK) {
            CHECK_MEM(b, blen, cases[i].want, strlen(cases[i].want));
        }
    }
}

TEST(micalg_names)
{
    static const struct {
        const char *in;
        wax_err err;
        enum wax_digest_alg want;
    } cases[] = {
        {"sha-256", WAX_OK, WAX_DIGEST_SHA256},
        {"SHA-512", WAX_OK, WAX_DIGEST_SHA512},
        {"SHA1", WAX_OK, WAX_DIGEST_SHA1},
        {"sha-1", WAX_OK, WAX_DIGEST_SHA1},
        {"sha384", WAX_OK, WAX_DIGEST_SHA384},
        {"sha-224", WAX_OK, WAX_DIGEST_SHA224},
        {"md5", WAX_OK, WAX_DIGEST_MD5},
        {"sha-3", WAX_ERR_MIME_UNKNOWN_MICALG, 0},
        {"rsa-sha1", WAX_ERR_MIME_UNKNOWN_MICALG, 0},
        {"", WAX_ERR_MIME_UNKNOWN_MICALG, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum wax_digest_alg alg = WAX_DIGEST_NONE;
        wax_err got = wax_mime_micalg_parse(&alg, mt_span(cases[i].in));
        CHECK_MSG(got == cases[i].err, "case %zu: %s", i, wax_err_name(got));
        if (got == WAX_OK) {
            CHECK_EQ_U64(alg, cases[i].want);
        }
    }
    CHECK_STR(wax_mime_micalg_name(WAX_DIGEST_SHA256), "sha-256");
    CHECK_STR(wax_mime_micalg_name(WAX_DIGEST_SHA1), "sha-1");
    CHECK(wax_mime_micalg_name(WAX_DIGEST_NONE) == NULL);
}

static const struct {
    const char *header;
    wax_err err;
    enum wax_mime_smime_type type;
    bool legacy_x, by_name;
    enum wax_digest_alg micalg;
} identify_cases[] = {
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
     " micalg=sha-256; boundary=x",
     WAX_OK, WAX_MIME_SMIME_MULTIPART_SIGNED, false, false, WAX_DIGEST_SHA256},
    {"Content-Type: multipart/signed; protocol=\"application/x-pkcs7-"
     "signature\"; micalg=\"sha-1, sha-256\"; boundary=x",
     WAX_OK, WAX_MIME_SMIME_MULTIPART_SIGNED, true, false, WAX_DIGEST_SHA1},
    {"Content-Type: multipart/signed; protocol=\"Application/PKCS7-Signature\""
     "; boundary=x",
     WAX_OK, WAX_MIME_SMIME_MULTIPART_SIGNED, false, false, WAX_DIGEST_NONE},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; micalg=whirlpool; boundary=x",
     WAX_OK, WAX_MIME_SMIME_MULTIPART_SIGNED, false, false, WAX_DIGEST_NONE},
    {"Content-Type: multipart/signed; protocol=\"application/pgp-signature\";"
     " micalg=pgp-sha256; boundary=x",
     WAX_OK, WAX_MIME_SMIME_NONE, false, false, WAX_DIGEST_NONE},
    {"Content-Type: multipart/signed; boundary=x", WAX_OK, WAX_MIME_SMIME_NONE,
     false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; smime-type=enveloped-data;"
     " name=smime.p7m",
     WAX_OK, WAX_MIME_SMIME_ENVELOPED_DATA, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; smime-type=Enveloped-Data", WAX_OK,
     WAX_MIME_SMIME_ENVELOPED_DATA, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/x-pkcs7-mime; smime-type=signed-data", WAX_OK,
     WAX_MIME_SMIME_SIGNED_DATA, true, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data",
     WAX_OK, WAX_MIME_SMIME_AUTH_ENVELOPED_DATA, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; smime-type=compressed-data", WAX_OK,
     WAX_MIME_SMIME_COMPRESSED_DATA, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; smime-type=certs-only", WAX_OK,
     WAX_MIME_SMIME_CERTS_ONLY, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; name=smime.p7m", WAX_OK,
     WAX_MIME_SMIME_PKCS7_MIME, false, true, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; name=certs.P7C", WAX_OK,
     WAX_MIME_SMIME_CERTS_ONLY, false, true, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; smime-type=foo; name=a.p7z", WAX_OK,
     WAX_MIME_SMIME_COMPRESSED_DATA, false, true, WAX_DIGEST_NONE},
    {"Content-Type: application/x-pkcs7-mime", WAX_OK,
     WAX_MIME_SMIME_PKCS7_MIME, true, false, WAX_DIGEST_NONE},
    {"Content-Type: application/octet-stream; name=smime.p7m", WAX_OK,
     WAX_MIME_SMIME_PKCS7_MIME, false, true, WAX_DIGEST_NONE},
    {"Content-Type: application/octet-stream\r\n"
     "Content-Disposition: attachment; filename=\"SMIME.P7Z\"",
     WAX_OK, WAX_MIME_SMIME_COMPRESSED_DATA, false, true, WAX_DIGEST_NONE},
    {"Content-Type: application/octet-stream; name=smime.p7s", WAX_OK,
     WAX_MIME_SMIME_SIGNATURE, false, true, WAX_DIGEST_NONE},
    {"Content-Type: application/octet-stream; name=x.pdf", WAX_OK,
     WAX_MIME_SMIME_NONE, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-signature; name=smime.p7s", WAX_OK,
     WAX_MIME_SMIME_SIGNATURE, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/x-pkcs7-signature", WAX_OK,
     WAX_MIME_SMIME_SIGNATURE, true, false, WAX_DIGEST_NONE},
    {"Subject: no content type", WAX_OK, WAX_MIME_SMIME_NONE, false, false,
     WAX_DIGEST_NONE},
    {"Content-Type: text/plain; name=smime.p7m", WAX_OK, WAX_MIME_SMIME_NONE,
     false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime\r\nContent-Type: text/plain",
     WAX_ERR_MIME_DUPLICATE_FIELD, 0, false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/pkcs7-mime; name=", WAX_ERR_MIME_BAD_PARAM, 0,
     false, false, WAX_DIGEST_NONE},
    {"Content-Type: application/octet-stream\r\nContent-Disposition: ;",
     WAX_ERR_MIME_BAD_DISPOSITION, 0, false, false, WAX_DIGEST_NONE},
};

TEST(smime_identify)
{
    for (size_t i = 0; i < sizeof identify_cases / sizeof identify_cases[0];
         i++) {
        char text[512];
        snprintf(text, sizeof text, "%s\r\n\r\n", identify_cases[i].header);
        size_t off;
        CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)text,
                                       strlen(text)));
        struct wax_mime_smime_info info;
        wax_err got = wax_mime_smime_identify(&info, &hdr);
        CHECK_MSG(got == identify_cases[i].err, "case %zu: got %s", i,
                  wax_err_name(got));
        if (got != WAX_OK) {
            continue;
        }
        CHECK_MSG(info.type == identify_cases[i].type,
                  "case %zu: type %d, want %d", i, (int)info.type,
                  (int)identify_cases[i].type);
        CHECK_MSG(info.legacy_x == identify_cases[i].legacy_x, "case %zu", i);
        CHECK_MSG(info.by_name == identify_cases[i].by_name, "case %zu", i);
        CHECK_MSG(info.micalg == identify_cases[i].micalg, "case %zu", i);
    }
}
