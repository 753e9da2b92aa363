/*
 * libFuzzer target: wax_path_validate over a random set of certificates
 * and CRLs. The input is
 *
 *   options (1 byte): purpose (bits 0-2), revocation mode (bits 3-4),
 *                     allow_weak (bit 5), a DNS peer name (bit 6),
 *                     require explicit policy (bit 7)
 *   anchors (2 bytes): bit i makes certificate i a trust anchor
 *   time    (4 bytes): seconds after 2000-01-01, big-endian
 *   objects: [kind 1 byte: even = certificate, odd = CRL]
 *            [length 2 bytes big-endian][DER]...
 *
 * The first certificate is the leaf. Time per input is bounded by the
 * path layer's own limits (WAX_MAX_PATH_STEPS and the rest). Checks: the
 * result is consistent with the returned error, the chain points into the
 * input, and the problems list starts with the returned error.
 * Seeds: tests/fuzz/corpus/fuzz_path (made by tests/fuzz/make_path_seeds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_CERTS 16
#define FUZZ_MAX_CRLS 4
#define FUZZ_T2000 ((int64_t)946684800)

static void
check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_path: %s\n", what);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 7) {
        return 0;
    }
    uint8_t opts = data[0];
    unsigned anchor_bits = (unsigned)data[1] << 8 | data[2];
    int64_t t = FUZZ_T2000 + (int64_t)((uint32_t)data[3] << 24 |
                                       (uint32_t)data[4] << 16 |
                                       (uint32_t)data[5] << 8 | data[6]);
    const uint8_t *certs[FUZZ_MAX_CERTS], *anchors[FUZZ_MAX_CERTS],
        *untrusted[FUZZ_MAX_CERTS], *crls[FUZZ_MAX_CRLS];
    size_t cert_lens[FUZZ_MAX_CERTS], anchor_lens[FUZZ_MAX_CERTS],
        untrusted_lens[FUZZ_MAX_CERTS], crl_lens[FUZZ_MAX_CRLS];
    size_t num_certs = 0, num_crls = 0;
    size_t pos = 7;
    while (pos + 3 <= size) {
        uint8_t kind = data[pos];
        size_t len = (size_t)data[pos + 1] << 8 | data[pos + 2];
        pos += 3;
        if (len > size - pos) {
            len = size - pos;
        }
        if ((kind & 1) == 0 && num_certs < FUZZ_MAX_CERTS) {
            certs[num_certs] = data + pos;
            cert_lens[num_certs++] = len;
        } else if ((kind & 1) == 1 && num_crls < FUZZ_MAX_CRLS) {
            crls[num_crls] = data + pos;
            crl_lens[num_crls++] = len;
        }
        pos += len;
    }
    if (num_certs == 0) {
        return 0;
    }
    size_t na = 0, nu = 0;
    for (size_t i = 0; i < num_certs; i++) {
        if (anchor_bits & (1u << i)) {
            anchors[na] = certs[i];
            anchor_lens[na++] = cert_lens[i];
        } else if (i > 0) {
            untrusted[nu] = certs[i];
            untrusted_lens[nu++] = cert_lens[i];
        }
    }
    struct wax_path_input in;
    struct wax_path_result res;
    struct wax_path_diag diag;
    memset(&in, 0, sizeof in);
    in.leaf = certs[0];
    in.leaf_len = cert_lens[0];
    in.anchors = (struct wax_path_certs){anchors, anchor_lens, na};
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, nu};
    in.crls = (struct wax_path_certs){crls, crl_lens, num_crls};
    in.time = t;
    in.purpose = (enum wax_path_purpose)((opts & 7) % 6);
    in.revocation = (enum wax_path_revocation)(((opts >> 3) & 3) % 3);
    in.allow_weak = (opts & 0x20) != 0;
    in.dns_name = (opts & 0x40) != 0 ? "www.example.com" : NULL;
    in.require_explicit_policy = (opts & 0x80) != 0;
    in.diag = &diag;
    wax_err err = wax_path_validate(&in, &res);
    check(res.err == err, "result error differs from the returned one");
    check(res.num_certs <= WAX_MAX_PATH_DEPTH, "chain too long");
    check(res.num_steps <= WAX_MAX_PATH_STEPS, "budget overrun");
    for (size_t i = 0; i < res.num_certs; i++) {
        bool inside = false;
        for (size_t j = 0; j < num_certs && !inside; j++) {
            inside = res.certs[i] == certs[j] && res.cert_lens[i] == cert_lens[j];
        }
        check(inside, "a chain certificate outside the input");
    }
    if (err == WAX_OK) {
        check(res.reached_anchor && res.num_certs >= 1, "valid without anchor");
        check(res.failed_index == SIZE_MAX, "valid with a failed index");
        check(diag.num_problems == 0, "valid with problems");
        check(res.certs[0] == certs[0], "valid chain not from the leaf");
    } else {
        check(diag.num_problems >= 1 && diag.problems[0].err == err,
              "the first problem is not the error");
        check(res.failed_index == SIZE_MAX || res.failed_index < res.num_certs ||
                  res.num_certs == 0,
              "failed index outside the chain");
    }
    return 0;
}
