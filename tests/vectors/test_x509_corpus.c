/*
 * Vectors: every certificate, CRL and request of the RFC 9216, RFC 4134 and
 * OpenSSL S/MIME corpora parses, every accessor walks it, and every issuer
 * signature checks against the issuer found in the same folder (self-signed
 * roots against themselves, cross-certificates, CRLs against their CA).
 * The exceptions are data below, each with its reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/x509.h>

#include "../harness.h"
#include "x509_corpus_files.h"

/* Certificates whose public key the crypto layer cannot load: the exact
 * wax_pubkey_from_spki result. Their own issuer signatures still check. */
static const struct {
    const char *rel;
    wax_err err;
    const char *why;
} key_expect[] = {
    {"openssl-smime-cms/smime-certs/sm_mldsa44.pem",
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG, "ML-DSA-44: OpenSSL 3.0 has no ML-DSA"},
    {"openssl-smime-cms/smime-certs/sm_slhdsa_sha2_128s.pem",
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG, "SLH-DSA: OpenSSL 3.0 has no SLH-DSA"},
    {"openssl-smime-cms/smime-certs/sm_slhdsa_shake_128s.pem",
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG, "SLH-DSA: OpenSSL 3.0 has no SLH-DSA"},
    {"openssl-smime-cms/smime-certs/sm_slhdsa_shake_256s.pem",
     WAX_ERR_CRYPTO_UNSUPPORTED_ALG, "SLH-DSA: OpenSSL 3.0 has no SLH-DSA"},
    {"openssl-smime-cms/smime-certs/smec2.pem", WAX_ERR_CRYPTO_UNSUPPORTED_ALG,
     "sect283k1: wax takes EC keys on P-256/384/521 only"},
    {"openssl-smime-cms/smime-certs/smdh.pem", WAX_ERR_CRYPTO_UNSUPPORTED_ALG,
     "X9.42 DH keys are not a wax key type"},
    {"openssl-smime-cms/smime-certs/badrsa.pem", WAX_ERR_CRYPTO_BAD_KEY,
     "deliberately bad RSA key (OpenSSL's encryption-failure test)"},
    {"rfc4134-examples/DianeDSSSignByCarlInherit.cer", WAX_ERR_CRYPTO_BAD_KEY,
     "DSA key with inherited parameters (no p, q, g in the SPKI)"},
};

/* Certificates whose issuer is not in their folder. */
static const struct {
    const char *rel;
    const char *why;
} no_issuer[] = {
    {"openssl-smime-cms/smime-certs/smec3.pem",
     "issued by an earlier smroot key: its AKI is not smroot's SKI"},
    {"openssl-smime-cms/smime-certs/badrsa.pem",
     "issuer 2.5.15235=Sample LAMPS Certificate Authority is not in the "
     "corpus"},
    {"openssl-smime-cms/certs/ee-cert.pem",
     "issuer CN=CA is not in the corpus"},
};

static wax_err
expected_key_err(const char *rel)
{
    for (size_t i = 0; i < sizeof key_expect / sizeof key_expect[0]; i++) {
        if (strcmp(key_expect[i].rel, rel) == 0) {
            return key_expect[i].err;
        }
    }
    return WAX_OK;
}

static bool
expects_no_issuer(const char *rel)
{
    for (size_t i = 0; i < sizeof no_issuer / sizeof no_issuer[0]; i++) {
        if (strcmp(no_issuer[i].rel, rel) == 0) {
            return true;
        }
    }
    return false;
}

/* walk_ext_info runs every iterator over INFO to its end. */
static wax_err
walk_ext_info(const struct wax_x509_ext_info *info)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    struct wax_span oid;
    enum wax_oid_id id;
    struct wax_x509_policy p;
    struct wax_x509_policy_mapping m;
    struct wax_x509_dist_point d;
    struct wax_x509_access a;
    bool present = true;
    wax_x509_san_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_gn_next(&it, &g, &present));
    }
    wax_x509_eku_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_oid_next(&it, &oid, &id, &present));
    }
    wax_x509_policies_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_policy_next(&it, &p, &present));
    }
    wax_x509_policy_mappings_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_policy_mapping_next(&it, &m, &present));
    }
    wax_x509_permitted_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_subtree_next(&it, &g, &present));
    }
    wax_x509_excluded_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_subtree_next(&it, &g, &present));
    }
    wax_x509_crl_dps_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_dist_point_next(&it, &d, &present));
    }
    wax_x509_aia_iter(info, &it);
    for (present = true; present;) {
        WAX_TRY(wax_x509_access_next(&it, &a, &present));
    }
    return WAX_OK;
}

static wax_err
format_name(struct wax_span name)
{
    char text[4096];
    size_t len;
    return wax_x509_name_format(name, text, sizeof text, &len);
}

/* key_ids_agree: AKI keyIdentifier and the candidate's SKI, when both are
 * there, must be equal (they pick smec3's old issuer key apart). */
static bool
key_ids_agree(const struct wax_x509_aki *aki,
              const struct wax_x509_cert *issuer)
{
    return !aki->present || !aki->has_key_id || !issuer->info.has_ski ||
           wax_span_equal(aki->key_id, issuer->info.ski);
}

struct counts {
    size_t certs, crls, reqs, checked;
};

static void
run_corpus(const char *folder, size_t want_certs, size_t want_crls)
{
    struct corpus c;
    char why[1024];
    wax_err err = corpus_load(folder, &c, why, sizeof why);
    if (err == WAX_ERR_CLI_FILE) {
        SKIP("%s", why);
    }
    CHECK_MSG(err == WAX_OK, "%s", why);

    struct wax_x509_cert *certs = calloc(c.num + 1, sizeof *certs);
    struct wax_x509_crl *crls = calloc(c.num + 1, sizeof *crls);
    struct wax_x509_req *reqs = calloc(c.num + 1, sizeof *reqs);
    bool *is_cert = calloc(c.num + 1, sizeof *is_cert);
    struct counts n = {0};
    char fail[2048] = "";

    for (size_t i = 0; i < c.num && fail[0] == '\0'; i++) {
        struct corpus_obj *o = &c.objs[i];
        switch (o->kind) {
        case CORPUS_CERT:
            err = wax_x509_cert_parse(&certs[i], o->der, o->der_len);
            if (err == WAX_OK) {
                err = format_name(certs[i].subject);
            }
            if (err == WAX_OK) {
                err = format_name(certs[i].issuer);
            }
            if (err == WAX_OK) {
                err = walk_ext_info(&certs[i].info);
            }
            if (err == WAX_OK) {
                /* the corpora have no unknown critical extension */
                err = wax_x509_cert_check_critical(&certs[i]);
            }
            if (err == WAX_OK) {
                struct wax_pubkey *key = NULL;
                wax_err kerr = wax_pubkey_from_spki(&key, certs[i].spki.der.p,
                                                    certs[i].spki.der.len);
                wax_pubkey_free(key);
                if (kerr != expected_key_err(o->rel)) {
                    snprintf(fail, sizeof fail,
                             "%s: key loads with %s, want %s", o->rel,
                             wax_err_name(kerr),
                             wax_err_name(expected_key_err(o->rel)));
                }
            }
            is_cert[i] = err == WAX_OK;
            n.certs++;
            break;
        case CORPUS_CRL:
            err = wax_x509_crl_parse(&crls[i], o->der, o->der_len);
            if (err == WAX_OK) {
                err = format_name(crls[i].issuer);
            }
            if (err == WAX_OK) {
                err = wax_x509_crl_check_critical(&crls[i]);
            }
            if (err == WAX_OK) {
                struct wax_x509_iter it;
                struct wax_x509_crl_entry e;
                bool present = true;
                wax_x509_crl_entries(&crls[i], &it);
                while (err == WAX_OK && present) {
                    err = wax_x509_crl_entry_next(&it, &e, &present);
                }
            }
            n.crls++;
            break;
        case CORPUS_REQ:
            err = wax_x509_req_parse(&reqs[i], o->der, o->der_len);
            if (err == WAX_OK) {
                err = wax_x509_req_verify_signature(&reqs[i]);
            }
            n.reqs++;
            n.checked += err == WAX_OK;
            break;
        }
        if (err != WAX_OK && fail[0] == '\0') {
            snprintf(fail, sizeof fail, "%s (block %zu): %s", o->rel, o->index,
                     wax_err_name(err));
        }
    }

    /* Issuer signatures. */
    for (size_t i = 0; i < c.num && fail[0] == '\0'; i++) {
        struct corpus_obj *o = &c.objs[i];
        struct wax_span issuer_name;
        const struct wax_x509_aki *aki;
        if (o->kind == CORPUS_CERT) {
            issuer_name = certs[i].issuer;
            aki = &certs[i].info.aki;
        } else if (o->kind == CORPUS_CRL) {
            issuer_name = crls[i].issuer;
            aki = &crls[i].aki;
        } else {
            continue;
        }
        size_t num_candidates = 0;
        bool ok = false;
        wax_err last = WAX_OK;
        for (size_t j = 0; j < c.num && !ok; j++) {
            if (!is_cert[j] ||
                !wax_x509_name_equal(certs[j].subject, issuer_name) ||
                !key_ids_agree(aki, &certs[j])) {
                continue;
            }
            num_candidates++;
            last = o->kind == CORPUS_CERT
                       ? wax_x509_cert_verify_signature(&certs[i],
                                                        certs[j].spki.der)
                       : wax_x509_crl_verify_signature(&crls[i],
                                                       certs[j].spki.der);
            ok = last == WAX_OK;
        }
        if (ok) {
            n.checked++;
            if (expects_no_issuer(o->rel)) {
                snprintf(fail, sizeof fail,
                         "%s: listed without issuer, but its signature checks",
                         o->rel);
            }
        } else if (num_candidates == 0 && expects_no_issuer(o->rel)) {
            continue;
        } else {
            snprintf(fail, sizeof fail,
                     "%s: %zu issuer candidates, signature check: %s", o->rel,
                     num_candidates, wax_err_name(last));
        }
    }

    printf("# %s: parsed %zu certificates, %zu CRLs, %zu requests; "
           "%zu signatures checked\n",
           folder, n.certs, n.crls, n.reqs, n.checked);
    free(certs);
    free(crls);
    free(reqs);
    free(is_cert);
    corpus_free(&c);
    CHECK_MSG(fail[0] == '\0', "%s", fail);
    CHECK_MSG(n.certs == want_certs && n.crls == want_crls,
              "%s: found %zu certificates and %zu CRLs, want %zu and %zu",
              folder, n.certs, n.crls, want_certs, want_crls);
}

TEST(rfc9216_samples_parse_and_check)
{
    /* 12 .crt files, plus the certificates inside the four .p12.pem */
    run_corpus("rfc9216-samples", 12, 0);
}

TEST(rfc4134_examples_parse_and_check)
{
    run_corpus("rfc4134-examples", 7, 6);
}

TEST(openssl_smime_cms_parse_and_check)
{
    run_corpus("openssl-smime-cms", 21, 0);
}

/* Requests made by `openssl req` (Ed25519 with SAN and key usage, P-256
 * with EKU; kept as fuzz seeds): parse and verify with their own key. */
TEST(openssl_made_requests_parse_and_verify)
{
    static const struct {
        const char *path;
        enum wax_x509_key_type type;
        bool san, ku, eku;
    } reqs[] = {
        {"tests/fuzz/corpus/fuzz_x509_req/ed25519-san.csr",
         WAX_X509_KEY_ED25519, true, true, false},
        {"tests/fuzz/corpus/fuzz_x509_req/p256-eku.csr", WAX_X509_KEY_EC, false,
         false, true},
    };
    static struct wax_x509_req req;
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        size_t len;
        uint8_t *der = wax_test_read_file(reqs[i].path, &len);
        CHECK_MSG(der != NULL, "cannot read %s", reqs[i].path);
        wax_err err = wax_x509_req_parse(&req, der, len);
        if (err == WAX_OK) {
            err = wax_x509_req_verify_signature(&req);
        }
        bool fields = err == WAX_OK && req.spki.type == reqs[i].type &&
                      req.has_extension_request &&
                      req.info_ext.has_san == reqs[i].san &&
                      req.info_ext.has_key_usage == reqs[i].ku &&
                      req.info_ext.has_eku == reqs[i].eku;
        free(der);
        CHECK_MSG(err == WAX_OK, "%s: %s", reqs[i].path, wax_err_name(err));
        CHECK_MSG(fields, "%s: fields differ", reqs[i].path);
    }
}
