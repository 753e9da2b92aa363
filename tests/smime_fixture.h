/*
 * tests/smime_fixture.h - a small PKI for the smime tests (made once per
 * process, tests/smime_pki.h) and helpers to run the operations on
 * buffers.
 */
#ifndef WAX_TESTS_SMIME_FIXTURE_H
#define WAX_TESTS_SMIME_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#include "smime_pki.h"

#define SF_UNUSED __attribute__((unused))

/* The verification time of the fixture. */
#define SF_NOW (TP_T0 + 86400)

struct sf_pki {
    struct tp_ident root;       /* "Test Root", P-256 */
    struct tp_ident other_root; /* an unrelated root */
    struct tp_ident alice;      /* RSA, alice@example.org, sign+encrypt */
    struct tp_ident bob;        /* P-256, bob@example.org, sign */
    struct tp_ident noemail;    /* RSA (alice's key), no address */
    struct tp_ident expired;    /* RSA (alice's key), expired */
    struct tp_ident bad_eku;    /* RSA (alice's key), EKU serverAuth */
    struct tp_ident bad_ku;     /* RSA (alice's key), KU keyEncipherment */
    struct tp_ident sign_only;  /* RSA (alice's key), KU digitalSignature */
    struct tp_ident carol;      /* RSA (own key), carol@example.org */
};

static SF_UNUSED struct sf_pki *
sf_pki(void)
{
    static struct sf_pki p;
    static bool made;
    if (made) {
        return &p;
    }
    made = true;
    tp_ident_init(&p.root, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec rs = tp_ca_spec("Test Root");
    tp_make(&p.root, &rs, NULL);
    tp_ident_init(&p.other_root, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec os = tp_ca_spec("Other Root");
    tp_make(&p.other_root, &os, NULL);

    struct wax_privkey *ak = tp_keygen(WAX_KEYGEN_RSA2048);
    tp_ident_init(&p.alice, ak);
    struct tp_spec as = tp_ee_spec("Alice", "alice@example.org");
    as.serial = 2;
    tp_make(&p.alice, &as, &p.root);

    tp_ident_init(&p.bob, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec bs = tp_ee_spec("Bob", "Bob@Example.ORG");
    bs.key_usage = WAX_KU_DIGITAL_SIGNATURE;
    bs.serial = 3;
    tp_make(&p.bob, &bs, &p.root);

    /* certificates for alice's key; their key pointer is alice's and must
     * not be freed twice */
    struct tp_ident *same[] = {&p.noemail, &p.expired, &p.bad_eku, &p.bad_ku,
                               &p.sign_only};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        *same[i] = p.alice;
        same[i]->cert = NULL;
        same[i]->spki = malloc(p.alice.spki_len);
        memcpy(same[i]->spki, p.alice.spki, p.alice.spki_len);
    }
    struct tp_spec s = tp_ee_spec("No Email", NULL);
    s.serial = 4;
    tp_make(&p.noemail, &s, &p.root);
    s = tp_ee_spec("Alice", "alice@example.org");
    s.not_before = TP_T0 - 2 * TP_YEAR;
    s.not_after = TP_T0 - TP_YEAR;
    s.serial = 5;
    tp_make(&p.expired, &s, &p.root);
    s = tp_ee_spec("Alice", "alice@example.org");
    s.ekus[0] = WAX_OID_KP_SERVER_AUTH;
    s.serial = 6;
    tp_make(&p.bad_eku, &s, &p.root);
    s = tp_ee_spec("Alice", "alice@example.org");
    s.key_usage = WAX_KU_KEY_ENCIPHERMENT;
    s.serial = 7;
    tp_make(&p.bad_ku, &s, &p.root);
    s = tp_ee_spec("Alice", "alice@example.org");
    s.key_usage = WAX_KU_DIGITAL_SIGNATURE;
    s.serial = 8;
    tp_make(&p.sign_only, &s, &p.root);

    tp_ident_init(&p.carol, tp_keygen(WAX_KEYGEN_RSA2048));
    s = tp_ee_spec("Carol", "carol@example.org");
    s.serial = 9;
    tp_make(&p.carol, &s, &p.root);
    return &p;
}

/* An identity for the smime layer from a test identity. */
static SF_UNUSED struct wax_smime_identity
sf_id(const struct tp_ident *t)
{
    struct wax_smime_identity id;
    memset(&id, 0, sizeof id);
    id.key = t->key;
    id.cert = t->cert;
    id.cert_len = t->cert_len;
    return id;
}

/* One certificate as a list (static storage: one at a time per slot). */
struct sf_list {
    const uint8_t *der[4];
    size_t lens[4];
};
static SF_UNUSED struct wax_smime_certs
sf_certs(struct sf_list *l, const struct tp_ident *a, const struct tp_ident *b)
{
    size_t n = 0;
    if (a != NULL) {
        l->der[n] = a->cert;
        l->lens[n++] = a->cert_len;
    }
    if (b != NULL) {
        l->der[n] = b->cert;
        l->lens[n++] = b->cert_len;
    }
    struct wax_smime_certs c = {l->der, l->lens, n};
    return c;
}

/* Verify options trusting ROOT at SF_NOW. */
static SF_UNUSED struct wax_smime_verify_opts
sf_verify_opts(struct sf_list *anchors)
{
    struct wax_smime_verify_opts o;
    memset(&o, 0, sizeof o);
    o.trust.anchors = sf_certs(anchors, &sf_pki()->root, NULL);
    o.trust.time = SF_NOW;
    return o;
}

/* A capped output buffer (a wax_buf is a sink). */
static SF_UNUSED void
sf_out_init(struct wax_buf *b)
{
    wax_buf_init(b, (size_t)256 << 20);
}

/* Replace every CRLF by LF (a message stored with Unix line ends). */
static SF_UNUSED size_t
sf_to_lf(uint8_t *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
            continue;
        }
        p[o++] = p[i];
    }
    return o;
}

/* Is NEEDLE in the LEN bytes at HAY? */
static SF_UNUSED bool
sf_contains(const uint8_t *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

#endif
