/*
 * Unit tests of encrypt and decrypt (src/smime/envelope.c): every cipher
 * and key transport, the verdicts, AEAD all-or-nothing, require_auth, the
 * recipient policy, and the outer headers of the decrypted message.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#include "../harness.h"
#include "../smime_fixture.h"

static const char msg[] =
    "From: Alice <alice@example.org>\r\n"
    "To: carol@example.org\r\n"
    "Subject: secret\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "The password is caf\xc3\xa9 but tell nobody about it.\r\n";

static const char inner[] =
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "The password is caf=C3=A9 but tell nobody about it.\r\n";

static wax_err
encrypt_to(const struct tp_ident *rcpt, enum wax_smime_cipher cipher, bool oaep,
           enum wax_smime_format format, struct wax_buf *out,
           struct wax_smime_report *rep)
{
    struct sf_list l;
    struct wax_smime_certs rc = sf_certs(&l, rcpt, NULL);
    struct wax_smime_encrypt_opts o;
    memset(&o, 0, sizeof o);
    o.recipients = &rc;
    o.cipher = cipher;
    o.rsa_oaep = oaep;
    o.format = format;
    o.trust.time = SF_NOW;
    sf_out_init(out);
    return wax_smime_encrypt(&o, (const uint8_t *)msg, strlen(msg),
                             wax_buf_sink(out), rep);
}

static wax_err
decrypt_as(const struct tp_ident *who, bool require_auth, const uint8_t *in,
           size_t len, struct wax_buf *out, struct wax_smime_report *rep)
{
    struct wax_smime_identity id = sf_id(who);
    struct wax_smime_decrypt_opts o;
    memset(&o, 0, sizeof o);
    o.identities = &id;
    o.num_identities = 1;
    o.require_auth = require_auth;
    sf_out_init(out);
    return wax_smime_decrypt(&o, in, len, wax_buf_sink(out), rep);
}

TEST(smime_encrypt_decrypt_all)
{
    struct sf_pki *p = sf_pki();
    struct {
        enum wax_smime_cipher cipher;
        enum wax_cipher_alg alg;
        bool aead;
    } ciphers[] = {
        {WAX_SMIME_CIPHER_DEFAULT, WAX_CIPHER_AES256_CBC, false},
        {WAX_SMIME_CIPHER_AES128_CBC, WAX_CIPHER_AES128_CBC, false},
        {WAX_SMIME_CIPHER_AES192_CBC, WAX_CIPHER_AES192_CBC, false},
        {WAX_SMIME_CIPHER_AES256_CBC, WAX_CIPHER_AES256_CBC, false},
        {WAX_SMIME_CIPHER_AES128_GCM, WAX_CIPHER_AES128_GCM, true},
        {WAX_SMIME_CIPHER_AES256_GCM, WAX_CIPHER_AES256_GCM, true},
    };
    for (size_t c = 0; c < sizeof ciphers / sizeof ciphers[0]; c++) {
        for (int oaep = 0; oaep < 2; oaep++) {
            struct wax_buf enc, out;
            struct wax_smime_report rep;
            CHECK_ERR(encrypt_to(&p->carol, ciphers[c].cipher, oaep,
                                 WAX_SMIME_FORMAT_MIME, &enc, &rep),
                      WAX_OK);
            CHECK(rep.num_layers == 1 &&
                  rep.layers[0].cipher == ciphers[c].alg);
            wax_smime_report_cleanup(&rep);
            CHECK(enc.closed);
            CHECK(memcmp(enc.data, "From: Alice <alice@example.org>\r\n", 33) ==
                  0);
            CHECK(sf_contains(enc.data, enc.len,
                              ciphers[c].aead ? "smime-type=authEnveloped-data"
                                              : "smime-type=enveloped-data"));
            CHECK(!sf_contains(enc.data, enc.len, "password"));
            CHECK_ERR(
                decrypt_as(&p->carol, false, enc.data, enc.len, &out, &rep),
                WAX_OK);
            CHECK_MSG(rep.verdict ==
                          (ciphers[c].aead
                               ? WAX_SMIME_DECRYPTED_AUTHENTICATED
                               : WAX_SMIME_DECRYPTED_UNAUTHENTICATED),
                      "cipher %zu oaep %d: %s", c, oaep,
                      wax_smime_verdict_name(rep.verdict));
            CHECK(rep.status == WAX_SMIME_STATUS_OK);
            CHECK(rep.num_warnings == (ciphers[c].aead ? 0u : 1u));
            CHECK(rep.num_layers == 1);
            CHECK(rep.layers[0].type == (ciphers[c].aead
                                             ? WAX_SMIME_LAYER_AUTH_ENVELOPED
                                             : WAX_SMIME_LAYER_ENVELOPED));
            CHECK(rep.layers[0].cipher == ciphers[c].alg);
            CHECK(rep.num_recipients == 1 && rep.recipients[0].matched);
            CHECK(rep.recipients[0].key_transport ==
                  (oaep ? WAX_CMS_KT_RSA_OAEP : WAX_CMS_KT_RSA_PKCS1));
            CHECK(strcmp(rep.recipients[0].issuer, "CN=Test Root") == 0);
            CHECK(strcmp(rep.recipients[0].serial, "09") == 0);
            /* the outer fields come back, then MIME-Version, the entity */
            const char *want_head = "From: Alice <alice@example.org>\r\n"
                                    "To: carol@example.org\r\n"
                                    "Subject: secret\r\n"
                                    "MIME-Version: 1.0\r\n";
            CHECK(out.closed);
            CHECK(out.len == strlen(want_head) + strlen(inner));
            CHECK(memcmp(out.data, want_head, strlen(want_head)) == 0);
            CHECK(memcmp(out.data + strlen(want_head), inner, strlen(inner)) ==
                  0);
            wax_smime_report_cleanup(&rep);
            wax_buf_cleanup(&out);
            /* CBC with require_auth fails and releases nothing */
            wax_err want =
                ciphers[c].aead ? WAX_OK : WAX_ERR_SMIME_NOT_AUTHENTICATED;
            CHECK_ERR(
                decrypt_as(&p->carol, true, enc.data, enc.len, &out, &rep),
                want);
            if (!ciphers[c].aead) {
                CHECK(rep.verdict == WAX_SMIME_DECRYPT_FAILED);
                CHECK(out.len == 0 && !out.closed);
            }
            wax_smime_report_cleanup(&rep);
            wax_buf_cleanup(&out);
            wax_buf_cleanup(&enc);
        }
    }
}

TEST(smime_encrypt_raw_forms)
{
    struct sf_pki *p = sf_pki();
    struct wax_buf enc, out;
    struct wax_smime_report rep;
    CHECK_ERR(encrypt_to(&p->carol, WAX_SMIME_CIPHER_AES128_GCM, false,
                         WAX_SMIME_FORMAT_DER, &enc, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK(enc.data[0] == 0x30);
    CHECK_ERR(decrypt_as(&p->carol, false, enc.data, enc.len, &out, &rep),
              WAX_OK);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_DER);
    /* a bare CMS has no outer header: the entity alone */
    CHECK(out.len == strlen(inner) && memcmp(out.data, inner, out.len) == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&enc);

    CHECK_ERR(encrypt_to(&p->carol, WAX_SMIME_CIPHER_AES256_CBC, true,
                         WAX_SMIME_FORMAT_PEM, &enc, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK(memcmp(enc.data, "-----BEGIN CMS-----\n", 20) == 0);
    CHECK_ERR(decrypt_as(&p->carol, false, enc.data, enc.len, &out, &rep),
              WAX_OK);
    CHECK(rep.layers[0].form == WAX_SMIME_FORM_PEM);
    CHECK(out.len == strlen(inner));
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&enc);
}

TEST(smime_decrypt_gcm_tampered)
{
    struct sf_pki *p = sf_pki();
    struct wax_buf enc, out;
    struct wax_smime_report rep;
    CHECK_ERR(encrypt_to(&p->carol, WAX_SMIME_CIPHER_AES256_GCM, false,
                         WAX_SMIME_FORMAT_DER, &enc, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    /* the tag is the last 16 bytes; the ciphertext ends before it */
    size_t where[] = {enc.len - 1, enc.len - 16, enc.len - 30};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        enc.data[where[i]] ^= 0x01;
        CHECK_ERR(decrypt_as(&p->carol, false, enc.data, enc.len, &out, &rep),
                  WAX_ERR_CMS_TAG_MISMATCH);
        CHECK(rep.verdict == WAX_SMIME_DECRYPT_FAILED);
        CHECK(rep.status == WAX_SMIME_STATUS_REJECTED);
        CHECK(out.len == 0 && !out.closed && !rep.released);
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&out);
        enc.data[where[i]] ^= 0x01;
    }
    /* truncated */
    CHECK_ERR(decrypt_as(&p->carol, false, enc.data, enc.len - 20, &out, &rep),
              WAX_ERR_BER_TRUNCATED);
    CHECK(rep.verdict == WAX_SMIME_DECRYPT_FAILED && out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* the wrong key: no recipient */
    CHECK_ERR(decrypt_as(&p->alice, false, enc.data, enc.len, &out, &rep),
              WAX_ERR_CMS_NO_RECIPIENT);
    CHECK(rep.verdict == WAX_SMIME_DECRYPT_FAILED && out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* intact */
    CHECK_ERR(decrypt_as(&p->carol, false, enc.data, enc.len, &out, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&enc);

    /* CBC: a changed last block breaks the padding (uniform failure) */
    CHECK_ERR(encrypt_to(&p->carol, WAX_SMIME_CIPHER_AES128_CBC, false,
                         WAX_SMIME_FORMAT_DER, &enc, &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    enc.data[enc.len - 1] ^= 0x80;
    wax_err got = decrypt_as(&p->carol, false, enc.data, enc.len, &out, &rep);
    /* a flipped bit in the last ciphertext byte gives bad padding, except
     * in the rare case the padding still looks valid */
    if (got != WAX_OK) {
        CHECK(got == WAX_ERR_CMS_DECRYPT_FAILED);
        CHECK(rep.verdict == WAX_SMIME_DECRYPT_FAILED && out.len == 0);
    }
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&enc);
}

TEST(smime_decrypt_not_encrypted)
{
    struct sf_pki *p = sf_pki();
    struct wax_buf out;
    struct wax_smime_report rep;
    CHECK_ERR(decrypt_as(&p->carol, false, (const uint8_t *)msg, strlen(msg),
                         &out, &rep),
              WAX_ERR_SMIME_NOT_ENCRYPTED);
    CHECK(rep.verdict == WAX_SMIME_DECRYPT_FAILED && out.len == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    /* a signed message given to decrypt */
    struct wax_smime_identity id = sf_id(&p->alice);
    struct wax_smime_sign_opts so;
    memset(&so, 0, sizeof so);
    so.signers = &id;
    so.num_signers = 1;
    so.opaque = true;
    struct wax_buf sm;
    sf_out_init(&sm);
    CHECK_ERR(wax_smime_sign(&so, (const uint8_t *)msg, strlen(msg),
                             wax_buf_sink(&sm), &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(decrypt_as(&p->carol, false, sm.data, sm.len, &out, &rep),
              WAX_ERR_SMIME_NOT_ENCRYPTED);
    CHECK(rep.num_layers == 1 && rep.layers[0].type == WAX_SMIME_LAYER_SIGNED);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&sm);
}

TEST(smime_encrypt_recipient_policy)
{
    struct sf_pki *p = sf_pki();
    struct wax_buf enc;
    struct wax_smime_report rep;
    struct {
        const struct tp_ident *r;
        wax_err want;
    } rows[] = {
        {&p->sign_only, WAX_ERR_PATH_BAD_KEY_USAGE},
        {&p->bad_eku, WAX_ERR_PATH_BAD_EKU},
        {&p->expired, WAX_ERR_PATH_EXPIRED},
        {&p->bob, WAX_ERR_PATH_BAD_KEY_USAGE}, /* EC, signing only */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sf_list l;
        struct wax_smime_certs rc = sf_certs(&l, &p->carol, rows[i].r);
        struct wax_smime_encrypt_opts o;
        memset(&o, 0, sizeof o);
        o.recipients = &rc;
        o.trust.time = SF_NOW;
        sf_out_init(&enc);
        CHECK_ERR(wax_smime_encrypt(&o, (const uint8_t *)msg, strlen(msg),
                                    wax_buf_sink(&enc), &rep),
                  rows[i].want);
        CHECK(rep.err_index == 1);
        CHECK(rep.status == WAX_SMIME_STATUS_ERROR);
        CHECK(enc.len == 0);
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&enc);
    }
    /* with anchors, the chain is checked too */
    struct sf_list l, a;
    struct wax_smime_certs rc = sf_certs(&l, &p->carol, NULL);
    struct wax_smime_encrypt_opts o;
    memset(&o, 0, sizeof o);
    o.recipients = &rc;
    o.trust.time = SF_NOW;
    o.trust.anchors = sf_certs(&a, &p->other_root, NULL);
    sf_out_init(&enc);
    CHECK_ERR(wax_smime_encrypt(&o, (const uint8_t *)msg, strlen(msg),
                                wax_buf_sink(&enc), &rep),
              WAX_ERR_PATH_NO_ISSUER);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&enc);
    o.trust.anchors = sf_certs(&a, &p->root, NULL);
    sf_out_init(&enc);
    CHECK_ERR(wax_smime_encrypt(&o, (const uint8_t *)msg, strlen(msg),
                                wax_buf_sink(&enc), &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&enc);
    /* options */
    o.cipher = (enum wax_smime_cipher)99;
    sf_out_init(&enc);
    CHECK_ERR(wax_smime_encrypt(&o, (const uint8_t *)msg, strlen(msg),
                                wax_buf_sink(&enc), &rep),
              WAX_ERR_SMIME_BAD_OPTION);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&enc);
    enum wax_smime_cipher c;
    CHECK_ERR(wax_smime_cipher_parse(&c, "aes128-gcm"), WAX_OK);
    CHECK(c == WAX_SMIME_CIPHER_AES128_GCM);
    CHECK_ERR(wax_smime_cipher_parse(&c, "des-cbc"), WAX_ERR_SMIME_BAD_OPTION);
    /* a decryption key that is not its certificate's */
    struct wax_smime_identity id = sf_id(&p->carol);
    id.key = p->alice.key;
    struct wax_smime_decrypt_opts d;
    memset(&d, 0, sizeof d);
    d.identities = &id;
    d.num_identities = 1;
    struct wax_smime_op *op = NULL;
    sf_out_init(&enc);
    CHECK_ERR(wax_smime_decrypt_new(&op, &d, wax_buf_sink(&enc), &rep),
              WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK(op == NULL && rep.status == WAX_SMIME_STATUS_ERROR);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&enc);
}

TEST(smime_inspect)
{
    struct sf_pki *p = sf_pki();
    struct wax_buf enc;
    struct wax_smime_report rep;
    struct sf_list l;
    struct wax_smime_certs rc = sf_certs(&l, &p->carol, &p->alice);
    struct wax_smime_encrypt_opts o;
    memset(&o, 0, sizeof o);
    o.recipients = &rc;
    o.cipher = WAX_SMIME_CIPHER_AES256_GCM;
    o.trust.time = SF_NOW;
    sf_out_init(&enc);
    CHECK_ERR(wax_smime_encrypt(&o, (const uint8_t *)msg, strlen(msg),
                                wax_buf_sink(&enc), &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(wax_smime_inspect(NULL, enc.data, enc.len, &rep), WAX_OK);
    CHECK(rep.verdict == WAX_SMIME_VERDICT_NONE);
    CHECK(rep.num_layers == 1);
    CHECK(rep.layers[0].type == WAX_SMIME_LAYER_AUTH_ENVELOPED);
    CHECK(rep.layers[0].cipher == WAX_CIPHER_AES256_GCM);
    CHECK(rep.num_recipients == 2);
    /* a SET OF: in DER order */
    CHECK((strcmp(rep.recipients[0].serial, "02") == 0 &&
           strcmp(rep.recipients[1].serial, "09") == 0) ||
          (strcmp(rep.recipients[0].serial, "09") == 0 &&
           strcmp(rep.recipients[1].serial, "02") == 0));
    CHECK(!rep.recipients[0].matched && !rep.recipients[1].matched);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&enc);

    /* a signed message: signers and certificates, without verdicts */
    struct wax_smime_identity id = sf_id(&p->alice);
    struct wax_smime_sign_opts so;
    memset(&so, 0, sizeof so);
    so.signers = &id;
    so.num_signers = 1;
    struct wax_buf sm;
    sf_out_init(&sm);
    CHECK_ERR(wax_smime_sign(&so, (const uint8_t *)msg, strlen(msg),
                             wax_buf_sink(&sm), &rep),
              WAX_OK);
    wax_smime_report_cleanup(&rep);
    CHECK_ERR(wax_smime_inspect(NULL, sm.data, sm.len, &rep), WAX_OK);
    CHECK(rep.num_layers == 1 && rep.layers[0].type == WAX_SMIME_LAYER_SIGNED);
    CHECK(rep.num_signers == 1);
    CHECK(rep.signers[0].verdict == WAX_SMIME_VERDICT_NONE);
    CHECK(strcmp(rep.signers[0].subject, "CN=Alice") == 0);
    CHECK(rep.num_certs == 1);
    CHECK(strcmp(rep.certs[0].subject, "CN=Alice") == 0);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&sm);
}
