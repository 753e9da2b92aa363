/*
 * Stage 3 of wax_path_validate, verify: one complete candidate path
 * (anchor ... leaf) through RFC 5280 section 6.1, one function per step,
 * in the RFC's order. Every step runs for every certificate even after a
 * problem, so that the diagnostics hold every problem of the path; they
 * are then ordered from the leaf up, and the first one decides.
 *
 *   anchor                       RFC 5937 (verify_init.c)
 *   for each certificate below it, from the anchor's child to the leaf:
 *     RFC 5280 section 4 profile and key policy  (verify_profile.c)
 *     6.1.3 (a) signature, validity, revocation, name chaining
 *     6.1.3 (b)(c) name constraints
 *     6.1.3 (d)-(f) certificate policies
 *     unless it is the leaf, 6.1.4:
 *       (a)(b) policy mappings, (g) name constraints, (h)-(j) counters,
 *       (k) basicConstraints, (l)(m) path length, (n) keyCertSign,
 *       (o) critical extensions, and the purpose's CA rules
 *   6.1.5 wrap-up and the purpose (verify_wrapup.c)
 */
#include "path_int.h"

void
path_problems_add(struct path_problems *pr, size_t index, wax_err err)
{
    for (size_t i = 0; i < pr->num; i++) {
        if (pr->p[i].index == index && pr->p[i].err == err) {
            return;
        }
    }
    if (pr->num == WAX_MAX_PATH_PROBLEMS) {
        pr->truncated = true;
        return;
    }
    pr->p[pr->num].index = index;
    pr->p[pr->num].err = err;
    pr->num++;
}

void
path_problem(struct path_state *st, size_t k, wax_err err)
{
    path_problems_add(&st->out->problems, k, err);
}

/* The rules a purpose sets for a CA certificate of the path. */
static void
purpose_ca_checks(struct path_state *st, size_t k)
{
    enum wax_path_purpose p = st->ctx->in->purpose;
    if (path_is_smime(p)) {
        path_smime_check_ca(st, k);
    }
}

wax_err
path_verify(struct path_ctx *ctx, const size_t *chain, size_t n,
            struct path_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct path_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        path_problems_add(&out->problems, 0, WAX_ERR_NOMEM);
        return WAX_ERR_NOMEM;
    }
    st->ctx = ctx;
    st->chain = chain;
    st->n = n;
    st->out = out;
    ctx->num_paths++;
    path_init_state(st);
    path_process_anchor(st);
    bool tls = path_is_tls(ctx->in->purpose);
    for (size_t k = n - 1; k-- > 0;) {
        path_step_profile(st, k);
        path_step_key_policy(st, k);
        if (tls) {
            path_tls_check_cert(st, k);
        }
        /* 6.1.3 basic certificate processing */
        path_step_signature(st, k);
        path_step_validity(st, k);
        path_step_revocation(st, k);
        path_step_name_chaining(st, k);
        path_step_name_constraints(st, k);
        path_step_policies(st, k);
        if (k == 0) {
            break;
        }
        /* 6.1.4 preparation for certificate k - 1 */
        path_step_policy_mappings(st, k);
        path_step_nc_update(st, k);
        path_step_policy_counters(st, k);
        path_step_basic_constraints(st, k);
        path_step_path_length(st, k);
        path_step_key_cert_sign(st, k);
        path_step_critical_extensions(st, k);
        purpose_ca_checks(st, k);
    }
    path_wrapup(st);
    path_policy_free(st);
    free(st);
    /* from the leaf up; each certificate's problems in processing order */
    struct path_problems *pr = &out->problems;
    for (size_t i = 1; i < pr->num; i++) {
        struct wax_path_problem p = pr->p[i];
        size_t j = i;
        while (j > 0 && pr->p[j - 1].index > p.index) {
            pr->p[j] = pr->p[j - 1];
            j--;
        }
        pr->p[j] = p;
    }
    return out->problems.num > 0 ? out->problems.p[0].err : WAX_OK;
}
