/* libFuzzer target: wax_x509_cert_parse and every accessor of the result. */
#include "x509_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct wax_x509_cert cert;
    if (wax_x509_cert_parse(&cert, data, size) != WAX_OK) {
        return 0;
    }
    walk_name(cert.subject);
    walk_name(cert.issuer);
    (void)wax_x509_cert_is_self_issued(&cert);
    walk_exts(&cert.exts);
    walk_ext_info(&cert.info);
    (void)wax_x509_cert_check_critical(&cert);
    (void)wax_x509_key_type_name(cert.spki.type);
    (void)wax_x509_cert_verify_signature(&cert, cert.spki.der);
    return 0;
}
