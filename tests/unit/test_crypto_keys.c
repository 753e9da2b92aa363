/* Unit tests: keys and public-key operations (wax/crypto.h, "Keys"). */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include <wax/crypto.h>

#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Keys generated once per run (RSA generation is the slow part).      */

static struct wax_privkey *
cached_key(enum wax_keygen kind, int slot)
{
    static struct wax_privkey *cache[WAX_KEYGEN_X448 + 1][2];
    if (kind < WAX_KEYGEN_RSA2048 || kind > WAX_KEYGEN_X448 || slot < 0 ||
        slot > 1) {
        return NULL;
    }
    if (cache[kind][slot] == NULL &&
        wax_privkey_generate(&cache[kind][slot], kind) != WAX_OK) {
        return NULL;
    }
    return cache[kind][slot];
}

static struct wax_pubkey *
public_of(const struct wax_privkey *k)
{
    struct wax_pubkey *pub = NULL;
    if (k == NULL || wax_privkey_public(k, &pub) != WAX_OK) {
        return NULL;
    }
    return pub;
}

static const uint8_t msg[] = "The quick brown fox jumps over the lazy dog";

/* ------------------------------------------------------------------ */
/* Sign / verify round trips.                                          */

struct sig_case {
    const char *name;
    enum wax_keygen kind;
    struct wax_sig_alg alg;
};

static const struct sig_case sig_cases[] = {
    {"rsa-pkcs1-sha256",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0}},
    {"rsa-pkcs1-sha1",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA1, WAX_DIGEST_NONE, 0}},
    {"rsa-pkcs1-sha512",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA512, WAX_DIGEST_NONE, 0}},
    {"rsa-pss-sha256-32",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, 32}},
    {"rsa-pss-sha384-0",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA384, WAX_DIGEST_SHA1, 0}},
    {"rsa-pss-sha512-64",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA512, WAX_DIGEST_SHA512, 64}},
    {"ecdsa-p256-sha256",
     WAX_KEYGEN_P256,
     {WAX_SIG_ECDSA, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0}},
    {"ecdsa-p384-sha384",
     WAX_KEYGEN_P384,
     {WAX_SIG_ECDSA, WAX_DIGEST_SHA384, WAX_DIGEST_NONE, 0}},
    {"ecdsa-p521-sha512",
     WAX_KEYGEN_P521,
     {WAX_SIG_ECDSA, WAX_DIGEST_SHA512, WAX_DIGEST_NONE, 0}},
    {"ed25519",
     WAX_KEYGEN_ED25519,
     {WAX_SIG_ED25519, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0}},
    {"ed448",
     WAX_KEYGEN_ED448,
     {WAX_SIG_ED448, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0}},
};

static bool
is_eddsa(const struct wax_sig_alg *alg)
{
    return alg->scheme == WAX_SIG_ED25519 || alg->scheme == WAX_SIG_ED448;
}

TEST(sign_verify_round_trips_per_scheme)
{
    for (size_t i = 0; i < sizeof(sig_cases) / sizeof(sig_cases[0]); i++) {
        const struct sig_case *c = &sig_cases[i];
        struct wax_privkey *k = cached_key(c->kind, 0);
        struct wax_privkey *other = cached_key(c->kind, 1);
        CHECK_MSG(k != NULL && other != NULL, "%s: keygen", c->name);
        struct wax_pubkey *pub = public_of(k);
        struct wax_pubkey *other_pub = public_of(other);
        CHECK_MSG(pub != NULL && other_pub != NULL, "%s: public", c->name);

        uint8_t sig[WAX_MAX_SIG_BYTES];
        size_t sig_len = 0;
        wax_err e = wax_privkey_sign(k, &c->alg, sig, sizeof(sig), &sig_len,
                                     msg, sizeof(msg) - 1);
        wax_err v = e == WAX_OK
                        ? wax_pubkey_verify(pub, &c->alg, msg, sizeof(msg) - 1,
                                            sig, sig_len)
                        : e;
        /* wrong key, changed message, changed signature, short signature */
        wax_err v_other = wax_pubkey_verify(other_pub, &c->alg, msg,
                                            sizeof(msg) - 1, sig, sig_len);
        wax_err v_msg =
            wax_pubkey_verify(pub, &c->alg, msg, sizeof(msg) - 2, sig, sig_len);
        sig[sig_len / 2] ^= 0x01;
        wax_err v_flip =
            wax_pubkey_verify(pub, &c->alg, msg, sizeof(msg) - 1, sig, sig_len);
        sig[sig_len / 2] ^= 0x01;
        wax_err v_short = wax_pubkey_verify(pub, &c->alg, msg, sizeof(msg) - 1,
                                            sig, sig_len - 1);
        wax_err v_empty =
            wax_pubkey_verify(pub, &c->alg, msg, sizeof(msg) - 1, sig, 0);

        /* prehashed forms, crossing with the message forms */
        wax_err pre_sign = WAX_OK, pre_verify = WAX_OK, pre_cross = WAX_OK;
        if (!is_eddsa(&c->alg)) {
            uint8_t md[WAX_MAX_DIGEST_BYTES];
            size_t md_len = 0;
            CHECK_OK(wax_digest_compute(c->alg.digest, md, sizeof(md), &md_len,
                                        msg, sizeof(msg) - 1));
            pre_verify = wax_pubkey_verify_digest(pub, &c->alg, md, md_len, sig,
                                                  sig_len);
            uint8_t sig2[WAX_MAX_SIG_BYTES];
            size_t sig2_len = 0;
            pre_sign = wax_privkey_sign_digest(k, &c->alg, sig2, sizeof(sig2),
                                               &sig2_len, md, md_len);
            if (pre_sign == WAX_OK) {
                pre_cross = wax_pubkey_verify(pub, &c->alg, msg,
                                              sizeof(msg) - 1, sig2, sig2_len);
            }
        }
        wax_pubkey_free(pub);
        wax_pubkey_free(other_pub);
        CHECK_MSG(e == WAX_OK, "%s: sign: %s", c->name, wax_err_name(e));
        CHECK_MSG(v == WAX_OK, "%s: verify: %s", c->name, wax_err_name(v));
        CHECK_MSG(v_other == WAX_ERR_CRYPTO_SIGNATURE_INVALID,
                  "%s: wrong key: %s", c->name, wax_err_name(v_other));
        CHECK_MSG(v_msg == WAX_ERR_CRYPTO_SIGNATURE_INVALID,
                  "%s: changed message: %s", c->name, wax_err_name(v_msg));
        CHECK_MSG(v_flip == WAX_ERR_CRYPTO_SIGNATURE_INVALID,
                  "%s: flipped bit: %s", c->name, wax_err_name(v_flip));
        CHECK_MSG(v_short == WAX_ERR_CRYPTO_SIGNATURE_INVALID,
                  "%s: short signature: %s", c->name, wax_err_name(v_short));
        CHECK_MSG(v_empty == WAX_ERR_CRYPTO_SIGNATURE_INVALID,
                  "%s: empty signature: %s", c->name, wax_err_name(v_empty));
        CHECK_MSG(pre_verify == WAX_OK && pre_sign == WAX_OK &&
                      pre_cross == WAX_OK,
                  "%s: prehashed: %s %s %s", c->name, wax_err_name(pre_verify),
                  wax_err_name(pre_sign), wax_err_name(pre_cross));
    }
}

TEST(rsa_signature_is_deterministic_and_sized)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_RSA2048, 0);
    CHECK(k != NULL);
    const struct wax_sig_alg alg = {WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA256,
                                    WAX_DIGEST_NONE, 0};
    uint8_t s1[WAX_MAX_SIG_BYTES], s2[WAX_MAX_SIG_BYTES];
    size_t l1 = 0, l2 = 0;
    CHECK_OK(wax_privkey_sign(k, &alg, s1, sizeof(s1), &l1, msg, 3));
    CHECK_OK(wax_privkey_sign(k, &alg, s2, sizeof(s2), &l2, msg, 3));
    CHECK_MEM(s1, l1, s2, l2);
    CHECK_EQ_U64(l1, 256);
    CHECK_ERR(wax_privkey_sign(k, &alg, s1, 255, &l1, msg, 3),
              WAX_ERR_BUF_TOO_SMALL);
}

struct mismatch_case {
    const char *name;
    enum wax_keygen kind;
    struct wax_sig_alg alg;
    bool prehashed;
    wax_err want;
};

static const struct mismatch_case mismatch_cases[] = {
    {"ecdsa with rsa key",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_ECDSA, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_KEY_MISMATCH},
    {"pkcs1 with ec key",
     WAX_KEYGEN_P256,
     {WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_KEY_MISMATCH},
    {"pss with ec key",
     WAX_KEYGEN_P256,
     {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, 32},
     false,
     WAX_ERR_CRYPTO_KEY_MISMATCH},
    {"ed448 with ed25519 key",
     WAX_KEYGEN_ED25519,
     {WAX_SIG_ED448, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_KEY_MISMATCH},
    {"ecdsa with x25519 key",
     WAX_KEYGEN_X25519,
     {WAX_SIG_ECDSA, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_KEY_MISMATCH},
    {"dsa with rsa key",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_DSA, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_KEY_MISMATCH},
    {"ed25519 with a digest",
     WAX_KEYGEN_ED25519,
     {WAX_SIG_ED25519, WAX_DIGEST_SHA512, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"ed25519 prehashed",
     WAX_KEYGEN_ED25519,
     {WAX_SIG_ED25519, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0},
     true,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"ecdsa with md5",
     WAX_KEYGEN_P256,
     {WAX_SIG_ECDSA, WAX_DIGEST_MD5, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"pkcs1 without digest",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PKCS1, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"pss without mgf1 digest",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 32},
     false,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"no scheme",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_NONE, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"unknown scheme",
     WAX_KEYGEN_RSA2048,
     {(enum wax_sig_scheme)99, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
     false,
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG},
    {"pss salt too long for the key",
     WAX_KEYGEN_RSA2048,
     {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA512, WAX_DIGEST_SHA512, 256 - 64 - 1},
     false,
     WAX_ERR_CRYPTO_BAD_PARAMS},
};

TEST(scheme_key_mismatch_exact_errors)
{
    uint8_t sig[WAX_MAX_SIG_BYTES] = {0x30, 0x06, 0x02, 0x01,
                                      0x01, 0x02, 0x01, 0x01};
    uint8_t md[WAX_MAX_DIGEST_BYTES] = {0};
    for (size_t i = 0; i < sizeof(mismatch_cases) / sizeof(mismatch_cases[0]);
         i++) {
        const struct mismatch_case *c = &mismatch_cases[i];
        struct wax_privkey *k = cached_key(c->kind, 0);
        CHECK_MSG(k != NULL, "%s: keygen", c->name);
        struct wax_pubkey *pub = public_of(k);
        CHECK(pub != NULL);
        size_t md_len = c->alg.digest == WAX_DIGEST_NONE
                            ? 32
                            : wax_digest_size(c->alg.digest);
        if (md_len == 0) {
            md_len = 32;
        }
        wax_err v =
            c->prehashed
                ? wax_pubkey_verify_digest(pub, &c->alg, md, md_len, sig, 8)
                : wax_pubkey_verify(pub, &c->alg, msg, 5, sig, 8);
        size_t sig_len = 0;
        uint8_t out[WAX_MAX_SIG_BYTES];
        wax_err s = c->prehashed
                        ? wax_privkey_sign_digest(k, &c->alg, out, sizeof(out),
                                                  &sig_len, md, md_len)
                        : wax_privkey_sign(k, &c->alg, out, sizeof(out),
                                           &sig_len, msg, 5);
        wax_pubkey_free(pub);
        CHECK_MSG(v == c->want, "%s: verify: got %s, want %s", c->name,
                  wax_err_name(v), wax_err_name(c->want));
        CHECK_MSG(s == c->want, "%s: sign: got %s, want %s", c->name,
                  wax_err_name(s), wax_err_name(c->want));
    }
}

TEST(verify_digest_length_must_match)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_P256, 0);
    CHECK(k != NULL);
    struct wax_pubkey *pub = public_of(k);
    CHECK(pub != NULL);
    const struct wax_sig_alg alg = {WAX_SIG_ECDSA, WAX_DIGEST_SHA256,
                                    WAX_DIGEST_NONE, 0};
    uint8_t md[48] = {0},
            sig[8] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    wax_err e = wax_pubkey_verify_digest(pub, &alg, md, 48, sig, 8);
    wax_err ok_len = wax_pubkey_verify_digest(pub, &alg, md, 32, sig, 8);
    wax_pubkey_free(pub);
    CHECK_ERR(e, WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(ok_len, WAX_ERR_CRYPTO_SIGNATURE_INVALID);
}

/* A signature in BER (non-minimal length) or with trailing bytes is just
 * a signature that does not verify. */
TEST(ecdsa_non_der_signature_is_invalid)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_P256, 0);
    CHECK(k != NULL);
    struct wax_pubkey *pub = public_of(k);
    CHECK(pub != NULL);
    const struct wax_sig_alg alg = {WAX_SIG_ECDSA, WAX_DIGEST_SHA256,
                                    WAX_DIGEST_NONE, 0};
    uint8_t sig[WAX_MAX_SIG_BYTES + 2];
    size_t sig_len = 0;
    wax_err e = wax_privkey_sign(k, &alg, sig + 1, WAX_MAX_SIG_BYTES, &sig_len,
                                 msg, 10);
    wax_err good = wax_pubkey_verify(pub, &alg, msg, 10, sig + 1, sig_len);
    sig[1 + sig_len] = 0x00;
    wax_err trailing =
        wax_pubkey_verify(pub, &alg, msg, 10, sig + 1, sig_len + 1);
    /* 30 LL -> 30 81 LL */
    sig[0] = 0x30;
    sig[1] = 0x81;
    wax_err ber = wax_pubkey_verify(pub, &alg, msg, 10, sig, sig_len + 1);
    wax_pubkey_free(pub);
    CHECK_OK(e);
    CHECK_OK(good);
    CHECK_ERR(trailing, WAX_ERR_CRYPTO_SIGNATURE_INVALID);
    CHECK_ERR(ber, WAX_ERR_CRYPTO_SIGNATURE_INVALID);
}

/* ------------------------------------------------------------------ */
/* Key properties, SPKI.                                               */

struct keyprop_case {
    enum wax_keygen kind;
    enum wax_key_type type;
    enum wax_ec_curve curve;
    size_t bits;
    const char *name;
};

static const struct keyprop_case keyprop_cases[] = {
    {WAX_KEYGEN_RSA2048, WAX_KEY_RSA, WAX_CURVE_NONE, 2048, "rsa"},
    {WAX_KEYGEN_P256, WAX_KEY_EC, WAX_CURVE_P256, 256, "ec"},
    {WAX_KEYGEN_P384, WAX_KEY_EC, WAX_CURVE_P384, 384, "ec"},
    {WAX_KEYGEN_P521, WAX_KEY_EC, WAX_CURVE_P521, 521, "ec"},
    {WAX_KEYGEN_ED25519, WAX_KEY_ED25519, WAX_CURVE_NONE, 256, "ed25519"},
    {WAX_KEYGEN_ED448, WAX_KEY_ED448, WAX_CURVE_NONE, 456, "ed448"},
    {WAX_KEYGEN_X25519, WAX_KEY_X25519, WAX_CURVE_NONE, 253, "x25519"},
    {WAX_KEYGEN_X448, WAX_KEY_X448, WAX_CURVE_NONE, 448, "x448"},
};

TEST(key_properties_and_spki_round_trip)
{
    for (size_t i = 0; i < sizeof(keyprop_cases) / sizeof(keyprop_cases[0]);
         i++) {
        const struct keyprop_case *c = &keyprop_cases[i];
        struct wax_privkey *k = cached_key(c->kind, 0);
        CHECK(k != NULL);
        CHECK_EQ_U64(wax_privkey_type(k), c->type);
        CHECK_EQ_U64(wax_privkey_curve(k), c->curve);
        CHECK_EQ_U64(wax_privkey_bits(k), c->bits);
        CHECK_STR(wax_key_type_name(wax_privkey_type(k)), c->name);
        struct wax_pubkey *pub = public_of(k);
        CHECK(pub != NULL);
        struct wax_buf spki;
        wax_buf_init(&spki, 1 << 16);
        wax_err e = wax_pubkey_to_spki(pub, &spki);
        struct wax_pubkey *again = NULL;
        wax_err e2 =
            e == WAX_OK ? wax_pubkey_from_spki(&again, spki.data, spki.len) : e;
        bool same = e2 == WAX_OK && wax_pubkey_equal(pub, again);
        wax_err match = wax_privkey_match_spki(k, spki.data, spki.len);
        struct wax_privkey *other = cached_key(c->kind, 1);
        wax_err nomatch =
            other != NULL ? wax_privkey_match_spki(other, spki.data, spki.len)
                          : WAX_ERR_INTERNAL;
        bool types = wax_pubkey_type(pub) == c->type &&
                     wax_pubkey_curve(pub) == c->curve &&
                     wax_pubkey_bits(pub) == c->bits;
        wax_pubkey_free(again);
        wax_pubkey_free(pub);
        wax_buf_cleanup(&spki);
        CHECK_OK(e);
        CHECK_OK(e2);
        CHECK_MSG(same, "%s: SPKI round trip changed the key", c->name);
        CHECK_MSG(types, "%s: public key properties", c->name);
        CHECK_OK(match);
        CHECK_ERR(nomatch, WAX_ERR_CRYPTO_KEY_MISMATCH);
    }
    CHECK_STR(wax_key_type_name(WAX_KEY_NONE), "none");
    CHECK_STR(wax_key_type_name(WAX_KEY_DSA), "dsa");
    CHECK_STR(wax_key_type_name(WAX_KEY_RSA_PSS), "rsa-pss");
    wax_pubkey_free(NULL);
    wax_privkey_free(NULL);
    CHECK_EQ_U64(wax_pubkey_type(NULL), WAX_KEY_NONE);
}

static size_t
spki_of(enum wax_keygen kind, uint8_t *out, size_t cap)
{
    struct wax_pubkey *pub = public_of(cached_key(kind, 0));
    if (pub == NULL) {
        return 0;
    }
    struct wax_buf b;
    wax_buf_init(&b, cap);
    size_t n = 0;
    if (wax_pubkey_to_spki(pub, &b) == WAX_OK) {
        memcpy(out, b.data, b.len);
        n = b.len;
    }
    wax_buf_cleanup(&b);
    wax_pubkey_free(pub);
    return n;
}

/* secp256k1 generator as an SPKI: a valid key on a curve wax refuses */
static const uint8_t spki_secp256k1[] = {
    0x30, 0x56, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
    0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a, 0x03, 0x42,
    0x00, 0x04, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55,
    0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb,
    0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17,
    0x98, 0x48, 0x3a, 0xda, 0x77, 0x26, 0xa3, 0xc4, 0x65, 0x5d, 0xa4,
    0xfb, 0xfc, 0x0e, 0x11, 0x08, 0xa8, 0xfd, 0x17, 0xb4, 0x48, 0xa6,
    0x85, 0x54, 0x19, 0x9c, 0x47, 0xd0, 0x8f, 0xfb, 0x10, 0xd4, 0xb8};

TEST(spki_malformed_exact_errors)
{
    uint8_t rsa[1024], ec[256], ed[64], buf[1100];
    size_t rsa_len = spki_of(WAX_KEYGEN_RSA2048, rsa, sizeof(rsa));
    size_t ec_len = spki_of(WAX_KEYGEN_P256, ec, sizeof(ec));
    size_t ed_len = spki_of(WAX_KEYGEN_ED25519, ed, sizeof(ed));
    CHECK(rsa_len > 0 && ec_len == 91 && ed_len == 44);
    struct wax_pubkey *k = NULL;

    CHECK_ERR(wax_pubkey_from_spki(&k, ec, 0), WAX_ERR_CRYPTO_BAD_KEY);
    CHECK_ERR(wax_pubkey_from_spki(&k, ec, ec_len - 1), WAX_ERR_CRYPTO_BAD_KEY);
    memcpy(buf, ec, ec_len);
    buf[ec_len] = 0;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, ec_len + 1),
              WAX_ERR_CRYPTO_BAD_KEY); /* trailing byte */
    /* non-minimal length: 30 59 -> 30 81 59 */
    buf[0] = 0x30;
    buf[1] = 0x81;
    memcpy(buf + 2, ec + 1, ec_len - 1);
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, ec_len + 1),
              WAX_ERR_CRYPTO_BAD_KEY);
    /* point not on the curve */
    memcpy(buf, ec, ec_len);
    buf[ec_len - 1] ^= 0x01;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, ec_len), WAX_ERR_CRYPTO_BAD_KEY);
    /* compressed-point prefix with the uncompressed length */
    memcpy(buf, ec, ec_len);
    buf[26] = 0x05;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, ec_len), WAX_ERR_CRYPTO_BAD_KEY);
    /* even RSA modulus: its last byte sits before "02 03 01 00 01" */
    memcpy(buf, rsa, rsa_len);
    CHECK(buf[rsa_len - 5] == 0x02 && buf[rsa_len - 4] == 0x03);
    buf[rsa_len - 6] &= 0xfe;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, rsa_len), WAX_ERR_CRYPTO_BAD_KEY);
    /* even public exponent 65536 + 0 */
    memcpy(buf, rsa, rsa_len);
    buf[rsa_len - 1] = 0x00;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, rsa_len), WAX_ERR_CRYPTO_BAD_KEY);
    /* unknown algorithm 1.3.101.114 */
    memcpy(buf, ed, ed_len);
    CHECK(buf[8] == 0x70);
    buf[8] = 0x72;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, ed_len),
              WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    /* Ed25519 key of the wrong length */
    memcpy(buf, ed, ed_len);
    buf[1] = 0x29;
    buf[10] = 0x20;
    CHECK_ERR(wax_pubkey_from_spki(&k, buf, ed_len - 1),
              WAX_ERR_CRYPTO_BAD_KEY);
    CHECK_ERR(wax_pubkey_from_spki(&k, spki_secp256k1, sizeof(spki_secp256k1)),
              WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    CHECK_ERR(wax_pubkey_from_spki(NULL, ec, ec_len), WAX_ERR_INVALID_ARGUMENT);
    CHECK(k == NULL);
}

/* ------------------------------------------------------------------ */
/* Key agreement.                                                      */

TEST(key_agreement_both_sides_equal)
{
    static const enum wax_keygen kinds[] = {WAX_KEYGEN_P256, WAX_KEYGEN_P384,
                                            WAX_KEYGEN_P521, WAX_KEYGEN_X25519,
                                            WAX_KEYGEN_X448};
    static const size_t sizes[] = {32, 48, 66, 32, 56};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        struct wax_privkey *a = cached_key(kinds[i], 0);
        struct wax_pubkey *b_pub = public_of(cached_key(kinds[i], 1));
        CHECK(a != NULL && b_pub != NULL);
        struct wax_privkey *eph = NULL;
        wax_err g = wax_privkey_generate_like(&eph, b_pub);
        struct wax_pubkey *eph_pub = g == WAX_OK ? public_of(eph) : NULL;
        uint8_t s1[WAX_MAX_SHARED_SECRET_BYTES],
            s2[WAX_MAX_SHARED_SECRET_BYTES];
        size_t l1 = 0, l2 = 0;
        wax_err e1 = wax_privkey_derive(eph, s1, sizeof(s1), &l1, b_pub);
        wax_err e2 = eph_pub != NULL
                         ? wax_privkey_derive(cached_key(kinds[i], 1), s2,
                                              sizeof(s2), &l2, eph_pub)
                         : WAX_ERR_INTERNAL;
        wax_err small = wax_privkey_derive(a, s2, sizeof(s2) - 40, &l2, b_pub);
        wax_privkey_free(eph);
        wax_pubkey_free(eph_pub);
        wax_pubkey_free(b_pub);
        CHECK_OK(g);
        CHECK_OK(e1);
        CHECK_OK(e2);
        CHECK_EQ_U64(l1, sizes[i]);
        CHECK_MEM(s1, l1, s2, l2);
        CHECK_ERR(small, sizes[i] > WAX_MAX_SHARED_SECRET_BYTES - 40
                             ? WAX_ERR_BUF_TOO_SMALL
                             : WAX_OK);
    }
}

TEST(key_agreement_mismatch)
{
    struct wax_privkey *p256 = cached_key(WAX_KEYGEN_P256, 0);
    struct wax_pubkey *p384 = public_of(cached_key(WAX_KEYGEN_P384, 0));
    struct wax_pubkey *x25519 = public_of(cached_key(WAX_KEYGEN_X25519, 0));
    struct wax_pubkey *ed = public_of(cached_key(WAX_KEYGEN_ED25519, 0));
    struct wax_privkey *rsa = cached_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_pubkey *rsa_pub = public_of(rsa);
    CHECK(p256 && p384 && x25519 && ed && rsa && rsa_pub);
    uint8_t s[WAX_MAX_SHARED_SECRET_BYTES];
    size_t n = 0;
    wax_err e1 = wax_privkey_derive(p256, s, sizeof(s), &n, p384);
    wax_err e2 = wax_privkey_derive(p256, s, sizeof(s), &n, x25519);
    wax_err e3 = wax_privkey_derive(rsa, s, sizeof(s), &n, rsa_pub);
    struct wax_privkey *eph = NULL;
    wax_err e4 = wax_privkey_generate_like(&eph, ed);
    wax_err e5 = wax_privkey_generate_like(&eph, rsa_pub);
    wax_pubkey_free(p384);
    wax_pubkey_free(x25519);
    wax_pubkey_free(ed);
    wax_pubkey_free(rsa_pub);
    CHECK_ERR(e1, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(e2, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(e3, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(e4, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(e5, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK(eph == NULL);
    CHECK_ERR(wax_privkey_generate(&eph, (enum wax_keygen)0),
              WAX_ERR_INVALID_ARGUMENT);
}

/* An X25519 peer key of small order (here: 0) gives an all-zero secret,
 * which must be refused. */
TEST(x25519_small_order_peer_refused)
{
    uint8_t spki[44] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                        0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};
    struct wax_pubkey *peer = NULL;
    CHECK_OK(wax_pubkey_from_spki(&peer, spki, sizeof(spki)));
    uint8_t s[WAX_MAX_SHARED_SECRET_BYTES];
    size_t n = 0;
    wax_err e =
        wax_privkey_derive(cached_key(WAX_KEYGEN_X25519, 0), s, 64, &n, peer);
    wax_pubkey_free(peer);
    CHECK_ERR(e, WAX_ERR_CRYPTO_DERIVE_FAILED);
}

/* ------------------------------------------------------------------ */
/* RSA encryption.                                                     */

struct oaep_case {
    enum wax_digest_alg digest, mgf1;
    const char *label;
};

static const struct oaep_case oaep_cases[] = {
    {WAX_DIGEST_SHA1, WAX_DIGEST_SHA1, NULL},
    {WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, NULL},
    {WAX_DIGEST_SHA256, WAX_DIGEST_SHA1, "label"},
    {WAX_DIGEST_SHA384, WAX_DIGEST_SHA384, ""},
    {WAX_DIGEST_SHA512, WAX_DIGEST_SHA512, "a longer label for OAEP"},
};

TEST(oaep_round_trips_and_failures)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_pubkey *pub = public_of(k);
    CHECK(k != NULL && pub != NULL);
    for (size_t i = 0; i < sizeof(oaep_cases) / sizeof(oaep_cases[0]); i++) {
        const struct oaep_case *c = &oaep_cases[i];
        struct wax_oaep_params p = {c->digest, c->mgf1,
                                    (const uint8_t *)c->label,
                                    c->label ? strlen(c->label) : 0};
        uint8_t ct[WAX_MAX_RSA_BYTES], pt[WAX_MAX_RSA_BYTES];
        size_t ct_len = 0, pt_len = 0;
        wax_err e =
            wax_pubkey_encrypt_oaep(pub, &p, ct, sizeof(ct), &ct_len, msg, 32);
        wax_err d = wax_privkey_decrypt_oaep(k, &p, pt, sizeof(pt), &pt_len, ct,
                                             ct_len);
        bool same = d == WAX_OK && pt_len == 32 && memcmp(pt, msg, 32) == 0;
        struct wax_oaep_params wrong_label = p;
        wrong_label.label = (const uint8_t *)"other";
        wrong_label.label_len = 5;
        wax_err d_label = wax_privkey_decrypt_oaep(
            k, &wrong_label, pt, sizeof(pt), &pt_len, ct, ct_len);
        struct wax_oaep_params wrong_md = p;
        wrong_md.mgf1_digest =
            c->mgf1 == WAX_DIGEST_SHA1 ? WAX_DIGEST_SHA256 : WAX_DIGEST_SHA1;
        wax_err d_md = wax_privkey_decrypt_oaep(k, &wrong_md, pt, sizeof(pt),
                                                &pt_len, ct, ct_len);
        ct[10] ^= 0x80;
        wax_err d_flip = wax_privkey_decrypt_oaep(k, &p, pt, sizeof(pt),
                                                  &pt_len, ct, ct_len);
        wax_err d_short = wax_privkey_decrypt_oaep(k, &p, pt, sizeof(pt),
                                                   &pt_len, ct, ct_len - 1);
        CHECK_OK(e);
        CHECK_EQ_U64(ct_len, 256);
        CHECK_MSG(same, "OAEP case %zu: round trip", i);
        CHECK_ERR(d_label, WAX_ERR_CRYPTO_DECRYPT_FAILED);
        CHECK_ERR(d_md, WAX_ERR_CRYPTO_DECRYPT_FAILED);
        CHECK_ERR(d_flip, WAX_ERR_CRYPTO_DECRYPT_FAILED);
        CHECK_ERR(d_short, WAX_ERR_CRYPTO_DECRYPT_FAILED);
    }
    /* limits and parameters */
    struct wax_oaep_params p = {WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, NULL, 0};
    uint8_t big[256] = {0}, ct[WAX_MAX_RSA_BYTES];
    size_t n = 0;
    wax_err too_long = wax_pubkey_encrypt_oaep(pub, &p, ct, sizeof(ct), &n, big,
                                               256 - 2 * 32 - 1);
    wax_err max_len = wax_pubkey_encrypt_oaep(pub, &p, ct, sizeof(ct), &n, big,
                                              256 - 2 * 32 - 2);
    wax_err small_out = wax_pubkey_encrypt_oaep(pub, &p, ct, 255, &n, big, 16);
    struct wax_oaep_params md5 = {WAX_DIGEST_MD5, WAX_DIGEST_SHA1, NULL, 0};
    wax_err bad_md =
        wax_pubkey_encrypt_oaep(pub, &md5, ct, sizeof(ct), &n, big, 16);
    wax_err small_pt =
        wax_privkey_decrypt_oaep(k, &p, big, 256 - 2 * 32 - 3, &n, ct, 256);
    wax_pubkey_free(pub);
    CHECK_ERR(too_long, WAX_ERR_CRYPTO_ENCRYPT_FAILED);
    CHECK_OK(max_len);
    CHECK_ERR(small_out, WAX_ERR_BUF_TOO_SMALL);
    CHECK_ERR(bad_md, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    CHECK_ERR(small_pt, WAX_ERR_BUF_TOO_SMALL);
}

TEST(rsa_encryption_needs_an_rsa_key)
{
    struct wax_privkey *ec = cached_key(WAX_KEYGEN_P256, 0);
    struct wax_pubkey *ec_pub = public_of(ec);
    CHECK(ec_pub != NULL);
    struct wax_oaep_params p = {WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, NULL, 0};
    uint8_t buf[WAX_MAX_RSA_BYTES], key[16];
    size_t n = 0;
    wax_err e1 =
        wax_pubkey_encrypt_oaep(ec_pub, &p, buf, sizeof(buf), &n, msg, 4);
    wax_err e2 = wax_pubkey_encrypt_pkcs1(ec_pub, buf, sizeof(buf), &n, msg, 4);
    wax_pubkey_free(ec_pub);
    CHECK_ERR(e1, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(e2, WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(wax_privkey_decrypt_oaep(ec, &p, buf, sizeof(buf), &n, buf, 32),
              WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(wax_privkey_unwrap_pkcs1(ec, key, sizeof(key), buf, 32),
              WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_ERR(wax_privkey_decrypt_pkcs1(ec, buf, sizeof(buf), &n, buf, 32),
              WAX_ERR_CRYPTO_KEY_MISMATCH);
}

TEST(pkcs1_explicit_decrypt_round_trip_and_uniform_error)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_pubkey *pub = public_of(k);
    CHECK(pub != NULL);
    uint8_t ct[WAX_MAX_RSA_BYTES], pt[WAX_MAX_RSA_BYTES];
    size_t ct_len = 0, pt_len = 0;
    wax_err e = wax_pubkey_encrypt_pkcs1(pub, ct, sizeof(ct), &ct_len, msg, 20);
    wax_err too_long =
        wax_pubkey_encrypt_pkcs1(pub, pt, sizeof(pt), &pt_len, ct, 256 - 10);
    wax_pubkey_free(pub);
    CHECK_OK(e);
    CHECK_ERR(too_long, WAX_ERR_CRYPTO_ENCRYPT_FAILED);
    CHECK_OK(wax_privkey_decrypt_pkcs1(k, pt, sizeof(pt), &pt_len, ct, ct_len));
    CHECK_MEM(pt, pt_len, msg, 20);
    /* empty message */
    pub = public_of(k);
    CHECK(pub != NULL);
    e = wax_pubkey_encrypt_pkcs1(pub, ct, sizeof(ct), &ct_len, msg, 0);
    wax_pubkey_free(pub);
    CHECK_OK(e);
    CHECK_OK(wax_privkey_decrypt_pkcs1(k, pt, sizeof(pt), &pt_len, ct, ct_len));
    CHECK_EQ_U64(pt_len, 0);
    /* bad inputs: one error */
    ct[5] ^= 0x40;
    CHECK_ERR(wax_privkey_decrypt_pkcs1(k, pt, sizeof(pt), &pt_len, ct, ct_len),
              WAX_ERR_CRYPTO_DECRYPT_FAILED);
    memset(ct, 0xff, 256); /* >= n */
    CHECK_ERR(wax_privkey_decrypt_pkcs1(k, pt, sizeof(pt), &pt_len, ct, 256),
              WAX_ERR_CRYPTO_DECRYPT_FAILED);
    CHECK_ERR(wax_privkey_decrypt_pkcs1(k, pt, sizeof(pt), &pt_len, ct, 255),
              WAX_ERR_CRYPTO_DECRYPT_FAILED);
    CHECK_ERR(wax_privkey_decrypt_pkcs1(k, pt, 100, &pt_len, ct, 256),
              WAX_ERR_BUF_TOO_SMALL);
}

TEST(pkcs1_unwrap_correct_key_on_good_padding)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_pubkey *pub = public_of(k);
    CHECK(pub != NULL);
    static const size_t lens[] = {16, 24, 32, 245};
    uint8_t cek[245];
    for (size_t i = 0; i < sizeof(cek); i++) {
        cek[i] = (uint8_t)(i * 7 + 1);
    }
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t ct[WAX_MAX_RSA_BYTES], out[245];
        size_t ct_len = 0;
        wax_err e = wax_pubkey_encrypt_pkcs1(pub, ct, sizeof(ct), &ct_len, cek,
                                             lens[i]);
        wax_err u = wax_privkey_unwrap_pkcs1(k, out, lens[i], ct, ct_len);
        if (e != WAX_OK || u != WAX_OK) {
            wax_pubkey_free(pub);
        }
        CHECK_OK(e);
        CHECK_OK(u);
        CHECK_MEM(out, lens[i], cek, lens[i]);
    }
    wax_pubkey_free(pub);
}

/* Bad padding, wrong key length, ciphertext >= n: WAX_OK and fresh random
 * bytes each time, never the plaintext. */
TEST(pkcs1_unwrap_random_on_bad_input)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_pubkey *pub = public_of(k);
    CHECK(pub != NULL);
    uint8_t cek[32];
    memset(cek, 0x5a, sizeof(cek));
    uint8_t ct[WAX_MAX_RSA_BYTES], flipped[256], big[256];
    size_t ct_len = 0;
    wax_err e = wax_pubkey_encrypt_pkcs1(pub, ct, sizeof(ct), &ct_len, cek, 32);
    wax_pubkey_free(pub);
    CHECK_OK(e);
    memcpy(flipped, ct, 256);
    flipped[100] ^= 0x01;
    memset(big, 0xff, sizeof(big));

    struct {
        const char *what;
        const uint8_t *in;
        size_t key_len;
    } cases[] = {
        {"flipped ciphertext", flipped, 32},
        {"key shorter than expected", ct, 33},
        {"key longer than expected", ct, 16},
        {"ciphertext >= n", big, 32},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t a[64], b[64];
        CHECK_OK(
            wax_privkey_unwrap_pkcs1(k, a, cases[i].key_len, cases[i].in, 256));
        CHECK_OK(
            wax_privkey_unwrap_pkcs1(k, b, cases[i].key_len, cases[i].in, 256));
        CHECK_MSG(memcmp(a, b, cases[i].key_len) != 0,
                  "%s: two unwraps gave the same bytes", cases[i].what);
        CHECK_MSG(
            memcmp(a, cek, cases[i].key_len < 32 ? cases[i].key_len : 32) != 0,
            "%s: unwrap leaked the real key", cases[i].what);
    }
    /* public facts: wrong ciphertext size, impossible key size */
    uint8_t out[64];
    CHECK_ERR(wax_privkey_unwrap_pkcs1(k, out, 32, ct, 255),
              WAX_ERR_CRYPTO_DECRYPT_FAILED);
    CHECK_ERR(wax_privkey_unwrap_pkcs1(k, out, 0, ct, 256),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_privkey_unwrap_pkcs1(k, out, 256 - 10, ct, 256),
              WAX_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* PKCS#8.                                                             */

static const enum wax_keygen pkcs8_kinds[] = {
    WAX_KEYGEN_RSA2048, WAX_KEYGEN_P256,   WAX_KEYGEN_P384, WAX_KEYGEN_ED25519,
    WAX_KEYGEN_ED448,   WAX_KEYGEN_X25519, WAX_KEYGEN_X448,
};

static bool
same_key(const struct wax_privkey *a, const struct wax_privkey *b)
{
    struct wax_pubkey *pa = public_of(a), *pb = public_of(b);
    bool same = pa != NULL && pb != NULL && wax_pubkey_equal(pa, pb);
    wax_pubkey_free(pa);
    wax_pubkey_free(pb);
    return same;
}

TEST(pkcs8_plain_and_encrypted_round_trip)
{
    for (size_t i = 0; i < sizeof(pkcs8_kinds) / sizeof(pkcs8_kinds[0]); i++) {
        struct wax_privkey *k = cached_key(pkcs8_kinds[i], 0);
        CHECK(k != NULL);
        struct wax_buf plain, enc;
        wax_buf_init_secret(&plain, 1 << 16);
        wax_buf_init(&enc, 1 << 16);
        wax_err e1 = wax_privkey_to_pkcs8(k, &plain);
        wax_err e2 = wax_privkey_to_pkcs8_encrypted(k, &enc, "s3cret", 1000);
        struct wax_privkey *k1 = NULL, *k2 = NULL;
        wax_err l1 = e1 == WAX_OK
                         ? wax_privkey_load(&k1, plain.data, plain.len, NULL)
                         : e1;
        wax_err l2 = e2 == WAX_OK
                         ? wax_privkey_load(&k2, enc.data, enc.len, "s3cret")
                         : e2;
        struct wax_privkey *bad = NULL;
        wax_err wrong = wax_privkey_load(&bad, enc.data, enc.len, "s3creT");
        wax_err none = wax_privkey_load(&bad, enc.data, enc.len, NULL);
        /* a plain key ignores a password */
        struct wax_privkey *k3 = NULL;
        wax_err l3 = wax_privkey_load(&k3, plain.data, plain.len, "unused");
        bool ok = l1 == WAX_OK && l2 == WAX_OK && l3 == WAX_OK &&
                  same_key(k, k1) && same_key(k, k2) && same_key(k, k3) &&
                  wax_privkey_type(k2) == wax_privkey_type(k);
        /* 30 82 .. .. 30 .. 06 09 <pbes2> : PBES2 */
        static const uint8_t pbes2[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                        0xf7, 0x0d, 0x01, 0x05, 0x0d};
        bool is_pbes2 =
            enc.len > 20 && memmem(enc.data, 24, pbes2, sizeof(pbes2)) != NULL;
        wax_privkey_free(k1);
        wax_privkey_free(k2);
        wax_privkey_free(k3);
        wax_buf_cleanup(&plain);
        wax_buf_cleanup(&enc);
        CHECK_OK(e1);
        CHECK_OK(e2);
        CHECK_MSG(ok, "kind %d: round trip: %s %s %s", (int)pkcs8_kinds[i],
                  wax_err_name(l1), wax_err_name(l2), wax_err_name(l3));
        CHECK(is_pbes2);
        CHECK_ERR(wrong, WAX_ERR_CRYPTO_BAD_PASSWORD);
        CHECK_ERR(none, WAX_ERR_CRYPTO_BAD_PASSWORD);
        CHECK(bad == NULL);
    }
}

/* The PKCS#8 export is PBES2 + PBKDF2-HMAC-SHA256 + AES-256-CBC. */
TEST(pkcs8_encrypted_uses_aes256_and_hmac_sha256)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_P256, 0);
    CHECK(k != NULL);
    struct wax_buf enc;
    wax_buf_init(&enc, 1 << 16);
    wax_err e = wax_privkey_to_pkcs8_encrypted(k, &enc, "", 0);
    static const uint8_t aes256cbc[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                        0x65, 0x03, 0x04, 0x01, 0x2a};
    static const uint8_t hmac_sha256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                          0x86, 0xf7, 0x0d, 0x02, 0x09};
    /* default iteration count 100000 = 0x0186a0 */
    static const uint8_t iter[] = {0x02, 0x03, 0x01, 0x86, 0xa0};
    bool has_aes =
        e == WAX_OK && memmem(enc.data, enc.len, aes256cbc, sizeof(aes256cbc));
    bool has_prf = e == WAX_OK &&
                   memmem(enc.data, enc.len, hmac_sha256, sizeof(hmac_sha256));
    bool has_iter =
        e == WAX_OK && memmem(enc.data, enc.len, iter, sizeof(iter));
    struct wax_privkey *k2 = NULL;
    wax_err l = e == WAX_OK ? wax_privkey_load(&k2, enc.data, enc.len, "") : e;
    bool same = l == WAX_OK && same_key(k, k2);
    wax_privkey_free(k2);
    wax_buf_cleanup(&enc);
    CHECK_OK(e);
    CHECK(has_aes && has_prf && has_iter);
    CHECK_OK(l);
    CHECK(same);
}

/*
 * EncryptedPrivateKeyInfo with PBES2/PBKDF2, ITER as an INTEGER of N_BYTES
 * octets (big-endian, as given: may be non-minimal on purpose),
 * AES-256-CBC and 16 bytes of junk ciphertext.
 */
static size_t
build_epki(uint8_t *out, uint32_t iter, size_t n_bytes)
{
    uint8_t d = (uint8_t)(4 - n_bytes); /* shrinks every enclosing length */
    const uint8_t head[] = {0x30,
                            (uint8_t)(0x5f - d), /* EPKI */
                            0x30,
                            (uint8_t)(0x4b - d), /* AlgorithmId */
                            0x06,
                            0x09,
                            0x2a,
                            0x86,
                            0x48,
                            0x86,
                            0xf7,
                            0x0d, /* pbes2 */
                            0x01,
                            0x05,
                            0x0d,
                            0x30,
                            (uint8_t)(0x3e - d), /* PBES2-params */
                            0x30,
                            (uint8_t)(0x1d - d),
                            0x06,
                            0x09,
                            0x2a,
                            0x86,
                            0x48,
                            0x86,
                            0xf7,
                            0x0d,
                            0x01,
                            0x05,
                            0x0c, /* pbkdf2 */
                            0x30,
                            (uint8_t)(0x10 - d), /* PBKDF2-params */
                            0x04,
                            0x08,
                            1,
                            2,
                            3,
                            4,
                            5,
                            6,
                            7,
                            8, /* salt */
                            0x02,
                            (uint8_t)n_bytes};
    static const uint8_t tail[] = {
        0x30, 0x1d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
        0x04, 0x01, 0x2a, 0x04, 0x10, 0,    1,    2,    3,    4,
        5,    6,    7,    8,    9,    10,   11,   12,   13,   14,
        15,   0x04, 0x10, 9,    9,    9,    9,    9,    9,    9,
        9,    9,    9,    9,    9,    9,    9,    9,    9};
    size_t n = 0;
    memcpy(out, head, sizeof(head));
    n += sizeof(head);
    for (size_t i = n_bytes; i > 0; i--) {
        out[n++] = (uint8_t)(iter >> (8 * (i - 1)));
    }
    memcpy(out + n, tail, sizeof(tail));
    n += sizeof(tail);
    return n;
}

TEST(pkcs8_iteration_cap_before_decryption)
{
    uint8_t der[128];
    size_t len = build_epki(der, 0x7fffffff, 4);
    CHECK_EQ_U64(len, 97);
    struct wax_privkey *k = NULL;
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_LIMIT_EXCEEDED);
    CHECK(WAX_MAX_PBE_ITERATIONS + 1 < 0x800000);
    len = build_epki(der, WAX_MAX_PBE_ITERATIONS + 1, 3);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_LIMIT_EXCEEDED);
    /* at the cap: accepted, decrypts to junk, so a wrong password (this
     * runs the full count once) */
    len = build_epki(der, WAX_MAX_PBE_ITERATIONS, 3);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"),
              WAX_ERR_CRYPTO_BAD_PASSWORD);
    /* 1 in four octets is not DER; zero iterations: bad parameters */
    len = build_epki(der, 1, 4);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_CRYPTO_BAD_PARAMS);
    len = build_epki(der, 0, 1);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_CRYPTO_BAD_PARAMS);
    CHECK(k == NULL);
}

/* EncryptedPrivateKeyInfo with PBES2/scrypt: N in three octets, r and p in
 * one each, AES-256-CBC, junk ciphertext. */
static size_t
build_epki_scrypt(uint8_t *out, uint32_t n, uint8_t r, uint8_t p)
{
    const uint8_t der[] = {
        0x30, 0x64,                                     /* EPKI */
        0x30, 0x50,                                     /* AlgorithmId */
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, /* pbes2 */
        0x01, 0x05, 0x0d, 0x30, 0x43,                   /* PBES2-params */
        0x30, 0x22, 0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, /* scrypt */
        0x01, 0xda, 0x47, 0x04, 0x0b, 0x30, 0x15,       /* scrypt-params */
        0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,             /* salt */
        0x02, 0x03, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, 0x02,
        0x01, r, 0x02, 0x01, p,
        /* aes256-CBC with IV, then 16 bytes of ciphertext */
        0x30, 0x1d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
        0x2a, 0x04, 0x10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        0x04, 0x10, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    memcpy(out, der, sizeof(der));
    return sizeof(der);
}

TEST(pkcs8_scrypt_bounds)
{
    uint8_t der[128];
    struct wax_privkey *k = NULL;
    size_t len = build_epki_scrypt(der, 1u << 21, 1, 1);
    CHECK_EQ_U64(len, 102);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_LIMIT_EXCEEDED);
    len = build_epki_scrypt(der, 1u << 16, 33, 1);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_LIMIT_EXCEEDED);
    len = build_epki_scrypt(der, 1u << 16, 1, 17);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_LIMIT_EXCEEDED);
    len = build_epki_scrypt(der, 1u << 16, 0, 1);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"), WAX_ERR_CRYPTO_BAD_PARAMS);
    /* within bounds: runs, decrypts junk: wrong password */
    len = build_epki_scrypt(der, 1u << 16, 1, 1);
    CHECK_ERR(wax_privkey_load(&k, der, len, "pw"),
              WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK(k == NULL);
}

TEST(privkey_load_format_errors)
{
    struct wax_privkey *k = NULL;
    static const char cert_only[] = "-----BEGIN CERTIFICATE-----\n"
                                    "MAMCAQA=\n"
                                    "-----END CERTIFICATE-----\n";
    static const char broken_pkcs8[] = "-----BEGIN PRIVATE KEY-----\n"
                                       "MAMCAQA=\n"
                                       "-----END PRIVATE KEY-----\n";
    static const char broken_rsa[] = "-----BEGIN RSA PRIVATE KEY-----\n"
                                     "MAMCAQA=\n"
                                     "-----END RSA PRIVATE KEY-----\n";
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    CHECK_ERR(wax_privkey_load(&k, (const uint8_t *)"", 0, NULL),
              WAX_ERR_CRYPTO_KEY_FORMAT);
    CHECK_ERR(wax_privkey_load(&k, (const uint8_t *)cert_only,
                               sizeof(cert_only) - 1, NULL),
              WAX_ERR_CRYPTO_KEY_FORMAT);
    CHECK_ERR(wax_privkey_load(&k, (const uint8_t *)broken_pkcs8,
                               sizeof(broken_pkcs8) - 1, NULL),
              WAX_ERR_CRYPTO_KEY_FORMAT);
    CHECK_ERR(wax_privkey_load(&k, (const uint8_t *)broken_rsa,
                               sizeof(broken_rsa) - 1, NULL),
              WAX_ERR_CRYPTO_BAD_KEY);
    CHECK_ERR(wax_privkey_load(&k, junk, sizeof(junk), NULL),
              WAX_ERR_CRYPTO_KEY_FORMAT);
    CHECK_ERR(wax_privkey_load(&k, (const uint8_t *)"hello", 5, NULL),
              WAX_ERR_CRYPTO_KEY_FORMAT);
    CHECK_ERR(wax_privkey_load(NULL, junk, sizeof(junk), NULL),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK(k == NULL);
}

TEST(privkey_load_rejects_trailing_bytes_in_der)
{
    struct wax_privkey *key = cached_key(WAX_KEYGEN_P256, 0);
    CHECK(key != NULL);
    struct wax_buf b;
    wax_buf_init_secret(&b, 1 << 16);
    wax_err e = wax_privkey_to_pkcs8(key, &b);
    wax_err e2 = e == WAX_OK ? wax_buf_append_byte(&b, 0) : e;
    struct wax_privkey *k = NULL;
    wax_err l = e2 == WAX_OK ? wax_privkey_load(&k, b.data, b.len, NULL) : e2;
    wax_buf_cleanup(&b);
    CHECK_ERR(l, WAX_ERR_CRYPTO_KEY_FORMAT);
}

/* ------------------------------------------------------------------ */
/* PKCS#12.                                                            */

static wax_err
p12_round_trip(enum wax_pkcs12_profile profile, const char *password,
               const char *load_password, struct wax_pkcs12_contents *c,
               struct wax_buf *der)
{
    struct wax_privkey *k = cached_key(WAX_KEYGEN_P256, 0);
    if (k == NULL) {
        return WAX_ERR_INTERNAL;
    }
    /* the stored "certificates" are opaque bytes to PKCS#12 */
    static const uint8_t cert1[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    static const uint8_t cert2[] = {0x30, 0x03, 0x02, 0x01, 0x02};
    const uint8_t *certs[] = {cert1, cert2};
    const size_t lens[] = {sizeof(cert1), sizeof(cert2)};
    WAX_TRY(wax_pkcs12_export(der, k, certs, lens, 2, "Test Key", password,
                              profile));
    return wax_pkcs12_load(c, der->data, der->len, load_password);
}

static void
check_p12_contents(const struct wax_pkcs12_contents *c)
{
    CHECK_EQ_U64(c->num_keys, 1);
    CHECK_EQ_U64(c->num_certs, 2);
    struct wax_privkey *k = NULL;
    CHECK_OK(wax_privkey_load(&k, c->keys[0].der, c->keys[0].der_len, NULL));
    bool same = same_key(k, cached_key(WAX_KEYGEN_P256, 0));
    wax_privkey_free(k);
    CHECK(same);
    CHECK_MEM(c->certs[0].der, c->certs[0].der_len, "\x30\x03\x02\x01\x01", 5);
    CHECK_MEM(c->certs[1].der, c->certs[1].der_len, "\x30\x03\x02\x01\x02", 5);
    CHECK_STR(c->keys[0].friendly_name, "Test Key");
    CHECK_STR(c->certs[0].friendly_name, "Test Key");
    CHECK(c->certs[1].friendly_name == NULL);
    CHECK_EQ_U64(c->keys[0].local_key_id_len, 20);
    CHECK_MEM(c->keys[0].local_key_id, c->keys[0].local_key_id_len,
              c->certs[0].local_key_id, c->certs[0].local_key_id_len);
}

TEST(pkcs12_export_import_modern)
{
    struct wax_pkcs12_contents c;
    struct wax_buf der;
    wax_buf_init(&der, 1 << 20);
    wax_err e =
        p12_round_trip(WAX_PKCS12_MODERN, "pfx pass", "pfx pass", &c, &der);
    /* modern: PBES2 (AES-256-CBC) and an HMAC-SHA-256 MAC */
    static const uint8_t aes256cbc[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                        0x65, 0x03, 0x04, 0x01, 0x2a};
    static const uint8_t sha256[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x01};
    bool algs = memmem(der.data, der.len, aes256cbc, sizeof(aes256cbc)) &&
                memmem(der.data, der.len, sha256, sizeof(sha256));
    struct wax_pkcs12_contents bad;
    wax_err wrong =
        e == WAX_OK ? wax_pkcs12_load(&bad, der.data, der.len, "pfx Pass") : e;
    wax_err none =
        e == WAX_OK ? wax_pkcs12_load(&bad, der.data, der.len, NULL) : e;
    wax_err trunc =
        e == WAX_OK ? wax_pkcs12_load(&bad, der.data, der.len - 1, "pfx pass")
                    : e;
    wax_buf_cleanup(&der);
    if (e == WAX_OK) {
        check_p12_contents(&c);
    }
    wax_pkcs12_contents_cleanup(&c);
    CHECK_OK(e);
    CHECK(algs);
    CHECK_ERR(wrong, WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK_ERR(none, WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK_ERR(trunc, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    CHECK(bad.num_keys == 0 && bad.keys == NULL && bad.certs == NULL);
}

TEST(pkcs12_export_import_legacy)
{
    struct wax_pkcs12_contents c;
    struct wax_buf der;
    wax_buf_init(&der, 1 << 20);
    wax_err e = p12_round_trip(WAX_PKCS12_LEGACY, "legacy", "legacy", &c, &der);
    if (e == WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE) {
        wax_buf_cleanup(&der);
        SKIP("OpenSSL legacy provider unavailable");
    }
    /* pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd40BitRC2-CBC */
    static const uint8_t des3[] = {0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86,
                                   0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03};
    static const uint8_t rc2_40[] = {0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86,
                                     0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x06};
    bool algs = memmem(der.data, der.len, des3, sizeof(des3)) &&
                memmem(der.data, der.len, rc2_40, sizeof(rc2_40));
    struct wax_pkcs12_contents bad;
    wax_err wrong =
        e == WAX_OK ? wax_pkcs12_load(&bad, der.data, der.len, "Legacy") : e;
    wax_buf_cleanup(&der);
    if (e == WAX_OK) {
        check_p12_contents(&c);
    }
    wax_pkcs12_contents_cleanup(&c);
    CHECK_OK(e);
    CHECK(algs);
    CHECK_ERR(wrong, WAX_ERR_CRYPTO_BAD_PASSWORD);
}

TEST(pkcs12_empty_password)
{
    struct wax_pkcs12_contents c;
    struct wax_buf der;
    wax_buf_init(&der, 1 << 20);
    wax_err e = p12_round_trip(WAX_PKCS12_MODERN, "", NULL, &c, &der);
    struct wax_pkcs12_contents c2;
    wax_err e2 = e == WAX_OK ? wax_pkcs12_load(&c2, der.data, der.len, "") : e;
    wax_err e3;
    struct wax_pkcs12_contents c3;
    e3 = e == WAX_OK ? wax_pkcs12_load(&c3, der.data, der.len, "x") : e;
    wax_buf_cleanup(&der);
    size_t n1 = c.num_keys, n2 = c2.num_keys;
    wax_pkcs12_contents_cleanup(&c);
    wax_pkcs12_contents_cleanup(&c2);
    CHECK_OK(e);
    CHECK_OK(e2);
    CHECK_ERR(e3, WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK(n1 == 1 && n2 == 1);
}

TEST(pkcs12_malformed)
{
    struct wax_pkcs12_contents c;
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x03};
    CHECK_ERR(wax_pkcs12_load(&c, junk, sizeof(junk), "x"),
              WAX_ERR_CRYPTO_PKCS12_FORMAT);
    CHECK_ERR(wax_pkcs12_load(&c, junk, 0, "x"), WAX_ERR_CRYPTO_PKCS12_FORMAT);
    CHECK_ERR(wax_pkcs12_load(&c, (const uint8_t *)"hello", 5, "x"),
              WAX_ERR_CRYPTO_PKCS12_FORMAT);
    CHECK(c.num_keys == 0 && c.num_certs == 0);
    wax_pkcs12_contents_cleanup(&c);
    wax_pkcs12_contents_cleanup(NULL);

    struct wax_buf out;
    wax_buf_init(&out, 1 << 20);
    CHECK_ERR(wax_pkcs12_export(&out, cached_key(WAX_KEYGEN_P256, 0), NULL,
                                NULL, 0, NULL, NULL, WAX_PKCS12_MODERN),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pkcs12_export(&out, cached_key(WAX_KEYGEN_P256, 0), NULL,
                                NULL, 0, NULL, "p", (enum wax_pkcs12_profile)7),
              WAX_ERR_INVALID_ARGUMENT);
    /* a key without certificates is fine */
    wax_err e = wax_pkcs12_export(&out, cached_key(WAX_KEYGEN_ED25519, 0), NULL,
                                  NULL, 0, NULL, "p", WAX_PKCS12_MODERN);
    wax_err l = e == WAX_OK ? wax_pkcs12_load(&c, out.data, out.len, "p") : e;
    wax_buf_cleanup(&out);
    size_t nk = c.num_keys, nc = c.num_certs;
    bool no_attrs = nk == 1 && c.keys[0].friendly_name == NULL &&
                    c.keys[0].local_key_id == NULL;
    wax_pkcs12_contents_cleanup(&c);
    CHECK_OK(e);
    CHECK_OK(l);
    CHECK(nk == 1 && nc == 0 && no_attrs);
}
