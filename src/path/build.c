/*
 * Stage 2 of wax_path_validate, build: a depth-first search from the leaf
 * towards a trust anchor (RFC 4158 in spirit). The issuer candidates of a
 * certificate are the pool certificates whose subject is its issuer name
 * (refined by the key identifiers); they are tried in priority order -
 * anchors, then a matching key identifier, then valid at the validation
 * time - and a candidate is taken when the certificate's signature
 * verifies with its key. Every complete path (one that reached an anchor)
 * goes to path_verify; a path that fails is abandoned and the next
 * alternative tried: cross-certificates, several issuers with one name,
 * other anchors. Loops are cut (no certificate twice, nor two with the
 * same subject and key), the depth is capped by MAX_DEPTH and the whole
 * search by WAX_MAX_PATH_STEPS candidate links.
 */
#include "path_int.h"

/* How much a recorded failure explains: a chain that reached an anchor
 * more than a search that stopped on the way. */
enum fail_rank {
    RANK_NONE = 0,
    RANK_NO_ISSUER,
    RANK_TOO_LONG,
    RANK_SIGNATURE,
    RANK_ANCHORED,
    RANK_VALID,
};

enum step { STEP_FAIL = 0, STEP_OK, STEP_ABORT };

struct search {
    struct path_ctx *ctx;
    struct path_best *best;
    size_t chain[WAX_MAX_PATH_DEPTH]; /* pool indices, leaf first */
    size_t depth;
};

wax_err
path_link_signature(struct path_ctx *ctx, size_t child, size_t parent)
{
    for (size_t i = 0; i < ctx->num_sigs; i++) {
        if (ctx->sigs[i].child == child && ctx->sigs[i].parent == parent) {
            return ctx->sigs[i].err;
        }
    }
    wax_err err = wax_x509_cert_verify_signature(
        &ctx->pool[child].cert, ctx->pool[parent].cert.spki.der);
    if (err == WAX_ERR_X509_SIGNATURE_INVALID) {
        err = WAX_ERR_PATH_SIGNATURE_INVALID;
    }
    if (ctx->num_sigs < PATH_SIG_CACHE) {
        ctx->sigs[ctx->num_sigs++] = (struct path_sig){child, parent, err};
    }
    return err;
}

/* A candidate issuer of SUBJECT by name and, when both are there, by key
 * identifier. */
bool
path_may_issue(const struct wax_x509_cert *issuer,
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

static void
copy_chain(struct path_best *best, const struct search *s, size_t n)
{
    best->n = n;
    for (size_t i = 0; i < n; i++) {
        best->chain[i] = s->chain[i];
    }
}

/* Keeps the first failure of the best rank, with the chain it is about. */
static void
record(struct search *s, enum fail_rank rank, wax_err err, size_t n,
       size_t index, const struct path_outcome *outcome)
{
    struct path_best *best = s->best;
    if ((int)rank <= best->rank) {
        return;
    }
    best->rank = (int)rank;
    best->err = err;
    copy_chain(best, s, n);
    best->failed_index = index;
    best->anchored = rank >= RANK_ANCHORED;
    if (outcome != NULL) {
        best->outcome = *outcome;
    } else {
        memset(&best->outcome, 0, sizeof best->outcome);
        path_problems_add(&best->outcome.problems, index, err);
    }
}

static bool
in_chain(const struct search *s, size_t idx)
{
    const struct path_cert *c = &s->ctx->pool[idx];
    for (size_t i = 0; i < s->depth; i++) {
        if (s->chain[i] == idx) {
            return true;
        }
        /* the same CA (subject and key) once only: a loop otherwise */
        const struct path_cert *o = &s->ctx->pool[s->chain[i]];
        if (wax_span_equal(o->cert.spki.der, c->cert.spki.der) &&
            wax_x509_name_equal(o->cert.subject, c->cert.subject)) {
            return true;
        }
    }
    return false;
}

static unsigned
priority(const struct path_ctx *ctx, size_t cand,
         const struct wax_x509_cert *subject)
{
    const struct path_cert *pc = &ctx->pool[cand];
    unsigned score = 0;
    if (pc->anchor) {
        score += 8;
    }
    if (subject->info.aki.present && subject->info.aki.has_key_id &&
        pc->cert.info.has_ski) {
        score += 4; /* path_may_issue already compared them */
    }
    if (ctx->in->time >= pc->cert.not_before &&
        ctx->in->time <= pc->cert.not_after) {
        score += 2;
    }
    return score;
}

/* Verifies the complete path on the search stack. */
static enum step
try_complete(struct search *s)
{
    struct path_outcome *oc = malloc(sizeof *oc);
    if (oc == NULL) {
        record(s, RANK_ANCHORED, WAX_ERR_NOMEM, s->depth, SIZE_MAX, NULL);
        return STEP_ABORT;
    }
    wax_err err = path_verify(s->ctx, s->chain, s->depth, oc);
    if (err == WAX_OK) {
        struct path_best *best = s->best;
        best->rank = RANK_VALID;
        best->err = WAX_OK;
        copy_chain(best, s, s->depth);
        best->failed_index = SIZE_MAX;
        best->anchored = true;
        best->outcome = *oc;
        free(oc);
        return STEP_OK;
    }
    size_t index = oc->problems.num > 0 ? oc->problems.p[0].index : SIZE_MAX;
    record(s, RANK_ANCHORED, err, s->depth, index, oc);
    free(oc);
    return STEP_FAIL;
}

/* Depth-first search from the certificate on top of the stack. */
static enum step
search_from(struct search *s)
{
    struct path_ctx *ctx = s->ctx;
    size_t top = s->chain[s->depth - 1];
    const struct wax_x509_cert *cur = &ctx->pool[top].cert;
    if (ctx->pool[top].anchor) {
        return try_complete(s);
    }
    if (s->depth >= ctx->max_depth) {
        record(s, RANK_TOO_LONG, WAX_ERR_PATH_TOO_LONG, s->depth, s->depth - 1,
               NULL);
        return STEP_FAIL;
    }
    /* The candidates, best first (a stable insertion sort: the pool order
     * decides among equals). */
    size_t *cands = malloc(ctx->num_pool * sizeof *cands);
    unsigned *scores = malloc(ctx->num_pool * sizeof *scores);
    if (cands == NULL || scores == NULL) {
        free(cands);
        free(scores);
        record(s, RANK_ANCHORED, WAX_ERR_NOMEM, s->depth, SIZE_MAX, NULL);
        return STEP_ABORT;
    }
    size_t num = 0;
    for (size_t i = 1; i < ctx->num_pool; i++) {
        if (!path_may_issue(&ctx->pool[i].cert, cur) || in_chain(s, i)) {
            continue;
        }
        unsigned sc = priority(ctx, i, cur);
        size_t j = num;
        while (j > 0 && scores[j - 1] < sc) {
            cands[j] = cands[j - 1];
            scores[j] = scores[j - 1];
            j--;
        }
        cands[j] = i;
        scores[j] = sc;
        num++;
    }
    enum step result = STEP_FAIL;
    for (size_t c = 0; c < num; c++) {
        size_t i = cands[c];
        if (ctx->steps >= WAX_MAX_PATH_STEPS) {
            record(s, RANK_SIGNATURE, WAX_ERR_PATH_SEARCH_BUDGET, s->depth,
                   s->depth - 1, NULL);
            result = STEP_ABORT;
            break;
        }
        ctx->steps++;
        wax_err err = path_link_signature(ctx, top, i);
        if (err != WAX_OK) {
            record(s, RANK_SIGNATURE, err, s->depth, s->depth - 1, NULL);
            continue;
        }
        s->chain[s->depth++] = i;
        enum step r = search_from(s);
        s->depth--;
        if (r != STEP_FAIL) {
            result = r;
            break;
        }
    }
    if (num == 0) {
        wax_err err = ctx->pool[top].self_issued ? WAX_ERR_PATH_UNTRUSTED_ROOT
                                                 : WAX_ERR_PATH_NO_ISSUER;
        record(s, RANK_NO_ISSUER, err, s->depth, s->depth - 1, NULL);
    }
    free(cands);
    free(scores);
    return result;
}

void
path_search(struct path_ctx *ctx, struct path_best *best)
{
    struct search s;
    memset(&s, 0, sizeof s);
    memset(best, 0, sizeof *best);
    best->err = WAX_ERR_PATH_NO_ISSUER;
    best->failed_index = SIZE_MAX;
    s.ctx = ctx;
    s.best = best;
    s.chain[0] = 0;
    s.depth = 1;
    enum step r = search_from(&s);
    if (r == STEP_ABORT && best->rank != RANK_VALID &&
        ctx->steps >= WAX_MAX_PATH_STEPS) {
        /* The budget ends the whole search with its own error. */
        best->err = WAX_ERR_PATH_SEARCH_BUDGET;
        memset(&best->outcome.problems, 0, sizeof best->outcome.problems);
        path_problems_add(&best->outcome.problems, best->failed_index,
                          best->err);
    }
    if (best->rank == RANK_NONE) {
        best->err = WAX_ERR_PATH_NO_ISSUER;
        best->n = 1;
        best->chain[0] = 0;
        best->failed_index = 0;
        path_problems_add(&best->outcome.problems, 0, best->err);
    }
}
