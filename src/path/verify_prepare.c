/*
 * RFC 5280 6.1.4, preparation for the next certificate, the steps about
 * the issuer role of certificate k (an intermediate, or the anchor):
 *   (k) it is a CA: basicConstraints with cA TRUE (v1 and v2 certificates
 *       cannot say so: only a v1/v2 anchor is accepted as it is);
 *   (l) max_path_length, decremented for every intermediate that is not
 *       self-issued, must not run out (and neither may the caller's
 *       max_intermediates);
 *   (m) its pathLenConstraint lowers max_path_length;
 *   (n) a keyUsage must assert keyCertSign;
 *   (o) no critical extension wax does not process (also 6.1.5 (f) for
 *       the leaf).
 * Steps (c)-(f) (working issuer name and key) are implicit: certificate
 * k + 1 of the chain is the issuer of certificate k.
 */
#include "path_int.h"

void
path_step_basic_constraints(struct path_state *st, size_t k)
{
    const struct wax_x509_cert *c = &path_at(st, k)->cert;
    if (c->info.has_basic_constraints && c->info.ca) {
        return;
    }
    if (k == st->n - 1 && c->version < 3) {
        return;
    }
    path_problem(st, k, WAX_ERR_PATH_NOT_CA);
}

void
path_step_path_length(struct path_state *st, size_t k)
{
    const struct path_cert *pc = path_at(st, k);
    bool anchor = k == st->n - 1;
    /* (l): the anchor is the start of the path, not an intermediate */
    if (!anchor && !pc->self_issued) {
        if (st->max_path_length == 0) {
            path_problem(st, st->max_path_from, WAX_ERR_PATH_LEN_EXCEEDED);
        } else if (st->max_path_length != UINT64_MAX) {
            st->max_path_length--;
        }
        if (st->has_user_limit) {
            if (st->user_remaining == 0) {
                path_problem(st, k, WAX_ERR_PATH_TOO_LONG);
            } else {
                st->user_remaining--;
            }
        }
    }
    /* (m) */
    const struct wax_x509_ext_info *info = &pc->cert.info;
    if (info->has_basic_constraints && info->has_path_len &&
        info->path_len < st->max_path_length) {
        st->max_path_length = info->path_len;
        st->max_path_from = k;
    }
}

void
path_step_key_cert_sign(struct path_state *st, size_t k)
{
    const struct wax_x509_ext_info *info = &path_at(st, k)->cert.info;
    if (info->has_key_usage && (info->key_usage & WAX_KU_KEY_CERT_SIGN) == 0) {
        path_problem(st, k, WAX_ERR_PATH_ISSUER_KEY_USAGE);
    }
}

void
path_step_critical_extensions(struct path_state *st, size_t k)
{
    if (path_at(st, k)->cert.exts.num_unknown_critical > 0) {
        path_problem(st, k, WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION);
    }
}
