/*
 * Password-based encryption of keys (PKCS#8 EncryptedPrivateKeyInfo, the
 * bags and safes of PKCS#12): look at the algorithm before decrypting.
 *
 * The iteration count of a PBKDF comes from the file; an attacker who
 * hands us a key file must not be able to make us hash for an hour, so
 * counts above WAX_MAX_PBE_ITERATIONS are refused before any work. And the
 * old PBEs (PKCS#5 v1.5 DES and RC2, PKCS#12 RC2 and RC4) need OpenSSL's
 * legacy provider, which is loaded here, only when such a file shows up.
 *
 *   PBEParameter ::= SEQUENCE { salt OCTET STRING (SIZE(8)),
 *                                iterationCount INTEGER }  -- RFC 8018 A.3
 *   pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING,
 *                                   iterations INTEGER }  -- RFC 7292 C
 *   PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier,
 *                               encryptionScheme AlgorithmIdentifier }
 *   PBKDF2-params ::= SEQUENCE { salt CHOICE {...}, iterationCount INTEGER,
 *                                keyLength INTEGER OPTIONAL,
 *                                prf AlgorithmIdentifier DEFAULT sha1 }
 */
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "crypto/keys_internal.h"
#include "crypto/legacy.h"

bool
wax_key_cipher_needs_legacy(int nid)
{
    switch (nid) {
    case NID_des_cbc:
    case NID_des_ecb:
    case NID_des_cfb64:
    case NID_des_ofb64:
    case NID_desx_cbc:
    case NID_rc2_cbc:
    case NID_rc2_40_cbc:
    case NID_rc2_64_cbc:
    case NID_rc2_ecb:
    case NID_rc4:
    case NID_rc4_40:
    case NID_bf_cbc:
    case NID_cast5_cbc:
    case NID_idea_cbc:
    case NID_seed_cbc:
    case NID_rc5_cbc:
        return true;
    default:
        return false;
    }
}

/* scrypt bounds (RFC 7914): N up to 2^20 (1 GiB at r = 8 would need more
 * than libcrypto's 32 MiB default anyway), r and p small. */
#define SCRYPT_MAX_N ((uint64_t)1 << 20)
#define SCRYPT_MAX_R 32
#define SCRYPT_MAX_P 16

static wax_err
get_count(const ASN1_INTEGER *v, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t n = 0;
    WAX_ENSURE(v != NULL && ASN1_INTEGER_get_uint64(&n, v) == 1,
               WAX_ERR_CRYPTO_BAD_PARAMS);
    WAX_ENSURE(n >= min, WAX_ERR_CRYPTO_BAD_PARAMS);
    WAX_ENSURE(n <= max, WAX_ERR_LIMIT_EXCEEDED);
    *out = n;
    return WAX_OK;
}

static wax_err
check_iter(const ASN1_INTEGER *iter, uint64_t *work)
{
    return get_count(iter, 1, WAX_MAX_PBE_ITERATIONS, work);
}

/* PKCS#5 v1.5 and PKCS#12 PBEs: one PBEParameter, legacy or not. */
static wax_err
check_pbe1(const X509_ALGOR *alg, bool legacy, uint64_t *work)
{
    if (alg->parameter == NULL) {
        return WAX_ERR_CRYPTO_BAD_PARAMS;
    }
    PBEPARAM *pbe =
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), alg->parameter);
    if (pbe == NULL) {
        return WAX_ERR_CRYPTO_BAD_PARAMS;
    }
    wax_err err = check_iter(pbe->iter, work);
    PBEPARAM_free(pbe);
    WAX_TRY(err);
    if (legacy) {
        WAX_TRY(wax_crypto_load_legacy());
    }
    return WAX_OK;
}

/*
 *   scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter INTEGER,
 *       blockSize INTEGER, parallelizationParameter INTEGER,
 *       keyLength INTEGER OPTIONAL }                    -- RFC 7914 §7.1
 * Its work is counted as N * r * p PBKDF2-sized steps.
 */
static wax_err
check_scrypt(const X509_ALGOR *kdf, uint64_t *work)
{
    WAX_ENSURE(kdf->parameter != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    SCRYPT_PARAMS *sp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS),
                                                  kdf->parameter);
    WAX_ENSURE(sp != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    uint64_t n = 0, r = 0, p = 0;
    wax_err err = get_count(sp->costParameter, 2, SCRYPT_MAX_N, &n);
    if (err == WAX_OK) {
        err = get_count(sp->blockSize, 1, SCRYPT_MAX_R, &r);
    }
    if (err == WAX_OK) {
        err = get_count(sp->parallelizationParameter, 1, SCRYPT_MAX_P, &p);
    }
    SCRYPT_PARAMS_free(sp);
    *work = n * r * p;
    return err;
}

static wax_err
check_kdf(const X509_ALGOR *kdf, uint64_t *work)
{
    int nid = OBJ_obj2nid(kdf->algorithm);
    if (nid == NID_id_scrypt) {
        return check_scrypt(kdf, work);
    }
    WAX_ENSURE(nid == NID_id_pbkdf2, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    WAX_ENSURE(kdf->parameter != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    PBKDF2PARAM *kp =
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), kdf->parameter);
    WAX_ENSURE(kp != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    wax_err err = check_iter(kp->iter, work);
    PBKDF2PARAM_free(kp);
    return err;
}

static wax_err
check_pbes2(const X509_ALGOR *alg, uint64_t *work)
{
    WAX_ENSURE(alg->parameter != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    PBE2PARAM *p2 =
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
    WAX_ENSURE(p2 != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    wax_err err = WAX_ERR_CRYPTO_BAD_PARAMS;
    if (p2->keyfunc == NULL || p2->encryption == NULL) {
        goto done;
    }
    err = check_kdf(p2->keyfunc, work);
    if (err != WAX_OK) {
        goto done;
    }
    int enc = OBJ_obj2nid(p2->encryption->algorithm);
    if (enc == NID_undef || EVP_get_cipherbynid(enc) == NULL) {
        err = WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
        goto done;
    }
    if (wax_key_cipher_needs_legacy(enc)) {
        err = wax_crypto_load_legacy();
    }
done:
    PBE2PARAM_free(p2);
    return err;
}

wax_err
wax_key_pbe_check(const X509_ALGOR *alg, uint64_t *budget)
{
    WAX_ENSURE(alg != NULL, WAX_ERR_CRYPTO_BAD_PARAMS);
    uint64_t work = 0;
    wax_err err;
    switch (OBJ_obj2nid(alg->algorithm)) {
    case NID_pbes2:
        err = check_pbes2(alg, &work);
        break;
    case NID_pbe_WithSHA1And3_Key_TripleDES_CBC:
    case NID_pbe_WithSHA1And2_Key_TripleDES_CBC:
        err = check_pbe1(alg, false, &work);
        break;
    case NID_pbe_WithSHA1And128BitRC4:
    case NID_pbe_WithSHA1And40BitRC4:
    case NID_pbe_WithSHA1And128BitRC2_CBC:
    case NID_pbe_WithSHA1And40BitRC2_CBC:
    case NID_pbeWithMD5AndDES_CBC:
    case NID_pbeWithSHA1AndDES_CBC:
    case NID_pbeWithMD5AndRC2_CBC:
    case NID_pbeWithSHA1AndRC2_CBC:
        err = check_pbe1(alg, true, &work);
        break;
    default:
        err = WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
        break;
    }
    wax_key_errors_clear();
    WAX_TRY(err);
    if (budget != NULL) {
        WAX_ENSURE(work <= *budget, WAX_ERR_LIMIT_EXCEEDED);
        *budget -= work;
    }
    return WAX_OK;
}
