/*
 * libFuzzer target: the EnvelopedData / AuthEnvelopedData decryptor fed
 * arbitrary bytes in pseudo-random chunks, with fixed test identities
 * (RFC 9216 Bob, RSA, and Dana, X25519, read from the test data at
 * start-up; without them the decryptor runs in inspect mode). The first input
 * byte picks the chunking and the options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/cms.h>

static struct wax_cms_decrypt_key g_keys[2];
static size_t g_num_keys;

static uint8_t *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static void
load_identity(const char *key_rel, const char *cert_rel)
{
    const char *dir = getenv("WAX_TESTDATA");
    char path[1024];
    size_t len = 0;
    struct wax_privkey *key = NULL;
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared/testdata",
             key_rel);
    uint8_t *data = read_all(path, &len);
    if (data == NULL || wax_privkey_load(&key, data, len, NULL) != WAX_OK) {
        free(data);
        return;
    }
    free(data);
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared/testdata",
             cert_rel);
    uint8_t *pem = read_all(path, &len);
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present = false;
    wax_pem_reader_init(&r, pem, pem ? len : 0);
    if (pem != NULL && wax_pem_next(&r, &b, &present) == WAX_OK && present) {
        size_t cap = wax_pem_decoded_max(&b);
        cert = malloc(cap);
        if (cert != NULL &&
            wax_pem_decode(&b, cert, cap, &cert_len) != WAX_OK) {
            free(cert);
            cert = NULL;
        }
    }
    free(pem);
    if (cert == NULL) {
        wax_privkey_free(key);
        return;
    }
    struct wax_cms_decrypt_key k = {key, cert, cert_len};
    g_keys[g_num_keys++] = k;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    load_identity("rfc9216-samples/bob.decrypt.key",
                  "rfc9216-samples/bob.encrypt.crt");
    load_identity("rfc9216-samples/dana.decrypt.key",
                  "rfc9216-samples/dana.encrypt.crt");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    uint8_t mode = data[0];
    data++;
    size--;
    struct wax_cms_decrypt_opts opts = {0};
    opts.allow_weak = (mode & 1) != 0;
    opts.spool_threshold = 4096;
    bool have_key = g_num_keys > 0;
    opts.inspect_only = !have_key || (mode & 2) != 0;
    struct wax_buf out;
    wax_buf_init(&out, (size_t)1 << 24);
    struct wax_cms_decryptor *dec = NULL;
    if (wax_cms_decryptor_new(&dec, &opts, have_key ? g_keys : NULL, g_num_keys,
                              wax_buf_sink(&out)) != WAX_OK) {
        abort(); /* the fixed identities are valid */
    }
    uint32_t x = mode * 2654435761u + 1;
    wax_err err = WAX_OK;
    while (size > 0 && err == WAX_OK) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t n = (mode & 4) ? 1 + x % 7 : 1 + x % 512;
        if (n > size) {
            n = size;
        }
        err = wax_sink_write(wax_cms_decryptor_sink(dec), data, n);
        data += n;
        size -= n;
    }
    wax_err close_err = wax_sink_close(wax_cms_decryptor_sink(dec));
    const struct wax_cms_decrypt_result *res = wax_cms_decryptor_result(dec);
    /* invariants: the output is closed only on full success */
    if (close_err == WAX_OK && !res->complete) {
        abort();
    }
    if (out.closed && close_err != WAX_OK) {
        abort();
    }
    if (res->num_recipients > WAX_MAX_CMS_RECIPIENTS) {
        abort();
    }
    wax_cms_decryptor_free(dec);
    wax_buf_cleanup(&out);
    return 0;
}
