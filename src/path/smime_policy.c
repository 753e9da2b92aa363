/*
 * Stage 4 of wax_path_validate, policy: the purpose of the leaf.
 *
 * The S/MIME certificate policy of RFC 8550 section 4.4 and SECURITY.md
 * rule 6: extendedKeyUsage absent, or listing emailProtection or
 * anyExtendedKeyUsage; keyUsage absent, or allowing what the certificate
 * is used for (digitalSignature or nonRepudiation to sign; keyEncipherment
 * for RSA, keyAgreement for EC/X25519/X448/DH keys to encrypt). A CA of an
 * S/MIME path that restricts its extendedKeyUsage must allow
 * emailProtection (or any), as the CA/B Forum S/MIME requirements and the
 * major mail clients expect.
 *
 * The binding of the certificate to an address (SECURITY.md rule 5,
 * SmtpUTF8Mailbox included) is the smime layer's wax_smime_cert_emails /
 * wax_smime_address_equal; `wax cert verify --email` uses those.
 *
 * The leaf rules of the TLS purposes are here too (wax_path_check_leaf is
 * the one public leaf check); the rest of that profile is tls_policy.c.
 */
#include "path_int.h"

/* The EKU rule of RFC 8550 4.4: absent, emailProtection, or any. */
static wax_err
check_smime_eku(const struct wax_x509_cert *cert)
{
    if (!cert->info.has_eku) {
        return WAX_OK;
    }
    if (wax_x509_has_eku(&cert->info, WAX_OID_KP_EMAIL_PROTECTION) ||
        wax_x509_has_eku(&cert->info, WAX_OID_ANY_EXTENDED_KEY_USAGE)) {
        return WAX_OK;
    }
    return WAX_ERR_PATH_BAD_EKU;
}

/* The keyUsage bit that lets this key encrypt (key transport for RSA,
 * key agreement for the rest). */
static uint32_t
encrypt_bits(const struct wax_x509_cert *cert)
{
    switch (cert->spki.type) {
    case WAX_X509_KEY_RSA:
    case WAX_X509_KEY_RSA_PSS:
        return WAX_KU_KEY_ENCIPHERMENT;
    case WAX_X509_KEY_EC:
    case WAX_X509_KEY_X25519:
    case WAX_X509_KEY_X448:
    case WAX_X509_KEY_DH:
        return WAX_KU_KEY_AGREEMENT;
    case WAX_X509_KEY_UNKNOWN:
    case WAX_X509_KEY_ED25519:
    case WAX_X509_KEY_ED448:
    case WAX_X509_KEY_DSA:
        break;
    }
    return WAX_KU_KEY_ENCIPHERMENT | WAX_KU_KEY_AGREEMENT;
}

static const uint32_t sign_bits =
    WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION;

/* The TLS leaf: an extendedKeyUsage, when present, names the purpose and
 * not anyExtendedKeyUsage (CA/B Forum BR 7.1.2.7.10) and is not critical
 * (7.1.2.7.6). Absent, it allows any purpose (RFC 5280
 * 4.2.1.12). */
static wax_err
check_tls_leaf(const struct wax_x509_cert *cert, enum wax_oid_id purpose_eku)
{
    const struct wax_x509_ext_info *info = &cert->info;
    if (!info->has_eku) {
        return WAX_OK;
    }
    WAX_ENSURE(wax_x509_has_eku(info, purpose_eku) &&
                   !wax_x509_has_eku(info, WAX_OID_ANY_EXTENDED_KEY_USAGE),
               WAX_ERR_PATH_BAD_EKU);
    const struct wax_x509_ext *e =
        wax_x509_exts_find(&cert->exts, WAX_OID_CE_EXT_KEY_USAGE);
    WAX_ENSURE(e == NULL || !e->critical, WAX_ERR_PATH_BAD_EKU);
    return WAX_OK;
}

wax_err
wax_path_check_leaf(const struct wax_x509_cert *cert,
                    enum wax_path_purpose purpose)
{
    WAX_ENSURE(cert != NULL, WAX_ERR_INVALID_ARGUMENT);
    const struct wax_x509_ext_info *info = &cert->info;
    switch (purpose) {
    case WAX_PATH_PURPOSE_ANY:
        return WAX_OK;
    case WAX_PATH_PURPOSE_SMIME_SIGN:
        WAX_ENSURE(!info->has_key_usage || (info->key_usage & sign_bits) != 0,
                   WAX_ERR_PATH_BAD_KEY_USAGE);
        return check_smime_eku(cert);
    case WAX_PATH_PURPOSE_SMIME_ENCRYPT:
        WAX_ENSURE(!info->has_key_usage ||
                       (info->key_usage & encrypt_bits(cert)) != 0,
                   WAX_ERR_PATH_BAD_KEY_USAGE);
        return check_smime_eku(cert);
    case WAX_PATH_PURPOSE_SMIME:
        WAX_ENSURE(!info->has_key_usage ||
                       (info->key_usage & (sign_bits | encrypt_bits(cert))) !=
                           0,
                   WAX_ERR_PATH_BAD_KEY_USAGE);
        return check_smime_eku(cert);
    case WAX_PATH_PURPOSE_TLS_SERVER:
        return check_tls_leaf(cert, WAX_OID_KP_SERVER_AUTH);
    case WAX_PATH_PURPOSE_TLS_CLIENT:
        return check_tls_leaf(cert, WAX_OID_KP_CLIENT_AUTH);
    }
    return WAX_ERR_INVALID_ARGUMENT;
}

void
path_smime_check_ca(struct path_state *st, size_t k)
{
    if (check_smime_eku(&path_at(st, k)->cert) != WAX_OK) {
        path_problem(st, k, WAX_ERR_PATH_BAD_EKU);
    }
}
