/*
 * RFC 5280 6.1.5, wrap-up on the leaf (certificate 0): the explicit-policy
 * counters and the intersection with the initial policy set (a)(b)(g),
 * its critical extensions (f) - steps (c)-(e) only name the working key,
 * which is the leaf's - and then the purpose of the validation: the
 * S/MIME or TLS leaf policy, and the peer names.
 */
#include "path_int.h"

void
path_wrapup(struct path_state *st)
{
    const struct wax_path_input *in = st->ctx->in;
    const struct wax_x509_cert *leaf = &path_at(st, 0)->cert;
    if (st->n > 1) {
        path_step_policy_wrapup(st);
        path_step_critical_extensions(st, 0);
    }
    wax_err err = wax_path_check_leaf(leaf, in->purpose);
    if (err != WAX_OK) {
        path_problem(st, 0, err);
    }
    path_tls_check_peer(st);
}
