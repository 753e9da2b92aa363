/*
 * Attributes of CMS (RFC 5652 §5.3, §11): parsing a SET OF Attribute and
 * its DER re-encoding, the bytes a SignerInfo signature covers (§5.4).
 */
#include <stdlib.h>
#include <string.h>

#include "signed_int.h"

/*
 *   Attribute ::= SEQUENCE {
 *       attrType   OBJECT IDENTIFIER,
 *       attrValues SET OF AttributeValue }
 *   SignedAttributes ::= SET SIZE (1..MAX) OF Attribute
 *   (attrValues SIZE (1..MAX) too, RFC 5652 §5.3 and X.501)
 */
static wax_err
attr_parse(struct wax_span *in, struct cms_attr *out)
{
    struct cms_attr a = {0};
    struct wax_span seq, values;
    WAX_ENSURE(wax_der_get_element(in, WAX_DER_SEQUENCE, &a.der),
               WAX_ERR_CMS_BAD_ATTR);
    struct wax_span whole = a.der;
    WAX_ENSURE(wax_der_get(&whole, WAX_DER_SEQUENCE, &seq),
               WAX_ERR_CMS_BAD_ATTR);
    WAX_ENSURE(wax_der_get_oid(&seq, &a.type), WAX_ERR_CMS_BAD_ATTR);
    WAX_ENSURE(wax_der_get(&seq, WAX_DER_SET, &a.values) &&
                   wax_der_expect_end(&seq),
               WAX_ERR_CMS_BAD_ATTR);
    a.id = wax_oid_find(a.type);
    values = a.values;
    while (values.len > 0) {
        struct wax_span v;
        WAX_ENSURE(wax_der_get_any(&values, NULL, NULL, &v),
                   WAX_ERR_CMS_BAD_ATTR);
        if (a.num_values == 0) {
            a.first = v;
        }
        WAX_ENSURE(a.num_values < WAX_MAX_CMS_ATTRS,
                   WAX_ERR_CMS_TOO_MANY_ATTRS);
        a.num_values++;
    }
    WAX_ENSURE(a.num_values > 0, WAX_ERR_CMS_BAD_ATTR);
    *out = a;
    return WAX_OK;
}

wax_err
cms_attrs_parse(struct wax_span contents, struct cms_attr *out, size_t *out_num)
{
    size_t n = 0;
    while (contents.len > 0) {
        WAX_ENSURE(n < WAX_MAX_CMS_ATTRS, WAX_ERR_CMS_TOO_MANY_ATTRS);
        WAX_TRY(attr_parse(&contents, &out[n]));
        n++;
    }
    WAX_ENSURE(n > 0, WAX_ERR_CMS_BAD_ATTR);
    *out_num = n;
    return WAX_OK;
}

size_t
cms_attrs_count(const struct cms_attr *attrs, size_t num, enum wax_oid_id id,
                const struct cms_attr **out_first)
{
    size_t count = 0;
    if (out_first != NULL) {
        *out_first = NULL;
    }
    for (size_t i = 0; i < num; i++) {
        if (attrs[i].id == id && id != WAX_OID_UNKNOWN) {
            if (count == 0 && out_first != NULL) {
                *out_first = &attrs[i];
            }
            count++;
        }
    }
    return count;
}

static wax_err
build_sorted(struct wax_der_builder *b, struct wax_span contents)
{
    struct wax_der_builder set;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SET, &set));
    while (contents.len > 0) {
        struct wax_span seq, oid, values;
        WAX_ENSURE(wax_der_get(&contents, WAX_DER_SEQUENCE, &seq),
                   WAX_ERR_CMS_BAD_ATTR);
        WAX_ENSURE(wax_der_get_element(&seq, WAX_DER_OID, &oid) &&
                       wax_der_get(&seq, WAX_DER_SET, &values),
                   WAX_ERR_CMS_BAD_ATTR);
        struct wax_der_builder a, vs;
        WAX_TRY(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &a));
        WAX_TRY(wax_der_builder_add_element(&a, oid.p, oid.len));
        WAX_TRY(wax_der_builder_open(&a, WAX_DER_SET, &vs));
        while (values.len > 0) {
            struct wax_span v;
            WAX_ENSURE(wax_der_get_any(&values, NULL, NULL, &v),
                       WAX_ERR_CMS_BAD_ATTR);
            WAX_TRY(wax_der_builder_add_element(&vs, v.p, v.len));
        }
        WAX_TRY(wax_der_builder_sort_set(&vs));
        WAX_TRY(wax_der_builder_close(&vs));
        WAX_TRY(wax_der_builder_close(&a));
    }
    WAX_TRY(wax_der_builder_sort_set(&set));
    return wax_der_builder_close(&set);
}

wax_err
cms_attrs_der(struct wax_span contents, struct wax_buf *out,
              bool *out_reordered)
{
    struct wax_der_builder b;
    /* the re-encoding is as long as the contents plus a SET header */
    wax_der_builder_init(&b, contents.len + 16);
    wax_err err = build_sorted(&b, contents);
    uint8_t *der = NULL;
    size_t der_len = 0;
    wax_err ferr = wax_der_builder_finish(&b, &der, &der_len);
    if (err == WAX_OK) {
        err = ferr;
    }
    if (err == WAX_OK) {
        struct wax_span s, body;
        wax_span_init(&s, der, der_len);
        if (!wax_der_get(&s, WAX_DER_SET, &body)) {
            err = WAX_ERR_INTERNAL;
        } else {
            *out_reordered = !wax_span_equal(body, contents);
            err = wax_buf_append(out, der, der_len);
        }
    }
    free(der);
    wax_der_builder_cleanup(&b);
    return err;
}
