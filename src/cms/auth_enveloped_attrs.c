/*
 * authAttrs of AuthEnvelopedData (RFC 5083 §2.1, §2.2): the attributes
 * are authenticated as the AAD of the AEAD cipher, in their DER encoding
 * with the SET OF tag (not the [1] IMPLICIT tag they travel under).
 */
#include <stdlib.h>
#include <string.h>

#include "cms/enveloped_int.h"

/*
 *   AuthAttributes ::= SET SIZE (1..MAX) OF Attribute
 *   Attribute ::= SEQUENCE {
 *       attrType OBJECT IDENTIFIER,
 *       attrValues SET OF AttributeValue }
 *   ContentType ::= OBJECT IDENTIFIER  (id-contentType, RFC 5652 §11.1)
 */
wax_err
wax_cmsenv_auth_attrs_build(struct wax_buf *out, enum wax_oid_id content_type)
{
    struct wax_der_builder b, set, attr, values;
    struct wax_span type = wax_oid_span(WAX_OID_PKCS9_CONTENT_TYPE);
    struct wax_span ct = wax_oid_span(content_type);
    WAX_ENSURE(ct.len > 0, WAX_ERR_INVALID_ARGUMENT);
    wax_der_builder_init(&b, 1024);
    wax_err err = wax_der_builder_open(&b, WAX_DER_SET, &set);
    if (err == WAX_OK) {
        err = wax_der_builder_open(&set, WAX_DER_SEQUENCE, &attr);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_oid(&attr, type.p, type.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&attr, WAX_DER_SET, &values);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_oid(&values, ct.p, ct.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&values);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&attr);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&set);
    }
    uint8_t *data = NULL;
    size_t len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &data, &len);
    }
    if (err == WAX_OK) {
        err = wax_buf_append(out, data, len);
    }
    free(data);
    wax_der_builder_cleanup(&b);
    return err;
}

wax_err
wax_cmsenv_auth_attrs_check(struct wax_span attrs,
                            struct wax_span content_type_oid,
                            struct wax_buf *aad_out)
{
    const wax_err bad = WAX_ERR_CMS_BAD_AUTH_ATTRS;
    struct wax_span in = attrs, list;
    WAX_ENSURE(wax_der_get(&in, WAX_DER_CONTEXT_CONS(1), &list) &&
                   wax_der_expect_end(&in) && list.len > 0,
               bad);
    size_t num = 0;
    bool have_ct = false;
    struct wax_span walk = list;
    while (walk.len > 0) {
        WAX_ENSURE(++num <= WAX_MAX_CMS_ATTRS, WAX_ERR_LIMIT_EXCEEDED);
        struct wax_span attr, type, values, value;
        WAX_ENSURE(wax_der_get(&walk, WAX_DER_SEQUENCE, &attr) &&
                       wax_der_get_oid(&attr, &type) &&
                       wax_der_get(&attr, WAX_DER_SET, &values) &&
                       wax_der_expect_end(&attr) && values.len > 0,
                   bad);
        if (wax_oid_is(type, WAX_OID_PKCS9_CONTENT_TYPE)) {
            /* single-valued, at most once, equal to the content type */
            WAX_ENSURE(!have_ct && wax_der_get_oid(&values, &value) &&
                           wax_der_expect_end(&values) &&
                           wax_span_equal(value, content_type_oid),
                       bad);
            have_ct = true;
        }
    }
    WAX_ENSURE(have_ct || wax_oid_is(content_type_oid, WAX_OID_CT_DATA),
               WAX_ERR_CMS_AUTH_ATTRS_REQUIRED);

    /* The AAD: the same attributes under the SET tag, in DER order. */
    struct wax_der_builder b, set;
    wax_der_builder_init(&b, list.len + 16);
    wax_err err = wax_der_builder_open(&b, WAX_DER_SET, &set);
    walk = list;
    while (err == WAX_OK && walk.len > 0) {
        struct wax_span attr;
        if (!wax_der_get_element(&walk, WAX_DER_SEQUENCE, &attr)) {
            err = bad;
            break;
        }
        err = wax_der_builder_add_element(&set, attr.p, attr.len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_sort_set(&set);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&set);
    }
    uint8_t *data = NULL;
    size_t len = 0;
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &data, &len);
    }
    if (err == WAX_OK) {
        err = wax_buf_append(aad_out, data, len);
    }
    free(data);
    wax_der_builder_cleanup(&b);
    return err;
}
