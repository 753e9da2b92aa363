/* Vectors: every DER certificate and CRL of RFC 4134 passes the strict DER
 * validator, and a truncated or extended copy of each does not. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#include "../harness.h"

static bool
has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcmp(name + n - k, suffix) == 0;
}

TEST(rfc4134_certs_and_crls_are_strict_der)
{
    const char *dir_path = wax_test_data_path("rfc4134-examples");
    char dir_copy[4096];
    snprintf(dir_copy, sizeof dir_copy, "%s", dir_path);
    DIR *dir = opendir(dir_copy);
    if (dir == NULL) {
        SKIP("cannot open %s (set WAX_TESTDATA)", dir_copy);
    }
    size_t num_files = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (!has_suffix(de->d_name, ".cer") &&
            !has_suffix(de->d_name, ".crl")) {
            continue;
        }
        char path[4096 + 256 + 2];
        snprintf(path, sizeof path, "%s/%s", dir_copy, de->d_name);
        size_t len;
        uint8_t *der = wax_test_read_file(path, &len);
        if (der == NULL) {
            closedir(dir);
            CHECK_MSG(false, "cannot read %s", path);
        }
        wax_err err = wax_der_validate(der, len, WAX_MAX_DER_DEPTH);
        wax_err cut = wax_der_validate(der, len - 1, WAX_MAX_DER_DEPTH);
        /* the NUL that wax_test_read_file appends is one byte too many */
        wax_err extra = wax_der_validate(der, len + 1, WAX_MAX_DER_DEPTH);
        free(der);
        if (err != WAX_OK || cut != WAX_ERR_DER_TRUNCATED ||
            extra != WAX_ERR_DER_TRAILING_DATA) {
            closedir(dir);
            CHECK_MSG(false, "%s: %s, cut %s, extra %s", de->d_name,
                      wax_err_name(err), wax_err_name(cut),
                      wax_err_name(extra));
        }
        num_files++;
    }
    closedir(dir);
    /* RFC 4134 Appendix B holds 7 certificates and 6 CRLs */
    CHECK_MSG(num_files == 13, "found %zu .cer/.crl files, want 13", num_files);
}
