/*
 * fuzz_smime_verify - the smime layer's input side: verify, decrypt and
 * inspect on the same bytes (MIME message, DER/BER or PEM CMS), pushed in
 * chunks whose size the first input byte picks.
 *
 * Oracle (SECURITY.md rule 1): whenever the verdict is not positive,
 * nothing at all reached the output and it was not closed; a positive
 * verdict closed it. Trust and keys come from the Thunderbird/NSS test data
 * when it is there (TestCA.pem, Bob.p12), so that seeds from that corpus
 * go deep; otherwise a fresh key is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2027-06-01: inside the validity of the NSS test certificates. */
#define FUZZ_TIME ((int64_t)1811808000)

static struct {
    bool ready;
    uint8_t *anchor;
    size_t anchor_len;
    struct wax_privkey *key;
    uint8_t *cert;
    size_t cert_len;
} g;

static uint8_t *
read_file(const char *rel, size_t *len)
{
    const char *dir = getenv("WAX_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared/testdata", rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    uint8_t *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    *len = n;
    return buf;
}

static void
setup(void)
{
    if (g.ready) {
        return;
    }
    g.ready = true;
    size_t len = 0;
    uint8_t *pem = read_file("thunderbird-nss-smime/smime/TestCA.pem", &len);
    if (pem != NULL) {
        struct wax_pem_reader r;
        struct wax_pem_block b;
        bool present = false;
        wax_pem_reader_init(&r, pem, len);
        if (wax_pem_next(&r, &b, &present) == WAX_OK && present) {
            size_t cap = wax_pem_decoded_max(&b);
            g.anchor = malloc(cap);
            if (g.anchor != NULL &&
                wax_pem_decode(&b, g.anchor, cap, &g.anchor_len) != WAX_OK) {
                g.anchor_len = 0;
            }
        }
        free(pem);
    }
    uint8_t *p12 = read_file("thunderbird-nss-smime/smime/Bob.p12", &len);
    struct wax_pkcs12_contents c;
    if (p12 != NULL && wax_pkcs12_load(&c, p12, len, "nss") == WAX_OK) {
        for (size_t k = 0; k < c.num_keys && g.key == NULL; k++) {
            struct wax_privkey *key = NULL;
            if (wax_privkey_load(&key, c.keys[k].der, c.keys[k].der_len,
                                 NULL) != WAX_OK) {
                continue;
            }
            for (size_t i = 0; i < c.num_certs; i++) {
                struct wax_x509_cert cert;
                if (wax_x509_cert_parse(&cert, c.certs[i].der,
                                        c.certs[i].der_len) == WAX_OK &&
                    wax_privkey_match_spki(key, cert.spki.der.p,
                                           cert.spki.der.len) == WAX_OK) {
                    g.cert = malloc(c.certs[i].der_len);
                    memcpy(g.cert, c.certs[i].der, c.certs[i].der_len);
                    g.cert_len = c.certs[i].der_len;
                    g.key = key;
                    key = NULL;
                    break;
                }
            }
            wax_privkey_free(key);
        }
        wax_pkcs12_contents_cleanup(&c);
    }
    free(p12);
}

static wax_err
push_chunked(wax_sink *s, const uint8_t *p, size_t len, size_t chunk)
{
    while (len > 0) {
        size_t n = chunk < len ? chunk : len;
        WAX_TRY(wax_sink_write(s, p, n));
        p += n;
        len -= n;
    }
    return WAX_OK;
}

/* Runs the operation OP on the input; checks the output oracle. */
static void
run(struct wax_smime_op *op, struct wax_smime_report *rep, struct wax_buf *out,
    const uint8_t *p, size_t len, size_t chunk)
{
    wax_err werr = push_chunked(wax_smime_op_sink(op), p, len, chunk);
    (void)werr;
    wax_err err = wax_sink_close(wax_smime_op_sink(op));
    bool positive = wax_smime_verdict_positive(rep->verdict);
    if (!positive) {
        FUZZ_CHECK(err != WAX_OK);
        FUZZ_CHECK(out->len == 0 && !out->closed);
        FUZZ_CHECK(!rep->released);
    } else if (err == WAX_OK) {
        FUZZ_CHECK(out->closed && rep->released);
    }
    /* the report renders */
    struct wax_buf json;
    wax_buf_init(&json, (size_t)1 << 20);
    FUZZ_CHECK(wax_smime_report_json(rep, wax_buf_sink(&json)) == WAX_OK);
    wax_buf_cleanup(&json);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1) {
        return 0;
    }
    size_t chunk = (size_t)data[0] * 7 + 1;
    const uint8_t *p = data + 1;
    size_t len = size - 1;

    /* verify */
    const uint8_t *anchors[1] = {g.anchor};
    size_t anchor_lens[1] = {g.anchor_len};
    struct wax_smime_verify_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.trust.anchors.der = anchors;
    vo.trust.anchors.lens = anchor_lens;
    vo.trust.anchors.num = g.anchor_len > 0 ? 1 : 0;
    vo.trust.time = FUZZ_TIME;
    vo.trust.allow_weak = (data[0] & 1) != 0;
    vo.with_outer_headers = (data[0] & 2) != 0;
    struct wax_buf out;
    wax_buf_init(&out, (size_t)16 << 20);
    struct wax_smime_report rep;
    struct wax_smime_op *op = NULL;
    if (wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep) == WAX_OK) {
        run(op, &rep, &out, p, len, chunk);
        wax_smime_op_free(op);
    }
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);

    /* decrypt */
    if (g.key != NULL) {
        struct wax_smime_identity id;
        memset(&id, 0, sizeof id);
        id.key = g.key;
        id.cert = g.cert;
        id.cert_len = g.cert_len;
        struct wax_smime_decrypt_opts d;
        memset(&d, 0, sizeof d);
        d.identities = &id;
        d.num_identities = 1;
        d.require_auth = (data[0] & 4) != 0;
        wax_buf_init(&out, (size_t)16 << 20);
        op = NULL;
        if (wax_smime_decrypt_new(&op, &d, wax_buf_sink(&out), &rep) ==
            WAX_OK) {
            run(op, &rep, &out, p, len, chunk);
            wax_smime_op_free(op);
        }
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&out);
    }

    /* inspect */
    wax_err ierr = wax_smime_inspect(NULL, p, len, &rep);
    (void)ierr;
    wax_smime_report_cleanup(&rep);
    return 0;
}
