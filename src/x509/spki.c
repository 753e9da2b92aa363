/*
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) and what the encoding says about
 * the key (RFC 3279, RFC 4055, RFC 5480, RFC 8410) without libcrypto.
 */
#include "x509_int.h"

/* integer_bits: bit length of a non-negative INTEGER's contents. */
static size_t
integer_bits(struct wax_span v)
{
    size_t i = 0;
    while (i < v.len && v.p[i] == 0) {
        i++;
    }
    if (i == v.len) {
        return 0;
    }
    size_t bits = (v.len - i - 1) * 8;
    for (uint8_t b = v.p[i]; b != 0; b >>= 1) {
        bits++;
    }
    return bits;
}

/* first_integer_bits: bit length of the first INTEGER of a SEQUENCE TLV
 * (RSAPublicKey modulus, Dss-Parms p, DomainParameters p); 0 when the
 * encoding does not have that shape. */
static size_t
first_integer_bits(struct wax_span tlv)
{
    struct wax_span seq, n;
    bool neg;
    if (!wax_der_get(&tlv, WAX_DER_SEQUENCE, &seq) ||
        !wax_der_get_integer(&seq, &n, &neg) || neg) {
        return 0;
    }
    return integer_bits(n);
}

static void
describe_key(struct wax_x509_spki *k)
{
    k->type = WAX_X509_KEY_UNKNOWN;
    k->bits = 0;
    k->curve = WAX_OID_UNKNOWN;
    switch (k->alg.id) {
    case WAX_OID_RSA_ENCRYPTION:
    case WAX_OID_RSASSA_PSS:
        k->type = k->alg.id == WAX_OID_RSA_ENCRYPTION ? WAX_X509_KEY_RSA
                                                      : WAX_X509_KEY_RSA_PSS;
        k->bits = first_integer_bits(k->key);
        break;
    case WAX_OID_EC_PUBLIC_KEY: {
        struct wax_span p = k->alg.params, oid;
        k->type = WAX_X509_KEY_EC;
        if (k->alg.has_params && wax_der_get_oid(&p, &oid)) {
            k->curve = x509_oid_id(oid);
        }
        switch (k->curve) {
        case WAX_OID_SECP256R1:
        case WAX_OID_SECP256K1:
            k->bits = 256;
            break;
        case WAX_OID_SECP384R1:
            k->bits = 384;
            break;
        case WAX_OID_SECP521R1:
            k->bits = 521;
            break;
        default:
            break;
        }
        break;
    }
    case WAX_OID_ED25519:
        k->type = WAX_X509_KEY_ED25519, k->bits = 256;
        break;
    case WAX_OID_ED448:
        k->type = WAX_X509_KEY_ED448, k->bits = 456;
        break;
    case WAX_OID_X25519:
        k->type = WAX_X509_KEY_X25519, k->bits = 253;
        break;
    case WAX_OID_X448:
        k->type = WAX_X509_KEY_X448, k->bits = 448;
        break;
    case WAX_OID_DSA:
        k->type = WAX_X509_KEY_DSA;
        k->bits = k->alg.has_params ? first_integer_bits(k->alg.params) : 0;
        break;
    case WAX_OID_DH_PUBLIC_NUMBER:
        k->type = WAX_X509_KEY_DH;
        k->bits = k->alg.has_params ? first_integer_bits(k->alg.params) : 0;
        break;
    default:
        break;
    }
}

/*
 *   SubjectPublicKeyInfo ::= SEQUENCE {
 *       algorithm         AlgorithmIdentifier,
 *       subjectPublicKey  BIT STRING }
 */
wax_err
wax_x509_spki_parse(struct wax_span der, struct wax_x509_spki *out)
{
    struct wax_x509_spki k = {0};
    struct wax_span s = der, seq;
    WAX_ENSURE(wax_der_get_element(&s, WAX_DER_SEQUENCE, &k.der) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_SPKI);
    struct wax_span whole = k.der;
    WAX_ENSURE(wax_der_get(&whole, WAX_DER_SEQUENCE, &seq),
               WAX_ERR_X509_BAD_SPKI);
    WAX_ENSURE(wax_x509_algid_parse(&seq, &k.alg) == WAX_OK,
               WAX_ERR_X509_BAD_SPKI);
    WAX_ENSURE(wax_der_get_bit_string_octets(&seq, &k.key) &&
                   wax_der_expect_end(&seq),
               WAX_ERR_X509_BAD_SPKI);
    describe_key(&k);
    *out = k;
    return WAX_OK;
}

const char *
wax_x509_key_type_name(enum wax_x509_key_type type)
{
    switch (type) {
    case WAX_X509_KEY_UNKNOWN:
        return "unknown";
    case WAX_X509_KEY_RSA:
        return "rsa";
    case WAX_X509_KEY_RSA_PSS:
        return "rsa-pss";
    case WAX_X509_KEY_EC:
        return "ec";
    case WAX_X509_KEY_ED25519:
        return "ed25519";
    case WAX_X509_KEY_ED448:
        return "ed448";
    case WAX_X509_KEY_X25519:
        return "x25519";
    case WAX_X509_KEY_X448:
        return "x448";
    case WAX_X509_KEY_DSA:
        return "dsa";
    case WAX_X509_KEY_DH:
        return "dh";
    }
    return "unknown";
}
