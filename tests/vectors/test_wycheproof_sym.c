/*
 * Wycheproof vectors for the symmetric primitives: AES-GCM
 * (aead_test_schema_v1) and AES-CBC with PKCS#5 padding
 * (ind_cpa_test_schema_v1), run through the public streaming API.
 *
 * valid: encryption gives exactly ct (and tag), decryption gives exactly
 * msg. invalid: decryption (or set-up) fails. acceptable: either, counted.
 * Cases listed in tests/vectors/wycheproof_sym.expect must fail with the
 * listed error instead (deliberate policy, e.g. bounded GCM nonces).
 * One TEST per file; each case is one CHECK naming its tcId.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/crypto.h>

#include "../harness.h"
#include "json.h"

#define EXPECT_FILE "tests/vectors/wycheproof_sym.expect"
#define MAX_EXPECT 64

struct expectation {
    char file[64];
    long long tc_id;
    wax_err err;
};

struct counts {
    size_t valid, valid_ok;
    size_t invalid, invalid_rejected;
    size_t acceptable, acceptable_accepted, acceptable_rejected;
    size_t deviations;
    size_t num_by_err[8];
    wax_err errs[8];
};

/* Reads the expectations file; returns the count, or -1 when it is
 * missing or malformed (the reason in WHY). */
static int
load_expectations(struct expectation *ex, size_t cap, char *why, size_t why_cap)
{
    size_t len;
    uint8_t *text = wax_test_read_file(EXPECT_FILE, &len);
    if (text == NULL) {
        snprintf(why, why_cap, "cannot read %s", EXPECT_FILE);
        return -1;
    }
    int n = 0;
    char *line = (char *)text;
    while (line != NULL && *line != '\0') {
        char *next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        char *fields[3];
        size_t nf = 0;
        char *p = line;
        while (nf < 3) {
            while (*p == ' ' || *p == '\t') {
                p++;
            }
            if (*p == '\0' || *p == '#') {
                break;
            }
            fields[nf++] = p;
            while (*p != '\0' && *p != ' ' && *p != '\t') {
                p++;
            }
            if (*p != '\0') {
                *p++ = '\0';
            }
        }
        if (nf == 0) {
            line = next;
            continue;
        }
        char *end = NULL;
        long long id = nf == 3 ? strtoll(fields[1], &end, 10) : 0;
        if (nf != 3 || (size_t)n >= cap || end == NULL || *end != '\0' ||
            strlen(fields[0]) >= sizeof ex[n].file ||
            !wax_err_from_name(fields[2], &ex[n].err)) {
            snprintf(why, why_cap, "%s: malformed line for %s", EXPECT_FILE,
                     fields[0]);
            free(text);
            return -1;
        }
        memcpy(ex[n].file, fields[0], strlen(fields[0]) + 1);
        ex[n].tc_id = id;
        n++;
        line = next;
    }
    free(text);
    return n;
}

static const struct expectation *
find_expectation(const struct expectation *ex, int num, const char *file,
                 long long tc_id)
{
    for (int i = 0; i < num; i++) {
        if (ex[i].tc_id == tc_id && strcmp(ex[i].file, file) == 0) {
            return &ex[i];
        }
    }
    return NULL;
}

static void
count_err(struct counts *c, wax_err err)
{
    for (size_t i = 0; i < 8; i++) {
        if (c->num_by_err[i] == 0 || c->errs[i] == err) {
            c->errs[i] = err;
            c->num_by_err[i]++;
            return;
        }
    }
}

static void
print_counts(const char *file, const struct counts *c)
{
    printf("# %s: valid %zu/%zu passed, invalid %zu/%zu rejected, "
           "acceptable %zu (accepted %zu, rejected %zu), "
           "listed deviations %zu\n",
           file, c->valid_ok, c->valid, c->invalid_rejected, c->invalid,
           c->acceptable, c->acceptable_accepted, c->acceptable_rejected,
           c->deviations);
    for (size_t i = 0; i < 8 && c->num_by_err[i] > 0; i++) {
        printf("#   rejections with %s: %zu\n", wax_err_name(c->errs[i]),
               c->num_by_err[i]);
    }
}

static enum wax_cipher_alg
aes_alg(size_t key_len, bool gcm)
{
    switch (key_len) {
    case 16:
        return gcm ? WAX_CIPHER_AES128_GCM : WAX_CIPHER_AES128_CBC;
    case 24:
        return gcm ? WAX_CIPHER_AES192_GCM : WAX_CIPHER_AES192_CBC;
    case 32:
        return gcm ? WAX_CIPHER_AES256_GCM : WAX_CIPHER_AES256_CBC;
    default:
        return WAX_CIPHER_NONE;
    }
}

/* The inputs of one case, hex-decoded. */
struct sym_case {
    uint8_t *key, *iv, *aad, *msg, *ct, *tag;
    size_t key_len, iv_len, aad_len, msg_len, ct_len, tag_len;
};

static void
free_case(struct sym_case *k)
{
    free(k->key);
    free(k->iv);
    free(k->aad);
    free(k->msg);
    free(k->ct);
    free(k->tag);
}

static bool
load_case(const struct json_value *t, bool gcm, struct sym_case *k)
{
    memset(k, 0, sizeof *k);
    k->key = json_get_hex(t, "key", &k->key_len);
    k->iv = json_get_hex(t, "iv", &k->iv_len);
    k->msg = json_get_hex(t, "msg", &k->msg_len);
    k->ct = json_get_hex(t, "ct", &k->ct_len);
    if (gcm) {
        k->aad = json_get_hex(t, "aad", &k->aad_len);
        k->tag = json_get_hex(t, "tag", &k->tag_len);
    }
    return k->key && k->iv && k->msg && k->ct && (!gcm || (k->aad && k->tag));
}

/* Runs IN through a fresh cipher in chunks of 7 bytes (to exercise the
 * streaming path); GCM AAD and tag as given. *OUT is malloc'd. */
static wax_err
run(enum wax_cipher_alg alg, enum wax_cipher_dir dir, const struct sym_case *k,
    const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len,
    uint8_t *tag_out)
{
    size_t cap = in_len + 32;
    *out = malloc(cap);
    *out_len = 0;
    if (*out == NULL) {
        return WAX_ERR_NOMEM;
    }
    struct wax_cipher c;
    wax_err err =
        wax_cipher_init(&c, alg, dir, k->key, k->key_len, k->iv, k->iv_len);
    if (err == WAX_OK && wax_cipher_is_aead(alg)) {
        err = wax_cipher_set_aad(&c, k->aad, k->aad_len);
        if (err == WAX_OK && dir == WAX_CIPHER_DECRYPT) {
            err = wax_cipher_set_tag(&c, k->tag, k->tag_len);
        }
    }
    size_t total = 0;
    for (size_t off = 0; err == WAX_OK && off < in_len; off += 7) {
        size_t n = in_len - off < 7 ? in_len - off : 7, got = 0;
        err =
            wax_cipher_update(&c, *out + total, cap - total, &got, in + off, n);
        total += got;
    }
    if (err == WAX_OK) {
        size_t got = 0;
        err = wax_cipher_final(&c, *out + total, cap - total, &got);
        total += got;
    }
    if (err == WAX_OK && wax_cipher_is_aead(alg) && dir == WAX_CIPHER_ENCRYPT) {
        err = wax_cipher_get_tag(&c, tag_out, k->tag_len);
    }
    wax_cipher_cleanup(&c);
    *out_len = total;
    return err;
}

/*
 * Evaluates one case: returns WAX_OK when decryption (and, for valid
 * cases, encryption) succeeded with the exact expected output, the first
 * error otherwise; *MISMATCH is set when everything succeeded but the
 * output differed.
 */
static wax_err
eval_case(const struct sym_case *k, bool gcm, bool check_encrypt,
          bool *mismatch)
{
    *mismatch = false;
    enum wax_cipher_alg alg = aes_alg(k->key_len, gcm);
    if (alg == WAX_CIPHER_NONE) {
        return WAX_ERR_CRYPTO_BAD_KEY_SIZE;
    }
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint8_t tag[16];
    wax_err err = WAX_OK;
    if (check_encrypt) {
        err = run(alg, WAX_CIPHER_ENCRYPT, k, k->msg, k->msg_len, &out,
                  &out_len, tag);
        if (err == WAX_OK &&
            (out_len != k->ct_len || memcmp(out, k->ct, out_len) != 0 ||
             (gcm && memcmp(tag, k->tag, k->tag_len) != 0))) {
            *mismatch = true;
        }
        free(out);
        out = NULL;
        if (err != WAX_OK || *mismatch) {
            return err;
        }
    }
    err =
        run(alg, WAX_CIPHER_DECRYPT, k, k->ct, k->ct_len, &out, &out_len, tag);
    if (err == WAX_OK &&
        (out_len != k->msg_len || memcmp(out, k->msg, out_len) != 0)) {
        *mismatch = true;
    }
    free(out);
    return err;
}

static void
run_file(const char *file, bool gcm)
{
    char rel[128], why[256];
    snprintf(rel, sizeof rel, "wycheproof/testvectors_v1/%s", file);
    struct expectation ex[MAX_EXPECT];
    int num_ex = load_expectations(ex, MAX_EXPECT, why, sizeof why);
    CHECK_MSG(num_ex >= 0, "%s", why);
    FILE *probe = fopen(wax_test_data_path(rel), "rb");
    if (probe == NULL) {
        SKIP("%s not found (set WAX_TESTDATA)", wax_test_data_path(rel));
    }
    fclose(probe);
    struct json_value *doc =
        json_load_file(wax_test_data_path(rel), why, sizeof why);
    CHECK_MSG(doc != NULL, "%s: %s", file, why);
    long long declared = -1;
    CHECK_MSG(json_get_int(doc, "numberOfTests", &declared), "%s: no count",
              file);

    struct counts c;
    memset(&c, 0, sizeof c);
    size_t seen = 0, num_expect_used = 0;
    const struct json_value *groups = json_get(doc, "testGroups");
    for (size_t g = 0; g < json_array_len(groups); g++) {
        const struct json_value *tests = json_get(json_at(groups, g), "tests");
        for (size_t i = 0; i < json_array_len(tests); i++) {
            const struct json_value *t = json_at(tests, i);
            long long id = -1;
            const char *result = json_get_string(t, "result");
            struct sym_case k;
            bool loaded = load_case(t, gcm, &k);
            if (!loaded || !json_get_int(t, "tcId", &id) || result == NULL) {
                free_case(&k);
                json_free(doc);
                CHECK_MSG(false, "%s: case #%zu of group %zu is malformed",
                          file, i, g);
            }
            seen++;
            bool valid = strcmp(result, "valid") == 0;
            bool invalid = strcmp(result, "invalid") == 0;
            bool mismatch = false;
            wax_err err = eval_case(&k, gcm, valid, &mismatch);
            free_case(&k);
            bool passed = err == WAX_OK && !mismatch;
            const struct expectation *e =
                find_expectation(ex, num_ex, file, id);
            bool ok;
            if (e != NULL) {
                num_expect_used++;
                c.deviations++;
                ok = err == e->err;
                if (!ok) {
                    json_free(doc);
                }
                CHECK_MSG(ok, "%s tcId %lld: listed to fail with %s, got %s",
                          file, id, wax_err_name(e->err),
                          passed ? "success" : wax_err_name(err));
                continue;
            }
            if (valid) {
                c.valid++;
                ok = passed;
                c.valid_ok += ok;
            } else if (invalid) {
                c.invalid++;
                ok = !passed && !mismatch;
                c.invalid_rejected += ok;
                if (ok) {
                    count_err(&c, err);
                }
            } else {
                c.acceptable++;
                ok = strcmp(result, "acceptable") == 0;
                c.acceptable_accepted += passed;
                c.acceptable_rejected += !passed;
            }
            if (!ok) {
                json_free(doc);
            }
            CHECK_MSG(ok, "%s tcId %lld (%s): %s", file, id, result,
                      mismatch ? "wrong output"
                      : passed ? "accepted"
                               : wax_err_name(err));
        }
    }
    json_free(doc);
    print_counts(file, &c);
    size_t listed = 0;
    for (int i = 0; i < num_ex; i++) {
        listed += strcmp(ex[i].file, file) == 0;
    }
    CHECK_MSG(num_expect_used == listed,
              "%s: %zu expectations listed but %zu cases matched", file, listed,
              num_expect_used);
    CHECK_MSG((long long)seen == declared, "%s: ran %zu of %lld cases", file,
              seen, declared);
}

TEST(wycheproof_aes_gcm)
{
    run_file("aes_gcm_test.json", true);
}

TEST(wycheproof_aes_cbc_pkcs5)
{
    run_file("aes_cbc_pkcs5_test.json", false);
}
