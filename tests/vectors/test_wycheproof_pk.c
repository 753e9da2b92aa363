/*
 * Vectors: Project Wycheproof public-key files (testdata/wycheproof,
 * testvectors_v1; formats in doc/formats.md and schemas/). One TEST per
 * file. Keys are taken in their DER forms (publicKeyDer: SPKI;
 * privateKeyPkcs8: PKCS#8). Every case is checked against its result:
 *   valid      the operation succeeds (and decrypts to "msg")
 *   invalid    the exact wax error: WAX_ERR_CRYPTO_SIGNATURE_INVALID for
 *              signatures, WAX_ERR_CRYPTO_DECRYPT_FAILED for decryption
 *   acceptable either, and which one is counted
 * A group whose key wax refuses may hold invalid cases only. Failures name
 * the tcId; the counts per file go to the test log ("# wycheproof ...").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/crypto.h>

#include "../harness.h"
#include "json.h"

enum wp_kind {
    WP_RSA_PKCS1_SIG,
    WP_RSA_PSS,
    WP_ECDSA,
    WP_EDDSA,
    WP_OAEP,
    WP_PKCS1_DECRYPT,
};

struct wp_stats {
    size_t valid, invalid, acc_accepted, acc_rejected, key_refused;
    size_t fails;
    char msg[600];
};

static void
wp_fail(struct wp_stats *st, long long tc_id, const char *what, wax_err got)
{
    st->fails++;
    size_t used = strlen(st->msg);
    if (st->fails <= 4 && used < sizeof(st->msg) - 1) {
        snprintf(st->msg + used, sizeof(st->msg) - used, "%stcId %lld: %s (%s)",
                 used ? "; " : "", tc_id, what, wax_err_name(got));
    }
}

static enum wax_digest_alg
wp_digest(const char *name)
{
    if (name == NULL) {
        return WAX_DIGEST_NONE;
    }
    static const struct {
        const char *name;
        enum wax_digest_alg alg;
    } map[] = {
        {"SHA-1", WAX_DIGEST_SHA1},     {"SHA-224", WAX_DIGEST_SHA224},
        {"SHA-256", WAX_DIGEST_SHA256}, {"SHA-384", WAX_DIGEST_SHA384},
        {"SHA-512", WAX_DIGEST_SHA512},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].name, name) == 0) {
            return map[i].alg;
        }
    }
    return WAX_DIGEST_NONE;
}

/* Checks GOT against RESULT, REJECT being the one error an invalid case
 * must give; SAME tells whether a decryption produced "msg". */
static void
wp_judge(struct wp_stats *st, long long tc_id, const char *result, wax_err got,
         wax_err reject, bool same)
{
    if (strcmp(result, "valid") == 0) {
        if (got != WAX_OK) {
            wp_fail(st, tc_id, "valid case refused", got);
        } else if (!same) {
            wp_fail(st, tc_id, "valid case gave other plaintext", got);
        } else {
            st->valid++;
        }
    } else if (strcmp(result, "invalid") == 0) {
        if (got != reject) {
            wp_fail(st, tc_id, "invalid case not refused exactly", got);
        } else {
            st->invalid++;
        }
    } else if (strcmp(result, "acceptable") == 0) {
        if (got == WAX_OK && same) {
            st->acc_accepted++;
        } else if (got == reject) {
            st->acc_rejected++;
        } else {
            wp_fail(st, tc_id, "acceptable case: unexpected error", got);
        }
    } else {
        wp_fail(st, tc_id, "unknown result", got);
    }
}

static wax_err
wp_sig_alg(enum wp_kind kind, const struct json_value *g,
           struct wax_sig_alg *alg)
{
    memset(alg, 0, sizeof(*alg));
    alg->digest = wp_digest(json_get_string(g, "sha"));
    switch (kind) {
    case WP_RSA_PKCS1_SIG:
        alg->scheme = WAX_SIG_RSA_PKCS1;
        break;
    case WP_RSA_PSS: {
        long long slen = 0;
        alg->scheme = WAX_SIG_RSA_PSS;
        alg->mgf1_digest = wp_digest(json_get_string(g, "mgfSha"));
        const char *mgf = json_get_string(g, "mgf");
        if (!json_get_int(g, "sLen", &slen) || slen < 0 || mgf == NULL ||
            strcmp(mgf, "MGF1") != 0) {
            return WAX_ERR_INVALID_ARGUMENT;
        }
        alg->salt_len = (size_t)slen;
        break;
    }
    case WP_ECDSA:
        alg->scheme = WAX_SIG_ECDSA;
        break;
    case WP_EDDSA:
        alg->scheme = WAX_SIG_ED25519;
        return WAX_OK;
    case WP_OAEP:
    case WP_PKCS1_DECRYPT:
        return WAX_ERR_INVALID_ARGUMENT;
    }
    return alg->digest == WAX_DIGEST_NONE ? WAX_ERR_INVALID_ARGUMENT : WAX_OK;
}

static void
wp_sig_group(enum wp_kind kind, const struct json_value *g, struct wp_stats *st)
{
    const struct json_value *tests = json_get(g, "tests");
    struct wax_sig_alg alg;
    wax_err alg_err = wp_sig_alg(kind, g, &alg);
    size_t key_len = 0;
    uint8_t *key_der = json_get_hex(g, "publicKeyDer", &key_len);
    struct wax_pubkey *key = NULL;
    wax_err key_err = key_der == NULL
                          ? WAX_ERR_INVALID_ARGUMENT
                          : wax_pubkey_from_spki(&key, key_der, key_len);
    free(key_der);
    for (size_t i = 0; i < json_array_len(tests); i++) {
        const struct json_value *t = json_at(tests, i);
        long long tc_id = -1;
        json_get_int(t, "tcId", &tc_id);
        const char *result = json_get_string(t, "result");
        size_t msg_len = 0, sig_len = 0;
        uint8_t *msg = json_get_hex(t, "msg", &msg_len);
        uint8_t *sig = json_get_hex(t, "sig", &sig_len);
        if (msg == NULL || sig == NULL || result == NULL || alg_err != WAX_OK) {
            wp_fail(st, tc_id, "unreadable case or group", alg_err);
        } else if (key_err != WAX_OK) {
            /* a refused key is fine for invalid cases only */
            if (strcmp(result, "valid") == 0) {
                wp_fail(st, tc_id, "key refused for a valid case", key_err);
            } else {
                st->key_refused++;
            }
        } else {
            wax_err got =
                wax_pubkey_verify(key, &alg, msg, msg_len, sig, sig_len);
            wp_judge(st, tc_id, result, got, WAX_ERR_CRYPTO_SIGNATURE_INVALID,
                     true);
        }
        free(msg);
        free(sig);
    }
    wax_pubkey_free(key);
}

static void
wp_decrypt_group(enum wp_kind kind, const struct json_value *g,
                 struct wp_stats *st)
{
    const struct json_value *tests = json_get(g, "tests");
    size_t key_len = 0;
    uint8_t *key_der = json_get_hex(g, "privateKeyPkcs8", &key_len);
    struct wax_privkey *key = NULL;
    wax_err key_err = key_der == NULL
                          ? WAX_ERR_INVALID_ARGUMENT
                          : wax_privkey_load(&key, key_der, key_len, NULL);
    free(key_der);
    struct wax_oaep_params params = {wp_digest(json_get_string(g, "sha")),
                                     wp_digest(json_get_string(g, "mgfSha")),
                                     NULL, 0};
    size_t k = wax_privkey_bits(key) / 8;
    for (size_t i = 0; i < json_array_len(tests); i++) {
        const struct json_value *t = json_at(tests, i);
        long long tc_id = -1;
        json_get_int(t, "tcId", &tc_id);
        const char *result = json_get_string(t, "result");
        size_t msg_len = 0, ct_len = 0, label_len = 0;
        uint8_t *msg = json_get_hex(t, "msg", &msg_len);
        uint8_t *ct = json_get_hex(t, "ct", &ct_len);
        uint8_t *label =
            kind == WP_OAEP ? json_get_hex(t, "label", &label_len) : NULL;
        uint8_t out[WAX_MAX_RSA_BYTES];
        size_t out_len = 0;
        if (msg == NULL || ct == NULL || result == NULL ||
            (kind == WP_OAEP && label == NULL)) {
            wp_fail(st, tc_id, "unreadable case", WAX_OK);
        } else if (key_err != WAX_OK) {
            wp_fail(st, tc_id, "private key refused", key_err);
        } else if (kind == WP_OAEP) {
            params.label = label;
            params.label_len = label_len;
            wax_err got = wax_privkey_decrypt_oaep(
                key, &params, out, sizeof(out), &out_len, ct, ct_len);
            bool same = got == WAX_OK && out_len == msg_len &&
                        memcmp(out, msg, msg_len) == 0;
            wp_judge(st, tc_id, result, got, WAX_ERR_CRYPTO_DECRYPT_FAILED,
                     same);
        } else {
            wax_err got = wax_privkey_decrypt_pkcs1(key, out, sizeof(out),
                                                    &out_len, ct, ct_len);
            bool same = got == WAX_OK && out_len == msg_len &&
                        memcmp(out, msg, msg_len) == 0;
            wp_judge(st, tc_id, result, got, WAX_ERR_CRYPTO_DECRYPT_FAILED,
                     same);
            /* the implicit-rejection unwrap: the message for a valid case
             * (as a key of its length), WAX_OK always for a full-size
             * ciphertext, never the message of a refused case */
            size_t want = msg_len >= 1 && msg_len + 11 <= k ? msg_len : 16;
            uint8_t key_out[WAX_MAX_RSA_BYTES];
            wax_err u =
                wax_privkey_unwrap_pkcs1(key, key_out, want, ct, ct_len);
            wax_err u_want =
                ct_len == k ? WAX_OK : WAX_ERR_CRYPTO_DECRYPT_FAILED;
            if (u != u_want) {
                wp_fail(st, tc_id, "unwrap result", u);
            } else if (u == WAX_OK && strcmp(result, "valid") == 0 &&
                       want == msg_len && memcmp(key_out, msg, msg_len) != 0) {
                wp_fail(st, tc_id, "unwrap lost a valid key", u);
            } else if (u == WAX_OK && strcmp(result, "invalid") == 0 &&
                       want == msg_len && msg_len >= 4 &&
                       memcmp(key_out, msg, msg_len) == 0) {
                wp_fail(st, tc_id, "unwrap returned a refused message", u);
            }
        }
        wax_wipe(out, sizeof(out));
        free(msg);
        free(ct);
        free(label);
    }
    wax_privkey_free(key);
}

static void
wp_run(const char *file, enum wp_kind kind)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "wycheproof/testvectors_v1/%s", file);
    char err[256] = "";
    struct json_value *doc =
        json_load_file(wax_test_data_path(rel), err, sizeof(err));
    if (doc == NULL) {
        SKIP("%s: %s", rel, err);
    }
    struct wp_stats st;
    memset(&st, 0, sizeof(st));
    long long declared = -1;
    json_get_int(doc, "numberOfTests", &declared);
    const struct json_value *groups = json_get(doc, "testGroups");
    for (size_t i = 0; i < json_array_len(groups); i++) {
        const struct json_value *g = json_at(groups, i);
        if (kind == WP_OAEP || kind == WP_PKCS1_DECRYPT) {
            wp_decrypt_group(kind, g, &st);
        } else {
            wp_sig_group(kind, g, &st);
        }
    }
    json_free(doc);
    size_t total = st.valid + st.invalid + st.acc_accepted + st.acc_rejected +
                   st.key_refused + st.fails;
    printf("# wycheproof %s: %zu cases: %zu valid ok, %zu invalid refused "
           "(%zu by key), %zu acceptable accepted, %zu acceptable refused, "
           "%zu failed\n",
           file, total, st.valid, st.invalid + st.key_refused, st.key_refused,
           st.acc_accepted, st.acc_rejected, st.fails);
    CHECK_MSG(st.fails == 0, "%s: %zu of %zu cases fail: %s", file, st.fails,
              total, st.msg);
    CHECK_MSG(declared >= 0 && total == (size_t)declared,
              "%s: ran %zu cases, file declares %lld", file, total, declared);
}

#define WP_TEST(name, file, kind)                                              \
    TEST(name)                                                                 \
    {                                                                          \
        wp_run(file, kind);                                                    \
    }

WP_TEST(wycheproof_rsa_signature_2048_sha256,
        "rsa_signature_2048_sha256_test.json", WP_RSA_PKCS1_SIG)
WP_TEST(wycheproof_rsa_signature_2048_sha384,
        "rsa_signature_2048_sha384_test.json", WP_RSA_PKCS1_SIG)
WP_TEST(wycheproof_rsa_signature_2048_sha512,
        "rsa_signature_2048_sha512_test.json", WP_RSA_PKCS1_SIG)
WP_TEST(wycheproof_rsa_signature_3072_sha256,
        "rsa_signature_3072_sha256_test.json", WP_RSA_PKCS1_SIG)
WP_TEST(wycheproof_rsa_signature_4096_sha256,
        "rsa_signature_4096_sha256_test.json", WP_RSA_PKCS1_SIG)
WP_TEST(wycheproof_rsa_pss_2048_sha256_mgf1_32,
        "rsa_pss_2048_sha256_mgf1_32_test.json", WP_RSA_PSS)
WP_TEST(wycheproof_rsa_pss_2048_sha256_mgf1_32_params,
        "rsa_pss_2048_sha256_mgf1_32_params_test.json", WP_RSA_PSS)
WP_TEST(wycheproof_rsa_pss_2048_sha384_mgf1_48,
        "rsa_pss_2048_sha384_mgf1_48_test.json", WP_RSA_PSS)
WP_TEST(wycheproof_rsa_pss_2048_sha1_mgf1_20,
        "rsa_pss_2048_sha1_mgf1_20_test.json", WP_RSA_PSS)
WP_TEST(wycheproof_rsa_pss_3072_sha256_mgf1_32,
        "rsa_pss_3072_sha256_mgf1_32_test.json", WP_RSA_PSS)
WP_TEST(wycheproof_rsa_pss_4096_sha512_mgf1_64,
        "rsa_pss_4096_sha512_mgf1_64_test.json", WP_RSA_PSS)
WP_TEST(wycheproof_rsa_oaep_2048_sha1_mgf1sha1,
        "rsa_oaep_2048_sha1_mgf1sha1_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_oaep_2048_sha256_mgf1sha1,
        "rsa_oaep_2048_sha256_mgf1sha1_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_oaep_2048_sha256_mgf1sha256,
        "rsa_oaep_2048_sha256_mgf1sha256_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_oaep_2048_sha384_mgf1sha384,
        "rsa_oaep_2048_sha384_mgf1sha384_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_oaep_2048_sha512_mgf1sha512,
        "rsa_oaep_2048_sha512_mgf1sha512_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_oaep_3072_sha256_mgf1sha256,
        "rsa_oaep_3072_sha256_mgf1sha256_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_oaep_4096_sha256_mgf1sha256,
        "rsa_oaep_4096_sha256_mgf1sha256_test.json", WP_OAEP)
WP_TEST(wycheproof_rsa_pkcs1_2048_decrypt, "rsa_pkcs1_2048_test.json",
        WP_PKCS1_DECRYPT)
WP_TEST(wycheproof_ecdsa_secp256r1_sha256, "ecdsa_secp256r1_sha256_test.json",
        WP_ECDSA)
WP_TEST(wycheproof_ed25519, "ed25519_test.json", WP_EDDSA)
