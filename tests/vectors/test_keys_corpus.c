/*
 * Vectors: every private key and PKCS#12 file of the corpora loads, or
 * fails with its documented error; every loaded key matches its
 * certificate; PKCS#12 files made by the openssl command (modern and
 * -legacy) load, and wax's PKCS#12 files open in the openssl command.
 *
 * Expected values come from the corpus READMEs (key types and sizes,
 * passwords, contents) and from what OpenSSL 3.0 cannot decode (ML-DSA,
 * SLH-DSA, a binary curve, X9.42 DH: keys wax does not support).
 */
#define _GNU_SOURCE /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wax/crypto.h>

#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Helpers: PEM certificate decoding and the SPKI of a certificate.    */

static int
b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

/* Decodes the INDEX-th (0-based) "-----BEGIN CERTIFICATE-----" block of
 * TEXT into a malloc'd buffer; NULL when there is none. */
static uint8_t *
pem_cert(const uint8_t *text, size_t len, int index, size_t *out_len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    const char *p = (const char *)text;
    const char *end_text = p + len;
    for (int i = 0; i <= index; i++) {
        p = memmem(p, (size_t)(end_text - p), begin, sizeof(begin) - 1);
        if (p == NULL) {
            return NULL;
        }
        p += sizeof(begin) - 1;
    }
    const char *end = memmem(p, (size_t)(end_text - p), "-----END", 8);
    if (end == NULL) {
        return NULL;
    }
    uint8_t *out = malloc((size_t)(end - p));
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; out != NULL && p < end; p++) {
        int v = b64_value((uint8_t)*p);
        if (v < 0) {
            continue; /* white space and '=' */
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    *out_len = n;
    return out;
}

/* One DER TLV (definite length, one-byte tag). */
static bool
tlv(const uint8_t **p, size_t *len, uint8_t *tag, const uint8_t **start,
    size_t *total, const uint8_t **content, size_t *content_len)
{
    if (*len < 2) {
        return false;
    }
    const uint8_t *s = *p;
    size_t i = 2, n = s[1];
    if (n & 0x80) {
        size_t k = n & 0x7f;
        if (k == 0 || k > 3 || *len < 2 + k) {
            return false;
        }
        n = 0;
        for (size_t j = 0; j < k; j++) {
            n = (n << 8) | s[2 + j];
        }
        i = 2 + k;
    }
    if (*len - i < n) {
        return false;
    }
    *tag = s[0];
    *start = s;
    *total = i + n;
    *content = s + i;
    *content_len = n;
    *p += i + n;
    *len -= i + n;
    return true;
}

/* The SubjectPublicKeyInfo TLV inside a DER certificate. */
static bool
cert_spki(const uint8_t *cert, size_t cert_len, const uint8_t **spki,
          size_t *spki_len)
{
    const uint8_t *p = cert, *start, *c;
    size_t len = cert_len, total, c_len;
    uint8_t tag;
    if (!tlv(&p, &len, &tag, &start, &total, &c, &c_len) || tag != 0x30) {
        return false;
    }
    p = c;
    len = c_len;
    if (!tlv(&p, &len, &tag, &start, &total, &c, &c_len) || tag != 0x30) {
        return false; /* tbsCertificate */
    }
    p = c;
    len = c_len;
    /* [0] version?, serial, signature, issuer, validity, subject, spki */
    int field = 0;
    while (tlv(&p, &len, &tag, &start, &total, &c, &c_len)) {
        if (field == 0 && tag == 0xa0) {
            continue;
        }
        if (++field == 6) {
            *spki = start;
            *spki_len = total;
            return tag == 0x30;
        }
    }
    return false;
}

static uint8_t *
read_rel(const char *rel, size_t *len)
{
    return wax_test_read_file(wax_test_data_path(rel), len);
}

/* The certificate of REL (PEM: its first CERTIFICATE block; else DER). */
static uint8_t *
read_cert(const char *rel, size_t *len)
{
    size_t n = 0;
    uint8_t *data = read_rel(rel, &n);
    if (data == NULL) {
        return NULL;
    }
    if (memmem(data, n, "-----BEGIN", 10) == NULL) {
        *len = n;
        return data;
    }
    uint8_t *der = pem_cert(data, n, 0, len);
    free(data);
    return der;
}

/* Whether KEY matches the certificate in CERT_REL: the wax_err of
 * wax_privkey_match_spki (WAX_ERR_IO when the file is unreadable). */
static wax_err
match_cert_file(const struct wax_privkey *key, const char *cert_rel)
{
    size_t len = 0;
    uint8_t *der = read_cert(cert_rel, &len);
    if (der == NULL) {
        return WAX_ERR_IO;
    }
    const uint8_t *spki = NULL;
    size_t spki_len = 0;
    wax_err err = cert_spki(der, len, &spki, &spki_len)
                      ? wax_privkey_match_spki(key, spki, spki_len)
                      : WAX_ERR_INTERNAL;
    free(der);
    return err;
}

/* A sign/verify round trip with KEY and its certificate's public key. */
static wax_err
sign_with(const struct wax_privkey *key, const char *cert_rel)
{
    struct wax_sig_alg alg = {WAX_SIG_NONE, WAX_DIGEST_SHA256, WAX_DIGEST_NONE,
                              0};
    switch (wax_privkey_type(key)) {
    case WAX_KEY_RSA:
        alg.scheme = WAX_SIG_RSA_PKCS1;
        break;
    case WAX_KEY_EC:
        alg.scheme = WAX_SIG_ECDSA;
        break;
    case WAX_KEY_ED25519:
        alg.scheme = WAX_SIG_ED25519;
        alg.digest = WAX_DIGEST_NONE;
        break;
    default:
        return WAX_OK; /* not a signing key here */
    }
    size_t len = 0;
    uint8_t *der = read_cert(cert_rel, &len);
    const uint8_t *spki = NULL;
    size_t spki_len = 0;
    struct wax_pubkey *pub = NULL;
    wax_err err = der == NULL ? WAX_ERR_IO : WAX_OK;
    if (err == WAX_OK) {
        err = cert_spki(der, len, &spki, &spki_len)
                  ? wax_pubkey_from_spki(&pub, spki, spki_len)
                  : WAX_ERR_INTERNAL;
    }
    uint8_t sig[WAX_MAX_SIG_BYTES];
    size_t sig_len = 0;
    static const uint8_t m[] = "corpus message";
    if (err == WAX_OK) {
        err = wax_privkey_sign(key, &alg, sig, sizeof(sig), &sig_len, m,
                               sizeof(m));
    }
    if (err == WAX_OK) {
        err = wax_pubkey_verify(pub, &alg, m, sizeof(m), sig, sig_len);
    }
    wax_pubkey_free(pub);
    free(der);
    return err;
}

/* ------------------------------------------------------------------ */
/* Private key files.                                                  */

struct key_file {
    const char *path;     /* relative to the test data */
    const char *password; /* NULL: none */
    wax_err want;
    enum wax_key_type type;
    size_t bits;
    const char *cert; /* its certificate (NULL: none to match) */
    wax_err want_match;
};

#define R9216 "rfc9216-samples/"
#define R4134 "rfc4134-examples/"
#define OSSL "openssl-smime-cms/smime-certs/"

static const struct key_file key_files[] = {
    /* RFC 9216: unencrypted PKCS#8 PEM (README) */
    {R9216 "alice.sign.key", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     R9216 "alice.sign.crt", WAX_OK},
    {R9216 "alice.decrypt.key", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     R9216 "alice.encrypt.crt", WAX_OK},
    {R9216 "bob.sign.key", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     R9216 "bob.sign.crt", WAX_OK},
    {R9216 "bob.decrypt.key", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     R9216 "bob.encrypt.crt", WAX_OK},
    {R9216 "ca.rsa.key", NULL, WAX_OK, WAX_KEY_RSA, 2048, R9216 "ca.rsa.crt",
     WAX_OK},
    {R9216 "ca.25519.key", NULL, WAX_OK, WAX_KEY_ED25519, 256,
     R9216 "ca.25519.crt", WAX_OK},
    {R9216 "carlos.sign.key", NULL, WAX_OK, WAX_KEY_ED25519, 256,
     R9216 "carlos.sign.crt", WAX_OK},
    {R9216 "carlos.decrypt.key", NULL, WAX_OK, WAX_KEY_X25519, 253,
     R9216 "carlos.encrypt.crt", WAX_OK},
    {R9216 "dana.sign.key", NULL, WAX_OK, WAX_KEY_ED25519, 256,
     R9216 "dana.sign.crt", WAX_OK},
    {R9216 "dana.decrypt.key", NULL, WAX_OK, WAX_KEY_X25519, 253,
     R9216 "dana.encrypt.crt", WAX_OK},
    /* the key's certificate of another person: no match */
    {R9216 "alice.sign.key", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     R9216 "alice.encrypt.crt", WAX_ERR_CRYPTO_KEY_MISMATCH},
    /* RFC 4134: DER PKCS#8, DSA-1024 and RSA-1024 (README) */
    {R4134 "AlicePrivDSSSign.pri", NULL, WAX_OK, WAX_KEY_DSA, 1024,
     R4134 "AliceDSSSignByCarlNoInherit.cer", WAX_OK},
    {R4134 "AlicePrivRSASign.pri", NULL, WAX_OK, WAX_KEY_RSA, 1024,
     R4134 "AliceRSASignByCarl.cer", WAX_OK},
    {R4134 "BobPrivRSAEncrypt.pri", NULL, WAX_OK, WAX_KEY_RSA, 1024,
     R4134 "BobRSASignByCarl.cer", WAX_OK},
    {R4134 "CarlPrivDSSSign.pri", NULL, WAX_OK, WAX_KEY_DSA, 1024,
     R4134 "CarlDSSSelf.cer", WAX_OK},
    {R4134 "CarlPrivRSASign.pri", NULL, WAX_OK, WAX_KEY_RSA, 1024,
     R4134 "CarlRSASelf.cer", WAX_OK},
    /* Diane's DSA certificate inherits its parameters from the issuer: a
     * parameterless DSA SPKI is not a usable key on its own */
    {R4134 "DianePrivDSSSign.pri", NULL, WAX_OK, WAX_KEY_DSA, 1024,
     R4134 "DianeDSSSignByCarlInherit.cer", WAX_ERR_CRYPTO_BAD_KEY},
    {R4134 "DianePrivRSASignEncrypt.pri", NULL, WAX_OK, WAX_KEY_RSA, 1024,
     R4134 "DianeRSASignByCarl.cer", WAX_OK},
    /* OpenSSL's S/MIME test keys: PKCS#8 key + certificate per file */
    {OSSL "smroot.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048, OSSL "smroot.pem",
     WAX_OK},
    {OSSL "smrsa1.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048, OSSL "smrsa1.pem",
     WAX_OK},
    {OSSL "smrsa2.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048, OSSL "smrsa2.pem",
     WAX_OK},
    {OSSL "smrsa3.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048, OSSL "smrsa3.pem",
     WAX_OK},
    {OSSL "smrsa3-key.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     OSSL "smrsa3-cert.pem", WAX_OK},
    {OSSL "smrsa1024.pem", NULL, WAX_OK, WAX_KEY_RSA, 1024,
     OSSL "smrsa1024.pem", WAX_OK},
    {OSSL "csrsa1.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048, OSSL "csrsa1.pem",
     WAX_OK},
    {OSSL "smdsa1.pem", NULL, WAX_OK, WAX_KEY_DSA, 2048, OSSL "smdsa1.pem",
     WAX_OK},
    {OSSL "smdsa2.pem", NULL, WAX_OK, WAX_KEY_DSA, 2048, OSSL "smdsa2.pem",
     WAX_OK},
    {OSSL "smdsa3.pem", NULL, WAX_OK, WAX_KEY_DSA, 2048, OSSL "smdsa3.pem",
     WAX_OK},
    {OSSL "smec1.pem", NULL, WAX_OK, WAX_KEY_EC, 256, OSSL "smec1.pem", WAX_OK},
    {OSSL "smec3.pem", NULL, WAX_OK, WAX_KEY_EC, 256, OSSL "smec3.pem", WAX_OK},
    /* K-283 (binary curve), X9.42 DH, post-quantum: not wax keys */
    {OSSL "smec2.pem", NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG, WAX_KEY_NONE, 0,
     NULL, WAX_OK},
    {OSSL "smdh.pem", NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG, WAX_KEY_NONE, 0,
     NULL, WAX_OK},
    {OSSL "sm_mldsa44.pem", NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG, WAX_KEY_NONE,
     0, NULL, WAX_OK},
    {OSSL "sm_slhdsa_sha2_128s.pem", NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG,
     WAX_KEY_NONE, 0, NULL, WAX_OK},
    {OSSL "sm_slhdsa_shake_128s.pem", NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG,
     WAX_KEY_NONE, 0, NULL, WAX_OK},
    {OSSL "sm_slhdsa_shake_256s.pem", NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG,
     WAX_KEY_NONE, 0, NULL, WAX_OK},
    /* DSA parameters only; a certificate only: no private key */
    {OSSL "smdsap.pem", NULL, WAX_ERR_CRYPTO_KEY_FORMAT, WAX_KEY_NONE, 0, NULL,
     WAX_OK},
    {OSSL "badrsa.pem", NULL, WAX_ERR_CRYPTO_KEY_FORMAT, WAX_KEY_NONE, 0, NULL,
     WAX_OK},
    {"openssl-smime-cms/certs/ee-key.pem", NULL, WAX_OK, WAX_KEY_RSA, 2048,
     "openssl-smime-cms/certs/ee-cert.pem", WAX_OK},
    /* real-world: traditional PEM, Proc-Type 4,ENCRYPTED, DES-EDE3-CBC */
    {"real-world-smime/simple-java-mail/smime_test_user.key", "letmein", WAX_OK,
     WAX_KEY_RSA, 4096,
     "real-world-smime/simple-java-mail/smime_test_user.pem.standard.crt",
     WAX_OK},
    {"real-world-smime/simple-java-mail/smime_test_user.key", "letmeout",
     WAX_ERR_CRYPTO_BAD_PASSWORD, WAX_KEY_NONE, 0, NULL, WAX_OK},
    {"real-world-smime/simple-java-mail/smime_test_user.key", NULL,
     WAX_ERR_CRYPTO_BAD_PASSWORD, WAX_KEY_NONE, 0, NULL, WAX_OK},
};

TEST(corpus_private_key_files)
{
    size_t checked = 0;
    for (size_t i = 0; i < sizeof(key_files) / sizeof(key_files[0]); i++) {
        const struct key_file *f = &key_files[i];
        size_t len = 0;
        uint8_t *data = read_rel(f->path, &len);
        CHECK_MSG(data != NULL, "%s: cannot read", f->path);
        struct wax_privkey *key = NULL;
        wax_err err = wax_privkey_load(&key, data, len, f->password);
        free(data);
        wax_err match = WAX_OK, sign = WAX_OK;
        enum wax_key_type type = wax_privkey_type(key);
        size_t bits = wax_privkey_bits(key);
        if (err == WAX_OK && f->cert != NULL) {
            match = match_cert_file(key, f->cert);
            if (match == WAX_OK) {
                sign = sign_with(key, f->cert);
            }
        }
        wax_privkey_free(key);
        CHECK_MSG(err == f->want, "%s: load: got %s, want %s", f->path,
                  wax_err_name(err), wax_err_name(f->want));
        CHECK_MSG(err != WAX_OK || (type == f->type && bits == f->bits),
                  "%s: got %s-%zu, want %s-%zu", f->path,
                  wax_key_type_name(type), bits, wax_key_type_name(f->type),
                  f->bits);
        CHECK_MSG(match == f->want_match, "%s vs %s: got %s, want %s", f->path,
                  f->cert, wax_err_name(match), wax_err_name(f->want_match));
        CHECK_MSG(sign == WAX_OK, "%s: sign/verify with %s: %s", f->path,
                  f->cert, wax_err_name(sign));
        checked++;
    }
    CHECK_EQ_U64(checked, sizeof(key_files) / sizeof(key_files[0]));
}

/* DSA keys load and verify, but wax never signs with them. */
TEST(corpus_dsa_key_does_not_sign)
{
    size_t len = 0;
    uint8_t *data = read_rel(R4134 "AlicePrivDSSSign.pri", &len);
    CHECK(data != NULL);
    struct wax_privkey *key = NULL;
    wax_err err = wax_privkey_load(&key, data, len, NULL);
    free(data);
    CHECK_OK(err);
    const struct wax_sig_alg alg = {WAX_SIG_DSA, WAX_DIGEST_SHA1,
                                    WAX_DIGEST_NONE, 0};
    uint8_t sig[WAX_MAX_SIG_BYTES];
    size_t n = 0;
    err = wax_privkey_sign(key, &alg, sig, sizeof(sig), &n, sig, 4);
    wax_privkey_free(key);
    CHECK_ERR(err, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
}

/* Every key file's folder is covered: a new *.key / *.pri file in the
 * corpus must be added to the table above. */
TEST(corpus_key_table_covers_the_folders)
{
    static const char *const listed[] = {
        R9216 "alice.sign.key",
        R9216 "alice.decrypt.key",
        R9216 "bob.sign.key",
        R9216 "bob.decrypt.key",
        R9216 "ca.rsa.key",
        R9216 "ca.25519.key",
        R9216 "carlos.sign.key",
        R9216 "carlos.decrypt.key",
        R9216 "dana.sign.key",
        R9216 "dana.decrypt.key",
        R4134 "AlicePrivDSSSign.pri",
        R4134 "AlicePrivRSASign.pri",
        R4134 "BobPrivRSAEncrypt.pri",
        R4134 "CarlPrivDSSSign.pri",
        R4134 "CarlPrivRSASign.pri",
        R4134 "DianePrivDSSSign.pri",
        R4134 "DianePrivRSASignEncrypt.pri",
    };
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "ls %s/%s*.key %s/%s*.pri 2>/dev/null | wc -l",
             wax_test_data_dir(), R9216, wax_test_data_dir(), R4134);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    unsigned long n = 0;
    int got = fscanf(p, "%lu", &n);
    pclose(p);
    CHECK(got == 1);
    CHECK_EQ_U64(n, sizeof(listed) / sizeof(listed[0]));
    /* and every PKCS#12 file of the corpora is in p12_files below */
    snprintf(cmd, sizeof(cmd),
             "find %s/rfc9216-samples %s/thunderbird-nss-smime "
             "%s/real-world-smime -name '*.p12' -o -name '*.pfx' -o "
             "-name '*.pkcs12' | wc -l",
             wax_test_data_dir(), wax_test_data_dir(), wax_test_data_dir());
    p = popen(cmd, "r");
    CHECK(p != NULL);
    got = fscanf(p, "%lu", &n);
    pclose(p);
    CHECK(got == 1);
    CHECK_EQ_U64(n, 4 + 7 + 2);
}

/* ------------------------------------------------------------------ */
/* PKCS#12 files.                                                      */

struct p12_file {
    const char *path;
    const char *password;
    wax_err want;
    size_t num_keys, num_certs;
};

#define TB "thunderbird-nss-smime/smime/"
#define SJM "real-world-smime/simple-java-mail/"

static const struct p12_file p12_files[] = {
    /* RFC 9216 §4.5..8.5: 2 keys + 3 certificates, 3DES, SHA-1 MAC */
    {R9216 "alice.p12", "alice", WAX_OK, 2, 3},
    {R9216 "bob.p12", "bob", WAX_OK, 2, 3},
    {R9216 "carlos.p12", "carlos", WAX_OK, 2, 3},
    {R9216 "dana.p12", "dana", WAX_OK, 2, 3},
    {R9216 "alice.p12", "bob", WAX_ERR_CRYPTO_BAD_PASSWORD, 0, 0},
    {R9216 "dana.p12", NULL, WAX_ERR_CRYPTO_BAD_PASSWORD, 0, 0},
    /* NSS: password "nss" (README); EE + CA, Fran without CA */
    {TB "Alice.p12", "nss", WAX_OK, 1, 2},
    {TB "Alice-ec.p12", "nss", WAX_OK, 1, 2},
    {TB "Bob.p12", "nss", WAX_OK, 1, 2},
    {TB "Dave.p12", "nss", WAX_OK, 1, 2},
    {TB "Eve.p12", "nss", WAX_OK, 1, 2},
    {TB "Fran.p12", "nss", WAX_OK, 1, 1},
    {TB "Fran-ec.p12", "nss", WAX_OK, 1, 1},
    {TB "Bob.p12", "NSS", WAX_ERR_CRYPTO_BAD_PASSWORD, 0, 0},
    /* Java keystore and an RC2-40 file: need the legacy provider */
    {SJM "smime_test_user.p12", "letmein", WAX_OK, 1, 1},
    {SJM "smime_keystore.pkcs12", "letmein", WAX_OK, 2, 2},
    {SJM "smime_keystore.pkcs12", "letmeout", WAX_ERR_CRYPTO_BAD_PASSWORD, 0,
     0},
    /* not PKCS#12 at all */
    {R9216 "alice.sign.crt", "alice", WAX_ERR_CRYPTO_PKCS12_FORMAT, 0, 0},
    {R4134 "AlicePrivRSASign.pri", "alice", WAX_ERR_CRYPTO_PKCS12_FORMAT, 0, 0},
};

/* Every key of C matches a certificate of C: the one with its localKeyId
 * when it has one, else any. Returns the first failure. */
static wax_err
p12_keys_match(const struct wax_pkcs12_contents *c, const char **what)
{
    for (size_t i = 0; i < c->num_keys; i++) {
        const struct wax_pkcs12_item *k = &c->keys[i];
        struct wax_privkey *key = NULL;
        wax_err err = wax_privkey_load(&key, k->der, k->der_len, NULL);
        if (err != WAX_OK) {
            *what = "key does not load";
            return err;
        }
        bool matched = false;
        for (size_t j = 0; j < c->num_certs && !matched; j++) {
            const struct wax_pkcs12_item *cert = &c->certs[j];
            if (k->local_key_id != NULL &&
                (cert->local_key_id_len != k->local_key_id_len ||
                 memcmp(cert->local_key_id, k->local_key_id,
                        k->local_key_id_len) != 0)) {
                continue;
            }
            const uint8_t *spki = NULL;
            size_t spki_len = 0;
            matched = cert_spki(cert->der, cert->der_len, &spki, &spki_len) &&
                      wax_privkey_match_spki(key, spki, spki_len) == WAX_OK;
        }
        wax_privkey_free(key);
        if (!matched) {
            *what = "no certificate matches the key";
            return WAX_ERR_CRYPTO_KEY_MISMATCH;
        }
    }
    return WAX_OK;
}

TEST(corpus_pkcs12_files)
{
    for (size_t i = 0; i < sizeof(p12_files) / sizeof(p12_files[0]); i++) {
        const struct p12_file *f = &p12_files[i];
        size_t len = 0;
        uint8_t *data = read_rel(f->path, &len);
        CHECK_MSG(data != NULL, "%s: cannot read", f->path);
        struct wax_pkcs12_contents c;
        wax_err err = wax_pkcs12_load(&c, data, len, f->password);
        free(data);
        const char *what = "";
        wax_err match = err == WAX_OK ? p12_keys_match(&c, &what) : WAX_OK;
        size_t nk = c.num_keys, nc = c.num_certs;
        wax_pkcs12_contents_cleanup(&c);
        if (err == WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE) {
            SKIP("%s: OpenSSL legacy provider unavailable", f->path);
        }
        CHECK_MSG(err == f->want, "%s: got %s, want %s", f->path,
                  wax_err_name(err), wax_err_name(f->want));
        CHECK_MSG(nk == f->num_keys && nc == f->num_certs,
                  "%s: %zu keys, %zu certs; want %zu, %zu", f->path, nk, nc,
                  f->num_keys, f->num_certs);
        CHECK_MSG(match == WAX_OK, "%s: %s (%s)", f->path, what,
                  wax_err_name(match));
    }
}

/* Keys of the RFC 9216 PKCS#12 files are the ones of the .key files. */
TEST(corpus_pkcs12_keys_equal_key_files)
{
    size_t len = 0;
    uint8_t *data = read_rel(R9216 "alice.p12", &len);
    CHECK(data != NULL);
    struct wax_pkcs12_contents c;
    wax_err err = wax_pkcs12_load(&c, data, len, "alice");
    free(data);
    CHECK_OK(err);
    static const char *const certs[] = {R9216 "alice.sign.crt",
                                        R9216 "alice.encrypt.crt"};
    size_t found = 0;
    for (size_t i = 0; i < c.num_keys; i++) {
        struct wax_privkey *k = NULL;
        if (wax_privkey_load(&k, c.keys[i].der, c.keys[i].der_len, NULL) !=
            WAX_OK) {
            continue;
        }
        for (size_t j = 0; j < 2; j++) {
            found += match_cert_file(k, certs[j]) == WAX_OK;
        }
        wax_privkey_free(k);
    }
    bool named = c.num_keys == 2 && c.keys[0].friendly_name != NULL &&
                 strcmp(c.keys[0].friendly_name, "alice") == 0;
    wax_pkcs12_contents_cleanup(&c);
    CHECK_EQ_U64(found, 2);
    CHECK(named);
}

/* ------------------------------------------------------------------ */
/* Interop with the openssl command.                                   */

static bool
have_openssl(void)
{
    return system("command -v openssl >/dev/null 2>&1") == 0;
}

static int
run(const char *dir, const char *cmd)
{
    char line[2048];
    snprintf(line, sizeof(line), "cd '%s' && { %s ; } >/dev/null 2>&1", dir,
             cmd);
    return system(line);
}

static uint8_t *
read_in(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return wax_test_read_file(path, len);
}

static void
remove_dir(const char *dir)
{
    char line[1100];
    snprintf(line, sizeof(line), "rm -rf '%s'", dir);
    if (system(line) != 0) {
        /* nothing more to do */
    }
}

/* Loads NAME from DIR as PKCS#12 with "wax" and checks one key, one
 * certificate (CERT), matching, friendly name "wax-id". */
static wax_err
check_openssl_p12(const char *dir, const char *name, const uint8_t *cert,
                  size_t cert_len, const char **what)
{
    size_t len = 0;
    uint8_t *data = read_in(dir, name, &len);
    if (data == NULL) {
        *what = "openssl wrote no file";
        return WAX_ERR_IO;
    }
    struct wax_pkcs12_contents c;
    wax_err err = wax_pkcs12_load(&c, data, len, "wax");
    free(data);
    if (err != WAX_OK) {
        *what = "load";
        return err;
    }
    err = p12_keys_match(&c, what);
    if (err == WAX_OK && (c.num_keys != 1 || c.num_certs != 1 ||
                          c.certs[0].der_len != cert_len ||
                          memcmp(c.certs[0].der, cert, cert_len) != 0 ||
                          c.keys[0].friendly_name == NULL ||
                          strcmp(c.keys[0].friendly_name, "wax-id") != 0)) {
        *what = "contents";
        err = WAX_ERR_INTERNAL;
    }
    wax_pkcs12_contents_cleanup(&c);
    return err;
}

TEST(openssl_made_pkcs12_modern_and_legacy)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    char dir[] = "/tmp/wax-p12-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int rc = run(dir, "openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem "
                      "-out c.pem -subj /CN=wax-test -days 2 && "
                      "openssl pkcs12 -export -inkey k.pem -in c.pem -name "
                      "wax-id -passout pass:wax -out modern.p12 && "
                      "openssl pkcs12 -export -legacy -inkey k.pem -in c.pem "
                      "-name wax-id -passout pass:wax -out legacy.p12 && "
                      "openssl x509 -in c.pem -outform DER -out c.der");
    size_t cert_len = 0;
    uint8_t *cert = rc == 0 ? read_in(dir, "c.der", &cert_len) : NULL;
    const char *what1 = "", *what2 = "";
    wax_err modern = cert != NULL ? check_openssl_p12(dir, "modern.p12", cert,
                                                      cert_len, &what1)
                                  : WAX_ERR_IO;
    wax_err legacy = cert != NULL ? check_openssl_p12(dir, "legacy.p12", cert,
                                                      cert_len, &what2)
                                  : WAX_ERR_IO;
    free(cert);
    remove_dir(dir);
    CHECK_MSG(rc == 0, "openssl commands failed (%d)", rc);
    if (legacy == WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE) {
        SKIP("OpenSSL legacy provider unavailable");
    }
    CHECK_MSG(modern == WAX_OK, "modern: %s: %s", what1, wax_err_name(modern));
    CHECK_MSG(legacy == WAX_OK, "legacy: %s: %s", what2, wax_err_name(legacy));
}

/* wax's PKCS#12 and encrypted PKCS#8 open in the openssl command; the
 * legacy profile needs openssl's -legacy (RC2-40), as gpgsm 2.2 expects. */
TEST(wax_made_pkcs12_opens_in_openssl)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    char dir[] = "/tmp/wax-p12-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int rc = run(dir, "openssl req -x509 -newkey ec -pkeyopt "
                      "ec_paramgen_curve:P-256 -nodes -keyout k.pem -out c.pem "
                      "-subj /CN=wax-test -days 2 && "
                      "openssl x509 -in c.pem -outform DER -out c.der");
    size_t key_len = 0, cert_len = 0;
    uint8_t *key_pem = rc == 0 ? read_in(dir, "k.pem", &key_len) : NULL;
    uint8_t *cert = rc == 0 ? read_in(dir, "c.der", &cert_len) : NULL;
    struct wax_privkey *key = NULL;
    wax_err err = key_pem != NULL && cert != NULL
                      ? wax_privkey_load(&key, key_pem, key_len, NULL)
                      : WAX_ERR_IO;
    free(key_pem);
    static const struct {
        enum wax_pkcs12_profile profile;
        const char *file;
        const char *cmd;
    } outs[] = {
        {WAX_PKCS12_MODERN, "modern.p12",
         "openssl pkcs12 -in modern.p12 -passin pass:wax -nodes -out m.pem && "
         "grep -q 'BEGIN PRIVATE KEY' m.pem && grep -q 'BEGIN CERT' m.pem"},
        {WAX_PKCS12_LEGACY, "legacy.p12",
         "openssl pkcs12 -legacy -in legacy.p12 -passin pass:wax -nodes -out "
         "l.pem && grep -q 'BEGIN PRIVATE KEY' l.pem && "
         "grep -q 'BEGIN CERT' l.pem && "
         "! openssl pkcs12 -in legacy.p12 -passin pass:wax -nodes"},
    };
    int rcs[2] = {-1, -1};
    for (size_t i = 0; i < 2 && err == WAX_OK; i++) {
        struct wax_buf out;
        wax_buf_init(&out, 1 << 20);
        const uint8_t *certs[] = {cert};
        err = wax_pkcs12_export(&out, key, certs, &cert_len, 1, "wax-id", "wax",
                                outs[i].profile);
        char path[1100];
        snprintf(path, sizeof(path), "%s/%s", dir, outs[i].file);
        FILE *f = err == WAX_OK ? fopen(path, "wb") : NULL;
        if (f != NULL) {
            fwrite(out.data, 1, out.len, f);
            fclose(f);
            rcs[i] = run(dir, outs[i].cmd);
        }
        wax_buf_cleanup(&out);
    }
    /* encrypted PKCS#8 */
    int rc8 = -1;
    if (err == WAX_OK) {
        struct wax_buf p8;
        wax_buf_init(&p8, 1 << 20);
        err = wax_privkey_to_pkcs8_encrypted(key, &p8, "wax", 0);
        char path[1100];
        snprintf(path, sizeof(path), "%s/k8.der", dir);
        FILE *f = err == WAX_OK ? fopen(path, "wb") : NULL;
        if (f != NULL) {
            fwrite(p8.data, 1, p8.len, f);
            fclose(f);
            rc8 = run(dir, "openssl pkcs8 -inform DER -in k8.der -passin "
                           "pass:wax -out k8.pem && "
                           "openssl pkey -in k8.pem -pubout -out a.pub && "
                           "openssl pkey -in k.pem -pubout -out b.pub && "
                           "cmp a.pub b.pub");
        }
        wax_buf_cleanup(&p8);
    }
    wax_privkey_free(key);
    free(cert);
    remove_dir(dir);
    CHECK_MSG(rc == 0, "openssl commands failed (%d)", rc);
    CHECK_OK(err);
    CHECK_MSG(rcs[0] == 0, "openssl cannot read wax's modern PKCS#12");
    CHECK_MSG(rcs[1] == 0, "openssl -legacy cannot read wax's legacy PKCS#12 "
                           "(or reads it without -legacy)");
    CHECK_MSG(rc8 == 0, "openssl cannot read wax's encrypted PKCS#8");
}

/*
 * Keys encrypted by the openssl command in every form it writes: PKCS#8
 * PBES2 (AES, other PRF, scrypt, single DES), PKCS#5/PKCS#12 PBES1 (3DES,
 * RC2-40), traditional PEM with DEK-Info (AES, DES), DER forms. The
 * single-DES and RC2 rows need the legacy provider in both openssl and
 * wax.
 */
TEST(openssl_made_key_files)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    static const char legacy[] = " -provider legacy -provider default";
    static const struct {
        const char *file;
        const char *cmd; /* legacy rows get the provider options added */
        bool encrypted;
        bool ec;
    } rows[] = {
        {"e1.pem",
         "openssl pkcs8 -topk8 -in k.pem -v2 aes-256-cbc "
         "-passout pass:wax -out e1.pem",
         true, false},
        {"e2.pem",
         "openssl pkcs8 -topk8 -in k.pem -v2 aes-128-cbc -v2prf "
         "hmacWithSHA512 -passout pass:wax -out e2.pem",
         true, false},
        {"e3.pem",
         "openssl pkcs8 -topk8 -in k.pem -scrypt -passout pass:wax "
         "-out e3.pem",
         true, false},
        {"e4.pem",
         "openssl pkcs8 -topk8 -in k.pem -v1 PBE-SHA1-3DES "
         "-passout pass:wax -out e4.pem",
         true, false},
        {"e5.pem",
         "openssl pkcs8 -topk8 -in k.pem -v1 PBE-SHA1-RC2-40 "
         "-passout pass:wax -out e5.pem",
         true, false},
        {"e6.pem",
         "openssl pkcs8 -topk8 -in k.pem -v2 des-cbc "
         "-passout pass:wax -out e6.pem",
         true, false},
        {"e7.pem",
         "openssl rsa -in k.pem -aes256 -traditional "
         "-passout pass:wax -out e7.pem",
         true, false},
        {"e8.pem",
         "openssl rsa -in k.pem -des -traditional "
         "-passout pass:wax -out e8.pem",
         true, false},
        {"e9.der",
         "openssl pkcs8 -topk8 -in k.pem -outform DER -v2 "
         "aes-256-cbc -passout pass:wax -out e9.der",
         true, false},
        {"e10.der",
         "openssl rsa -in k.pem -outform DER -traditional "
         "-out e10.der",
         false, false},
        {"e11.pem", "openssl ec -in kec.pem -out e11.pem", false, true},
        {"e12.pem",
         "openssl ec -in kec.pem -aes128 -passout pass:wax "
         "-out e12.pem",
         true, true},
        {"e13.der", "openssl ec -in kec.pem -outform DER -out e13.der", false,
         true},
    };
    char dir[] = "/tmp/wax-keys-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int rc = run(dir, "openssl genpkey -algorithm RSA -pkeyopt "
                      "rsa_keygen_bits:2048 -out k.pem && "
                      "openssl genpkey -algorithm EC -pkeyopt "
                      "ec_paramgen_curve:P-384 -out kec.pem");
    size_t len = 0;
    uint8_t *pem = rc == 0 ? read_in(dir, "k.pem", &len) : NULL;
    struct wax_privkey *ref = NULL, *ref_ec = NULL;
    wax_err e =
        pem != NULL ? wax_privkey_load(&ref, pem, len, NULL) : WAX_ERR_IO;
    free(pem);
    pem = rc == 0 ? read_in(dir, "kec.pem", &len) : NULL;
    if (e == WAX_OK) {
        e = pem != NULL ? wax_privkey_load(&ref_ec, pem, len, NULL)
                        : WAX_ERR_IO;
    }
    free(pem);
    size_t done = 0, skipped = 0, fails = 0;
    char failed[512] = "";
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && e == WAX_OK; i++) {
        char cmd[512];
        bool needs_legacy = strstr(rows[i].cmd, "des-cbc") != NULL ||
                            strstr(rows[i].cmd, "RC2") != NULL ||
                            strstr(rows[i].cmd, "-des ") != NULL;
        snprintf(cmd, sizeof(cmd), "%s%s", rows[i].cmd,
                 needs_legacy ? legacy : "");
        if (run(dir, cmd) != 0) {
            skipped++; /* e.g. no legacy provider for the openssl command */
            continue;
        }
        uint8_t *data = read_in(dir, rows[i].file, &len);
        struct wax_privkey *k = NULL;
        wax_err got =
            data != NULL ? wax_privkey_load(&k, data, len, "wax") : WAX_ERR_IO;
        wax_err wrong = WAX_ERR_CRYPTO_BAD_PASSWORD;
        if (rows[i].encrypted && data != NULL) {
            struct wax_privkey *w = NULL;
            wrong = wax_privkey_load(&w, data, len, "xaw");
            wax_privkey_free(w);
        }
        free(data);
        struct wax_pubkey *a = NULL, *b = NULL;
        bool same =
            got == WAX_OK && wax_privkey_public(k, &a) == WAX_OK &&
            wax_privkey_public(rows[i].ec ? ref_ec : ref, &b) == WAX_OK &&
            wax_pubkey_equal(a, b);
        wax_pubkey_free(a);
        wax_pubkey_free(b);
        wax_privkey_free(k);
        if (!same || wrong != WAX_ERR_CRYPTO_BAD_PASSWORD) {
            fails++;
            size_t used = strlen(failed);
            snprintf(failed + used, sizeof(failed) - used, " %s (%s, %s)",
                     rows[i].file, wax_err_name(got), wax_err_name(wrong));
        }
        done++;
    }
    wax_privkey_free(ref);
    wax_privkey_free(ref_ec);
    remove_dir(dir);
    CHECK_MSG(rc == 0, "openssl key generation failed (%d)", rc);
    CHECK_OK(e);
    CHECK_MSG(fails == 0, "%zu of %zu files:%s", fails, done, failed);
    if (skipped > 0) {
        SKIP("%zu of %zu openssl key forms could not be made (legacy "
             "provider?); %zu checked",
             skipped, sizeof(rows) / sizeof(rows[0]), done);
    }
}
