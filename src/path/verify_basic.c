/*
 * RFC 5280 6.1.3 (a), basic certificate processing of certificate k with
 * the working public key, issuer name and time of certificate k + 1:
 *   (1) the signature, under the weak-algorithm policy of SECURITY.md
 *       rule 7 (MD5 and SHA-1 only with allow_weak);
 *   (2) the validity period, inclusive at both ends;
 *   (3) revocation (revocation.c);
 *   (4) the issuer name against the working issuer name.
 */
#include "path_int.h"

static bool
weak_digest(enum wax_digest_alg d)
{
    return d == WAX_DIGEST_MD5 || d == WAX_DIGEST_SHA1;
}

void
path_step_signature(struct path_state *st, size_t k)
{
    wax_err err = path_link_signature(st->ctx, st->chain[k], st->chain[k + 1]);
    if (err != WAX_OK) {
        path_problem(st, k, err);
        return;
    }
    if (weak_digest(path_at(st, k)->cert.sig_alg.digest)) {
        if (st->ctx->in->allow_weak) {
            st->out->weak = true;
        } else {
            path_problem(st, k, WAX_ERR_PATH_WEAK_ALGORITHM);
        }
    }
}

wax_err
wax_path_check_time(const struct wax_x509_cert *cert, int64_t time)
{
    WAX_ENSURE(cert != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(time >= cert->not_before, WAX_ERR_PATH_NOT_YET_VALID);
    WAX_ENSURE(time <= cert->not_after, WAX_ERR_PATH_EXPIRED);
    return WAX_OK;
}

void
path_step_validity(struct path_state *st, size_t k)
{
    wax_err err = wax_path_check_time(&path_at(st, k)->cert, st->ctx->in->time);
    if (err != WAX_OK) {
        path_problem(st, k, err);
    }
}

void
path_step_revocation(struct path_state *st, size_t k)
{
    if (st->ctx->in->revocation == WAX_PATH_REVOCATION_OFF) {
        st->out->rev[k] = WAX_PATH_REV_NOT_CHECKED;
        return;
    }
    path_revocation_check(st, k);
}

void
path_step_name_chaining(struct path_state *st, size_t k)
{
    if (!wax_x509_name_equal(path_at(st, k)->cert.issuer,
                             path_at(st, k + 1)->cert.subject)) {
        path_problem(st, k, WAX_ERR_PATH_NAME_CHAINING);
    }
}
