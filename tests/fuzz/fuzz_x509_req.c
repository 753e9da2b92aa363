/* libFuzzer target: wax_x509_req_parse and every accessor of the result. */
#include "x509_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct wax_x509_req req;
    struct wax_x509_iter it;
    struct wax_x509_attribute a;
    bool present = true;
    if (wax_x509_req_parse(&req, data, size) != WAX_OK) {
        return 0;
    }
    walk_name(req.subject);
    wax_x509_req_attributes(&req, &it);
    for (present = true; present;) {
        MUST(wax_x509_attribute_next(&it, &a, &present));
    }
    if (req.has_extension_request) {
        walk_exts(&req.exts);
        walk_ext_info(&req.info_ext);
    }
    (void)wax_x509_req_verify_signature(&req);
    return 0;
}
