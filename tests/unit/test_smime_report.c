/*
 * Unit tests of the smime helpers: RFC 5322 address lists, address
 * comparison, certificate addresses, the JSON report and terminal
 * escaping (SECURITY.md rules 5 and 11).
 */
#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#include "../harness.h"
#include "../smime_fixture.h"

static char addrs[WAX_MAX_SMIME_EMAILS][WAX_MAX_SMIME_ADDRESS + 1];

static wax_err
parse(const char *v, size_t *num)
{
    return wax_smime_parse_addresses(addrs, WAX_MAX_SMIME_EMAILS, num,
                                     (const uint8_t *)v, strlen(v));
}

TEST(smime_addresses_good)
{
    struct {
        const char *in;
        size_t num;
        const char *a0, *a1;
    } rows[] = {
        {"alice@example.org", 1, "alice@example.org", NULL},
        {"  alice@example.org  ", 1, "alice@example.org", NULL},
        {"Alice <alice@example.org>", 1, "alice@example.org", NULL},
        {"\"Alice, the first\" <alice@example.org>", 1, "alice@example.org",
         NULL},
        {"\"bob@evil.com\" <alice@example.org>", 1, "alice@example.org", NULL},
        {"<alice@example.org>", 1, "alice@example.org", NULL},
        {"alice@example.org (Alice)", 1, "alice@example.org", NULL},
        {"(c) Alice (x (nested)) <alice@example.org> (y)", 1,
         "alice@example.org", NULL},
        {"\"john doe\"@example.org", 1, "john doe@example.org", NULL},
        {"\"john\\\"q\"@example.org", 1, "john\"q@example.org", NULL},
        {"john.q.public@example.org", 1, "john.q.public@example.org", NULL},
        {"John Q. Public <jqp@example.org>", 1, "jqp@example.org", NULL},
        {"a@b.example, c@d.example", 2, "a@b.example", "c@d.example"},
        {"a@b.example,, ,c@d.example", 2, "a@b.example", "c@d.example"},
        {"Team: a@b.example, B <c@d.example>;", 2, "a@b.example",
         "c@d.example"},
        {"undisclosed-recipients:;", 0, NULL, NULL},
        {"Team:;, x@y.example", 1, "x@y.example", NULL},
        {"<@relay.example,@r2.example:alice@example.org>", 1,
         "alice@example.org", NULL},
        {"alice@[192.0.2.1]", 1, "alice@[192.0.2.1]", NULL},
        {"Alice\r\n <alice@example.org>", 1, "alice@example.org", NULL},
        {"j\xc3\xb6rg@example.org", 1, "j\xc3\xb6rg@example.org", NULL},
        {"=?utf-8?q?Al=C3=AFce?= <alice@example.org>", 1, "alice@example.org",
         NULL},
        {"", 0, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t num = 99;
        wax_err err = parse(rows[i].in, &num);
        CHECK_MSG(err == WAX_OK, "row %zu: %s", i, wax_err_name(err));
        CHECK_MSG(num == rows[i].num, "row %zu: %zu addresses", i, num);
        if (rows[i].a0 != NULL) {
            CHECK_MSG(strcmp(addrs[0], rows[i].a0) == 0, "row %zu: %s", i,
                      addrs[0]);
        }
        if (rows[i].a1 != NULL) {
            CHECK_MSG(strcmp(addrs[1], rows[i].a1) == 0, "row %zu: %s", i,
                      addrs[1]);
        }
    }
}

TEST(smime_addresses_bad)
{
    const char *rows[] = {
        "alice",
        "Alice <alice@example.org",
        "alice@example.org <bob@example.org>",
        "alice@",
        "@example.org",
        "alice@example.",
        "alice@.example",
        "alice..x@example.org",
        ".alice@example.org",
        "alice.@example.org",
        "\"unterminated@example.org",
        "alice@example.org (unterminated",
        "<alice@example.org> trailing",
        "A: B: c@d.example;;",
        "Team: a@b.example",
        "alice@[192.0.2.1",
        "<>",
        "alice@exa mple.org",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t num = 99;
        wax_err err = parse(rows[i], &num);
        CHECK_MSG(err == WAX_ERR_SMIME_BAD_ADDRESS, "row %zu (%s): %s", i,
                  rows[i], wax_err_name(err));
        CHECK(num == 0);
    }
    /* limits */
    char big[WAX_MAX_SMIME_ADDRESS + 20];
    memset(big, 'a', sizeof big);
    memcpy(big + sizeof big - 13, "@example.org", 13);
    size_t num;
    CHECK_ERR(parse(big, &num), WAX_ERR_SMIME_BAD_ADDRESS);
    char many[40 * WAX_MAX_SMIME_EMAILS];
    many[0] = 0;
    for (size_t i = 0; i <= WAX_MAX_SMIME_EMAILS; i++) {
        strcat(many, "a@b.example,");
    }
    CHECK_ERR(parse(many, &num), WAX_ERR_LIMIT_EXCEEDED);
    CHECK_ERR(
        wax_smime_parse_addresses(addrs, 4, &num, (const uint8_t *)"a@b\0c", 5),
        WAX_ERR_SMIME_BAD_ADDRESS);
    CHECK_ERR(wax_smime_parse_addresses(addrs, 4, NULL, NULL, 0),
              WAX_ERR_INVALID_ARGUMENT);
}

TEST(smime_address_equal)
{
    CHECK(wax_smime_address_equal("a@example.org", "a@EXAMPLE.Org"));
    CHECK(!wax_smime_address_equal("A@example.org", "a@example.org"));
    CHECK(!wax_smime_address_equal("a@example.org", "a@example.org."));
    CHECK(!wax_smime_address_equal("a@example.org", "ab@example.org"));
    CHECK(!wax_smime_address_equal("example.org", "example.org"));
    CHECK(!wax_smime_address_equal("@example.org", "@example.org"));
    CHECK(!wax_smime_address_equal("a@", "a@"));
    CHECK(!wax_smime_address_equal(NULL, "a@b"));
    /* the last '@' separates the domain */
    CHECK(wax_smime_address_equal("x@y@example.org", "x@y@Example.org"));
}

TEST(smime_cert_emails)
{
    /* rfc822Name SANs, SmtpUTF8Mailbox, and the subject emailAddress only
     * when no SAN address exists */
    struct tp_ident t;
    tp_ident_init(&t, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec s = tp_ee_spec("T", "one@example.org");
    s.san_email2 = "two@example.org";
    s.utf8_mailbox = "j\xc3\xb6rg@example.org";
    s.subject_email = "subject@example.org";
    tp_make(&t, &s, NULL);
    struct wax_x509_cert c;
    CHECK_ERR(wax_x509_cert_parse(&c, t.cert, t.cert_len), WAX_OK);
    size_t num = 0;
    CHECK_ERR(wax_smime_cert_emails(addrs, WAX_MAX_SMIME_EMAILS, &num, &c),
              WAX_OK);
    CHECK(num == 3);
    CHECK(strcmp(addrs[0], "one@example.org") == 0);
    CHECK(strcmp(addrs[1], "two@example.org") == 0);
    CHECK(strcmp(addrs[2], "j\xc3\xb6rg@example.org") == 0);
    CHECK_ERR(wax_smime_cert_emails(addrs, 1, &num, &c), WAX_OK);
    CHECK(num == 1);
    s.san_email = NULL;
    s.san_email2 = NULL;
    s.utf8_mailbox = NULL;
    tp_make(&t, &s, NULL);
    CHECK_ERR(wax_x509_cert_parse(&c, t.cert, t.cert_len), WAX_OK);
    CHECK_ERR(wax_smime_cert_emails(addrs, WAX_MAX_SMIME_EMAILS, &num, &c),
              WAX_OK);
    CHECK(num == 1 && strcmp(addrs[0], "subject@example.org") == 0);
    s.subject_email = NULL;
    tp_make(&t, &s, NULL);
    CHECK_ERR(wax_x509_cert_parse(&c, t.cert, t.cert_len), WAX_OK);
    CHECK_ERR(wax_smime_cert_emails(addrs, WAX_MAX_SMIME_EMAILS, &num, &c),
              WAX_OK);
    CHECK(num == 0);
    tp_ident_free(&t);
}

TEST(smime_escape)
{
    char out[64];
    CHECK(strcmp(wax_smime_escape(out, sizeof out, "plain text"),
                 "plain text") == 0);
    CHECK(strcmp(wax_smime_escape(out, sizeof out, "a\x1b[31mred\r\n"),
                 "a\\x1b[31mred\\x0d\\x0a") == 0);
    CHECK(strcmp(wax_smime_escape(out, sizeof out, "back\\slash"),
                 "back\\x5cslash") == 0);
    CHECK(strcmp(wax_smime_escape(out, sizeof out, "caf\xc3\xa9"),
                 "caf\xc3\xa9") == 0);
    CHECK(strcmp(wax_smime_escape(out, sizeof out, "bad\xc3(\xff\x7f"),
                 "bad\\xc3(\\xff\\x7f") == 0);
    /* overlong and surrogate UTF-8 are escaped */
    CHECK(strcmp(wax_smime_escape(out, sizeof out, "\xc0\xaf\xed\xa0\x80"),
                 "\\xc0\\xaf\\xed\\xa0\\x80") == 0);
    char small[8];
    wax_smime_escape(small, sizeof small, "abcdefghijkl");
    CHECK(strcmp(small, "abcd...") == 0);
    wax_smime_escape(small, sizeof small, "\x01\x02\x03");
    CHECK(strlen(small) < sizeof small);
    CHECK(strcmp(wax_smime_escape(out, sizeof out, NULL), "") == 0);
}

TEST(smime_report_json)
{
    struct wax_smime_report r;
    wax_smime_report_init(&r);
    r.verdict = WAX_SMIME_VALID_SIGNER_MISMATCH;
    r.err = WAX_ERR_SMIME_SIGNER_MISMATCH;
    struct wax_smime_layer *l = &r.layers[r.num_layers++];
    memset(l, 0, sizeof *l);
    l->type = WAX_SMIME_LAYER_SIGNED;
    l->form = WAX_SMIME_FORM_MULTIPART_SIGNED;
    struct wax_smime_signer_report *s = &r.signers[r.num_signers++];
    s->verdict = WAX_SMIME_VALID_SIGNER_MISMATCH;
    s->err = WAX_ERR_SMIME_SIGNER_MISMATCH;
    s->subject = strdup("CN=Evil\"\\\n\x1b[0m\xff");
    s->serial = strdup("0a");
    memset(s->sha256, 'a', 64);
    s->emails[s->num_emails++] = strdup("e@x.example");
    s->cert_der = malloc(1);
    s->cert_len = 1;
    s->has_from_match = true;
    s->from_match = false;
    s->has_signing_time = true;
    s->signing_time = 1704067200;
    s->digest = WAX_DIGEST_SHA256;
    s->signature_algorithm = WAX_SIG_RSA_PSS;
    s->chain[s->num_chain++] = strdup("CN=A");
    r.warnings[r.num_warnings++] = strdup("w\t1");
    struct wax_buf b;
    wax_buf_init(&b, 1 << 16);
    CHECK_ERR(wax_smime_report_json(&r, wax_buf_sink(&b)), WAX_OK);
    CHECK_ERR(wax_buf_append_byte(&b, 0), WAX_OK);
    const char *want =
        "{\"verdict\":\"VALID_SIGNER_MISMATCH\","
        "\"error\":\"WAX_ERR_SMIME_SIGNER_MISMATCH\","
        "\"layers\":[{\"type\":\"signed\",\"form\":\"multipart/signed\"}],"
        "\"signers\":[{\"verdict\":\"VALID_SIGNER_MISMATCH\","
        "\"error\":\"WAX_ERR_SMIME_SIGNER_MISMATCH\","
        "\"subject\":\"CN=Evil\\\"\\\\\\u000a\\u001b[0m\\u00ff\","
        "\"serial\":\"0a\","
        "\"sha256\":"
        "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aa\","
        "\"emails\":[\"e@x.example\"],\"from_match\":false,"
        "\"signing_time\":\"2024-01-01T00:00:00Z\",\"digest\":\"sha256\","
        "\"signature_algorithm\":\"rsa-pss\",\"chain\":[\"CN=A\"]}],"
        "\"warnings\":[\"w\\u00091\"]}";
    CHECK_MSG(strcmp((const char *)b.data, want) == 0, "got %s", b.data);
    wax_buf_cleanup(&b);
    wax_smime_report_cleanup(&r);
    CHECK(r.num_signers == 0 && r.err_index == SIZE_MAX);
    /* an empty report */
    wax_buf_init(&b, 1 << 10);
    CHECK_ERR(wax_smime_report_json(&r, wax_buf_sink(&b)), WAX_OK);
    CHECK(b.len == 2 && memcmp(b.data, "{}", 2) == 0);
    wax_buf_cleanup(&b);
    CHECK_ERR(wax_smime_report_json(NULL, NULL), WAX_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(wax_smime_verdict_name(WAX_SMIME_DECRYPT_FAILED),
                 "DECRYPT_FAILED") == 0);
    CHECK(strcmp(wax_smime_layer_type_name(WAX_SMIME_LAYER_AUTH_ENVELOPED),
                 "authEnveloped") == 0);
    CHECK(strcmp(wax_smime_form_name(WAX_SMIME_FORM_PKCS7_MIME),
                 "application/pkcs7-mime") == 0);
    CHECK(wax_smime_verdict_positive(WAX_SMIME_DECRYPTED_UNAUTHENTICATED));
    CHECK(!wax_smime_verdict_positive(WAX_SMIME_VALID_UNBOUND));
}
