/* libFuzzer target: wax_x509_crl_parse, the entries and every accessor. */
#include "x509_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct wax_x509_crl crl;
    static struct wax_x509_crl_entry e;
    struct wax_x509_iter it;
    bool present = true;
    if (wax_x509_crl_parse(&crl, data, size) != WAX_OK) {
        return 0;
    }
    walk_name(crl.issuer);
    walk_exts(&crl.exts);
    if (crl.aki.present && crl.aki.has_issuer) {
        walk_general_names(crl.aki.issuer);
    }
    if (crl.idp.present && crl.idp.has_full_name) {
        walk_general_names(crl.idp.full_name);
    }
    wax_x509_crl_entries(&crl, &it);
    for (;;) {
        MUST(wax_x509_crl_entry_next(&it, &e, &present));
        if (!present) {
            break;
        }
        walk_exts(&e.exts);
        if (e.has_certificate_issuer) {
            walk_general_names(e.certificate_issuer);
        }
    }
    if (it.count != crl.num_revoked) {
        abort();
    }
    bool found;
    MUST(wax_x509_crl_find(&crl, e.serial, NULL, &found));
    (void)wax_x509_crl_check_critical(&crl);
    return 0;
}
