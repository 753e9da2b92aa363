/*
 * KeyAgreeRecipientInfo decryption with ephemeral-static ECDH (RFC 5753,
 * P-256/P-384/P-521) and X25519/X448 (RFC 8418): the shared secret goes
 * through the ANSI X9.63 KDF with ECC-CMS-SharedInfo to a key-encryption
 * key that unwraps the content-encryption key (AES key wrap, RFC 3394, or
 * the CMS Triple-DES key wrap, RFC 3217).
 */
#include <stdlib.h>
#include <string.h>

#include "cms/enveloped_int.h"

/* The parts of one KARI that the key agreement needs. */
struct kari_parts {
    struct wax_span orig_alg; /* originatorKey algorithm TLV */
    struct wax_x509_algid orig_alg_id;
    struct wax_span orig_key; /* originatorKey publicKey BIT STRING TLV */
    bool has_ukm;
    struct wax_span ukm;
    struct wax_x509_algid kea; /* keyEncryptionAlgorithm */
    struct wax_span wrap_alg;  /* KeyWrapAlgorithm TLV (kea parameters) */
    struct wax_x509_algid wrap;
    struct wax_span reks;
};

/*
 *   KeyAgreeRecipientInfo: see recipient_info.c.
 *   OriginatorIdentifierOrKey ::= CHOICE {
 *       issuerAndSerialNumber IssuerAndSerialNumber,
 *       subjectKeyIdentifier [0] SubjectKeyIdentifier,
 *       originatorKey [1] OriginatorPublicKey }
 *   OriginatorPublicKey ::= SEQUENCE {
 *       algorithm AlgorithmIdentifier,
 *       publicKey BIT STRING }
 * Only originatorKey (ephemeral-static, as RFC 5753 and RFC 8418 send)
 * is supported.
 */
static wax_err
parse_parts(struct wax_span der, struct kari_parts *p)
{
    const wax_err bad = WAX_ERR_CMS_BAD_RECIPIENT_INFO;
    memset(p, 0, sizeof *p);
    struct wax_span body, originator, okey, ukm;
    uint64_t version;
    WAX_ENSURE(wax_der_get(&der, WAX_DER_CONTEXT_CONS(1), &body) &&
                   wax_der_get_u64(&body, &version) &&
                   wax_der_get(&body, WAX_DER_CONTEXT_CONS(0), &originator),
               bad);
    WAX_ENSURE(wax_der_peek(&originator, WAX_DER_CONTEXT_CONS(1)),
               WAX_ERR_CMS_UNSUPPORTED_RECIPIENT);
    struct wax_span alg_walk;
    WAX_ENSURE(wax_der_get(&originator, WAX_DER_CONTEXT_CONS(1), &okey) &&
                   wax_der_expect_end(&originator),
               bad);
    alg_walk = okey;
    struct wax_span before = alg_walk;
    WAX_ENSURE(wax_x509_algid_parse(&alg_walk, &p->orig_alg_id) == WAX_OK, bad);
    p->orig_alg.p = before.p;
    p->orig_alg.len = before.len - alg_walk.len;
    struct wax_span bits;
    WAX_ENSURE(
        wax_der_get_element(&alg_walk, WAX_DER_BIT_STRING, &p->orig_key) &&
            wax_der_expect_end(&alg_walk),
        bad);
    struct wax_span tmp = p->orig_key;
    WAX_ENSURE(wax_der_get_bit_string_octets(&tmp, &bits), bad);
    if (wax_der_peek(&body, WAX_DER_CONTEXT_CONS(1))) {
        WAX_ENSURE(wax_der_get(&body, WAX_DER_CONTEXT_CONS(1), &ukm) &&
                       wax_der_get(&ukm, WAX_DER_OCTET_STRING, &p->ukm) &&
                       wax_der_expect_end(&ukm),
                   bad);
        p->has_ukm = true;
    }
    WAX_ENSURE(wax_x509_algid_parse(&body, &p->kea) == WAX_OK &&
                   wax_der_get(&body, WAX_DER_SEQUENCE, &p->reks) &&
                   wax_der_expect_end(&body),
               bad);
    return WAX_OK;
}

/* kdf_digest maps the dhSinglePass schemes of RFC 5753 / RFC 8418 to the
 * X9.63 KDF hash (cofactor and standard DH agree on curves of cofactor
 * 1, which are the only ones wax accepts). */
static enum wax_digest_alg
kdf_digest(enum wax_oid_id scheme)
{
    switch (scheme) {
    case WAX_OID_DH_SINGLE_PASS_STD_DH_SHA1_KDF:
        return WAX_DIGEST_SHA1;
    case WAX_OID_DH_SINGLE_PASS_STD_DH_SHA224_KDF:
        return WAX_DIGEST_SHA224;
    case WAX_OID_DH_SINGLE_PASS_STD_DH_SHA256_KDF:
    case WAX_OID_DH_SINGLE_PASS_COFACTOR_DH_SHA256_KDF:
        return WAX_DIGEST_SHA256;
    case WAX_OID_DH_SINGLE_PASS_STD_DH_SHA384_KDF:
    case WAX_OID_DH_SINGLE_PASS_COFACTOR_DH_SHA384_KDF:
        return WAX_DIGEST_SHA384;
    case WAX_OID_DH_SINGLE_PASS_STD_DH_SHA512_KDF:
    case WAX_OID_DH_SINGLE_PASS_COFACTOR_DH_SHA512_KDF:
        return WAX_DIGEST_SHA512;
    default:
        break;
    }
    return WAX_DIGEST_NONE;
}

static size_t
kek_len(enum wax_oid_id wrap)
{
    switch (wrap) {
    case WAX_OID_AES128_WRAP:
        return 16;
    case WAX_OID_AES192_WRAP:
        return 24;
    case WAX_OID_AES256_WRAP:
        return 32;
    case WAX_OID_CMS3DES_WRAP:
        return 24;
    default:
        break;
    }
    return 0;
}

/* find_rek gives the encryptedKey of the RecipientEncryptedKey that names
 * CERT. */
static bool
find_rek(struct wax_span reks, const struct wax_x509_cert *cert,
         struct wax_span *out_ek)
{
    while (reks.len > 0) {
        struct wax_span rek, rid, ek, issuer, serial, ski;
        if (!wax_der_get(&reks, WAX_DER_SEQUENCE, &rek)) {
            return false;
        }
        bool match = false;
        if (wax_der_peek(&rek, WAX_DER_CONTEXT_CONS(0))) {
            if (!wax_der_get(&rek, WAX_DER_CONTEXT_CONS(0), &rid) ||
                !wax_der_get(&rid, WAX_DER_OCTET_STRING, &ski)) {
                return false;
            }
            match = cert->info.has_ski && wax_span_equal(ski, cert->info.ski);
        } else {
            if (!wax_der_get(&rek, WAX_DER_SEQUENCE, &rid) ||
                !wax_der_get_element(&rid, WAX_DER_SEQUENCE, &issuer) ||
                !wax_der_get_integer(&rid, &serial, NULL)) {
                return false;
            }
            match = wax_span_equal(serial, cert->serial) &&
                    wax_x509_name_equal(issuer, cert->issuer);
        }
        if (!wax_der_get(&rek, WAX_DER_OCTET_STRING, &ek)) {
            return false;
        }
        if (match) {
            *out_ek = ek;
            return true;
        }
    }
    return false;
}

static wax_err
finish_der(struct wax_der_builder *b, wax_err err, struct wax_buf *out)
{
    uint8_t *der = NULL;
    size_t len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(b, &der, &len);
    }
    wax_der_builder_cleanup(b);
    if (err == WAX_OK) {
        err = wax_buf_append(out, der, len);
    }
    free(der);
    return err;
}

/* peer_spki builds a SubjectPublicKeyInfo for the originator key; an EC
 * key without curve parameters (RFC 5753 §7.1.2 allows absent or NULL)
 * takes the curve of the recipient's certificate. */
static wax_err
peer_spki(const struct kari_parts *p, const struct wax_x509_cert *cert,
          struct wax_buf *out)
{
    struct wax_der_builder b, seq, alg;
    wax_der_builder_init(&b, 4096);
    wax_err err = wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq);
    bool ec = p->orig_alg_id.id == WAX_OID_EC_PUBLIC_KEY;
    bool no_curve = !p->orig_alg_id.has_params ||
                    wax_span_equal_bytes(p->orig_alg_id.params,
                                         (const uint8_t *)"\x05\x00", 2);
    if (err == WAX_OK && ec && no_curve) {
        err = cert->spki.alg.has_params ? WAX_OK
                                        : WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED;
        if (err == WAX_OK) {
            err = wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &alg);
        }
        if (err == WAX_OK) {
            err = wax_der_builder_add_oid(&alg, p->orig_alg_id.oid.p,
                                          p->orig_alg_id.oid.len);
        }
        if (err == WAX_OK) {
            err = wax_der_builder_add_bytes(&alg, cert->spki.alg.params.p,
                                            cert->spki.alg.params.len);
        }
        if (err == WAX_OK) {
            err = wax_der_builder_close(&alg);
        }
    } else if (err == WAX_OK) {
        err = wax_der_builder_add_bytes(&seq, p->orig_alg.p, p->orig_alg.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_bytes(&seq, p->orig_key.p, p->orig_key.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&seq);
    }
    return finish_der(&b, err, out);
}

/*
 * RFC 5753 §7.2:
 *   ECC-CMS-SharedInfo ::= SEQUENCE {
 *       keyInfo AlgorithmIdentifier,
 *       entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
 *       suppPubInfo [2] EXPLICIT OCTET STRING }
 * keyInfo is the key-wrap algorithm as the sender wrote it; suppPubInfo
 * the KEK length in bits, 32 bits big-endian.
 */
static wax_err
shared_info(const struct kari_parts *p, size_t kek_bytes, struct wax_buf *out)
{
    struct wax_der_builder b, seq, x;
    wax_der_builder_init(&b, 4096);
    uint32_t bits = (uint32_t)kek_bytes * 8;
    const uint8_t supp[4] = {(uint8_t)(bits >> 24), (uint8_t)(bits >> 16),
                             (uint8_t)(bits >> 8), (uint8_t)bits};
    wax_err err = wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq);
    if (err == WAX_OK) {
        err = wax_der_builder_add_bytes(&seq, p->wrap_alg.p, p->wrap_alg.len);
    }
    if (err == WAX_OK && p->has_ukm) {
        err = wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(0), &x);
        if (err == WAX_OK) {
            err = wax_der_builder_add_octet_string(&x, p->ukm.p, p->ukm.len);
        }
        if (err == WAX_OK) {
            err = wax_der_builder_close(&x);
        }
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(2), &x);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_octet_string(&x, supp, sizeof supp);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&x);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&seq);
    }
    return finish_der(&b, err, out);
}

/* agree derives the KEK and unwraps EK into CEK (CEK_LEN bytes); every
 * failure rooted in the message leaves the random key in CEK. */
static wax_err
agree(const struct kari_parts *p, const struct wax_x509_cert *cert,
      const struct wax_privkey *key, enum wax_digest_alg md, size_t kek_bytes,
      struct wax_span ek, uint8_t *cek, size_t cek_len)
{
    struct wax_buf spki, info;
    wax_buf_init(&spki, 4096);
    wax_buf_init(&info, 4096);
    struct wax_pubkey *peer = NULL;
    uint8_t z[WAX_MAX_SHARED_SECRET_BYTES], kek[32],
        out[WAX_MAX_WRAPPED_KEY + 16];
    size_t z_len = 0, out_len = 0;
    wax_err err = peer_spki(p, cert, &spki);
    if (err == WAX_OK) {
        err = shared_info(p, kek_bytes, &info);
    }
    /* a peer key that does not load or does not agree: random key */
    bool agreed = err == WAX_OK &&
                  wax_pubkey_from_spki(&peer, spki.data, spki.len) == WAX_OK &&
                  wax_privkey_derive(key, z, sizeof z, &z_len, peer) == WAX_OK;
    if (agreed) {
        err = wax_kdf_x963(md, kek, kek_bytes, z, z_len, info.data, info.len);
    }
    if (agreed && err == WAX_OK) {
        wax_err u = p->wrap.id == WAX_OID_CMS3DES_WRAP
                        ? wax_keywrap_3des_unwrap(out, sizeof out, &out_len,
                                                  kek, kek_bytes, ek.p, ek.len)
                        : wax_keywrap_aes_unwrap(out, sizeof out, &out_len, kek,
                                                 kek_bytes, ek.p, ek.len);
        if (u == WAX_OK && out_len == cek_len) {
            memcpy(cek, out, cek_len);
        }
    }
    wax_pubkey_free(peer);
    wax_wipe(z, sizeof z);
    wax_wipe(kek, sizeof kek);
    wax_wipe(out, sizeof out);
    wax_buf_cleanup(&spki);
    wax_buf_cleanup(&info);
    return err;
}

wax_err
wax_cmsenv_kari_unwrap(const struct wax_cms_recipient_info *ri,
                       const struct wax_x509_cert *cert,
                       const struct wax_privkey *key, uint8_t *cek,
                       size_t cek_len)
{
    enum wax_key_type type = wax_privkey_type(key);
    WAX_ENSURE(type == WAX_KEY_EC || type == WAX_KEY_X25519 ||
                   type == WAX_KEY_X448,
               WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED);
    struct kari_parts p;
    WAX_TRY(parse_parts(ri->der, &p));
    enum wax_digest_alg md = kdf_digest(p.kea.id);
    WAX_ENSURE(md != WAX_DIGEST_NONE, WAX_ERR_CMS_UNSUPPORTED_KEY_AGREEMENT);
    /* keyEncryptionAlgorithm parameters: KeyWrapAlgorithm */
    WAX_ENSURE(p.kea.has_params, WAX_ERR_CMS_BAD_RECIPIENT_INFO);
    struct wax_span w = p.kea.params;
    p.wrap_alg = w;
    WAX_ENSURE(wax_x509_algid_parse(&w, &p.wrap) == WAX_OK &&
                   wax_der_expect_end(&w),
               WAX_ERR_CMS_BAD_RECIPIENT_INFO);
    size_t kek_bytes = kek_len(p.wrap.id);
    WAX_ENSURE(kek_bytes > 0, WAX_ERR_CMS_UNSUPPORTED_KEY_AGREEMENT);
    struct wax_span ek;
    WAX_ENSURE(find_rek(p.reks, cert, &ek), WAX_ERR_CMS_NO_RECIPIENT);
    /* The random key is drawn first (as for key transport). */
    WAX_TRY(wax_random_bytes(cek, cek_len));
    return agree(&p, cert, key, md, kek_bytes, ek, cek, cek_len);
}
