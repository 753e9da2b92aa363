/*
 * fuzz_pki_req - wax_pki_req_to_template on arbitrary bytes, and issuing
 * a certificate from what it accepts.
 *
 * Oracles: on failure no key is left and the template is zero; on
 * success the template's subject is the request's subject (inside the
 * input), there is a key, at most WAX_MAX_PKI_EMAILS NUL-terminated
 * emails of at most WAX_MAX_PKI_EMAIL_LEN bytes, the SIGN profile's key
 * usage; a certificate issued from the request (a fixed P-256 CA) either
 * fails with a wax error or parses and verifies under the CA's key.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/pki.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            abort();                                                           \
        }                                                                      \
    } while (0)

static struct wax_privkey *ca_key;
static struct wax_buf ca_cert;

static void
make_ca(void)
{
    struct wax_pubkey *pub = NULL;
    struct wax_buf name;
    struct wax_pki_cert_template t;
    wax_buf_init(&name, WAX_MAX_PKI_NAME_BYTES);
    wax_buf_init(&ca_cert, WAX_MAX_PKI_CERT_BYTES);
    ASSERT(wax_privkey_generate(&ca_key, WAX_KEYGEN_P256) == WAX_OK);
    ASSERT(wax_privkey_public(ca_key, &pub) == WAX_OK);
    ASSERT(wax_pki_dn_parse(&name, "CN=Fuzz CA", 10) == WAX_OK);
    wax_pki_cert_template_init(&t);
    ASSERT(wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_CA, pub) ==
           WAX_OK);
    t.subject = name.data;
    t.subject_len = name.len;
    t.not_before = 1577836800;
    t.not_after = 2208988800;
    ASSERT(wax_pki_cert_make(&ca_cert, &t, ca_key, NULL, 0, pub) == WAX_OK);
    wax_pubkey_free(pub);
    wax_buf_cleanup(&name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct wax_pki_from_req r;
    if (ca_key == NULL) {
        make_ca();
    }
    wax_err err = wax_pki_req_to_template(&r, data, size, WAX_PKI_PROFILE_SIGN);
    if (err != WAX_OK) {
        ASSERT(r.key == NULL && r.t.subject == NULL && r.t.num_emails == 0);
        return 0;
    }
    ASSERT(r.key != NULL && r.t.subject >= data &&
           r.t.subject + r.t.subject_len <= data + size);
    ASSERT(r.t.num_emails <= WAX_MAX_PKI_EMAILS);
    for (size_t i = 0; i < r.t.num_emails; i++) {
        ASSERT(strlen(r.t.emails[i]) <= WAX_MAX_PKI_EMAIL_LEN);
    }
    ASSERT(!r.t.ca && r.t.key_usage ==
                          (WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION));
    wax_pki_from_req_cleanup(&r);

    struct wax_buf out;
    wax_buf_init(&out, WAX_MAX_PKI_CERT_BYTES);
    err = wax_pki_cert_from_req(&out, data, size, WAX_PKI_PROFILE_SIGN,
                                1600000000, 1700000000, NULL, ca_key,
                                ca_cert.data, ca_cert.len);
    if (err == WAX_OK) {
        static struct wax_x509_cert c, ca;
        ASSERT(wax_x509_cert_parse(&c, out.data, out.len) == WAX_OK);
        ASSERT(wax_x509_cert_parse(&ca, ca_cert.data, ca_cert.len) == WAX_OK);
        ASSERT(wax_x509_cert_verify_signature(&c, ca.spki.der) == WAX_OK);
    } else {
        ASSERT(out.len == 0);
    }
    wax_buf_cleanup(&out);
    return 0;
}
