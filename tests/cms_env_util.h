/*
 * tests/cms_env_util.h - helpers shared by the EnvelopedData tests (unit,
 * vectors) and the fuzz target: loading identities, a recording sink,
 * chunked pushes, and a builder of hand-made (Auth)EnvelopedData objects
 * for negative tests.
 */
#ifndef WAX_TESTS_CMS_ENV_UTIL_H
#define WAX_TESTS_CMS_ENV_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/cms.h>

/* ------------------------------------------------------------------ */
/* A sink that records what it gets and whether it was closed.         */

struct rec_sink {
    wax_sink sink; /* must stay first */
    struct wax_buf buf;
    bool closed;
    size_t num_writes;
};

static __attribute__((unused)) wax_err
rec_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct rec_sink *rs = (struct rec_sink *)self;
    if (rs->closed) {
        return WAX_ERR_SINK_CLOSED;
    }
    rs->num_writes++;
    return wax_buf_append(&rs->buf, data, len);
}

static __attribute__((unused)) wax_err
rec_close(wax_sink *self)
{
    struct rec_sink *rs = (struct rec_sink *)self;
    if (rs->closed) {
        return WAX_ERR_SINK_CLOSED;
    }
    rs->closed = true;
    return WAX_OK;
}

static __attribute__((unused)) void
rec_init(struct rec_sink *rs, size_t max)
{
    memset(rs, 0, sizeof *rs);
    rs->sink.write = rec_write;
    rs->sink.close = rec_close;
    wax_buf_init(&rs->buf, max);
}

static __attribute__((unused)) void
rec_cleanup(struct rec_sink *rs)
{
    wax_buf_cleanup(&rs->buf);
}

/* ------------------------------------------------------------------ */
/* Identities from files (PEM or DER).                                 */

struct test_id {
    struct wax_privkey *key;
    struct wax_buf cert;
    bool ok;
};

/* cert_from_bytes appends the first certificate of DATA (PEM or DER). */
static __attribute__((unused)) bool
cert_from_bytes(const uint8_t *data, size_t len, struct wax_buf *out)
{
    if (!wax_pem_looks_like(data, len)) {
        return wax_buf_append(out, data, len) == WAX_OK;
    }
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present = false;
    wax_pem_reader_init(&r, data, len);
    while (wax_pem_next(&r, &b, &present) == WAX_OK && present) {
        if (!wax_pem_label_is(&b, "CERTIFICATE")) {
            continue;
        }
        uint8_t *p = NULL;
        size_t cap = wax_pem_decoded_max(&b), n = 0;
        if (wax_buf_reserve(out, cap, &p) != WAX_OK ||
            wax_pem_decode(&b, p, cap, &n) != WAX_OK) {
            return false;
        }
        wax_buf_advance(out, n);
        return true;
    }
    return false;
}

#ifdef WAX_TESTS_HARNESS_H
/* test_id_load reads KEY_REL and CERT_REL under the test data directory
 * (CERT_REL may be the same file as KEY_REL). */
static __attribute__((unused)) bool
test_id_load(struct test_id *id, const char *key_rel, const char *cert_rel)
{
    memset(id, 0, sizeof *id);
    wax_buf_init(&id->cert, 1 << 20);
    size_t len = 0;
    uint8_t *data = wax_test_read_file(wax_test_data_path(key_rel), &len);
    if (data == NULL) {
        return false;
    }
    wax_err err = wax_privkey_load(&id->key, data, len, NULL);
    free(data);
    if (err != WAX_OK) {
        return false;
    }
    data = wax_test_read_file(wax_test_data_path(cert_rel), &len);
    if (data == NULL) {
        return false;
    }
    id->ok = cert_from_bytes(data, len, &id->cert);
    free(data);
    return id->ok;
}

#endif

static __attribute__((unused)) void
test_id_cleanup(struct test_id *id)
{
    wax_privkey_free(id->key);
    wax_buf_cleanup(&id->cert);
}

static __attribute__((unused)) struct wax_cms_decrypt_key
test_id_key(const struct test_id *id)
{
    struct wax_cms_decrypt_key k = {id->key, id->cert.data, id->cert.len};
    return k;
}

/* ------------------------------------------------------------------ */
/* Pushing and one-shot helpers.                                       */

/* push writes DATA to S in chunks: CHUNK bytes each, or pseudo-random
 * sizes 1..4096 when CHUNK is 0 (SEED picks the sequence). */
static __attribute__((unused)) wax_err
push_chunked(wax_sink *s, const uint8_t *data, size_t len, size_t chunk,
             uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    while (len > 0) {
        size_t n = chunk;
        if (n == 0) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            n = 1 + x % 4096;
        }
        if (n > len) {
            n = len;
        }
        WAX_TRY(wax_sink_write(s, data, n));
        data += n;
        len -= n;
    }
    return WAX_OK;
}

/*
 * decrypt_into runs a decryptor over IN (chunked as push_chunked does)
 * into PLAIN; *RESULT (if not NULL) receives a copy of the result (its
 * spans are dangling afterwards: only scalars may be used). Returns the
 * first error of new, writes or close.
 */
static __attribute__((unused)) wax_err
decrypt_into_keep(const struct wax_cms_decrypt_opts *opts,
                  const struct wax_cms_decrypt_key *keys, size_t num_keys,
                  const uint8_t *in, size_t len, size_t chunk,
                  struct rec_sink *plain, struct wax_cms_decrypt_result *result,
                  struct wax_cms_decryptor **keep)
{
    struct wax_cms_decryptor *dec = NULL;
    if (result != NULL) {
        memset(result, 0, sizeof *result);
    }
    if (keep != NULL) {
        *keep = NULL;
    }
    WAX_TRY(wax_cms_decryptor_new(&dec, opts, keys, num_keys, &plain->sink));
    wax_err err = push_chunked(wax_cms_decryptor_sink(dec), in, len, chunk,
                               (uint32_t)len);
    if (err == WAX_OK) {
        err = wax_sink_close(wax_cms_decryptor_sink(dec));
    }
    if (result != NULL) {
        *result = *wax_cms_decryptor_result(dec);
    }
    if (keep != NULL) {
        *keep = dec;
    } else {
        wax_cms_decryptor_free(dec);
    }
    return err;
}

/* decrypt_into is decrypt_into_keep without keeping the decryptor: the
 * spans of *RESULT dangle, only its scalars may be used. */
static __attribute__((unused)) wax_err
decrypt_into(const struct wax_cms_decrypt_opts *opts,
             const struct wax_cms_decrypt_key *keys, size_t num_keys,
             const uint8_t *in, size_t len, size_t chunk,
             struct rec_sink *plain, struct wax_cms_decrypt_result *result)
{
    return decrypt_into_keep(opts, keys, num_keys, in, len, chunk, plain,
                             result, NULL);
}

/* ------------------------------------------------------------------ */
/* Hand-made objects for negative tests.                               */

/* One piece of DER appended to a builder (NULL: left out). */
struct der_piece {
    const uint8_t *p;
    size_t len;
};

/*
 * struct env_spec describes a ContentInfo around an (Auth)EnvelopedData;
 * every part is given as DER (or raw bytes for content and mac).
 */
struct env_spec {
    enum wax_oid_id outer; /* envelopedData / authEnvelopedData */
    uint64_t version;
    struct der_piece originator; /* whole [0] element, optional */
    struct der_piece ris;        /* RecipientInfo elements (SET contents) */
    enum wax_oid_id inner;       /* encapsulated content type */
    struct der_piece alg;        /* contentEncryptionAlgorithm */
    bool no_content;
    struct der_piece content;    /* encrypted octets */
    struct der_piece auth_attrs; /* whole [1] element, optional */
    bool has_mac;
    struct der_piece mac;
    struct der_piece unprot; /* whole [1]/[2] element, optional */
};

static __attribute__((unused)) wax_err
add_piece(struct wax_der_builder *b, struct der_piece piece)
{
    if (piece.p == NULL) {
        return WAX_OK;
    }
    return wax_der_builder_add_bytes(b, piece.p, piece.len);
}

/* build_env writes the DER of SPEC into OUT. */
static __attribute__((unused)) wax_err
build_env(const struct env_spec *s, struct wax_buf *out)
{
    struct wax_der_builder b, ci, x0, env, set, eci;
    wax_der_builder_init(&b, 1 << 24);
    struct wax_span o = wax_oid_span(s->outer), in = wax_oid_span(s->inner);
    wax_err err = wax_der_builder_open(&b, WAX_DER_SEQUENCE, &ci);
    if (err == WAX_OK) {
        err = wax_der_builder_add_oid(&ci, o.p, o.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&ci, WAX_DER_CONTEXT_CONS(0), &x0);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&x0, WAX_DER_SEQUENCE, &env);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_u64(&env, s->version);
    }
    if (err == WAX_OK) {
        err = add_piece(&env, s->originator);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&env, WAX_DER_SET, &set);
    }
    if (err == WAX_OK) {
        err = add_piece(&set, s->ris);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&set);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&env, WAX_DER_SEQUENCE, &eci);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_oid(&eci, in.p, in.len);
    }
    if (err == WAX_OK) {
        err = add_piece(&eci, s->alg);
    }
    if (err == WAX_OK && !s->no_content) {
        err = wax_der_builder_add_primitive(&eci, WAX_DER_CONTEXT_TAG(0),
                                            s->content.p, s->content.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&eci);
    }
    if (err == WAX_OK) {
        err = add_piece(&env, s->auth_attrs);
    }
    if (err == WAX_OK && s->has_mac) {
        err = wax_der_builder_add_octet_string(&env, s->mac.p, s->mac.len);
    }
    if (err == WAX_OK) {
        err = add_piece(&env, s->unprot);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&env);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&x0);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&ci);
    }
    uint8_t *der = NULL;
    size_t len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &len);
    }
    wax_der_builder_cleanup(&b);
    if (err == WAX_OK) {
        err = wax_buf_append(out, der, len);
    }
    free(der);
    return err;
}

/* find_bytes returns the offset of the first NEEDLE in HAY, or SIZE_MAX. */
static __attribute__((unused)) size_t
find_bytes(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
           size_t needle_len)
{
    for (size_t i = 0; i + needle_len <= hay_len; i++) {
        if (memcmp(hay + i, needle, needle_len) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

#endif
