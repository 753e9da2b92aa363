/*
 * Symmetric ciphers as streaming objects and sink filters (crypto.h):
 * AES-CBC, AES-GCM, Triple-DES-CBC, and (legacy provider) DES-CBC and
 * RC2-CBC.
 */
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include <wax/crypto.h>

#include "crypto/legacy.h"
#include "crypto/ossl_internal.h"

/* libcrypto takes int lengths: feed it at most this much per call. */
#define CIPHER_MAX_STEP ((size_t)1 << 30)

/* ------------------------------------------------------------------ */
/* Algorithm table.                                                    */

size_t
wax_cipher_key_len(enum wax_cipher_alg alg)
{
    switch (alg) {
    case WAX_CIPHER_NONE:
        return 0;
    case WAX_CIPHER_AES128_CBC:
    case WAX_CIPHER_AES128_GCM:
        return 16;
    case WAX_CIPHER_AES192_CBC:
    case WAX_CIPHER_AES192_GCM:
        return 24;
    case WAX_CIPHER_AES256_CBC:
    case WAX_CIPHER_AES256_GCM:
        return 32;
    case WAX_CIPHER_DES_EDE3_CBC:
        return 24;
    case WAX_CIPHER_DES_CBC:
        return 8;
    case WAX_CIPHER_RC2_CBC:
        return 16;
    }
    return 0;
}

size_t
wax_cipher_iv_len(enum wax_cipher_alg alg)
{
    switch (alg) {
    case WAX_CIPHER_NONE:
        return 0;
    case WAX_CIPHER_AES128_CBC:
    case WAX_CIPHER_AES192_CBC:
    case WAX_CIPHER_AES256_CBC:
        return 16;
    case WAX_CIPHER_AES128_GCM:
    case WAX_CIPHER_AES192_GCM:
    case WAX_CIPHER_AES256_GCM:
        return WAX_GCM_DEFAULT_NONCE_BYTES;
    case WAX_CIPHER_DES_EDE3_CBC:
    case WAX_CIPHER_DES_CBC:
    case WAX_CIPHER_RC2_CBC:
        return 8;
    }
    return 0;
}

size_t
wax_cipher_block_size(enum wax_cipher_alg alg)
{
    switch (alg) {
    case WAX_CIPHER_NONE:
        return 0;
    case WAX_CIPHER_AES128_CBC:
    case WAX_CIPHER_AES192_CBC:
    case WAX_CIPHER_AES256_CBC:
        return 16;
    case WAX_CIPHER_AES128_GCM:
    case WAX_CIPHER_AES192_GCM:
    case WAX_CIPHER_AES256_GCM:
        return 1;
    case WAX_CIPHER_DES_EDE3_CBC:
    case WAX_CIPHER_DES_CBC:
    case WAX_CIPHER_RC2_CBC:
        return 8;
    }
    return 0;
}

bool
wax_cipher_is_aead(enum wax_cipher_alg alg)
{
    return alg == WAX_CIPHER_AES128_GCM || alg == WAX_CIPHER_AES192_GCM ||
           alg == WAX_CIPHER_AES256_GCM;
}

const char *
wax_cipher_name(enum wax_cipher_alg alg)
{
    switch (alg) {
    case WAX_CIPHER_NONE:
        return "none";
    case WAX_CIPHER_AES128_CBC:
        return "aes-128-cbc";
    case WAX_CIPHER_AES192_CBC:
        return "aes-192-cbc";
    case WAX_CIPHER_AES256_CBC:
        return "aes-256-cbc";
    case WAX_CIPHER_AES128_GCM:
        return "aes-128-gcm";
    case WAX_CIPHER_AES192_GCM:
        return "aes-192-gcm";
    case WAX_CIPHER_AES256_GCM:
        return "aes-256-gcm";
    case WAX_CIPHER_DES_EDE3_CBC:
        return "des-ede3-cbc";
    case WAX_CIPHER_DES_CBC:
        return "des-cbc";
    case WAX_CIPHER_RC2_CBC:
        return "rc2-cbc";
    }
    return "unknown";
}

static const EVP_CIPHER *
ossl_cipher(enum wax_cipher_alg alg)
{
    switch (alg) {
    case WAX_CIPHER_NONE:
        return NULL;
    case WAX_CIPHER_AES128_CBC:
        return EVP_aes_128_cbc();
    case WAX_CIPHER_AES192_CBC:
        return EVP_aes_192_cbc();
    case WAX_CIPHER_AES256_CBC:
        return EVP_aes_256_cbc();
    case WAX_CIPHER_AES128_GCM:
        return EVP_aes_128_gcm();
    case WAX_CIPHER_AES192_GCM:
        return EVP_aes_192_gcm();
    case WAX_CIPHER_AES256_GCM:
        return EVP_aes_256_gcm();
    case WAX_CIPHER_DES_EDE3_CBC:
        return EVP_des_ede3_cbc();
    case WAX_CIPHER_DES_CBC:
        return EVP_des_cbc();
    case WAX_CIPHER_RC2_CBC:
        return EVP_rc2_cbc();
    }
    return NULL;
}

static bool
needs_legacy(enum wax_cipher_alg alg)
{
    return alg == WAX_CIPHER_DES_CBC || alg == WAX_CIPHER_RC2_CBC;
}

/* ------------------------------------------------------------------ */
/* Streaming cipher.                                                   */

static wax_err
cipher_fail(struct wax_cipher *c, wax_err err)
{
    wax_ossl_clear_errors();
    c->err = err;
    return err;
}

static wax_err
check_key_and_iv(enum wax_cipher_alg alg, size_t key_len, const uint8_t *iv,
                 size_t iv_len)
{
    if (alg == WAX_CIPHER_RC2_CBC) {
        WAX_ENSURE(key_len >= WAX_RC2_MIN_KEY_BYTES &&
                       key_len <= WAX_RC2_MAX_KEY_BYTES,
                   WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    } else {
        WAX_ENSURE(key_len == wax_cipher_key_len(alg),
                   WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    }
    WAX_ENSURE(iv != NULL, WAX_ERR_CRYPTO_BAD_IV);
    if (wax_cipher_is_aead(alg)) {
        WAX_ENSURE(iv_len >= 1 && iv_len <= WAX_MAX_GCM_NONCE_BYTES,
                   WAX_ERR_CRYPTO_BAD_IV);
    } else {
        WAX_ENSURE(iv_len == wax_cipher_iv_len(alg), WAX_ERR_CRYPTO_BAD_IV);
    }
    return WAX_OK;
}

/* The common path of both init functions. RC2_BITS is 0 except for RC2. */
static wax_err
cipher_setup(struct wax_cipher *c, enum wax_cipher_alg alg,
             enum wax_cipher_dir dir, const uint8_t *key, size_t key_len,
             unsigned rc2_bits, const uint8_t *iv, size_t iv_len)
{
    memset(c, 0, sizeof *c);
    c->alg = alg;
    c->dir = dir;
    const EVP_CIPHER *cipher = ossl_cipher(alg);
    if (cipher == NULL ||
        (dir != WAX_CIPHER_ENCRYPT && dir != WAX_CIPHER_DECRYPT)) {
        return cipher_fail(c, cipher == NULL ? WAX_ERR_CRYPTO_UNSUPPORTED_ALG
                                             : WAX_ERR_INVALID_ARGUMENT);
    }
    if (key == NULL) {
        return cipher_fail(c, WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    }
    wax_err err = check_key_and_iv(alg, key_len, iv, iv_len);
    if (err != WAX_OK) {
        return cipher_fail(c, err);
    }
    if (needs_legacy(alg)) {
        err = wax_crypto_load_legacy();
        if (err != WAX_OK) {
            return cipher_fail(c, err);
        }
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return cipher_fail(c, WAX_ERR_NOMEM);
    }
    int enc = dir == WAX_CIPHER_ENCRYPT ? 1 : 0;
    bool ok = EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, enc) == 1;
    if (ok && wax_cipher_is_aead(alg)) {
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len,
                                 NULL) == 1;
    }
    if (ok && alg == WAX_CIPHER_RC2_CBC) {
        ok = EVP_CIPHER_CTX_set_key_length(ctx, (int)key_len) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_SET_RC2_KEY_BITS, (int)rc2_bits,
                                 NULL) == 1;
    }
    if (ok) {
        ok = EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) == 1;
    }
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        /* A legacy cipher that cannot be fetched despite the provider. */
        return cipher_fail(c, needs_legacy(alg)
                                  ? WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE
                                  : WAX_ERR_CRYPTO_INTERNAL);
    }
    c->impl = ctx;
    return WAX_OK;
}

wax_err
wax_cipher_init(struct wax_cipher *c, enum wax_cipher_alg alg,
                enum wax_cipher_dir dir, const uint8_t *key, size_t key_len,
                const uint8_t *iv, size_t iv_len)
{
    unsigned bits = 0;
    if (alg == WAX_CIPHER_RC2_CBC) {
        if (key_len != 5 && key_len != 8 && key_len != 16) {
            memset(c, 0, sizeof *c);
            c->alg = alg;
            c->dir = dir;
            return cipher_fail(c, WAX_ERR_CRYPTO_BAD_KEY_SIZE);
        }
        bits = (unsigned)key_len * 8;
    }
    return cipher_setup(c, alg, dir, key, key_len, bits, iv, iv_len);
}

wax_err
wax_cipher_init_rc2(struct wax_cipher *c, enum wax_cipher_dir dir,
                    const uint8_t *key, size_t key_len, unsigned effective_bits,
                    const uint8_t *iv, size_t iv_len)
{
    if (effective_bits != 40 && effective_bits != 64 && effective_bits != 128) {
        memset(c, 0, sizeof *c);
        c->alg = WAX_CIPHER_RC2_CBC;
        c->dir = dir;
        return cipher_fail(c, WAX_ERR_CRYPTO_BAD_PARAMS);
    }
    return cipher_setup(c, WAX_CIPHER_RC2_CBC, dir, key, key_len,
                        effective_bits, iv, iv_len);
}

wax_err
wax_cipher_set_aad(struct wax_cipher *c, const uint8_t *aad, size_t len)
{
    WAX_TRY(c->err);
    if (c->impl == NULL || c->finished || c->num_in > 0) {
        return cipher_fail(c, WAX_ERR_CRYPTO_STATE);
    }
    if (!wax_cipher_is_aead(c->alg)) {
        return cipher_fail(c, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    }
    while (len > 0) {
        size_t step = len < CIPHER_MAX_STEP ? len : CIPHER_MAX_STEP;
        int outl = 0;
        if (EVP_CipherUpdate(c->impl, NULL, &outl, aad, (int)step) != 1) {
            return cipher_fail(c, WAX_ERR_CRYPTO_INTERNAL);
        }
        aad += step;
        len -= step;
    }
    return WAX_OK;
}

wax_err
wax_cipher_set_tag(struct wax_cipher *c, const uint8_t *tag, size_t tag_len)
{
    WAX_TRY(c->err);
    if (!wax_cipher_is_aead(c->alg)) {
        return cipher_fail(c, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    }
    if (c->impl == NULL || c->finished || c->dir != WAX_CIPHER_DECRYPT) {
        return cipher_fail(c, WAX_ERR_CRYPTO_STATE);
    }
    if (tag == NULL || tag_len < WAX_GCM_MIN_TAG_BYTES ||
        tag_len > WAX_GCM_MAX_TAG_BYTES) {
        return cipher_fail(c, WAX_ERR_CRYPTO_BAD_TAG_LENGTH);
    }
    memcpy(c->tag, tag, tag_len);
    c->tag_len = tag_len;
    c->tag_set = true;
    return WAX_OK;
}

wax_err
wax_cipher_update(struct wax_cipher *c, uint8_t *out, size_t out_cap,
                  size_t *out_len, const uint8_t *in, size_t in_len)
{
    WAX_TRY(c->err);
    if (c->impl == NULL || c->finished) {
        return cipher_fail(c, WAX_ERR_CRYPTO_STATE);
    }
    size_t bs = wax_cipher_block_size(c->alg);
    size_t slack = bs > 1 ? bs : 0;
    if (in_len > SIZE_MAX - slack || out_cap < in_len + slack) {
        return cipher_fail(c, WAX_ERR_BUF_TOO_SMALL);
    }
    size_t total = 0;
    while (in_len > 0) {
        size_t step = in_len < CIPHER_MAX_STEP ? in_len : CIPHER_MAX_STEP;
        int outl = 0;
        if (EVP_CipherUpdate(c->impl, out + total, &outl, in, (int)step) != 1 ||
            outl < 0) {
            return cipher_fail(c, WAX_ERR_CRYPTO_INTERNAL);
        }
        total += (size_t)outl;
        c->num_in += step;
        in += step;
        in_len -= step;
    }
    *out_len = total;
    return WAX_OK;
}

wax_err
wax_cipher_final(struct wax_cipher *c, uint8_t *out, size_t out_cap,
                 size_t *out_len)
{
    WAX_TRY(c->err);
    if (c->impl == NULL || c->finished) {
        return cipher_fail(c, WAX_ERR_CRYPTO_STATE);
    }
    size_t bs = wax_cipher_block_size(c->alg);
    uint8_t scratch[WAX_CIPHER_MAX_BLOCK_BYTES];
    int outl = 0;
    if (wax_cipher_is_aead(c->alg)) {
        if (c->dir == WAX_CIPHER_DECRYPT) {
            if (!c->tag_set) {
                return cipher_fail(c, WAX_ERR_CRYPTO_STATE);
            }
            if (EVP_CIPHER_CTX_ctrl(c->impl, EVP_CTRL_GCM_SET_TAG,
                                    (int)c->tag_len, c->tag) != 1) {
                return cipher_fail(c, WAX_ERR_CRYPTO_INTERNAL);
            }
            /* libcrypto compares the tag with CRYPTO_memcmp. */
            if (EVP_CipherFinal_ex(c->impl, scratch, &outl) != 1) {
                return cipher_fail(c, WAX_ERR_CRYPTO_TAG_MISMATCH);
            }
        } else {
            if (EVP_CipherFinal_ex(c->impl, scratch, &outl) != 1 ||
                EVP_CIPHER_CTX_ctrl(c->impl, EVP_CTRL_GCM_GET_TAG,
                                    WAX_GCM_MAX_TAG_BYTES, c->tag) != 1) {
                return cipher_fail(c, WAX_ERR_CRYPTO_INTERNAL);
            }
            c->tag_len = WAX_GCM_MAX_TAG_BYTES;
        }
        c->finished = true;
        *out_len = 0;
        return WAX_OK;
    }
    if (out_cap < bs) {
        return cipher_fail(c, WAX_ERR_BUF_TOO_SMALL);
    }
    if (EVP_CipherFinal_ex(c->impl, out, &outl) != 1 || outl < 0 ||
        (size_t)outl > bs) {
        return cipher_fail(c, c->dir == WAX_CIPHER_DECRYPT
                                  ? WAX_ERR_CRYPTO_BAD_PADDING
                                  : WAX_ERR_CRYPTO_INTERNAL);
    }
    c->finished = true;
    *out_len = (size_t)outl;
    return WAX_OK;
}

wax_err
wax_cipher_get_tag(const struct wax_cipher *c, uint8_t *tag, size_t tag_len)
{
    WAX_TRY(c->err);
    WAX_ENSURE(wax_cipher_is_aead(c->alg), WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    WAX_ENSURE(c->finished && c->dir == WAX_CIPHER_ENCRYPT,
               WAX_ERR_CRYPTO_STATE);
    WAX_ENSURE(tag_len >= WAX_GCM_MIN_TAG_BYTES &&
                   tag_len <= WAX_GCM_MAX_TAG_BYTES,
               WAX_ERR_CRYPTO_BAD_TAG_LENGTH);
    memcpy(tag, c->tag, tag_len);
    return WAX_OK;
}

void
wax_cipher_cleanup(struct wax_cipher *c)
{
    /* EVP_CIPHER_CTX_free cleanses the key schedule before freeing it. */
    EVP_CIPHER_CTX_free(c->impl);
    c->impl = NULL;
    wax_wipe(c->tag, sizeof c->tag);
    c->tag_len = 0;
    c->tag_set = false;
}

/* ------------------------------------------------------------------ */
/* Cipher sink.                                                        */

static wax_err
cipher_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_cipher_sink *cs = (struct wax_cipher_sink *)self;
    WAX_TRY(cs->err);
    if (cs->closed) {
        cs->err = WAX_ERR_SINK_CLOSED;
        return cs->err;
    }
    while (len > 0) {
        size_t step = len < WAX_CIPHER_SINK_CHUNK ? len : WAX_CIPHER_SINK_CHUNK;
        size_t n = 0;
        wax_err err = wax_cipher_update(cs->cipher, cs->out, sizeof cs->out, &n,
                                        data, step);
        if (err == WAX_OK && n > 0) {
            err = wax_sink_write(cs->next, cs->out, n);
        }
        if (err != WAX_OK) {
            cs->err = err;
            return err;
        }
        data += step;
        len -= step;
    }
    return WAX_OK;
}

static wax_err
cipher_sink_close(wax_sink *self)
{
    struct wax_cipher_sink *cs = (struct wax_cipher_sink *)self;
    WAX_TRY(cs->err);
    if (cs->closed) {
        cs->err = WAX_ERR_SINK_CLOSED;
        return cs->err;
    }
    cs->closed = true;
    size_t n = 0;
    wax_err err = wax_cipher_final(cs->cipher, cs->out, sizeof cs->out, &n);
    if (err == WAX_OK && n > 0) {
        err = wax_sink_write(cs->next, cs->out, n);
    }
    wax_wipe(cs->out, sizeof cs->out);
    if (err == WAX_OK) {
        err = wax_sink_close(cs->next);
    }
    cs->err = err;
    return err;
}

void
wax_cipher_sink_init(struct wax_cipher_sink *cs, struct wax_cipher *cipher,
                     wax_sink *next)
{
    cs->sink.write = cipher_sink_write;
    cs->sink.close = cipher_sink_close;
    cs->cipher = cipher;
    cs->next = next;
    cs->err = WAX_OK;
    cs->closed = false;
}

wax_sink *
wax_cipher_sink_sink(struct wax_cipher_sink *cs)
{
    return &cs->sink;
}

void
wax_cipher_sink_cleanup(struct wax_cipher_sink *cs)
{
    wax_wipe(cs->out, sizeof cs->out);
}
