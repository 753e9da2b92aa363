/*
 * Unit tests of sign and verify (src/smime/sign.c, verify.c): every form
 * round trip, canonicalization and transfer encoding before signing, and
 * each verdict of SECURITY.md with its exact error; nothing is released
 * for a negative verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#include "../harness.h"
#include "../smime_fixture.h"

static const char msg_plain[] = "From: Alice <alice@example.org>\r\n"
                                "To: bob@example.org\r\n"
                                "Subject: hello\r\n"
                                "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                                "Message-ID: <1@example.org>\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=us-ascii\r\n"
                                "\r\n"
                                "Hello Bob,\r\n"
                                "this is signed.\r\n";

/* The entity that is signed for msg_plain. */
static const char entity_plain[] =
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "this is signed.\r\n";

/* Signs MSG as ALICE (or the identities given) into OUT. */
static wax_err
sign_msg(const char *msg, size_t len, const struct wax_smime_identity *ids,
         size_t num_ids, bool opaque, enum wax_smime_format format,
         bool detached, struct wax_buf *out, struct wax_smime_report *rep)
{
    struct wax_smime_sign_opts o;
    memset(&o, 0, sizeof o);
    o.signers = ids;
    o.num_signers = num_ids;
    o.opaque = opaque;
    o.format = format;
    o.detached = detached;
    o.has_signing_time = true;
    o.signing_time = SF_NOW - 60;
    sf_out_init(out);
    return wax_smime_sign(&o, (const uint8_t *)msg, len, wax_buf_sink(out),
                          rep);
}

static wax_err
sign_alice(const char *msg, bool opaque, enum wax_smime_format format,
           bool detached, struct wax_buf *out)
{
    struct wax_smime_identity id = sf_id(&sf_pki()->alice);
    struct wax_smime_report rep;
    wax_err err =
        sign_msg(msg, strlen(msg), &id, 1, opaque, format, detached, out, &rep);
    wax_smime_report_cleanup(&rep);
    return err;
}

/* Verifies IN with OPTS into OUT. */
static wax_err
verify_buf(const struct wax_smime_verify_opts *o, const uint8_t *in, size_t len,
           const uint8_t *content, size_t content_len, struct wax_buf *out,
           struct wax_smime_report *rep)
{
    sf_out_init(out);
    return wax_smime_verify(o, in, len, content, content_len, wax_buf_sink(out),
                            rep);
}

TEST(smime_sign_verify_clear)
{
    struct wax_buf signed_msg, out;
    CHECK_ERR(
        sign_alice(msg_plain, false, WAX_SMIME_FORMAT_MIME, false, &signed_msg),
        WAX_OK);
    CHECK(signed_msg.closed);
    /* outer fields kept outside, then the multipart/signed header */
    CHECK(memcmp(signed_msg.data, "From: Alice <alice@example.org>\r\n", 33) ==
          0);
    CHECK(sf_contains(signed_msg.data, signed_msg.len,
                      "Subject: hello\r\nDate: Mon, 1 Jan 2024 00:00:00 "
                      "+0000\r\nMessage-ID: <1@example.org>\r\nMIME-Version: "
                      "1.0\r\nContent-Type: multipart/signed;"));
    CHECK(sf_contains(signed_msg.data, signed_msg.len, "micalg=sha-256"));
    CHECK(sf_contains(signed_msg.data, signed_msg.len, entity_plain));

    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    CHECK_ERR(
        verify_buf(&vo, signed_msg.data, signed_msg.len, NULL, 0, &out, &rep),
        WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(rep.status == WAX_SMIME_STATUS_OK);
    CHECK(rep.err == WAX_OK);
    CHECK(rep.released && !rep.released_unverified);
    CHECK(out.closed);
    CHECK(out.len == strlen(entity_plain));
    CHECK(memcmp(out.data, entity_plain, out.len) == 0);
    CHECK(rep.num_layers == 1);
    CHECK(rep.layers[0].type == WAX_SMIME_LAYER_SIGNED);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_MULTIPART_SIGNED);
    CHECK(rep.num_signers == 1);
    const struct wax_smime_signer_report *s = &rep.signers[0];
    CHECK(s->verdict == WAX_SMIME_VALID);
    CHECK(s->from_match && s->has_from_match);
    CHECK(strcmp(s->subject, "CN=Alice") == 0);
    CHECK(strcmp(s->issuer, "CN=Test Root") == 0);
    CHECK(strcmp(s->serial, "02") == 0);
    CHECK(strlen(s->sha256) == 64);
    CHECK(s->num_emails == 1 && strcmp(s->emails[0], "alice@example.org") == 0);
    CHECK(s->digest == WAX_DIGEST_SHA256);
    CHECK(s->signature_algorithm == WAX_SIG_RSA_PKCS1);
    CHECK(s->has_signing_time && s->signing_time == SF_NOW - 60);
    CHECK(s->num_chain == 2);
    CHECK(strcmp(s->chain[0], "CN=Alice") == 0);
    CHECK(strcmp(s->chain[1], "CN=Test Root") == 0);
    CHECK(rep.num_from == 1 && strcmp(rep.from[0], "alice@example.org") == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);

    /* with the outer header fields put back */
    vo.with_outer_headers = true;
    CHECK_ERR(
        verify_buf(&vo, signed_msg.data, signed_msg.len, NULL, 0, &out, &rep),
        WAX_OK);
    CHECK(memcmp(out.data, "From: Alice <alice@example.org>\r\nTo: ", 37) == 0);
    CHECK(sf_contains(out.data, out.len,
                      "MIME-Version: 1.0\r\nContent-Type: "
                      "text/plain; charset=us-ascii\r\n"));
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&signed_msg);
}

TEST(smime_sign_verify_opaque_and_raw)
{
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    struct wax_buf sm, out;

    /* opaque: application/pkcs7-mime; smime-type=signed-data */
    CHECK_ERR(sign_alice(msg_plain, true, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK(sf_contains(sm.data, sm.len,
                      "Content-Type: application/pkcs7-mime; "
                      "smime-type=signed-data; name=smime.p7m"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_PKCS7_MIME);
    CHECK(out.len == strlen(entity_plain) &&
          memcmp(out.data, entity_plain, out.len) == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* DER, encapsulated: no From:, so unbound unless the caller says */
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_DER, false, &sm),
              WAX_OK);
    CHECK(sm.data[0] == 0x30);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_NO_FROM);
    CHECK(rep.verdict == WAX_SMIME_VALID_UNBOUND);
    CHECK(rep.status == WAX_SMIME_STATUS_REJECTED);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_DER);
    /* no CRL was given (prefer): said, then the missing From: */
    CHECK(rep.num_warnings == 2);
    CHECK(strcmp(rep.warnings[0],
                 "revocation not checked: no CRL for CN=Alice") == 0);
    CHECK(strncmp(rep.warnings[1], "there is no From:", 17) == 0);
    CHECK(out.len == 0 && !out.closed);
    CHECK(!rep.released);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    vo.from = "ALICE@example.org"; /* the local part is exact */
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_SIGNER_MISMATCH);
    CHECK(rep.verdict == WAX_SMIME_VALID_SIGNER_MISMATCH);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    vo.from = "alice@EXAMPLE.org"; /* the domain is not */
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(out.len == strlen(entity_plain) &&
          memcmp(out.data, entity_plain, out.len) == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* PEM */
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_PEM, false, &sm),
              WAX_OK);
    CHECK(memcmp(sm.data, "-----BEGIN CMS-----\n", 20) == 0);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_PEM);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* DER, detached: the content comes separately */
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_DER, true, &sm),
              WAX_OK);
    vo.detached_content = true;
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, (const uint8_t *)entity_plain,
                         strlen(entity_plain), &out, &rep),
              WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(out.len == strlen(entity_plain));
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* other content: digest mismatch, nothing released */
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, (const uint8_t *)"other", 5,
                         &out, &rep),
              WAX_ERR_CMS_DIGEST_MISMATCH);
    CHECK(rep.verdict == WAX_SMIME_INVALID);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* the content pushed before the signature, in pieces */
    struct wax_smime_op *op = NULL;
    sf_out_init(&out);
    CHECK_ERR(wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep), WAX_OK);
    wax_sink *cs = wax_smime_op_content_sink(op);
    CHECK(cs != NULL);
    for (size_t i = 0; i < strlen(entity_plain); i++) {
        CHECK_ERR(wax_sink_write(cs, (const uint8_t *)entity_plain + i, 1),
                  WAX_OK);
    }
    CHECK_ERR(wax_sink_close(cs), WAX_OK);
    CHECK(out.len == 0);
    CHECK_ERR(wax_sink_write(wax_smime_op_sink(op), sm.data, sm.len), WAX_OK);
    CHECK_ERR(wax_sink_close(wax_smime_op_sink(op)), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID && out.closed);
    wax_smime_op_free(op);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

TEST(smime_sign_8bit_and_lf)
{
    /* 8-bit text is made quoted-printable before signing; LF-only input
     * is canonicalized */
    static const char msg8[] = "From: alice@example.org\n"
                               "Subject: caf\xc3\xa9\n"
                               "Content-Type: text/plain; charset=utf-8\n"
                               "Content-Transfer-Encoding: 8bit\n"
                               "\n"
                               "Caf\xc3\xa9 cr\xc3\xa8me is made of cream\n"
                               "line two\n";
    struct wax_buf sm, out;
    CHECK_ERR(sign_alice(msg8, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK(sf_contains(sm.data, sm.len,
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                      "Caf=C3=A9 cr=C3=A8me is made of cream\r\n"
                      "line two\r\n"));
    /* the whole signed message is 7-bit except the outer Subject */
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(sf_contains(out.data, out.len, "Caf=C3=A9 cr=C3=A8me is"));
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);

    /* the signed message stored with LF line ends still verifies */
    sm.len = sf_to_lf(sm.data, sm.len);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* binary content is made base64 */
    static const char msgbin[] = "From: alice@example.org\r\n"
                                 "Content-Type: application/octet-stream\r\n"
                                 "\r\n"
                                 "\x01\x02\xff\x00\x80 binary";
    CHECK_ERR(sign_alice(msgbin, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    wax_buf_cleanup(&sm);
    struct wax_smime_identity id = sf_id(&sf_pki()->alice);
    CHECK_ERR(sign_msg(msgbin, sizeof msgbin - 1, &id, 1, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_OK);
    CHECK(sf_contains(
        sm.data, sm.len,
        "Content-Transfer-Encoding: base64\r\n\r\nAQL/AIAgYmluYXJ5\r\n"));
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

TEST(smime_verify_tampered)
{
    struct wax_buf sm, out;
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    uint8_t *b = (uint8_t *)strstr((char *)sm.data, "Hello Bob");
    CHECK(b != NULL);
    b[0] = 'J';
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_CMS_DIGEST_MISMATCH);
    CHECK(rep.verdict == WAX_SMIME_INVALID);
    CHECK(rep.signers[0].verdict == WAX_SMIME_INVALID);
    CHECK(rep.signers[0].err == WAX_ERR_CMS_DIGEST_MISMATCH);
    CHECK(out.len == 0 && !out.closed && !rep.released);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* released anyway on request, and recorded */
    vo.release_unverified = true;
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_CMS_DIGEST_MISMATCH);
    CHECK(rep.released && rep.released_unverified && out.closed);
    CHECK(out.len == strlen(entity_plain));
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    vo.release_unverified = false;
    wax_buf_cleanup(&sm);

    /* opaque, a byte of the encapsulated content changed */
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_DER, false, &sm),
              WAX_OK);
    uint8_t *e = NULL;
    for (size_t i = 0; i + 9 < sm.len; i++) {
        if (memcmp(sm.data + i, "Hello Bob", 9) == 0) {
            e = sm.data + i;
        }
    }
    CHECK(e != NULL);
    e[1] = 'a';
    vo.from = "alice@example.org";
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_CMS_DIGEST_MISMATCH);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* the signature value changed */
    e[1] = 'e';
    sm.data[sm.len - 3] ^= 0x40;
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_CMS_SIGNATURE_INVALID);
    CHECK(rep.verdict == WAX_SMIME_INVALID && out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* truncated */
    sm.data[sm.len - 3] ^= 0x40;
    wax_err got = verify_buf(&vo, sm.data, sm.len - 10, NULL, 0, &out, &rep);
    CHECK(got == WAX_ERR_BER_TRUNCATED);
    CHECK(rep.verdict == WAX_SMIME_INVALID && out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

TEST(smime_verify_binding)
{
    struct wax_buf sm, out;
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    static const char wrong_from[] =
        "From: \"alice@example.org\" <mallory@example.net>\r\n"
        "Content-Type: text/plain\r\n\r\nhi\r\n";
    CHECK_ERR(sign_alice(wrong_from, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_SIGNER_MISMATCH);
    CHECK(rep.verdict == WAX_SMIME_VALID_SIGNER_MISMATCH);
    CHECK(rep.signers[0].has_from_match && !rep.signers[0].from_match);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* the override wins over the message */
    vo.from = "alice@example.org";
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    vo.from = NULL;
    wax_buf_cleanup(&sm);

    /* Sender: counts too; a group and comments are parsed */
    static const char sender[] =
        "From: Team: carol@example.org, (the boss) dave@example.org;\r\n"
        "Sender: Alice (assistant) <alice@example.org>\r\n"
        "Content-Type: text/plain\r\n\r\nhi\r\n";
    CHECK_ERR(sign_alice(sender, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.num_from == 3);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* a malformed From: never binds */
    static const char bad_from[] =
        "From: alice@example.org <alice@example.org\r\n"
        "Content-Type: text/plain\r\n\r\nhi\r\n";
    CHECK_ERR(sign_alice(bad_from, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_BAD_ADDRESS);
    CHECK(rep.verdict == WAX_SMIME_VALID_SIGNER_MISMATCH);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* no address in the certificate */
    struct wax_smime_identity id = sf_id(&sf_pki()->noemail);
    CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), &id, 1, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_NO_SIGNER_EMAIL);
    CHECK(rep.verdict == WAX_SMIME_VALID_UNBOUND);
    CHECK(rep.signers[0].num_emails == 0);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* domain case-insensitive against the certificate (Bob@Example.ORG) */
    static const char bobmsg[] = "From: bob@example.org\r\n"
                                 "Content-Type: text/plain\r\n\r\nhi\r\n";
    id = sf_id(&sf_pki()->bob);
    CHECK_ERR(sign_msg(bobmsg, strlen(bobmsg), &id, 1, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_SIGNER_MISMATCH); /* "bob" != "Bob" */
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    vo.from = "Bob@example.org";
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.signers[0].signature_algorithm == WAX_SIG_ECDSA);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

/* A bare SignedData over "hello" made by the cms layer with CERT (the
 * smime signer refuses certificates that do not allow signing). */
static void
cms_sign_raw(const struct tp_ident *t, struct wax_buf *out)
{
    struct wax_cms_signer_params sp;
    memset(&sp, 0, sizeof sp);
    sp.key = t->key;
    sp.cert = t->cert;
    sp.cert_len = t->cert_len;
    struct wax_cms_sign_params p;
    memset(&p, 0, sizeof p);
    p.signers = &sp;
    p.num_signers = 1;
    sf_out_init(out);
    struct wax_cms_sign *s = NULL;
    if (wax_cms_sign_new(&s, &p, wax_buf_sink(out)) != WAX_OK ||
        wax_sink_write(wax_cms_sign_sink(s), (const uint8_t *)"hello", 5) !=
            WAX_OK ||
        wax_sink_close(wax_cms_sign_sink(s)) != WAX_OK) {
        abort();
    }
    wax_cms_sign_free(s);
}

TEST(smime_verify_untrusted)
{
    struct sf_pki *p = sf_pki();
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    vo.from = "alice@example.org";
    struct wax_smime_report rep;
    struct wax_buf sm, out;
    struct {
        const struct tp_ident *signer;
        int64_t time;
        bool other_anchor;
        bool chain_root;
        wax_err want;
    } rows[] = {
        {&p->alice, SF_NOW, false, false, WAX_OK},
        {&p->alice, SF_NOW, true, false, WAX_ERR_PATH_NO_ISSUER},
        {&p->alice, SF_NOW, true, true, WAX_ERR_PATH_UNTRUSTED_ROOT},
        {&p->alice, TP_T0 + 20 * TP_YEAR, false, false, WAX_ERR_PATH_EXPIRED},
        {&p->alice, TP_T0 - 5 * TP_YEAR, false, false,
         WAX_ERR_PATH_NOT_YET_VALID},
        {&p->expired, SF_NOW, false, false, WAX_ERR_PATH_EXPIRED},
        {&p->bad_eku, SF_NOW, false, false, WAX_ERR_PATH_BAD_EKU},
        {&p->bad_ku, SF_NOW, false, false, WAX_ERR_PATH_BAD_KEY_USAGE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cms_sign_raw(rows[i].signer, &sm);
        struct sf_list untrusted;
        vo.trust.time = rows[i].time;
        vo.trust.anchors = sf_certs(
            &anchors, rows[i].other_anchor ? &p->other_root : &p->root, NULL);
        vo.trust.untrusted =
            sf_certs(&untrusted, rows[i].chain_root ? &p->root : NULL, NULL);
        wax_err got = verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep);
        CHECK_MSG(got == rows[i].want, "row %zu: got %s want %s", i,
                  wax_err_name(got), wax_err_name(rows[i].want));
        if (rows[i].want != WAX_OK) {
            CHECK(rep.verdict == WAX_SMIME_UNTRUSTED);
            CHECK(rep.signers[0].verdict == WAX_SMIME_UNTRUSTED);
            CHECK(rep.signers[0].err == rows[i].want);
            CHECK(rep.status == WAX_SMIME_STATUS_REJECTED);
            CHECK(out.len == 0 && !out.closed);
        } else {
            CHECK(out.len == 5 && memcmp(out.data, "hello", 5) == 0);
        }
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&out);
        wax_buf_cleanup(&sm);
    }
    /* no anchors at all */
    cms_sign_raw(&p->alice, &sm);
    vo.trust.anchors.num = 0;
    vo.trust.time = SF_NOW;
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_PATH_NO_ISSUER);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

TEST(smime_sign_refuses_bad_signer)
{
    struct sf_pki *p = sf_pki();
    struct wax_smime_report rep;
    struct wax_buf sm;
    struct {
        const struct tp_ident *signer;
        wax_err want;
    } rows[] = {
        {&p->bad_eku, WAX_ERR_PATH_BAD_EKU},
        {&p->bad_ku, WAX_ERR_PATH_BAD_KEY_USAGE},
        {&p->expired, WAX_ERR_PATH_EXPIRED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct wax_smime_identity ids[2] = {sf_id(&p->alice),
                                            sf_id(rows[i].signer)};
        CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), ids, 2, false,
                           WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
                  rows[i].want);
        CHECK(rep.err == rows[i].want);
        CHECK(rep.err_index == 1);
        CHECK(rep.status == WAX_SMIME_STATUS_ERROR);
        CHECK(sm.len == 0);
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&sm);
    }
    /* a key that is not the certificate's */
    struct wax_smime_identity id = sf_id(&p->carol);
    id.key = p->alice.key;
    CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), &id, 1, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK(rep.status == WAX_SMIME_STATUS_ERROR);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&sm);
    /* option errors */
    id = sf_id(&p->alice);
    CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), &id, 1, false,
                       WAX_SMIME_FORMAT_MIME, true, &sm, &rep),
              WAX_ERR_SMIME_BAD_OPTION);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&sm);
    CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), &id, 1, true,
                       WAX_SMIME_FORMAT_DER, false, &sm, &rep),
              WAX_ERR_SMIME_BAD_OPTION);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&sm);
    CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), &id, 0, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_ERR_INVALID_ARGUMENT);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&sm);
    /* a malformed input message is the message's fault */
    CHECK_ERR(sign_msg("no colon here\r\n\r\nbody", 21, &id, 1, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_ERR_MIME_FIELD_NO_COLON);
    CHECK(rep.status == WAX_SMIME_STATUS_REJECTED);
    CHECK(sm.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&sm);
}

TEST(smime_verify_two_signers)
{
    struct sf_pki *p = sf_pki();
    struct wax_smime_identity ids[2] = {sf_id(&p->alice), sf_id(&p->bob)};
    struct wax_smime_report rep;
    struct wax_buf sm, out;
    CHECK_ERR(sign_msg(msg_plain, strlen(msg_plain), ids, 2, false,
                       WAX_SMIME_FORMAT_MIME, false, &sm, &rep),
              WAX_OK);
    CHECK(rep.num_signers == 2);
    wax_smime_report_cleanup(&rep);
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.num_signers == 2);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    /* SignerInfos are a SET OF: find each by its subject */
    size_t a = strcmp(rep.signers[0].subject, "CN=Alice") == 0 ? 0 : 1;
    CHECK(strcmp(rep.signers[a].subject, "CN=Alice") == 0);
    CHECK(strcmp(rep.signers[1 - a].subject, "CN=Bob") == 0);
    CHECK(rep.signers[a].verdict == WAX_SMIME_VALID);
    CHECK(rep.signers[1 - a].verdict == WAX_SMIME_VALID_SIGNER_MISMATCH);
    CHECK(rep.signers[1 - a].err == WAX_ERR_SMIME_SIGNER_MISMATCH);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* one untrusted signer makes the message untrusted */
    vo.trust.time = TP_T0 + 20 * TP_YEAR;
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_PATH_EXPIRED);
    CHECK(rep.verdict == WAX_SMIME_UNTRUSTED);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

/* ContentInfo { signedData, SignedData { 1, {}, { data, "x" }, {} } } */
static const uint8_t no_signers[] = {
    0x30, 0x28, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x07, 0x02, 0xa0, 0x1b, 0x30, 0x19, 0x02, 0x01, 0x01, 0x31, 0x00,
    0x30, 0x10, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x07, 0x01, 0xa0, 0x03, 0x04, 0x01, 0x78, 0x31, 0x00};

TEST(smime_verify_not_signed)
{
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    struct wax_buf out;
    CHECK_ERR(
        verify_buf(&vo, no_signers, sizeof no_signers, NULL, 0, &out, &rep),
        WAX_ERR_CMS_NO_SIGNERS);
    CHECK(rep.verdict == WAX_SMIME_INVALID);
    CHECK(rep.num_signers == 0);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);

    CHECK_ERR(verify_buf(&vo, (const uint8_t *)msg_plain, strlen(msg_plain),
                         NULL, 0, &out, &rep),
              WAX_ERR_SMIME_NOT_SIGNED);
    CHECK(rep.verdict == WAX_SMIME_NOT_SIGNED);
    CHECK(rep.status == WAX_SMIME_STATUS_REJECTED);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);

    /* a multipart/mixed with a signed message inside */
    struct wax_buf sm;
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    struct wax_buf mixed;
    sf_out_init(&mixed);
    const char *head = "From: alice@example.org\r\n"
                       "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
                       "--XX\r\nContent-Type: text/plain\r\n\r\nunsigned\r\n"
                       "--XX\r\nContent-Type: message/rfc822\r\n\r\n";
    CHECK_ERR(wax_buf_append_str(&mixed, head), WAX_OK);
    CHECK_ERR(wax_buf_append(&mixed, sm.data, sm.len), WAX_OK);
    CHECK_ERR(wax_buf_append_str(&mixed, "\r\n--XX--\r\n"), WAX_OK);
    CHECK_ERR(verify_buf(&vo, mixed.data, mixed.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_NOT_SIGNED); /* message/rfc822 is not descended */
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&mixed);
    sf_out_init(&mixed);
    const char *head2 =
        "From: alice@example.org\r\n"
        "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
        "--XX\r\nContent-Type: text/plain\r\n\r\nunsigned\r\n--XX\r\n";
    CHECK_ERR(wax_buf_append_str(&mixed, head2), WAX_OK);
    /* the signed message's own header as the part's header */
    const uint8_t *ct = (const uint8_t *)strstr(
        (const char *)sm.data, "Content-Type: multipart/signed");
    CHECK(ct != NULL);
    CHECK_ERR(wax_buf_append(&mixed, ct, sm.len - (size_t)(ct - sm.data)),
              WAX_OK);
    CHECK_ERR(wax_buf_append_str(&mixed, "\r\n--XX--\r\n"), WAX_OK);
    CHECK_ERR(verify_buf(&vo, mixed.data, mixed.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_PARTIALLY_SIGNED);
    CHECK(rep.verdict == WAX_SMIME_PARTIALLY_SIGNED);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&mixed);
    wax_buf_cleanup(&sm);

    /* garbage that looks like DER */
    static const uint8_t junk[] = {0x30, 0x82, 0x00, 0x03, 0x01, 0x02};
    wax_err got = verify_buf(&vo, junk, sizeof junk, NULL, 0, &out, &rep);
    CHECK(got != WAX_OK && rep.verdict == WAX_SMIME_INVALID);
    CHECK(out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* empty input */
    CHECK_ERR(verify_buf(&vo, NULL, 0, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_NOT_SIGNED);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
}

TEST(smime_verify_chunking)
{
    /* every split of the input gives the same verdict */
    struct wax_buf sm, out;
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    size_t steps[] = {1, 2, 3, 7, 64, 1000};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        struct wax_smime_report rep;
        struct wax_smime_op *op = NULL;
        sf_out_init(&out);
        CHECK_ERR(wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep),
                  WAX_OK);
        for (size_t i = 0; i < sm.len; i += steps[k]) {
            size_t n = sm.len - i < steps[k] ? sm.len - i : steps[k];
            CHECK_ERR(wax_sink_write(wax_smime_op_sink(op), sm.data + i, n),
                      WAX_OK);
        }
        CHECK_ERR(wax_sink_close(wax_smime_op_sink(op)), WAX_OK);
        CHECK(rep.verdict == WAX_SMIME_VALID);
        CHECK(out.len == strlen(entity_plain));
        wax_smime_op_free(op);
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&out);
    }
    wax_buf_cleanup(&sm);
}

/* Replaces the first FROM in B by TO (same buffer, may change length). */
static bool
replace_in(struct wax_buf *b, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    for (size_t i = 0; fl <= b->len && i <= b->len - fl; i++) {
        if (memcmp(b->data + i, from, fl) != 0) {
            continue;
        }
        struct wax_buf n;
        sf_out_init(&n);
        if (wax_buf_append(&n, b->data, i) != WAX_OK ||
            wax_buf_append(&n, (const uint8_t *)to, tl) != WAX_OK ||
            wax_buf_append(&n, b->data + i + fl, b->len - i - fl) != WAX_OK) {
            wax_buf_cleanup(&n);
            return false;
        }
        wax_buf_cleanup(b);
        *b = n;
        return true;
    }
    return false;
}

TEST(smime_verify_legacy_media_types)
{
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_smime_report rep;
    struct wax_buf sm, out;
    /* application/x-pkcs7-mime without smime-type, named smime.p7m */
    CHECK_ERR(sign_alice(msg_plain, true, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK(replace_in(&sm, "application/pkcs7-mime; smime-type=signed-data;",
                     "application/x-pkcs7-mime;"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(rep.layers[0].legacy_x);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_PKCS7_MIME);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* smime-type says enveloped-data, the object says signedData: the
     * object decides */
    CHECK(replace_in(&sm, "application/x-pkcs7-mime;",
                     "application/pkcs7-mime; smime-type=enveloped-data;"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* multipart/signed with the x- protocol and signature part */
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    CHECK(replace_in(&sm, "protocol=\"application/pkcs7-signature\"",
                     "protocol=\"application/x-pkcs7-signature\""));
    CHECK(replace_in(&sm, "Content-Type: application/pkcs7-signature",
                     "Content-Type: application/x-pkcs7-signature"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VALID);
    CHECK(rep.layers[0].legacy_x);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* the encrypted message given to verify: NOT_SIGNED, layer reported */
    struct sf_list rl;
    struct wax_smime_certs rc = sf_certs(&rl, &sf_pki()->carol, NULL);
    struct wax_smime_encrypt_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.recipients = &rc;
    eo.trust.time = SF_NOW;
    sf_out_init(&sm);
    CHECK_ERR(wax_smime_encrypt(&eo, (const uint8_t *)msg_plain,
                                strlen(msg_plain), wax_buf_sink(&sm), &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_NOT_SIGNED);
    CHECK(rep.verdict == WAX_SMIME_NOT_SIGNED);
    CHECK(rep.num_layers == 1 &&
          rep.layers[0].type == WAX_SMIME_LAYER_ENVELOPED);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);

    /* a signed message whose signature part is cut off */
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_MIME, false, &sm),
              WAX_OK);
    uint8_t *second = (uint8_t *)strstr(
        (char *)sm.data, "Content-Type: application/pkcs7-signature");
    CHECK(second != NULL);
    size_t cut = (size_t)(second - sm.data);
    CHECK_ERR(verify_buf(&vo, sm.data, cut, NULL, 0, &out, &rep),
              WAX_ERR_MIME_NO_CLOSE_DELIMITER);
    CHECK(rep.verdict == WAX_SMIME_INVALID);
    CHECK(out.len == 0 && !out.closed);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

TEST(smime_verify_pem_forms)
{
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    vo.from = "alice@example.org";
    struct wax_smime_report rep;
    struct wax_buf sm, out;
    CHECK_ERR(sign_alice(msg_plain, false, WAX_SMIME_FORMAT_PEM, false, &sm),
              WAX_OK);
    /* the older label, CRLF line ends, white space before */
    CHECK(replace_in(&sm, "-----BEGIN CMS-----\n",
                     "\r\n-----BEGIN PKCS7-----\r\n"));
    CHECK(replace_in(&sm, "-----END CMS-----", "-----END PKCS7-----"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep), WAX_OK);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_PEM);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* no END line */
    uint8_t *end = (uint8_t *)strstr((char *)sm.data, "-----END");
    CHECK(end != NULL);
    CHECK_ERR(
        verify_buf(&vo, sm.data, (size_t)(end - sm.data), NULL, 0, &out, &rep),
        WAX_ERR_SMIME_BAD_PEM);
    CHECK(rep.verdict == WAX_SMIME_INVALID && out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* an RFC 1421 header inside the block */
    CHECK(replace_in(&sm, "-----BEGIN PKCS7-----\r\n",
                     "-----BEGIN PKCS7-----\r\nProc-Type: 4,ENCRYPTED\r\n"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_SMIME_BAD_PEM);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* base64 damage */
    CHECK(replace_in(&sm, "Proc-Type: 4,ENCRYPTED\r\n", "!"));
    CHECK_ERR(verify_buf(&vo, sm.data, sm.len, NULL, 0, &out, &rep),
              WAX_ERR_BASE64_INVALID_CHAR);
    CHECK(out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}
