/* Digests: streaming, one-shot and as a sink filter (crypto.h). */
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include <wax/crypto.h>

#include "crypto/ossl_internal.h"

const EVP_MD *
wax_ossl_md(enum wax_digest_alg alg)
{
    switch (alg) {
    case WAX_DIGEST_NONE:
        return NULL;
    case WAX_DIGEST_MD5:
        return EVP_md5();
    case WAX_DIGEST_SHA1:
        return EVP_sha1();
    case WAX_DIGEST_SHA224:
        return EVP_sha224();
    case WAX_DIGEST_SHA256:
        return EVP_sha256();
    case WAX_DIGEST_SHA384:
        return EVP_sha384();
    case WAX_DIGEST_SHA512:
        return EVP_sha512();
    }
    return NULL;
}

void
wax_ossl_clear_errors(void)
{
    ERR_clear_error();
}

size_t
wax_digest_size(enum wax_digest_alg alg)
{
    switch (alg) {
    case WAX_DIGEST_NONE:
        return 0;
    case WAX_DIGEST_MD5:
        return 16;
    case WAX_DIGEST_SHA1:
        return 20;
    case WAX_DIGEST_SHA224:
        return 28;
    case WAX_DIGEST_SHA256:
        return 32;
    case WAX_DIGEST_SHA384:
        return 48;
    case WAX_DIGEST_SHA512:
        return 64;
    }
    return 0;
}

const char *
wax_digest_name(enum wax_digest_alg alg)
{
    switch (alg) {
    case WAX_DIGEST_NONE:
        return "none";
    case WAX_DIGEST_MD5:
        return "md5";
    case WAX_DIGEST_SHA1:
        return "sha1";
    case WAX_DIGEST_SHA224:
        return "sha224";
    case WAX_DIGEST_SHA256:
        return "sha256";
    case WAX_DIGEST_SHA384:
        return "sha384";
    case WAX_DIGEST_SHA512:
        return "sha512";
    }
    return "unknown";
}

/* ------------------------------------------------------------------ */
/* Streaming digest.                                                   */

static wax_err
digest_fail(struct wax_digest *d, wax_err err)
{
    wax_ossl_clear_errors();
    d->err = err;
    return err;
}

wax_err
wax_digest_init(struct wax_digest *d, enum wax_digest_alg alg)
{
    d->alg = alg;
    d->impl = NULL;
    d->err = WAX_OK;
    d->finished = false;
    const EVP_MD *md = wax_ossl_md(alg);
    if (md == NULL) {
        return digest_fail(d, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return digest_fail(d, WAX_ERR_NOMEM);
    }
    if (EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return digest_fail(d, WAX_ERR_CRYPTO_INTERNAL);
    }
    d->impl = ctx;
    return WAX_OK;
}

wax_err
wax_digest_update(struct wax_digest *d, const uint8_t *data, size_t len)
{
    WAX_TRY(d->err);
    if (d->impl == NULL || d->finished) {
        return digest_fail(d, WAX_ERR_CRYPTO_STATE);
    }
    if (len == 0) {
        return WAX_OK;
    }
    if (EVP_DigestUpdate(d->impl, data, len) != 1) {
        return digest_fail(d, WAX_ERR_CRYPTO_INTERNAL);
    }
    return WAX_OK;
}

wax_err
wax_digest_final(struct wax_digest *d, uint8_t *out, size_t out_cap,
                 size_t *out_len)
{
    WAX_TRY(d->err);
    if (d->impl == NULL || d->finished) {
        return digest_fail(d, WAX_ERR_CRYPTO_STATE);
    }
    size_t n = wax_digest_size(d->alg);
    /* Not sticky: nothing was consumed, the caller may retry. */
    WAX_ENSURE(out_cap >= n, WAX_ERR_BUF_TOO_SMALL);
    unsigned int got = 0;
    if (EVP_DigestFinal_ex(d->impl, out, &got) != 1 || got != n) {
        return digest_fail(d, WAX_ERR_CRYPTO_INTERNAL);
    }
    d->finished = true;
    *out_len = n;
    return WAX_OK;
}

void
wax_digest_cleanup(struct wax_digest *d)
{
    /* EVP_MD_CTX_free cleanses the context before freeing it. */
    EVP_MD_CTX_free(d->impl);
    d->impl = NULL;
}

wax_err
wax_digest_compute(enum wax_digest_alg alg, uint8_t *out, size_t out_cap,
                   size_t *out_len, const uint8_t *data, size_t len)
{
    const EVP_MD *md = wax_ossl_md(alg);
    WAX_ENSURE(md != NULL, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    size_t n = wax_digest_size(alg);
    WAX_ENSURE(out_cap >= n, WAX_ERR_BUF_TOO_SMALL);
    unsigned int got = 0;
    static const uint8_t empty[1];
    if (EVP_Digest(len ? data : empty, len, out, &got, md, NULL) != 1 ||
        got != n) {
        wax_ossl_clear_errors();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    *out_len = n;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Digest sink.                                                        */

static wax_err
digest_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_digest_sink *ds = (struct wax_digest_sink *)self;
    WAX_TRY(ds->err);
    if (ds->closed) {
        ds->err = WAX_ERR_SINK_CLOSED;
        return ds->err;
    }
    wax_err err = wax_digest_update(&ds->digest, data, len);
    if (err == WAX_OK && ds->next != NULL) {
        err = wax_sink_write(ds->next, data, len);
    }
    ds->err = err;
    return err;
}

static wax_err
digest_sink_close(wax_sink *self)
{
    struct wax_digest_sink *ds = (struct wax_digest_sink *)self;
    WAX_TRY(ds->err);
    if (ds->closed) {
        ds->err = WAX_ERR_SINK_CLOSED;
        return ds->err;
    }
    wax_err err =
        wax_digest_final(&ds->digest, ds->md, sizeof ds->md, &ds->md_len);
    if (err == WAX_OK && ds->next != NULL) {
        err = wax_sink_close(ds->next);
    }
    ds->err = err;
    ds->closed = true;
    return err;
}

wax_err
wax_digest_sink_init(struct wax_digest_sink *ds, enum wax_digest_alg alg,
                     wax_sink *next)
{
    ds->sink.write = digest_sink_write;
    ds->sink.close = digest_sink_close;
    ds->next = next;
    ds->md_len = 0;
    ds->closed = false;
    ds->err = wax_digest_init(&ds->digest, alg);
    return ds->err;
}

wax_sink *
wax_digest_sink_sink(struct wax_digest_sink *ds)
{
    return &ds->sink;
}

wax_err
wax_digest_sink_result(const struct wax_digest_sink *ds, uint8_t *out,
                       size_t out_cap, size_t *out_len)
{
    WAX_TRY(ds->err);
    WAX_ENSURE(ds->closed && ds->md_len > 0, WAX_ERR_CRYPTO_STATE);
    WAX_ENSURE(out_cap >= ds->md_len, WAX_ERR_BUF_TOO_SMALL);
    memcpy(out, ds->md, ds->md_len);
    *out_len = ds->md_len;
    return WAX_OK;
}

void
wax_digest_sink_cleanup(struct wax_digest_sink *ds)
{
    wax_digest_cleanup(&ds->digest);
}
