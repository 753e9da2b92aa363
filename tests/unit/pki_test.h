/*
 * tests/unit/pki_test.h - helpers shared by the pki request and CRL
 * tests: cached keys, a CA made with wax_pki_cert_make, a leaf issued by
 * it.
 */
#ifndef WAX_TESTS_PKI_TEST_H
#define WAX_TESTS_PKI_TEST_H

#include <string.h>

#include <wax/pki.h>

/* Keys generated once per file and run (RSA generation is slow). */
static inline struct wax_privkey *
pt_key(enum wax_keygen kind, int slot)
{
    static struct wax_privkey *cache[WAX_KEYGEN_X448 + 1][3];
    if (kind < WAX_KEYGEN_RSA2048 || kind > WAX_KEYGEN_X448 || slot < 0 ||
        slot > 2) {
        return NULL;
    }
    if (cache[kind][slot] == NULL &&
        wax_privkey_generate(&cache[kind][slot], kind) != WAX_OK) {
        return NULL;
    }
    return cache[kind][slot];
}

static inline struct wax_pubkey *
pt_public(const struct wax_privkey *k)
{
    struct wax_pubkey *pub = NULL;
    if (k == NULL || wax_privkey_public(k, &pub) != WAX_OK) {
        return NULL;
    }
    return pub;
}

/* pt_spki appends KEY's SubjectPublicKeyInfo to OUT. */
static inline wax_err
pt_spki(const struct wax_privkey *key, struct wax_buf *out)
{
    struct wax_pubkey *pub = pt_public(key);
    if (pub == NULL) {
        return WAX_ERR_INTERNAL;
    }
    wax_err err = wax_pubkey_to_spki(pub, out);
    wax_pubkey_free(pub);
    return err;
}

/* pt_dn parses a DN string into OUT (capped buffer initialised here). */
static inline wax_err
pt_dn(struct wax_buf *out, const char *text)
{
    wax_buf_init(out, WAX_MAX_PKI_NAME_BYTES);
    return wax_pki_dn_parse(out, text, strlen(text));
}

/* pt_cert makes a certificate for SUBJECT_KEY with PROFILE, issued by
 * ISSUER (NULL: self-signed with SUBJECT_KEY), valid 2020..2040. */
static inline wax_err
pt_cert(struct wax_buf *out, const char *dn, const char *email,
        enum wax_pki_profile profile, const struct wax_privkey *subject_key,
        const struct wax_privkey *issuer_key, const struct wax_buf *issuer)
{
    struct wax_buf name;
    struct wax_pki_cert_template t;
    struct wax_pubkey *pub = pt_public(subject_key);
    if (pub == NULL) {
        return WAX_ERR_INTERNAL;
    }
    wax_err err = pt_dn(&name, dn);
    wax_pki_cert_template_init(&t);
    if (err == WAX_OK) {
        err = wax_pki_cert_template_profile(&t, profile, pub);
    }
    t.subject = name.data;
    t.subject_len = name.len;
    t.not_before = 1577836800; /* 2020-01-01 */
    t.not_after = 2208988800;  /* 2040-01-01 */
    t.emails = &email;
    t.num_emails = email != NULL ? 1 : 0;
    wax_buf_init(out, WAX_MAX_PKI_CERT_BYTES);
    if (err == WAX_OK) {
        err = wax_pki_cert_make(out, &t, issuer ? issuer_key : subject_key,
                                issuer ? issuer->data : NULL,
                                issuer ? issuer->len : 0, pub);
    }
    wax_buf_cleanup(&name);
    wax_pubkey_free(pub);
    return err;
}

#endif
