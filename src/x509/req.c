/*
 * PKCS#10 certification requests (RFC 2986) with the PKCS#9
 * extensionRequest attribute (RFC 2985 §5.4.2).
 */
#include <string.h>

#include "x509_int.h"

void
wax_x509_req_attributes(const struct wax_x509_req *req,
                        struct wax_x509_iter *it)
{
    wax_x509_iter_init(it, req->attributes, WAX_ERR_X509_REQ_BAD_ATTRIBUTES);
}

/*
 *   Attribute ::= SEQUENCE {
 *       type   ATTRIBUTE.&id,
 *       values SET SIZE (1..MAX) OF ATTRIBUTE.&Type }
 */
wax_err
wax_x509_attribute_next(struct wax_x509_iter *it,
                        struct wax_x509_attribute *out, bool *out_present)
{
    struct wax_span s = it->rest, seq;
    struct wax_x509_attribute a;
    if (s.len == 0) {
        *out_present = false;
        return WAX_OK;
    }
    WAX_ENSURE(it->count < WAX_MAX_REQ_ATTRIBUTES, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_get_oid(&seq, &a.type) &&
                   wax_der_get(&seq, WAX_DER_SET, &a.values) &&
                   a.values.len > 0 && wax_der_expect_end(&seq),
               it->bad);
    a.id = x509_oid_id(a.type);
    *out = a;
    it->rest = s;
    it->count++;
    *out_present = true;
    return WAX_OK;
}

/* extensionRequest ATTRIBUTE ::= { WITH SYNTAX ExtensionRequest
 *     SINGLE VALUE TRUE ID pkcs-9-at-extensionRequest }
 * ExtensionRequest ::= Extensions */
static wax_err
parse_extension_request(struct wax_x509_req *r, struct wax_span values)
{
    struct wax_span exts;
    WAX_ENSURE(!r->has_extension_request, WAX_ERR_X509_REQ_BAD_ATTRIBUTES);
    WAX_ENSURE(wax_der_get_element(&values, WAX_DER_SEQUENCE, &exts) &&
                   wax_der_expect_end(&values),
               WAX_ERR_X509_REQ_BAD_ATTRIBUTES);
    WAX_TRY(x509_exts_parse(exts, &r->exts, x509_cert_ext_known,
                            WAX_ERR_X509_BAD_EXTENSIONS));
    WAX_TRY(x509_ext_info_decode(&r->exts, &r->info_ext));
    r->has_extension_request = true;
    return WAX_OK;
}

/*
 *   CertificationRequestInfo ::= SEQUENCE {
 *       version       INTEGER { v1(0) } (v1,...),
 *       subject       Name,
 *       subjectPKInfo SubjectPublicKeyInfo{{ PKInfoAlgorithms }},
 *       attributes    [0] Attributes{{ CRIAttributes }} }
 *   Attributes ::= SET OF Attribute
 */
static wax_err
parse_info(struct wax_x509_req *r, struct wax_span info)
{
    struct wax_span s, spki;
    uint64_t version;
    bool present;
    WAX_ENSURE(wax_der_get(&info, WAX_DER_SEQUENCE, &s),
               WAX_ERR_X509_REQ_MALFORMED);
    WAX_ENSURE(wax_der_get_u64(&s, &version), WAX_ERR_X509_REQ_BAD_VERSION);
    WAX_ENSURE(version == 0, WAX_ERR_X509_REQ_BAD_VERSION);
    r->version = 1;
    WAX_TRY(x509_get_name(&s, &r->subject));
    WAX_ENSURE(wax_der_get_element(&s, WAX_DER_SEQUENCE, &spki),
               WAX_ERR_X509_BAD_SPKI);
    WAX_TRY(wax_x509_spki_parse(spki, &r->spki));
    /* The [0] is required by the ASN.1, though some old encoders omit it;
     * DER from a conforming encoder always has it. */
    WAX_ENSURE(wax_der_get(&s, WAX_DER_CONTEXT_CONS(0), &r->attributes),
               WAX_ERR_X509_REQ_BAD_ATTRIBUTES);
    WAX_ENSURE(wax_der_expect_end(&s), WAX_ERR_X509_REQ_MALFORMED);

    struct wax_x509_iter it;
    struct wax_x509_attribute a;
    wax_x509_req_attributes(r, &it);
    for (;;) {
        WAX_TRY(wax_x509_attribute_next(&it, &a, &present));
        if (!present) {
            break;
        }
        if (a.id == WAX_OID_PKCS9_EXTENSION_REQUEST) {
            WAX_TRY(parse_extension_request(r, a.values));
        }
    }
    r->num_attributes = it.count;
    return WAX_OK;
}

/*
 *   CertificationRequest ::= SEQUENCE {
 *       certificationRequestInfo CertificationRequestInfo,
 *       signatureAlgorithm AlgorithmIdentifier{{ SignatureAlgorithms }},
 *       signature          BIT STRING }
 */
wax_err
wax_x509_req_parse(struct wax_x509_req *out, const uint8_t *der, size_t der_len)
{
    struct wax_span in, req, seq, info;
    WAX_TRY(wax_der_validate(der, der_len, WAX_MAX_DER_DEPTH));
    memset(out, 0, sizeof *out);
    wax_span_init(&in, der, der_len);
    WAX_ENSURE(wax_der_get_element(&in, WAX_DER_SEQUENCE, &req) &&
                   wax_der_expect_end(&in),
               WAX_ERR_X509_REQ_MALFORMED);
    out->der = req;
    struct wax_span whole = req;
    WAX_ENSURE(wax_der_get(&whole, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_get_element(&seq, WAX_DER_SEQUENCE, &info),
               WAX_ERR_X509_REQ_MALFORMED);
    out->info = info;
    WAX_TRY(wax_x509_algid_parse(&seq, &out->sig_alg_id));
    WAX_ENSURE(wax_der_get_bit_string_octets(&seq, &out->signature) &&
                   wax_der_expect_end(&seq),
               WAX_ERR_X509_REQ_MALFORMED);
    WAX_TRY(parse_info(out, info));
    out->sig_alg_err = wax_x509_sig_alg_decode(&out->sig_alg_id, &out->sig_alg);
    if (out->sig_alg_err == WAX_ERR_X509_BAD_ALGORITHM ||
        out->sig_alg_err == WAX_ERR_DER_DEFAULT_ENCODED) {
        return out->sig_alg_err;
    }
    return WAX_OK;
}
