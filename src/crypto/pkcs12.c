/*
 * PKCS#12 (RFC 7292): read every key and certificate of a PFX, and write
 * one for a key and its certificates.
 *
 *   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo,
 *                      macData MacData OPTIONAL }             -- §4
 *   AuthenticatedSafe ::= SEQUENCE OF ContentInfo  -- data or encryptedData
 *   SafeContents ::= SEQUENCE OF SafeBag
 *   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY,
 *                          bagAttributes SET OF PKCS12Attribute OPTIONAL }
 *   CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT ANY }
 *                          -- x509Certificate: OCTET STRING of the DER
 *
 * libcrypto decodes the containers and does the PBE and MAC work; wax
 * checks every PBE's parameters first (iteration cap, legacy provider on
 * demand, pbe.c) and takes certificates out as the stored bytes, without
 * handing them to OpenSSL's X.509 parser.
 *
 * Passwords: a PKCS#12 password is a BMPString with a terminating NUL; the
 * empty password exists in two encodings (two zero bytes, or nothing), and
 * writers disagree, so for an empty or absent password both are tried.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "crypto/keys_internal.h"
#include "crypto/legacy.h"

/* Nesting of safeContentsBag inside safeContentsBag we follow. */
#define PKCS12_MAX_BAG_DEPTH 4
/* Iterations of the MAC and PBEs of a legacy export (what OpenSSL and NSS
 * wrote for years; gpgsm 2.2 reads it). */
#define PKCS12_LEGACY_ITERATIONS 2048

struct p12_walk {
    struct wax_pkcs12_contents *out;
    size_t cap_keys;
    size_t cap_certs;
    const char *pass;
    int pass_len;
    bool mac_verified; /* the password is known to be right */
    uint64_t budget;   /* KDF iterations left, WAX_MAX_PBE_TOTAL_ITERATIONS */
};

/* ------------------------------------------------------------------ */
/* Items.                                                              */

static void
item_cleanup(struct wax_pkcs12_item *it, bool secret)
{
    if (secret && it->der != NULL) {
        wax_wipe(it->der, it->der_len);
    }
    free(it->der);
    free(it->local_key_id);
    free(it->friendly_name);
    memset(it, 0, sizeof(*it));
}

void
wax_pkcs12_contents_cleanup(struct wax_pkcs12_contents *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->num_keys; i++) {
        item_cleanup(&c->keys[i], true);
    }
    for (size_t i = 0; i < c->num_certs; i++) {
        item_cleanup(&c->certs[i], false);
    }
    free(c->keys);
    free(c->certs);
    memset(c, 0, sizeof(*c));
}

/* Room for one more item in *ARR (of *NUM, capacity *CAP). */
static wax_err
item_slot(struct p12_walk *w, struct wax_pkcs12_item **arr, size_t *num,
          size_t *cap, struct wax_pkcs12_item **slot)
{
    WAX_ENSURE(w->out->num_keys + w->out->num_certs < WAX_MAX_PKCS12_ITEMS,
               WAX_ERR_LIMIT_EXCEEDED);
    if (*num == *cap) {
        size_t n = *cap == 0 ? 4 : *cap * 2;
        struct wax_pkcs12_item *p = realloc(*arr, n * sizeof(*p));
        WAX_ENSURE(p != NULL, WAX_ERR_NOMEM);
        *arr = p;
        *cap = n;
    }
    *slot = &(*arr)[*num];
    memset(*slot, 0, sizeof(**slot));
    return WAX_OK;
}

static wax_err
item_attributes(struct wax_pkcs12_item *it, PKCS12_SAFEBAG *bag)
{
    const ASN1_TYPE *id = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);
    if (id != NULL && id->type == V_ASN1_OCTET_STRING &&
        id->value.octet_string != NULL) {
        const ASN1_OCTET_STRING *os = id->value.octet_string;
        size_t n = (size_t)ASN1_STRING_length(os);
        if (n > 0) {
            it->local_key_id = malloc(n);
            WAX_ENSURE(it->local_key_id != NULL, WAX_ERR_NOMEM);
            memcpy(it->local_key_id, ASN1_STRING_get0_data(os), n);
            it->local_key_id_len = n;
        }
    }
    char *name = PKCS12_get_friendlyname(bag); /* UTF-8, OPENSSL_malloc */
    if (name != NULL) {
        size_t n = strlen(name);
        it->friendly_name = malloc(n + 1);
        if (it->friendly_name != NULL) {
            memcpy(it->friendly_name, name, n + 1);
        }
        OPENSSL_free(name);
        WAX_ENSURE(it->friendly_name != NULL, WAX_ERR_NOMEM);
    }
    return WAX_OK;
}

static wax_err
add_key(struct p12_walk *w, PKCS12_SAFEBAG *bag, const PKCS8_PRIV_KEY_INFO *p8)
{
    struct wax_pkcs12_item *it = NULL;
    WAX_TRY(item_slot(w, &w->out->keys, &w->out->num_keys, &w->cap_keys, &it));
    unsigned char *der = NULL;
    int der_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    WAX_ENSURE(der_len > 0, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    it->der = malloc((size_t)der_len);
    if (it->der != NULL) {
        memcpy(it->der, der, (size_t)der_len);
        it->der_len = (size_t)der_len;
    }
    OPENSSL_clear_free(der, (size_t)der_len);
    wax_err err = it->der != NULL ? item_attributes(it, bag) : WAX_ERR_NOMEM;
    if (err != WAX_OK) {
        item_cleanup(it, true);
        return err;
    }
    w->out->num_keys++;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* The certificate bytes of a certBag, read from the bag's DER.        */

/* One definite-length TLV with a low tag number; advances *P, *LEN. */
static bool
tlv_get(const uint8_t **p, size_t *len, uint8_t want_tag,
        const uint8_t **content, size_t *content_len)
{
    if (*len < 2 || (*p)[0] != want_tag) {
        return false;
    }
    size_t i = 1;
    size_t n = (*p)[i++];
    if (n & 0x80) {
        size_t num = n & 0x7f;
        if (num == 0 || num > 4 || *len - i < num) {
            return false;
        }
        n = 0;
        for (size_t j = 0; j < num; j++) {
            n = (n << 8) | (*p)[i++];
        }
    }
    if (*len - i < n) {
        return false;
    }
    *content = *p + i;
    *content_len = n;
    *p += i + n;
    *len -= i + n;
    return true;
}

static wax_err
add_cert(struct p12_walk *w, PKCS12_SAFEBAG *bag)
{
    unsigned char *der = NULL;
    int der_len = i2d_PKCS12_SAFEBAG(bag, &der);
    WAX_ENSURE(der_len > 0, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    /* SafeBag SEQ { OID, [0] { CertBag SEQ { OID, [0] { OCTET STRING }}}} */
    const uint8_t *p = der, *c = NULL;
    size_t len = (size_t)der_len, c_len = 0;
    bool ok = tlv_get(&p, &len, 0x30, &c, &c_len);
    p = c;
    len = c_len;
    ok = ok && tlv_get(&p, &len, 0x06, &c, &c_len) &&
         tlv_get(&p, &len, 0xa0, &c, &c_len);
    p = c;
    len = c_len;
    ok = ok && tlv_get(&p, &len, 0x30, &c, &c_len);
    p = c;
    len = c_len;
    ok = ok && tlv_get(&p, &len, 0x06, &c, &c_len) &&
         tlv_get(&p, &len, 0xa0, &c, &c_len);
    p = c;
    len = c_len;
    ok = ok && tlv_get(&p, &len, 0x04, &c, &c_len) && c_len > 0;

    wax_err err = WAX_ERR_CRYPTO_PKCS12_FORMAT;
    struct wax_pkcs12_item *it = NULL;
    if (ok) {
        err = item_slot(w, &w->out->certs, &w->out->num_certs, &w->cap_certs,
                        &it);
    }
    if (err == WAX_OK) {
        it->der = malloc(c_len);
        err = it->der == NULL ? WAX_ERR_NOMEM : WAX_OK;
    }
    if (err == WAX_OK) {
        memcpy(it->der, c, c_len);
        it->der_len = c_len;
        err = item_attributes(it, bag);
        if (err != WAX_OK) {
            item_cleanup(it, false);
        } else {
            w->out->num_certs++;
        }
    }
    OPENSSL_free(der);
    return err;
}

/* ------------------------------------------------------------------ */
/* Walking the safes.                                                  */

/* A decryption that failed: a wrong password unless the MAC proved the
 * password right, in which case the file is broken. */
static wax_err
decrypt_failed(const struct p12_walk *w)
{
    wax_key_errors_clear();
    return w->mac_verified ? WAX_ERR_CRYPTO_PKCS12_FORMAT
                           : WAX_ERR_CRYPTO_BAD_PASSWORD;
}

static wax_err walk_bags(struct p12_walk *w,
                         const STACK_OF(PKCS12_SAFEBAG) * bags, int depth);

static wax_err
walk_bag(struct p12_walk *w, PKCS12_SAFEBAG *bag, int depth)
{
    switch (PKCS12_SAFEBAG_get_nid(bag)) {
    case NID_keyBag: {
        const PKCS8_PRIV_KEY_INFO *p8 = PKCS12_SAFEBAG_get0_p8inf(bag);
        WAX_ENSURE(p8 != NULL, WAX_ERR_CRYPTO_PKCS12_FORMAT);
        return add_key(w, bag, p8);
    }
    case NID_pkcs8ShroudedKeyBag: {
        const X509_SIG *sig = PKCS12_SAFEBAG_get0_pkcs8(bag);
        const X509_ALGOR *alg = NULL;
        WAX_ENSURE(sig != NULL, WAX_ERR_CRYPTO_PKCS12_FORMAT);
        X509_SIG_get0(sig, &alg, NULL);
        WAX_TRY(wax_key_pbe_check(alg, &w->budget));
        PKCS8_PRIV_KEY_INFO *p8 =
            PKCS12_decrypt_skey_ex(bag, w->pass, w->pass_len, NULL, NULL);
        if (p8 == NULL) {
            return decrypt_failed(w);
        }
        wax_err err = add_key(w, bag, p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
        return err;
    }
    case NID_certBag:
        if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
            return WAX_OK; /* SDSI certificates and the like */
        }
        return add_cert(w, bag);
    case NID_safeContentsBag:
        WAX_ENSURE(depth < PKCS12_MAX_BAG_DEPTH, WAX_ERR_LIMIT_EXCEEDED);
        return walk_bags(w, PKCS12_SAFEBAG_get0_safes(bag), depth + 1);
    default:
        return WAX_OK; /* CRL and secret bags: not ours */
    }
}

static wax_err
walk_bags(struct p12_walk *w, const STACK_OF(PKCS12_SAFEBAG) * bags, int depth)
{
    WAX_ENSURE(bags != NULL, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    int n = sk_PKCS12_SAFEBAG_num(bags);
    for (int i = 0; i < n; i++) {
        WAX_TRY(walk_bag(w, sk_PKCS12_SAFEBAG_value(bags, i), depth));
    }
    return WAX_OK;
}

static wax_err
walk_safe(struct p12_walk *w, PKCS7 *p7)
{
    STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
    switch (OBJ_obj2nid(p7->type)) {
    case NID_pkcs7_data:
        bags = PKCS12_unpack_p7data(p7);
        WAX_ENSURE(bags != NULL, WAX_ERR_CRYPTO_PKCS12_FORMAT);
        break;
    case NID_pkcs7_encrypted:
        WAX_ENSURE(p7->d.encrypted != NULL &&
                       p7->d.encrypted->enc_data != NULL &&
                       p7->d.encrypted->enc_data->algorithm != NULL,
                   WAX_ERR_CRYPTO_PKCS12_FORMAT);
        WAX_TRY(wax_key_pbe_check(p7->d.encrypted->enc_data->algorithm,
                                  &w->budget));
        bags = PKCS12_unpack_p7encdata(p7, w->pass, w->pass_len);
        if (bags == NULL) {
            return decrypt_failed(w);
        }
        break;
    default:
        /* envelopedData safes (public-key privacy mode) */
        return WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
    }
    wax_err err = walk_bags(w, bags, 0);
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    return err;
}

static wax_err
walk_all(struct p12_walk *w, PKCS12 *p12)
{
    STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
    /* NULL also for signedData authSafes (public-key integrity mode) */
    WAX_ENSURE(safes != NULL, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    wax_err err = WAX_OK;
    int n = sk_PKCS7_num(safes);
    for (int i = 0; i < n && err == WAX_OK; i++) {
        err = walk_safe(w, sk_PKCS7_value(safes, i));
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    return err;
}

/* ------------------------------------------------------------------ */
/* Load.                                                               */

static wax_err
mac_params_check(const PKCS12 *p12)
{
    const X509_ALGOR *macalg = NULL;
    const ASN1_INTEGER *iter = NULL;
    PKCS12_get0_mac(NULL, &macalg, NULL, &iter, p12);
    WAX_ENSURE(macalg != NULL, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    const ASN1_OBJECT *oid = NULL;
    X509_ALGOR_get0(&oid, NULL, NULL, macalg);
    /* PBMAC1 (RFC 9579) and exotic digests: OpenSSL 3.0 has no MAC. */
    WAX_ENSURE(EVP_get_digestbynid(OBJ_obj2nid(oid)) != NULL,
               WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    if (iter != NULL) { /* absent: DEFAULT 1 */
        uint64_t n = 0;
        WAX_ENSURE(ASN1_INTEGER_get_uint64(&n, iter) == 1 && n >= 1,
                   WAX_ERR_CRYPTO_PKCS12_FORMAT);
        WAX_ENSURE(n <= WAX_MAX_PBE_ITERATIONS, WAX_ERR_LIMIT_EXCEEDED);
    }
    return WAX_OK;
}

static PKCS12 *
pfx_decode(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (p12 != NULL && (size_t)(p - der) != len) {
        PKCS12_free(p12);
        p12 = NULL;
    }
    return p12;
}

wax_err
wax_pkcs12_load(struct wax_pkcs12_contents *out, const uint8_t *der, size_t len,
                const char *password)
{
    WAX_ENSURE(out != NULL && (der != NULL || len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    memset(out, 0, sizeof(*out));
    WAX_ENSURE(len <= WAX_MAX_KEY_FILE_BYTES, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(len > 0, WAX_ERR_CRYPTO_PKCS12_FORMAT);
    PKCS12 *p12 = pfx_decode(der, len);
    if (p12 == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_PKCS12_FORMAT;
    }

    /* Candidate password encodings, see the top of the file. */
    const char *cands[2] = {password, NULL};
    size_t num_cands = 1;
    if (password == NULL || password[0] == '\0') {
        cands[0] = "";
        cands[1] = NULL;
        num_cands = 2;
    }

    bool has_mac = PKCS12_mac_present(p12) == 1;
    wax_err err = WAX_OK;
    if (has_mac) {
        err = mac_params_check(p12);
    }
    for (size_t i = 0; i < num_cands && err == WAX_OK; i++) {
        struct p12_walk w = {
            .out = out,
            .pass = cands[i],
            .pass_len = wax_key_pass_len(cands[i]),
            .budget = WAX_MAX_PBE_TOTAL_ITERATIONS,
        };
        if (has_mac) {
            if (PKCS12_verify_mac(p12, w.pass, w.pass_len) != 1) {
                err = WAX_ERR_CRYPTO_BAD_PASSWORD;
                wax_key_errors_clear();
                if (i + 1 < num_cands) {
                    err = WAX_OK;
                    continue;
                }
                break;
            }
            w.mac_verified = true;
        }
        err = walk_all(&w, p12);
        if (err == WAX_ERR_CRYPTO_BAD_PASSWORD && i + 1 < num_cands) {
            wax_pkcs12_contents_cleanup(out);
            err = WAX_OK; /* try the other empty-password encoding */
            continue;
        }
        break;
    }
    PKCS12_free(p12);
    wax_key_errors_clear();
    if (err != WAX_OK) {
        wax_pkcs12_contents_cleanup(out);
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* Export.                                                             */

static wax_err
bag_attributes(PKCS12_SAFEBAG *bag, const char *friendly_name,
               const uint8_t *key_id, size_t key_id_len)
{
    if (friendly_name != NULL &&
        PKCS12_add_friendlyname_utf8(bag, friendly_name, -1) != 1) {
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    if (key_id_len > 0 && PKCS12_add_localkeyid(bag, (unsigned char *)key_id,
                                                (int)key_id_len) != 1) {
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    return WAX_OK;
}

static wax_err
cert_bags(STACK_OF(PKCS12_SAFEBAG) * bags, const uint8_t *const *certs,
          const size_t *cert_lens, size_t num_certs, const char *friendly_name,
          const uint8_t *key_id, size_t key_id_len)
{
    for (size_t i = 0; i < num_certs; i++) {
        WAX_ENSURE(certs[i] != NULL && cert_lens[i] > 0 &&
                       cert_lens[i] <= WAX_MAX_KEY_FILE_BYTES,
                   WAX_ERR_INVALID_ARGUMENT);
        /* The bag holds the certificate's bytes as given: packed as an
         * ANY whose SEQUENCE value libcrypto writes out verbatim. */
        WAX_ENSURE(certs[i][0] == 0x30, WAX_ERR_INVALID_ARGUMENT);
        ASN1_TYPE *any = ASN1_TYPE_new();
        ASN1_STRING *seq = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
        PKCS12_SAFEBAG *bag = NULL;
        if (any != NULL && seq != NULL &&
            ASN1_STRING_set(seq, certs[i], (int)cert_lens[i]) == 1) {
            ASN1_TYPE_set(any, V_ASN1_SEQUENCE, seq);
            seq = NULL; /* owned by ANY now */
            bag = PKCS12_item_pack_safebag(any, ASN1_ITEM_rptr(ASN1_ANY),
                                           NID_x509Certificate, NID_certBag);
        }
        ASN1_STRING_free(seq);
        ASN1_TYPE_free(any);
        WAX_ENSURE(bag != NULL, WAX_ERR_CRYPTO_INTERNAL);
        wax_err err =
            i == 0 ? bag_attributes(bag, friendly_name, key_id, key_id_len)
                   : WAX_OK;
        if (err != WAX_OK || sk_PKCS12_SAFEBAG_push(bags, bag) <= 0) {
            PKCS12_SAFEBAG_free(bag);
            return err != WAX_OK ? err : WAX_ERR_NOMEM;
        }
    }
    return WAX_OK;
}

static wax_err
key_bag(STACK_OF(PKCS12_SAFEBAG) * bags, const struct wax_privkey *key,
        int pbe_nid, int iter, const char *password, const char *friendly_name,
        const uint8_t *key_id, size_t key_id_len)
{
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key->pkey);
    WAX_ENSURE(p8 != NULL, WAX_ERR_CRYPTO_INTERNAL);
    /* a cipher NID (AES) gives PBES2 with PBKDF2-HMAC-SHA256 */
    PKCS12_SAFEBAG *bag = PKCS12_SAFEBAG_create_pkcs8_encrypt_ex(
        pbe_nid, password, -1, NULL, 0, iter, p8, NULL, NULL);
    PKCS8_PRIV_KEY_INFO_free(p8);
    WAX_ENSURE(bag != NULL, WAX_ERR_CRYPTO_INTERNAL);
    wax_err err = bag_attributes(bag, friendly_name, key_id, key_id_len);
    if (err != WAX_OK || sk_PKCS12_SAFEBAG_push(bags, bag) <= 0) {
        PKCS12_SAFEBAG_free(bag);
        return err != WAX_OK ? err : WAX_ERR_NOMEM;
    }
    return WAX_OK;
}

wax_err
wax_pkcs12_export(struct wax_buf *out, const struct wax_privkey *key,
                  const uint8_t *const *certs, const size_t *cert_lens,
                  size_t num_certs, const char *friendly_name,
                  const char *password, enum wax_pkcs12_profile profile)
{
    WAX_ENSURE(out != NULL && key != NULL && password != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(num_certs == 0 || (certs != NULL && cert_lens != NULL),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(num_certs < WAX_MAX_PKCS12_ITEMS, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(profile == WAX_PKCS12_MODERN || profile == WAX_PKCS12_LEGACY,
               WAX_ERR_INVALID_ARGUMENT);
    bool modern = profile == WAX_PKCS12_MODERN;
    if (!modern) {
        WAX_TRY(wax_crypto_load_legacy()); /* RC2-40 for the certificates */
    }
    int iter = modern ? WAX_PBE_DEFAULT_ITERATIONS : PKCS12_LEGACY_ITERATIONS;
    int key_pbe =
        modern ? NID_aes_256_cbc : NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
    int cert_pbe = modern ? NID_aes_256_cbc : NID_pbe_WithSHA1And40BitRC2_CBC;
    const EVP_MD *mac_md = modern ? EVP_sha256() : EVP_sha1();

    /* localKeyId: the SHA-1 of the first certificate, as OpenSSL does */
    uint8_t key_id[20];
    size_t key_id_len = 0;
    if (num_certs > 0) {
        unsigned int n = 0;
        WAX_ENSURE(certs[0] != NULL, WAX_ERR_INVALID_ARGUMENT);
        WAX_ENSURE(EVP_Digest(certs[0], cert_lens[0], key_id, &n, EVP_sha1(),
                              NULL) == 1 &&
                       n == sizeof(key_id),
                   WAX_ERR_CRYPTO_INTERNAL);
        key_id_len = n;
    }

    wax_err err = WAX_ERR_NOMEM;
    STACK_OF(PKCS12_SAFEBAG) *cbags = sk_PKCS12_SAFEBAG_new_null();
    STACK_OF(PKCS12_SAFEBAG) *kbags = sk_PKCS12_SAFEBAG_new_null();
    STACK_OF(PKCS7) *safes = NULL;
    PKCS12 *p12 = NULL;
    unsigned char *der = NULL;
    int der_len = 0;
    if (cbags == NULL || kbags == NULL) {
        goto done;
    }
    err = cert_bags(cbags, certs, cert_lens, num_certs, friendly_name, key_id,
                    key_id_len);
    if (err != WAX_OK) {
        goto done;
    }
    err = key_bag(kbags, key, key_pbe, iter, password, friendly_name, key_id,
                  key_id_len);
    if (err != WAX_OK) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_INTERNAL;
    /* certificates in an encrypted safe, the shrouded key in a data safe */
    if ((num_certs > 0 &&
         PKCS12_add_safe(&safes, cbags, cert_pbe, iter, password) != 1) ||
        PKCS12_add_safe(&safes, kbags, -1, 0, NULL) != 1) {
        goto done;
    }
    p12 = PKCS12_add_safes(safes, 0);
    if (p12 == NULL ||
        PKCS12_set_mac(p12, password, -1, NULL, 0, iter, mac_md) != 1) {
        goto done;
    }
    der_len = i2d_PKCS12(p12, &der);
    if (der_len <= 0) {
        goto done;
    }
    err = wax_buf_append(out, der, (size_t)der_len);
done:
    OPENSSL_free(der);
    PKCS12_free(p12);
    sk_PKCS7_pop_free(safes, PKCS7_free);
    sk_PKCS12_SAFEBAG_pop_free(cbags, PKCS12_SAFEBAG_free);
    sk_PKCS12_SAFEBAG_pop_free(kbags, PKCS12_SAFEBAG_free);
    wax_key_errors_clear();
    return err;
}
