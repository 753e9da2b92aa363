/*
 * src/path/path_int.h - the internal interface of the path layer:
 *
 *   parse.c            the pool of certificates and CRLs of one call
 *   build.c            the path search (budget, depth limit, alternatives)
 *   verify.c           one complete path through RFC 5280 section 6.1
 *   verify_init.c      6.1.2 initialisation and the RFC 5937 anchor
 *   verify_basic.c     6.1.3 (a): signature, validity, revocation, names
 *   verify_names.c     6.1.3 (b)(c) and 6.1.4 (g): name constraints
 *   verify_policy.c    6.1.3 (d)-(f), 6.1.4 (a)(b)(h)-(j), 6.1.5 (a)(b)(g)
 *   verify_prepare.c   6.1.4 (k)-(o): basicConstraints, path length,
 *                      keyCertSign, critical extensions
 *   verify_wrapup.c    6.1.5 and the purpose
 *   verify_profile.c   the RFC 5280 section 4 profile and the key policy
 *   revocation.c       CRLs (6.3)
 *   names.c            name syntax and matching
 *   smime_policy.c     RFC 8550 leaf policy
 *   tls_policy.c       the CA/B Forum TLS profile and peer names
 *   validate.c         wax_path_validate: the four stages together
 */
#ifndef WAX_PATH_INT_H
#define WAX_PATH_INT_H

#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

/* Cached issuer-link signature results: one per search step at most, and
 * the links of the CRL issuers. */
#define PATH_SIG_CACHE (WAX_MAX_PATH_STEPS + 2 * WAX_MAX_PATH_CRLS)
/* Nested validations (the issuer of an indirect CRL) go one level deep. */
#define PATH_MAX_NESTING 1

/* One certificate the search may use. */
struct path_cert {
    struct wax_x509_cert cert;
    const uint8_t *der;
    size_t len;
    bool anchor;
    bool self_issued;
};

/* One CRL of the call, with its last signature check (SIG_SIGNER: the
 * pool index it was checked against, SIZE_MAX before the first). */
struct path_crl {
    struct wax_x509_crl crl;
    size_t sig_signer;
    wax_err sig_err;
};

/* One issuer link whose signature was checked: CHILD signed by PARENT's
 * key (pool indices), with the verdict. */
struct path_sig {
    size_t child;
    size_t parent;
    wax_err err;
};

struct path_problems {
    size_t num;
    struct wax_path_problem p[WAX_MAX_PATH_PROBLEMS];
    bool truncated;
};

/* What the verification of one complete path found. */
struct path_outcome {
    struct path_problems problems;
    enum wax_path_rev_status rev[WAX_MAX_PATH_DEPTH];
    size_t num_crls_used;
    bool weak;
};

/* The context of one wax_path_validate call. */
struct path_ctx {
    const struct wax_path_input *in;
    struct path_cert *pool; /* [0] is the leaf */
    size_t num_pool;
    struct path_crl *crls;
    size_t num_crls;
    struct path_sig sigs[PATH_SIG_CACHE];
    size_t num_sigs;
    size_t max_depth;
    size_t steps;
    size_t num_paths;
    unsigned nesting;
    uint8_t peer_ip[16];
    size_t peer_ip_len;
};

/* The RFC 5280 6.1.2 state of one path (leaf at chain[0], anchor at
 * chain[n - 1]; certificate k is processed after k + 1). */
struct path_policy_graph;
struct path_state {
    struct path_ctx *ctx;
    const size_t *chain;
    size_t n;
    struct path_outcome *out;
    /* policies */
    struct path_policy_graph *graph;
    bool graph_null;
    uint64_t explicit_policy;
    uint64_t inhibit_any_policy;
    uint64_t policy_mapping;
    bool initial_any;
    size_t num_initial;
    struct wax_span initial[WAX_MAX_X509_LIST];
    /* names: chain indices of the certificates whose constraints apply */
    size_t nc[WAX_MAX_PATH_DEPTH];
    size_t num_nc;
    size_t name_checks;
    /* path length */
    uint64_t max_path_length;
    size_t max_path_from; /* chain index of the CA that set it */
    bool has_user_limit;
    uint64_t user_remaining;
};

/* ---- small helpers (verify.c) ---- */

static inline const struct path_cert *
path_at(const struct path_state *st, size_t k)
{
    return &st->ctx->pool[st->chain[k]];
}

static inline bool
path_is_tls(enum wax_path_purpose p)
{
    return p == WAX_PATH_PURPOSE_TLS_SERVER || p == WAX_PATH_PURPOSE_TLS_CLIENT;
}

static inline bool
path_is_smime(enum wax_path_purpose p)
{
    return p == WAX_PATH_PURPOSE_SMIME_SIGN ||
           p == WAX_PATH_PURPOSE_SMIME_ENCRYPT || p == WAX_PATH_PURPOSE_SMIME;
}

/* path_problem records ERR about chain index K (first one per kind of
 * error and certificate only). */
void path_problem(struct path_state *st, size_t k, wax_err err);

/* path_problems_add appends to a list (deduplicated, capped). */
void path_problems_add(struct path_problems *pr, size_t index, wax_err err);

/* ---- validate.c ---- */
/* wax_path_validate at a nesting level (the issuer of an indirect CRL is
 * validated one level down, without revocation). */
wax_err path_validate_nested(const struct wax_path_input *in,
                             struct wax_path_result *out, unsigned nesting);

/* ---- parse.c ---- */
WAX_MUST_CHECK wax_err path_pool_load(struct path_ctx *ctx);
void path_pool_free(struct path_ctx *ctx);

/* ---- build.c ---- */
/* path_link_signature: WAX_OK when pool[CHILD] verifies with pool[PARENT]'s
 * key (cached), else the error (WAX_ERR_PATH_SIGNATURE_INVALID...). */
wax_err path_link_signature(struct path_ctx *ctx, size_t child, size_t parent);
bool path_may_issue(const struct wax_x509_cert *issuer,
                    const struct wax_x509_cert *subject);

/* The best outcome of a search. */
struct path_best {
    int rank;
    wax_err err;
    size_t chain[WAX_MAX_PATH_DEPTH];
    size_t n;
    size_t failed_index;
    bool anchored;
    struct path_outcome outcome;
};
/* path_search runs the search from the leaf; *BEST gets the valid path
 * (err WAX_OK) or the best failure. */
void path_search(struct path_ctx *ctx, struct path_best *best);

/* ---- verify.c ---- */
/* path_verify checks the complete path CHAIN[0..N-1] (leaf first, anchor
 * last) and returns its first problem (WAX_OK: valid). */
wax_err path_verify(struct path_ctx *ctx, const size_t *chain, size_t n,
                    struct path_outcome *out);

/* ---- verify_init.c ---- */
void path_init_state(struct path_state *st);
void path_process_anchor(struct path_state *st);

/* ---- verify_basic.c: 6.1.3 (a) ---- */
void path_step_signature(struct path_state *st, size_t k);
void path_step_validity(struct path_state *st, size_t k);
void path_step_revocation(struct path_state *st, size_t k);
void path_step_name_chaining(struct path_state *st, size_t k);

/* ---- verify_names.c ---- */
void path_step_name_constraints(struct path_state *st, size_t k);
void path_step_nc_update(struct path_state *st, size_t k);

/* ---- verify_policy.c ---- */
void path_policy_init(struct path_state *st);
void path_policy_free(struct path_state *st);
void path_step_policies(struct path_state *st, size_t k);
void path_step_policy_mappings(struct path_state *st, size_t k);
void path_step_policy_counters(struct path_state *st, size_t k);
void path_step_policy_wrapup(struct path_state *st);

/* ---- verify_prepare.c: 6.1.4 (k)-(o) ---- */
void path_step_basic_constraints(struct path_state *st, size_t k);
void path_step_path_length(struct path_state *st, size_t k);
void path_step_key_cert_sign(struct path_state *st, size_t k);
void path_step_critical_extensions(struct path_state *st, size_t k);

/* ---- verify_wrapup.c ---- */
void path_wrapup(struct path_state *st);

/* ---- verify_profile.c ---- */
void path_step_profile(struct path_state *st, size_t k);
void path_step_key_policy(struct path_state *st, size_t k);

/* ---- revocation.c ---- */
/* path_revocation_check decides the status of chain index K (not the
 * anchor) from the CRLs; problems go to ST. */
void path_revocation_check(struct path_state *st, size_t k);

/* ---- smime_policy.c ---- */
void path_smime_check_ca(struct path_state *st, size_t k);

/* ---- tls_policy.c ---- */
void path_tls_check_cert(struct path_state *st, size_t k);
void path_tls_check_peer(struct path_state *st);

/* ---- names.c ---- */
bool path_dns_syntax_ok(struct wax_span name, bool allow_wildcard);
bool path_email_syntax_ok(struct wax_span addr);
bool path_utf8_mailbox_ok(struct wax_span addr);
/* Name constraint syntax: DNS (no wildcard, no leading dot; empty allowed),
 * rfc822 (mailbox, host or .domain), IP (address and CIDR mask). */
bool path_dns_constraint_ok(struct wax_span c);
bool path_email_constraint_ok(struct wax_span c);
bool path_ip_constraint_ok(struct wax_span c);
/* Subtree membership. A "*." DNS name: PERMITTED asks whether every name
 * it could match is inside C, else whether any could be. */
bool path_dns_in_subtree(struct wax_span name, struct wax_span c,
                         bool permitted);
bool path_email_in_subtree(struct wax_span addr, struct wax_span c);
bool path_ip_in_subtree(struct wax_span addr, struct wax_span c);
/* NAME (a Name TLV) lies in the subtree BASE (a Name TLV): BASE's RDNs
 * are its first RDNs. */
bool path_dn_in_subtree(struct wax_span name, struct wax_span base);
bool path_ascii_ieq(const uint8_t *a, const uint8_t *b, size_t len);
/* path_ip_format writes the RFC 5952 / dotted form of a 4- or 16-byte
 * address into OUT (at least 46 bytes); returns the length. */
size_t path_ip_format(const uint8_t *ip, size_t len, char *out);

#endif
