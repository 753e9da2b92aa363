/*
 * fuzz_cms_signed - the SignedData verifier on arbitrary bytes, pushed in
 * random chunks.
 *
 * Oracles: the verdict and every signer's error do not depend on how the
 * input is split (random chunks against one write); WAX_OK only with at
 * least one signer, every signer WAX_OK and a signer certificate each;
 * the content that reached the output is exactly CONTENT_LEN bytes; the
 * detached mode (fixed content) never crashes or leaks (ASan, LSan).
 */
#include <stdlib.h>
#include <string.h>

#include <wax/cms.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            abort();                                                           \
        }                                                                      \
    } while (0)

static const uint8_t k_content[] = "This is some sample content.";

struct outcome {
    wax_err err;
    size_t num_signers;
    wax_err signer_err[WAX_MAX_CMS_SIGNERS];
};

static void
run(const uint8_t *data, size_t size, bool detached, uint32_t seed,
    struct outcome *o)
{
    struct wax_cms_verify_params p = {0};
    struct wax_cms_verify *v = NULL;
    struct wax_buf out;
    struct wax_cms_signed_result res = {0};
    wax_buf_init(&out, (size_t)1 << 24);
    p.detached = detached;
    p.allow_weak = !detached;
    p.content_out = wax_buf_sink(&out);
    ASSERT(wax_cms_verify_new(&v, &p) == WAX_OK);
    wax_err err = WAX_OK;
    if (detached) {
        err = wax_sink_write(wax_cms_verify_content_sink(v), k_content,
                             sizeof(k_content) - 1);
        ASSERT(err == WAX_OK);
        ASSERT(wax_sink_close(wax_cms_verify_content_sink(v)) == WAX_OK);
    }
    size_t off = 0;
    while (err == WAX_OK && off < size) {
        size_t n = size - off;
        if (seed != 0) {
            seed = seed * 1103515245u + 12345u;
            size_t c = 1 + (seed >> 16) % 97;
            n = c < n ? c : n;
        }
        err = wax_sink_write(wax_cms_verify_cms_sink(v), data + off, n);
        off += n;
    }
    if (err == WAX_OK) {
        err = wax_sink_close(wax_cms_verify_cms_sink(v));
    }
    wax_err fin = wax_cms_verify_finish(v, &res);
    ASSERT(err == WAX_OK || fin == err);
    ASSERT(fin == res.err);
    if (fin == WAX_OK) {
        ASSERT(res.num_signers >= 1);
        for (size_t i = 0; i < res.num_signers; i++) {
            ASSERT(res.signers[i].err == WAX_OK);
            ASSERT(res.signers[i].cert.der != NULL);
        }
        ASSERT(out.len == res.content_len);
        ASSERT(!detached || out.len == sizeof(k_content) - 1);
    }
    o->err = fin;
    o->num_signers = res.num_signers;
    for (size_t i = 0; i < res.num_signers && i < WAX_MAX_CMS_SIGNERS; i++) {
        o->signer_err[i] = res.signers[i].err;
    }
    wax_cms_signed_result_cleanup(&res);
    wax_cms_verify_free(v);
    wax_buf_cleanup(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct outcome a = {0}, b = {0}, c = {0};
    uint32_t seed = 1u + (uint32_t)size;
    for (size_t i = 0; i < size && i < 16; i++) {
        seed = seed * 31u + data[i];
    }
    run(data, size, false, seed | 1u, &a);
    run(data, size, false, 0, &b);
    ASSERT(a.err == b.err);
    ASSERT(a.num_signers == b.num_signers);
    for (size_t i = 0; i < a.num_signers && i < WAX_MAX_CMS_SIGNERS; i++) {
        ASSERT(a.signer_err[i] == b.signer_err[i]);
    }
    run(data, size, true, seed | 1u, &c);
    return 0;
}
