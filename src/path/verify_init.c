/*
 * RFC 5280 6.1.2 initialisation, and the trust anchor as RFC 5937 uses a
 * CA certificate for one: its name and key start the path, and the
 * constraints it carries become inputs of the algorithm - name
 * constraints join the initial permitted/excluded subtrees, its
 * pathLenConstraint caps max_path_length, its policy constraints and
 * inhibitAnyPolicy cap the initial counters, and its certificate policies
 * narrow the user-initial-policy-set. Wax also holds the anchor to what
 * it holds every CA to (validity, critical extensions, cA TRUE and
 * keyCertSign when it issues, the profile), except its self-signature.
 */
#include "path_int.h"

void
path_init_state(struct path_state *st)
{
    const struct wax_path_input *in = st->ctx->in;
    /* n of RFC 5280 6.1: the certificates below the anchor */
    uint64_t n = st->n - 1;
    /* (a) valid_policy_graph: the anyPolicy root, built on first use */
    path_policy_init(st);
    /* (b)(c) permitted/excluded subtrees: no constraint yet */
    st->num_nc = 0;
    /* (d)(e)(f) */
    st->explicit_policy = in->require_explicit_policy ? 0 : n + 1;
    st->inhibit_any_policy = in->inhibit_any_policy ? 0 : n + 1;
    st->policy_mapping = in->inhibit_policy_mapping ? 0 : n + 1;
    /* (k) max_path_length: n, which never binds; the caller's own cap is
     * kept apart so that exceeding it reads as "too long" */
    st->max_path_length = UINT64_MAX;
    st->max_path_from = SIZE_MAX;
    st->has_user_limit = in->has_max_intermediates;
    st->user_remaining = in->max_intermediates;
    /* user-initial-policy-set */
    st->initial_any = true;
    st->num_initial = 0;
    if (in->num_initial_policies > 0 && in->initial_policies != NULL) {
        size_t num = in->num_initial_policies;
        if (num > WAX_MAX_PATH_INITIAL_POLICIES) {
            num = WAX_MAX_PATH_INITIAL_POLICIES;
        }
        struct wax_span any = wax_oid_span(WAX_OID_ANY_POLICY);
        bool has_any = false;
        for (size_t i = 0; i < num; i++) {
            has_any = has_any || wax_span_equal(in->initial_policies[i], any);
            st->initial[st->num_initial++] = in->initial_policies[i];
        }
        st->initial_any = has_any;
        if (has_any) {
            st->num_initial = 0;
        }
    }
}

static bool
initial_has(const struct path_state *st, struct wax_span oid)
{
    for (size_t i = 0; i < st->num_initial; i++) {
        if (wax_span_equal(st->initial[i], oid)) {
            return true;
        }
    }
    return false;
}

/* RFC 5937 3.2: the anchor's certificate policies narrow the initial
 * policy set (anyPolicy among them: no narrowing). */
static void
anchor_policies(struct path_state *st, const struct wax_x509_cert *c)
{
    if (!c->info.has_policies) {
        return;
    }
    struct wax_x509_iter it;
    struct wax_x509_policy pol;
    bool present = true;
    wax_x509_policies_iter(&c->info, &it);
    while (wax_x509_policy_next(&it, &pol, &present) == WAX_OK && present) {
        if (pol.id == WAX_OID_ANY_POLICY) {
            return;
        }
    }
    struct wax_span keep[WAX_MAX_X509_LIST];
    size_t num_keep = 0;
    wax_x509_policies_iter(&c->info, &it);
    present = true;
    while (wax_x509_policy_next(&it, &pol, &present) == WAX_OK && present &&
           num_keep < WAX_MAX_X509_LIST) {
        if (st->initial_any || initial_has(st, pol.oid)) {
            keep[num_keep++] = pol.oid;
        }
    }
    st->initial_any = false;
    st->num_initial = num_keep;
    memcpy(st->initial, keep, num_keep * sizeof keep[0]);
}

void
path_process_anchor(struct path_state *st)
{
    size_t k = st->n - 1;
    const struct path_cert *pc = path_at(st, k);
    const struct wax_x509_cert *c = &pc->cert;
    path_step_profile(st, k);
    path_step_key_policy(st, k);
    if (path_is_tls(st->ctx->in->purpose)) {
        path_tls_check_cert(st, k);
    }
    path_step_validity(st, k);
    path_step_critical_extensions(st, k);
    if (st->n == 1) {
        return; /* the leaf is the anchor: it issues nothing here */
    }
    /* The issuer role: cA TRUE (a v1 anchor has no extensions to say
     * so, and is trusted as it is), keyCertSign. */
    path_step_basic_constraints(st, k);
    path_step_key_cert_sign(st, k);
    /* Its constraints. */
    path_step_nc_update(st, k);
    path_step_path_length(st, k);
    anchor_policies(st, c);
    path_step_policy_counters(st, k);
    if (path_is_smime(st->ctx->in->purpose)) {
        path_smime_check_ca(st, k);
    }
}
