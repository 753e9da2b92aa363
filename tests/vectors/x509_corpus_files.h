/*
 * tests/vectors/x509_corpus_files.h - finds the certificates, CRLs and
 * requests of a test-data folder for the x509 vector tests.
 *
 * A file is PEM when it holds a "-----BEGIN " block: CERTIFICATE,
 * X509 CRL and (NEW) CERTIFICATE REQUEST blocks are taken, every other
 * label (keys, parameters, PKCS7...) is skipped. Otherwise the name decides:
 * .cer/.crt a DER certificate, .crl a DER CRL, .csr/.req a DER
 * request; other files (messages, keys, CMS) are not x509 files.
 */
#ifndef WAX_TESTS_X509_CORPUS_FILES_H
#define WAX_TESTS_X509_CORPUS_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wax/err.h>

enum corpus_kind {
    CORPUS_CERT,
    CORPUS_CRL,
    CORPUS_REQ,
};

struct corpus_obj {
    char rel[512];   /* path under the test data dir */
    char path[4096]; /* full path */
    size_t index;    /* block number in a PEM file (0 for DER) */
    bool pem;
    enum corpus_kind kind;
    uint8_t *der;
    size_t der_len;
};

struct corpus {
    struct corpus_obj *objs;
    size_t num;
};

/* corpus_load collects the objects under the folder REL of the test data
 * (recursively). Returns WAX_OK, WAX_ERR_CLI_FILE when the folder is
 * missing (the caller skips), or the PEM error of a file (named in WHY). */
wax_err corpus_load(const char *rel, struct corpus *out, char *why,
                    size_t why_cap);
void corpus_free(struct corpus *c);

#endif
