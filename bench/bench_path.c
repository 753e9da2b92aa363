/*
 * bench_path - validations per second of wax_path_validate for a
 * 3-certificate chain (root anchor, intermediate, S/MIME leaf), made here
 * with the pki layer's certificate maker, for ECDSA P-256, Ed25519 and
 * RSA-2048 keys. Each validation parses the leaf, the anchor and the
 * intermediate, builds the path, checks both signatures and runs the
 * RFC 5280 steps and the S/MIME policy (revocation prefer, no CRLs).
 * Best of 3 rounds of about a second each; wall clock and the thread's CPU
 * time (which other processes on a busy machine do not inflate).
 *
 * Usage: bench_path [SECONDS]   (per round, default 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wax/wax.h>

#define ROUNDS 3
/* 2024-01-01T00:00:00Z and a year */
#define T0 ((int64_t)1704067200)
#define YEAR ((int64_t)365 * 86400)

static double
clock_secs(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, wax_err err)
{
    fprintf(stderr, "bench_path: %s: %s (%s)\n", what, wax_err_str(err),
            wax_err_name(err));
    exit(1);
}

static void
ck(const char *what, wax_err err)
{
    if (err != WAX_OK) {
        die(what, err);
    }
}

struct ident {
    struct wax_privkey *key;
    struct wax_pubkey *pub;
    struct wax_buf cert;
};

static void
make(struct ident *id, enum wax_keygen kind, const char *dn,
     enum wax_pki_profile profile, const struct ident *issuer)
{
    struct wax_buf name;
    struct wax_pki_cert_template t;
    ck("keygen", wax_privkey_generate(&id->key, kind));
    ck("public key", wax_privkey_public(id->key, &id->pub));
    wax_buf_init(&name, WAX_MAX_PKI_NAME_BYTES);
    ck("dn", wax_pki_dn_parse(&name, dn, strlen(dn)));
    wax_pki_cert_template_init(&t);
    t.subject = name.data;
    t.subject_len = name.len;
    t.not_before = T0 - YEAR;
    t.not_after = T0 + 10 * YEAR;
    static const char *const emails[] = {"alice@example.org"};
    if (profile != WAX_PKI_PROFILE_CA) {
        t.emails = emails;
        t.num_emails = 1;
    }
    ck("profile", wax_pki_cert_template_profile(&t, profile, id->pub));
    wax_buf_init(&id->cert, WAX_MAX_PKI_CERT_BYTES);
    ck("certificate",
       wax_pki_cert_make(&id->cert, &t,
                         issuer != NULL ? issuer->key : id->key,
                         issuer != NULL ? issuer->cert.data : NULL,
                         issuer != NULL ? issuer->cert.len : 0, id->pub));
    wax_buf_cleanup(&name);
}

static void
drop(struct ident *id)
{
    wax_privkey_free(id->key);
    wax_pubkey_free(id->pub);
    wax_buf_cleanup(&id->cert);
}

static void
bench(const char *label, enum wax_keygen kind, double seconds)
{
    struct ident root, ica, leaf;
    make(&root, kind, "CN=Bench Root", WAX_PKI_PROFILE_CA, NULL);
    make(&ica, kind, "CN=Bench ICA", WAX_PKI_PROFILE_CA, &root);
    make(&leaf, kind, "CN=Alice", WAX_PKI_PROFILE_SIGN, &ica);
    const uint8_t *anchors[1] = {root.cert.data};
    size_t anchor_lens[1] = {root.cert.len};
    const uint8_t *untrusted[1] = {ica.cert.data};
    size_t untrusted_lens[1] = {ica.cert.len};
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = leaf.cert.data;
    in.leaf_len = leaf.cert.len;
    in.anchors = (struct wax_path_certs){anchors, anchor_lens, 1};
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, 1};
    in.time = T0;
    in.purpose = WAX_PATH_PURPOSE_SMIME_SIGN;
    struct wax_path_result res;
    ck("first validation", wax_path_validate(&in, &res));
    if (res.num_certs != 3) {
        fprintf(stderr, "bench_path: chain of %zu certificates\n",
                res.num_certs);
        exit(1);
    }
    double best_wall = 0, best_cpu = 0;
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = 0;
        double w0 = clock_secs(CLOCK_MONOTONIC);
        double c0 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
        double w1;
        do {
            for (int k = 0; k < 16; k++) {
                if (wax_path_validate(&in, &res) != WAX_OK) {
                    die("validation", res.err);
                }
            }
            n += 16;
            w1 = clock_secs(CLOCK_MONOTONIC);
        } while (w1 - w0 < seconds);
        double c1 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
        double wall = (double)n / (w1 - w0), cpu = (double)n / (c1 - c0);
        best_wall = wall > best_wall ? wall : best_wall;
        best_cpu = cpu > best_cpu ? cpu : best_cpu;
    }
    printf("%-10s %9.0f validations/s (wall), %9.0f /s (cpu), %.1f us each\n",
           label, best_wall, best_cpu, 1e6 / best_cpu);
    drop(&leaf);
    drop(&ica);
    drop(&root);
}

int
main(int argc, char **argv)
{
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 1.0;
    if (!(seconds > 0 && seconds < 600)) {
        seconds = 1.0;
    }
    printf("wax_path_validate, 3-certificate chain (anchor, intermediate, "
           "leaf), best of %d:\n",
           ROUNDS);
    bench("P-256", WAX_KEYGEN_P256, seconds);
    bench("Ed25519", WAX_KEYGEN_ED25519, seconds);
    bench("RSA-2048", WAX_KEYGEN_RSA2048, seconds);
    return 0;
}
