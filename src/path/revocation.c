/*
 * Revocation from CRLs, RFC 5280 6.3 (the CRLs come from the caller:
 * --crl files and the crls field of a SignedData).
 *
 * For certificate k of a path (never the anchor) and its issuer k + 1:
 *
 *  1. Which CRLs are about it. The certificate's distribution points
 *     (cRLDistributionPoints), and after them the implicit one every
 *     certificate has (no reasons, no cRLIssuer, named by the
 *     certificate's issuer, 6.3.3 last paragraph). A CRL matches a point
 *     when its issuer is the point's cRLIssuer (then it must be an
 *     indirect CRL) or, without one, the certificate's issuer; and, when
 *     the CRL's issuingDistributionPoint names a point, one of those names
 *     is a name of the certificate's point (or of its cRLIssuer, for the
 *     implicit point the issuer's name). A direct CRL whose AKI names
 *     another key than the issuer's is not about it (another key of the
 *     same CA signed it).
 *  2. Whether the CRL is valid (else WAX_ERR_PATH_CRL_INVALID): signed by
 *     the issuer (for an indirect CRL, by a certificate of the pool named
 *     as its issuer whose own path validates to the same anchor, checked
 *     without revocation), the signer's keyUsage (if any) with cRLSign, a
 *     v2 CRL with a non-critical cRLNumber, a critical deltaCRLIndicator,
 *     no unknown critical extension (CRL or entry), MD5/SHA-1 only with
 *     allow_weak.
 *  3. Whether it is current: thisUpdate <= time <= nextUpdate; a stale
 *     CRL is not used (and only stale CRLs under REQUIRE gives
 *     WAX_ERR_PATH_CRL_EXPIRED).
 *  4. Its scope: only user / CA / attribute certificates; the reasons it
 *     covers are the IDP's onlySomeReasons and the point's reasons.
 *  5. The entries: the certificate is listed when an entry has its serial
 *     and the entry's certificate issuer (the CRL issuer, or the last
 *     certificateIssuer extension of an indirect CRL) is its issuer. A
 *     listed certificate is revoked whatever the date and reason (an
 *     entry removeFromCRL excepted).
 *  6. Delta CRLs (deltaCRLIndicator) apply after a complete CRL of the
 *     same issuer whose cRLNumber is at least their BaseCRLNumber: an
 *     entry revokes, an entry removeFromCRL lifts a certificateHold.
 *
 * The status is GOOD when the complete CRLs used cover every reason.
 */
#include "path_int.h"

#define ALL_REASONS                                                            \
    (WAX_REASON_FLAG_KEY_COMPROMISE | WAX_REASON_FLAG_CA_COMPROMISE |          \
     WAX_REASON_FLAG_AFFILIATION_CHANGED | WAX_REASON_FLAG_SUPERSEDED |        \
     WAX_REASON_FLAG_CESSATION_OF_OPERATION |                                  \
     WAX_REASON_FLAG_CERTIFICATE_HOLD | WAX_REASON_FLAG_PRIVILEGE_WITHDRAWN |  \
     WAX_REASON_FLAG_AA_COMPROMISE)

/* A distribution point of the certificate (or the implicit one). */
struct dp {
    bool has_full_name;
    struct wax_span full_name; /* GeneralNames contents */
    bool has_reasons;
    uint32_t reasons;
    bool has_crl_issuer;
    struct wax_span crl_issuer; /* GeneralNames contents */
    bool implicit;              /* named by the certificate's issuer */
};

/* GeneralNames LIST has a directoryName equal to NAME. */
static bool
names_have_dn(struct wax_span list, struct wax_span name)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_gn_iter(&it, list);
    while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
        if (g.type == WAX_GN_DIRECTORY && wax_x509_name_equal(g.value, name)) {
            return true;
        }
    }
    return false;
}

static bool
gn_equal(const struct wax_x509_general_name *a,
         const struct wax_x509_general_name *b)
{
    if (a->type != b->type) {
        return false;
    }
    if (a->type == WAX_GN_DIRECTORY) {
        return wax_x509_name_equal(a->value, b->value);
    }
    return wax_span_equal(a->der, b->der);
}

/* Two GeneralNames lists share a name. */
static bool
names_intersect(struct wax_span a, struct wax_span b)
{
    struct wax_x509_iter ia, ib;
    struct wax_x509_general_name ga, gb;
    bool pa = true;
    wax_x509_gn_iter(&ia, a);
    while (wax_x509_gn_next(&ia, &ga, &pa) == WAX_OK && pa) {
        bool pb = true;
        wax_x509_gn_iter(&ib, b);
        while (wax_x509_gn_next(&ib, &gb, &pb) == WAX_OK && pb) {
            if (gn_equal(&ga, &gb)) {
                return true;
            }
        }
    }
    return false;
}

/* Does the CRL's IDP name match point P (6.3.3 (b)(2)(i))? */
static bool
idp_name_matches(const struct wax_x509_crl *crl, const struct dp *p,
                 const struct wax_x509_cert *cert)
{
    const struct wax_x509_idp *idp = &crl->idp;
    if (!idp->present || (!idp->has_full_name && !idp->has_relative_name)) {
        return true;
    }
    if (!idp->has_full_name) {
        return false; /* nameRelativeToCRLIssuer: not matched here */
    }
    if (p->has_full_name) {
        return names_intersect(idp->full_name, p->full_name);
    }
    if (p->has_crl_issuer) {
        return names_intersect(idp->full_name, p->crl_issuer);
    }
    if (p->implicit) {
        return names_have_dn(idp->full_name, cert->issuer);
    }
    return false;
}

/* INTEGER contents A >= B, as unsigned magnitudes. */
static bool
number_ge(struct wax_span a, struct wax_span b)
{
    while (a.len > 1 && a.p[0] == 0) {
        a.p++, a.len--;
    }
    while (b.len > 1 && b.p[0] == 0) {
        b.p++, b.len--;
    }
    if (a.len != b.len) {
        return a.len > b.len;
    }
    return memcmp(a.p, b.p, a.len) >= 0;
}

static bool
is_ca(const struct wax_x509_cert *c)
{
    return c->info.has_basic_constraints && c->info.ca;
}

/* The certificate that signs an indirect CRL: a pool certificate named
 * as the CRL issuer whose key verifies it and whose own path validates
 * to ANCHOR. SIZE_MAX when there is none. */
static size_t
indirect_signer(struct path_state *st, const struct path_crl *pc,
                const struct path_cert *anchor)
{
    struct path_ctx *ctx = st->ctx;
    if (ctx->nesting >= PATH_MAX_NESTING) {
        return SIZE_MAX;
    }
    for (size_t i = 0; i < ctx->num_pool; i++) {
        const struct path_cert *cand = &ctx->pool[i];
        if (!wax_x509_name_equal(cand->cert.subject, pc->crl.issuer) ||
            wax_x509_crl_verify_signature(&pc->crl, cand->cert.spki.der) !=
                WAX_OK) {
            continue;
        }
        if (cand->anchor) {
            if (cand == anchor) {
                return i;
            }
            continue;
        }
        struct wax_path_input sub = *ctx->in;
        sub.leaf = cand->der;
        sub.leaf_len = cand->len;
        sub.purpose = WAX_PATH_PURPOSE_ANY;
        sub.revocation = WAX_PATH_REVOCATION_OFF;
        sub.dns_name = NULL;
        sub.ip_address = NULL;
        sub.diag = NULL;
        /* the caller's policy and depth wishes are about the leaf's path */
        sub.initial_policies = NULL;
        sub.num_initial_policies = 0;
        sub.require_explicit_policy = false;
        sub.inhibit_policy_mapping = false;
        sub.inhibit_any_policy = false;
        sub.has_max_intermediates = false;
        struct wax_path_result *res = malloc(sizeof *res);
        if (res == NULL) {
            return SIZE_MAX;
        }
        wax_err err = path_validate_nested(&sub, res, ctx->nesting + 1);
        bool ok = err == WAX_OK && res->num_certs > 0 &&
                  res->certs[res->num_certs - 1] == anchor->der;
        free(res);
        if (ok) {
            return i;
        }
    }
    return SIZE_MAX;
}

enum crl_verdict {
    CRL_NOT_ABOUT = 0, /* not about this certificate */
    CRL_INVALID,       /* about it, failed its checks */
    CRL_STALE,         /* about it, valid, not current */
    CRL_USABLE,        /* about it and usable */
};

/* Is CRL a valid CRL of SIGNER (pool index)? WAX_OK or the problem. */
static wax_err
crl_valid(struct path_state *st, struct path_crl *pc, size_t signer)
{
    const struct wax_x509_crl *crl = &pc->crl;
    const struct wax_x509_cert *sc = &st->ctx->pool[signer].cert;
    if (pc->sig_signer != signer) {
        pc->sig_signer = signer;
        pc->sig_err = wax_x509_crl_verify_signature(crl, sc->spki.der);
    }
    WAX_ENSURE(pc->sig_err == WAX_OK, WAX_ERR_PATH_CRL_INVALID);
    WAX_ENSURE(!sc->info.has_key_usage ||
                   (sc->info.key_usage & WAX_KU_CRL_SIGN) != 0,
               WAX_ERR_PATH_CRL_INVALID);
    WAX_ENSURE(!wax_x509_name_is_empty(crl->issuer), WAX_ERR_PATH_CRL_INVALID);
    WAX_ENSURE(wax_x509_crl_check_critical(crl) == WAX_OK,
               WAX_ERR_PATH_CRL_INVALID);
    if (crl->version == 2) {
        const struct wax_x509_ext *num =
            wax_x509_exts_find(&crl->exts, WAX_OID_CE_CRL_NUMBER);
        WAX_ENSURE(num != NULL && !num->critical, WAX_ERR_PATH_CRL_INVALID);
        const struct wax_x509_ext *delta =
            wax_x509_exts_find(&crl->exts, WAX_OID_CE_DELTA_CRL_INDICATOR);
        WAX_ENSURE(delta == NULL || delta->critical, WAX_ERR_PATH_CRL_INVALID);
    }
    enum wax_digest_alg d = crl->sig_alg.digest;
    if (d == WAX_DIGEST_MD5 || d == WAX_DIGEST_SHA1) {
        WAX_ENSURE(st->ctx->in->allow_weak, WAX_ERR_PATH_WEAK_ALGORITHM);
        st->out->weak = true;
    }
    return WAX_OK;
}

/* Judges CRL PC for certificate k at point P; *REASONS gets the reasons
 * it covers, *ERR the problem of an invalid one. */
static enum crl_verdict
judge(struct path_state *st, size_t k, struct path_crl *pc, const struct dp *p,
      uint32_t *reasons, wax_err *err)
{
    const struct wax_x509_cert *c = &path_at(st, k)->cert;
    const struct path_cert *issuer = path_at(st, k + 1);
    const struct wax_x509_crl *crl = &pc->crl;
    const struct wax_x509_idp *idp = &crl->idp;
    size_t signer;
    /* 1. the issuer of the CRL */
    if (p->has_crl_issuer) {
        if (!idp->present || !idp->indirect_crl ||
            !names_have_dn(p->crl_issuer, crl->issuer)) {
            return CRL_NOT_ABOUT;
        }
    } else if (!wax_x509_name_equal(crl->issuer, c->issuer)) {
        return CRL_NOT_ABOUT;
    }
    if (!idp_name_matches(crl, p, c)) {
        return CRL_NOT_ABOUT;
    }
    if (wax_x509_name_equal(crl->issuer, c->issuer)) {
        if (crl->aki.present && crl->aki.has_key_id &&
            issuer->cert.info.has_ski &&
            !wax_span_equal(crl->aki.key_id, issuer->cert.info.ski)) {
            return CRL_NOT_ABOUT; /* another key of the issuer */
        }
        signer = st->chain[k + 1];
    } else {
        signer = indirect_signer(st, pc, path_at(st, st->n - 1));
        if (signer == SIZE_MAX) {
            *err = WAX_ERR_PATH_CRL_INVALID;
            return CRL_INVALID;
        }
    }
    /* 2. valid */
    *err = crl_valid(st, pc, signer);
    if (*err != WAX_OK) {
        return CRL_INVALID;
    }
    /* 3. current */
    int64_t t = st->ctx->in->time;
    if (crl->this_update > t ||
        (crl->has_next_update && crl->next_update < t)) {
        return CRL_STALE;
    }
    /* 4. scope */
    if (idp->present) {
        if (idp->only_attribute_certs || (idp->only_user_certs && is_ca(c)) ||
            (idp->only_ca_certs && !is_ca(c))) {
            return CRL_NOT_ABOUT;
        }
    }
    uint32_t r = ALL_REASONS;
    if (idp->present && idp->has_reasons) {
        r &= idp->reasons;
    }
    if (p->has_reasons) {
        r &= p->reasons;
    }
    *reasons = r;
    return r != 0 ? CRL_USABLE : CRL_NOT_ABOUT;
}

/* Looks for certificate C in CRL: *FOUND and the entry's reason. */
static wax_err
find_entry(const struct wax_x509_crl *crl, const struct wax_x509_cert *c,
           bool *found, bool *has_reason, enum wax_crl_reason *reason)
{
    struct wax_x509_iter it;
    struct wax_x509_crl_entry e;
    bool present = true;
    bool issuer_match = wax_x509_name_equal(crl->issuer, c->issuer);
    bool indirect = crl->idp.present && crl->idp.indirect_crl;
    *found = false;
    wax_x509_crl_entries(crl, &it);
    for (;;) {
        WAX_TRY(wax_x509_crl_entry_next(&it, &e, &present));
        if (!present) {
            return WAX_OK;
        }
        if (indirect && e.has_certificate_issuer) {
            issuer_match = names_have_dn(e.certificate_issuer, c->issuer);
        }
        if (issuer_match && wax_span_equal(e.serial, c->serial)) {
            *found = true;
            *has_reason = e.has_reason;
            *reason = e.reason;
            return WAX_OK;
        }
    }
}

/* The certificate's distribution points, then the implicit one. */
static size_t
collect_points(const struct wax_x509_cert *c, struct dp *out, size_t cap)
{
    size_t n = 0;
    struct wax_x509_iter it;
    struct wax_x509_dist_point d;
    bool present = true;
    wax_x509_crl_dps_iter(&c->info, &it);
    while (n + 1 < cap &&
           wax_x509_dist_point_next(&it, &d, &present) == WAX_OK && present) {
        struct dp *p = &out[n++];
        memset(p, 0, sizeof *p);
        p->has_full_name = d.has_full_name;
        p->full_name = d.full_name;
        p->has_reasons = d.has_reasons;
        p->reasons = d.reasons;
        p->has_crl_issuer = d.has_crl_issuer;
        p->crl_issuer = d.crl_issuer;
    }
    memset(&out[n], 0, sizeof out[n]);
    out[n].implicit = true;
    return n + 1;
}

/* How many distribution points of one certificate are looked at. */
#define PATH_MAX_POINTS 16

void
path_revocation_check(struct path_state *st, size_t k)
{
    struct path_ctx *ctx = st->ctx;
    const struct wax_x509_cert *c = &path_at(st, k)->cert;
    struct dp points[PATH_MAX_POINTS];
    size_t num_points = collect_points(c, points, PATH_MAX_POINTS);
    uint32_t covered = 0;
    bool revoked = false, on_hold = false, invalid = false, stale = false;
    size_t used[WAX_MAX_PATH_CRLS];
    size_t num_used = 0;
    /* complete CRLs first, then deltas */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ctx->num_crls; i++) {
            struct path_crl *pc = &ctx->crls[i];
            bool delta = pc->crl.has_delta_crl_indicator;
            if (delta != (pass == 1)) {
                continue;
            }
            enum crl_verdict v = CRL_NOT_ABOUT;
            uint32_t reasons = 0;
            wax_err err = WAX_OK;
            for (size_t p = 0; p < num_points && v == CRL_NOT_ABOUT; p++) {
                v = judge(st, k, pc, &points[p], &reasons, &err);
            }
            if (v == CRL_INVALID) {
                invalid = true;
                path_problem(st, k, err);
                continue;
            }
            if (v == CRL_STALE) {
                stale = true;
                continue;
            }
            if (v != CRL_USABLE) {
                continue;
            }
            if (delta) {
                /* a base: a complete CRL used here, same issuer, number at
                 * least the delta's BaseCRLNumber */
                bool base = false;
                for (size_t u = 0; u < num_used && !base; u++) {
                    const struct wax_x509_crl *b = &ctx->crls[used[u]].crl;
                    base =
                        b->has_crl_number &&
                        wax_x509_name_equal(b->issuer, pc->crl.issuer) &&
                        number_ge(b->crl_number, pc->crl.delta_crl_indicator);
                }
                if (!base) {
                    continue;
                }
            }
            bool found = false, has_reason = false;
            enum wax_crl_reason reason = WAX_CRL_REASON_UNSPECIFIED;
            if (find_entry(&pc->crl, c, &found, &has_reason, &reason) !=
                WAX_OK) {
                invalid = true;
                path_problem(st, k, WAX_ERR_PATH_CRL_INVALID);
                continue;
            }
            st->out->num_crls_used++;
            if (!delta) {
                covered |= reasons;
                if (num_used < WAX_MAX_PATH_CRLS) {
                    used[num_used++] = i;
                }
            }
            if (!found) {
                continue;
            }
            if (has_reason && reason == WAX_CRL_REASON_REMOVE_FROM_CRL) {
                if (delta && on_hold) {
                    revoked = false;
                    on_hold = false;
                }
                continue;
            }
            revoked = true;
            on_hold = has_reason && reason == WAX_CRL_REASON_CERTIFICATE_HOLD;
        }
    }
    enum wax_path_rev_status status;
    if (revoked) {
        status = WAX_PATH_REV_REVOKED;
        path_problem(st, k, WAX_ERR_PATH_REVOKED);
    } else if (invalid) {
        status = WAX_PATH_REV_CRL_INVALID;
    } else if (covered == ALL_REASONS) {
        status = WAX_PATH_REV_GOOD;
    } else {
        status = WAX_PATH_REV_NO_CRL;
        if (ctx->in->revocation == WAX_PATH_REVOCATION_REQUIRE) {
            path_problem(st, k,
                         stale && covered == 0
                             ? WAX_ERR_PATH_CRL_EXPIRED
                             : WAX_ERR_PATH_REVOCATION_UNKNOWN);
        }
    }
    st->out->rev[k] = status;
}
