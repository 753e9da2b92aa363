/* libFuzzer target: the PEM reader, block decoding, and the parsers behind
 * the labels wax reads. */
#include "x509_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t der[1 << 20];
    static struct wax_x509_cert cert;
    static struct wax_x509_crl crl;
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present;
    (void)wax_pem_looks_like(data, size);
    wax_pem_reader_init(&r, data, size);
    while (wax_pem_next(&r, &b, &present) == WAX_OK && present) {
        size_t len;
        if (wax_pem_decoded_max(&b) > sizeof der ||
            wax_pem_decode(&b, der, sizeof der, &len) != WAX_OK) {
            continue;
        }
        if (wax_pem_label_is(&b, "CERTIFICATE") &&
            wax_x509_cert_parse(&cert, der, len) == WAX_OK) {
            walk_name(cert.subject);
            walk_ext_info(&cert.info);
        } else if (wax_pem_label_is(&b, "X509 CRL") &&
                   wax_x509_crl_parse(&crl, der, len) == WAX_OK) {
            walk_name(crl.issuer);
        }
    }
    return 0;
}
