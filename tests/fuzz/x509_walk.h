/*
 * tests/fuzz/x509_walk.h - walks every accessor of parsed x509 objects so
 * that the fuzz targets reach all the code behind them. A walk over a
 * successfully parsed object must not fail: that would mean parse accepted
 * something its own iterators reject, so it aborts.
 */
#ifndef WAX_FUZZ_X509_WALK_H
#define WAX_FUZZ_X509_WALK_H

#include <stdlib.h>

#include <wax/x509.h>

#define MUST(expr)                                                             \
    do {                                                                       \
        if ((expr) != WAX_OK) {                                                \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void
walk_name(struct wax_span name)
{
    static char text[1 << 16];
    size_t len;
    struct wax_x509_name_iter it;
    struct wax_x509_name_attr a;
    bool present = true;
    MUST(wax_x509_name_format(name, text, sizeof text, &len));
    MUST(wax_x509_name_iter_init(&it, name));
    while (present) {
        MUST(wax_x509_name_next(&it, &a, &present));
    }
    if (!wax_x509_name_equal(name, name) && !wax_x509_name_is_empty(name)) {
        /* a name equals itself unless a string fails to decode */
        (void)0;
    }
}

static void
walk_general_name(const struct wax_x509_general_name *g)
{
    if (g->type == WAX_GN_DIRECTORY) {
        walk_name(g->value);
    }
}

static void
walk_general_names(struct wax_span list)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_gn_iter(&it, list);
    for (;;) {
        MUST(wax_x509_gn_next(&it, &g, &present));
        if (!present) {
            break;
        }
        walk_general_name(&g);
    }
}

static void
walk_subtrees(void (*init)(const struct wax_x509_ext_info *,
                           struct wax_x509_iter *),
              const struct wax_x509_ext_info *info)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    init(info, &it);
    for (;;) {
        MUST(wax_x509_subtree_next(&it, &g, &present));
        if (!present) {
            break;
        }
        walk_general_name(&g);
    }
}

static void
walk_dist_points(struct wax_x509_iter *it)
{
    struct wax_x509_dist_point d;
    bool present = true;
    for (;;) {
        MUST(wax_x509_dist_point_next(it, &d, &present));
        if (!present) {
            break;
        }
        if (d.has_full_name) {
            walk_general_names(d.full_name);
        }
        if (d.has_crl_issuer) {
            walk_general_names(d.crl_issuer);
        }
    }
}

static void
walk_ext_info(const struct wax_x509_ext_info *info)
{
    struct wax_x509_iter it;
    bool present;
    struct wax_span oid;
    enum wax_oid_id id;
    struct wax_x509_policy p;
    struct wax_x509_policy_mapping m;
    struct wax_x509_access a;

    wax_x509_san_iter(info, &it);
    if (info->has_san) {
        walk_general_names(info->san);
    }
    if (info->has_ian) {
        walk_general_names(info->ian);
    }
    if (info->aki.present && info->aki.has_issuer) {
        walk_general_names(info->aki.issuer);
    }
    wax_x509_eku_iter(info, &it);
    for (present = true; present;) {
        MUST(wax_x509_oid_next(&it, &oid, &id, &present));
    }
    (void)wax_x509_has_eku(info, WAX_OID_KP_EMAIL_PROTECTION);
    wax_x509_policies_iter(info, &it);
    for (present = true; present;) {
        MUST(wax_x509_policy_next(&it, &p, &present));
    }
    wax_x509_policy_mappings_iter(info, &it);
    for (present = true; present;) {
        MUST(wax_x509_policy_mapping_next(&it, &m, &present));
    }
    walk_subtrees(wax_x509_permitted_iter, info);
    walk_subtrees(wax_x509_excluded_iter, info);
    wax_x509_crl_dps_iter(info, &it);
    walk_dist_points(&it);
    if (info->has_freshest_crl) {
        wax_x509_iter_init(&it, info->freshest_crl, WAX_ERR_X509_BAD_CRL_DP);
        walk_dist_points(&it);
    }
    wax_x509_aia_iter(info, &it);
    for (present = true; present;) {
        MUST(wax_x509_access_next(&it, &a, &present));
        if (present) {
            walk_general_name(&a.location);
        }
    }
    if (info->has_sia) {
        wax_x509_iter_init(&it, info->sia, WAX_ERR_X509_BAD_AIA);
        for (present = true; present;) {
            MUST(wax_x509_access_next(&it, &a, &present));
        }
    }
}

static void
walk_exts(const struct wax_x509_exts *exts)
{
    for (size_t i = 0; i < exts->num; i++) {
        (void)wax_x509_exts_find(exts, exts->ext[i].id);
    }
}

#endif
