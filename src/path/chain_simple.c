/*
 * The simple chain checker behind include/wax/path.h: build a chain from
 * the leaf to a trust anchor by issuer name (and key identifiers), check
 * each link, and apply the S/MIME leaf policy (RFC 8550 4.4, SECURITY.md
 * rule 6). A later issue replaces it with full RFC 5280 section 6
 * validation behind the same functions.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

/* One certificate the search may use. */
struct pool_cert {
    struct wax_x509_cert cert;
    const uint8_t *der;
    size_t len;
    bool anchor;
};

/* Rank of a recorded failure: a chain that reached an anchor explains more
 * than a search that stopped on the way. */
enum fail_rank {
    RANK_NONE = 0,
    RANK_NO_ISSUER,
    RANK_TOO_LONG,
    RANK_SIGNATURE,
    RANK_ANCHORED,
};

struct search {
    const struct wax_path_input *in;
    struct wax_path_result *out;
    struct pool_cert *pool; /* [0] is the leaf */
    size_t num_pool;
    size_t max_depth;
    size_t chain[WAX_MAX_PATH_DEPTH]; /* indices into POOL */
    size_t depth;
    size_t steps;
    enum fail_rank best_rank;
    bool weak;
};

const char *
wax_path_purpose_name(enum wax_path_purpose purpose)
{
    switch (purpose) {
    case WAX_PATH_PURPOSE_ANY:
        return "any";
    case WAX_PATH_PURPOSE_SMIME_SIGN:
        return "smime-sign";
    case WAX_PATH_PURPOSE_SMIME_ENCRYPT:
        return "smime-encrypt";
    }
    return "unknown";
}

wax_err
wax_path_check_time(const struct wax_x509_cert *cert, int64_t time)
{
    WAX_ENSURE(cert != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(time >= cert->not_before, WAX_ERR_PATH_NOT_YET_VALID);
    WAX_ENSURE(time <= cert->not_after, WAX_ERR_PATH_EXPIRED);
    return WAX_OK;
}

/* The EKU rule of RFC 8550 4.4: absent, emailProtection, or any. */
static wax_err
check_eku(const struct wax_x509_cert *cert)
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
        if (info->has_key_usage &&
            (info->key_usage &
             (WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION)) == 0) {
            return WAX_ERR_PATH_BAD_KEY_USAGE;
        }
        return check_eku(cert);
    case WAX_PATH_PURPOSE_SMIME_ENCRYPT: {
        if (info->has_key_usage) {
            uint32_t need = WAX_KU_KEY_ENCIPHERMENT | WAX_KU_KEY_AGREEMENT;
            switch (cert->spki.type) {
            case WAX_X509_KEY_RSA:
            case WAX_X509_KEY_RSA_PSS:
                need = WAX_KU_KEY_ENCIPHERMENT;
                break;
            case WAX_X509_KEY_EC:
            case WAX_X509_KEY_X25519:
            case WAX_X509_KEY_X448:
            case WAX_X509_KEY_DH:
                need = WAX_KU_KEY_AGREEMENT;
                break;
            case WAX_X509_KEY_UNKNOWN:
            case WAX_X509_KEY_ED25519:
            case WAX_X509_KEY_ED448:
            case WAX_X509_KEY_DSA:
                break;
            }
            if ((info->key_usage & need) == 0) {
                return WAX_ERR_PATH_BAD_KEY_USAGE;
            }
        }
        return check_eku(cert);
    }
    }
    return WAX_ERR_INVALID_ARGUMENT;
}

static bool
is_weak_digest(enum wax_digest_alg d)
{
    return d == WAX_DIGEST_MD5 || d == WAX_DIGEST_SHA1;
}

static bool
is_weak_key(const struct wax_x509_cert *c)
{
    switch (c->spki.type) {
    case WAX_X509_KEY_RSA:
    case WAX_X509_KEY_RSA_PSS:
    case WAX_X509_KEY_DSA:
        return c->spki.bits < WAX_PATH_MIN_RSA_BITS;
    default:
        return false;
    }
}

/* The certificate CHAIN[0..N-1] of the search, anchor last: every check of
 * path.h's list, from the leaf up. *OUT_INDEX gets the failing position. */
static wax_err
check_chain(struct search *s, size_t n, size_t *out_index)
{
    const struct wax_path_input *in = s->in;
    bool weak = false;
    /* Non-self-issued intermediates seen so far below position i. */
    size_t below = 0;
    for (size_t i = 0; i < n; i++) {
        const struct pool_cert *pc = &s->pool[s->chain[i]];
        const struct wax_x509_cert *c = &pc->cert;
        bool is_anchor = (i == n - 1);
        *out_index = i;
        if (!(is_anchor && i > 0) && c->exts.num_unknown_critical > 0) {
            return WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION;
        }
        WAX_TRY(wax_path_check_time(c, in->time));
        if (i > 0) {
            /* The issuer role. A v1 certificate has no extensions: it can
             * only be trusted as an anchor. */
            bool ca = c->info.has_basic_constraints && c->info.ca;
            if (!ca && !(is_anchor && c->version == 1)) {
                return WAX_ERR_PATH_NOT_CA;
            }
            if (c->info.has_key_usage &&
                (c->info.key_usage & WAX_KU_KEY_CERT_SIGN) == 0) {
                return WAX_ERR_PATH_ISSUER_KEY_USAGE;
            }
            if (c->info.has_path_len && below > c->info.path_len) {
                return WAX_ERR_PATH_LEN_EXCEEDED;
            }
            if (!wax_x509_cert_is_self_issued(c)) {
                below++;
            }
        }
        /* Signatures checked along the chain: all but the anchor's own. */
        if (!is_anchor && is_weak_digest(c->sig_alg.digest)) {
            WAX_ENSURE(in->allow_weak, WAX_ERR_PATH_WEAK_ALGORITHM);
            weak = true;
        }
        if (is_weak_key(c)) {
            WAX_ENSURE(in->allow_weak, WAX_ERR_PATH_WEAK_KEY);
            weak = true;
        }
        if (i == 0) {
            WAX_TRY(wax_path_check_leaf(c, in->purpose));
        }
    }
    s->weak = weak;
    *out_index = SIZE_MAX;
    return WAX_OK;
}

static enum fail_rank
rank_of(wax_err err, bool anchored)
{
    if (anchored) {
        return RANK_ANCHORED;
    }
    switch (err) {
    case WAX_ERR_PATH_NO_ISSUER:
    case WAX_ERR_PATH_UNTRUSTED_ROOT:
        return RANK_NO_ISSUER;
    case WAX_ERR_PATH_TOO_LONG:
        return RANK_TOO_LONG;
    default:
        return RANK_SIGNATURE;
    }
}

/* Keeps the first failure of the best rank, with the chain it is about. */
static void
record(struct search *s, wax_err err, size_t n, size_t index, bool anchored)
{
    enum fail_rank r = rank_of(err, anchored);
    if (r <= s->best_rank) {
        return;
    }
    s->best_rank = r;
    struct wax_path_result *out = s->out;
    out->err = err;
    out->num_certs = n;
    for (size_t i = 0; i < n; i++) {
        out->certs[i] = s->pool[s->chain[i]].der;
        out->cert_lens[i] = s->pool[s->chain[i]].len;
    }
    out->failed_index = index;
    out->reached_anchor = anchored;
}

static bool
in_chain(const struct search *s, size_t idx)
{
    for (size_t i = 0; i < s->depth; i++) {
        if (s->chain[i] == idx) {
            return true;
        }
    }
    return false;
}

/* A candidate issuer of SUBJECT by name and, when both are there, by key
 * identifier. */
static bool
may_issue(const struct wax_x509_cert *issuer,
          const struct wax_x509_cert *subject)
{
    if (!wax_x509_name_equal(issuer->subject, subject->issuer)) {
        return false;
    }
    if (subject->info.aki.present && subject->info.aki.has_key_id &&
        issuer->info.has_ski) {
        return wax_span_equal(subject->info.aki.key_id, issuer->info.ski);
    }
    return true;
}

enum step { STEP_FAIL = 0, STEP_OK, STEP_ABORT };

/* Depth-first search from the certificate on top of the chain. */
static enum step
search_from(struct search *s)
{
    size_t top = s->chain[s->depth - 1];
    const struct wax_x509_cert *cur = &s->pool[top].cert;
    if (s->pool[top].anchor) {
        size_t index = SIZE_MAX;
        wax_err err = check_chain(s, s->depth, &index);
        if (err == WAX_OK) {
            s->best_rank = RANK_ANCHORED + 1;
            struct wax_path_result *out = s->out;
            out->err = WAX_OK;
            out->num_certs = s->depth;
            for (size_t i = 0; i < s->depth; i++) {
                out->certs[i] = s->pool[s->chain[i]].der;
                out->cert_lens[i] = s->pool[s->chain[i]].len;
            }
            out->failed_index = SIZE_MAX;
            out->reached_anchor = true;
            out->weak = s->weak;
            return STEP_OK;
        }
        record(s, err, s->depth, index, true);
        return STEP_FAIL;
    }
    if (s->depth >= s->max_depth) {
        record(s, WAX_ERR_PATH_TOO_LONG, s->depth, s->depth - 1, false);
        return STEP_FAIL;
    }
    bool named = false;
    for (size_t i = 1; i < s->num_pool; i++) {
        if (in_chain(s, i) || !may_issue(&s->pool[i].cert, cur)) {
            continue;
        }
        if (s->steps >= WAX_MAX_PATH_STEPS) {
            s->out->num_steps = s->steps;
            record(s, WAX_ERR_PATH_SEARCH_BUDGET, s->depth, s->depth - 1,
                   false);
            /* The budget ends the whole search with its own error. */
            s->out->err = WAX_ERR_PATH_SEARCH_BUDGET;
            return STEP_ABORT;
        }
        s->steps++;
        named = true;
        wax_err err =
            wax_x509_cert_verify_signature(cur, s->pool[i].cert.spki.der);
        if (err != WAX_OK) {
            if (err == WAX_ERR_X509_SIGNATURE_INVALID) {
                err = WAX_ERR_PATH_SIGNATURE_INVALID;
            }
            record(s, err, s->depth, s->depth - 1, false);
            continue;
        }
        s->chain[s->depth++] = i;
        enum step r = search_from(s);
        if (r != STEP_FAIL) {
            return r;
        }
        s->depth--;
    }
    if (!named) {
        wax_err err = wax_x509_cert_is_self_issued(cur)
                          ? WAX_ERR_PATH_UNTRUSTED_ROOT
                          : WAX_ERR_PATH_NO_ISSUER;
        record(s, err, s->depth, s->depth - 1, false);
    }
    return STEP_FAIL;
}

static bool
same_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* Adds the parsable certificates of LIST to the pool. */
static wax_err
add_certs(struct search *s, const struct wax_path_certs *list, bool anchor)
{
    if (list->num == 0) {
        return WAX_OK;
    }
    WAX_ENSURE(list->der != NULL && list->lens != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < list->num; i++) {
        if (list->der[i] == NULL) {
            continue;
        }
        /* The leaf given again (as an anchor: it is then trusted itself). */
        if (same_bytes(list->der[i], list->lens[i], s->pool[0].der,
                       s->pool[0].len)) {
            s->pool[0].anchor = s->pool[0].anchor || anchor;
            continue;
        }
        bool dup = false;
        for (size_t j = 1; j < s->num_pool && !dup; j++) {
            dup = same_bytes(list->der[i], list->lens[i], s->pool[j].der,
                             s->pool[j].len);
        }
        if (dup) {
            continue;
        }
        struct pool_cert *pc = &s->pool[s->num_pool];
        if (wax_x509_cert_parse(&pc->cert, list->der[i], list->lens[i]) !=
            WAX_OK) {
            continue;
        }
        pc->der = list->der[i];
        pc->len = list->lens[i];
        pc->anchor = anchor;
        s->num_pool++;
    }
    return WAX_OK;
}

wax_err
wax_path_validate(const struct wax_path_input *in, struct wax_path_result *out)
{
    WAX_ENSURE(out != NULL, WAX_ERR_INVALID_ARGUMENT);
    memset(out, 0, sizeof *out);
    out->failed_index = SIZE_MAX;
    out->err = WAX_ERR_INVALID_ARGUMENT;
    WAX_ENSURE(in != NULL && in->leaf != NULL, WAX_ERR_INVALID_ARGUMENT);
    size_t total = in->untrusted.num + in->anchors.num;
    if (total > WAX_MAX_PATH_CERTS) {
        out->err = WAX_ERR_LIMIT_EXCEEDED;
        return out->err;
    }
    struct search s;
    memset(&s, 0, sizeof s);
    s.in = in;
    s.out = out;
    s.max_depth = in->max_depth == 0 || in->max_depth > WAX_MAX_PATH_DEPTH
                      ? WAX_MAX_PATH_DEPTH
                      : in->max_depth;
    s.pool = calloc(total + 1, sizeof *s.pool);
    if (s.pool == NULL) {
        out->err = WAX_ERR_NOMEM;
        return out->err;
    }
    wax_err err = wax_x509_cert_parse(&s.pool[0].cert, in->leaf, in->leaf_len);
    if (err != WAX_OK) {
        free(s.pool);
        out->err = err;
        out->failed_index = 0;
        return err;
    }
    s.pool[0].der = in->leaf;
    s.pool[0].len = in->leaf_len;
    s.num_pool = 1;
    /* Anchors first: they are tried first as issuers, and an untrusted
     * certificate byte-identical to an anchor is the anchor. */
    err = add_certs(&s, &in->anchors, true);
    if (err == WAX_OK) {
        err = add_certs(&s, &in->untrusted, false);
    }
    if (err != WAX_OK) {
        free(s.pool);
        out->err = err;
        return err;
    }
    s.chain[0] = 0;
    s.depth = 1;
    out->err = WAX_ERR_PATH_NO_ISSUER;
    enum step r = search_from(&s);
    out->num_steps = s.steps;
    if (r == STEP_OK) {
        out->err = WAX_OK;
    } else if (s.best_rank == RANK_NONE) {
        out->err = WAX_ERR_PATH_NO_ISSUER;
        out->num_certs = 1;
        out->certs[0] = in->leaf;
        out->cert_lens[0] = in->leaf_len;
        out->failed_index = 0;
    }
    free(s.pool);
    return out->err;
}
