/*
 * wax/path.h - the path layer: certificate path building and validation
 * (RFC 5280 section 6, RFC 9618 policy graph, RFC 5937 trust anchors),
 * revocation from CRLs (RFC 5280 sections 5 and 6.3), and the purpose
 * policies: S/MIME (RFC 8550, RFC 9598) and TLS (RFC 6125 names, the
 * CA/Browser Forum profile) for `wax cert verify` and test suites.
 *
 * This header is the seam between the smime layer (and `wax cert verify`)
 * and path validation. wax_path_validate works in four stages, each in its
 * own files under src/path/:
 *   parse   every certificate and CRL given (parse.c);
 *   build   a depth-first search from the leaf to a trust anchor through
 *           the untrusted certificates, trying every alternative in
 *           priority order within a step budget (build.c);
 *   verify  each complete candidate path goes through RFC 5280 section 6.1
 *           one step at a time (verify_*.c), revocation included
 *           (revocation.c);
 *   policy  the purpose: S/MIME key usage and EKU (smime_policy.c), or
 *           TLS server/client with peer names (tls_policy.c).
 *
 * Certificates and CRLs are DER buffers owned by the caller; the result
 * points into them. The only heap memory is the short-lived state of one
 * call (the parsed pool, the policy graph).
 *
 * struct wax_path_input and struct wax_path_result may grow: zero-
 * initialise them; every field's zero value keeps the older behaviour.
 */
#ifndef WAX_PATH_H
#define WAX_PATH_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>

/* ------------------------------------------------------------------ */
/* Limits (SECURITY.md rule 8).                                        */

/* Most certificates in one chain, leaf and anchor included. */
#define WAX_MAX_PATH_DEPTH 10
/* Most candidate issuer links one search examines (each may cost a
 * signature check); past it the search stops with
 * WAX_ERR_PATH_SEARCH_BUDGET. */
#define WAX_MAX_PATH_STEPS 256
/* Most certificates (untrusted and anchors together) one call looks at;
 * more is WAX_ERR_LIMIT_EXCEEDED. */
#define WAX_MAX_PATH_CERTS 512
/* Most CRLs one call looks at; more is WAX_ERR_LIMIT_EXCEEDED. */
#define WAX_MAX_PATH_CRLS 64
/* Smallest RSA (and DSA) key accepted without allow_weak, in bits. */
#define WAX_PATH_MIN_RSA_BITS 2048
/* Nodes and parent edges of the RFC 9618 policy graph of one path; a
 * path that needs more fails with WAX_ERR_LIMIT_EXCEEDED. */
#define WAX_MAX_PATH_POLICY_NODES 1024
#define WAX_MAX_PATH_POLICY_EDGES 16384
/* Name-against-subtree comparisons of one path (name constraints); past
 * it the path fails with WAX_ERR_LIMIT_EXCEEDED. */
#define WAX_MAX_PATH_NAME_CHECKS ((size_t)1 << 18)
/* Problems kept in struct wax_path_diag. */
#define WAX_MAX_PATH_PROBLEMS 32
/* Initial policies a caller may give (input.initial_policies). */
#define WAX_MAX_PATH_INITIAL_POLICIES 16

/* ------------------------------------------------------------------ */
/* Purposes, revocation modes.                                         */

/* What the leaf certificate is checked for (values are stable). */
enum wax_path_purpose {
    WAX_PATH_PURPOSE_ANY = 0,       /* no key usage / EKU check on the leaf */
    WAX_PATH_PURPOSE_SMIME_SIGN,    /* signing S/MIME messages */
    WAX_PATH_PURPOSE_SMIME_ENCRYPT, /* encrypting S/MIME messages to it */
    WAX_PATH_PURPOSE_SMIME,         /* S/MIME, signing or encryption */
    WAX_PATH_PURPOSE_TLS_SERVER,    /* a TLS server (CA/B Forum profile) */
    WAX_PATH_PURPOSE_TLS_CLIENT,    /* a TLS client (CA/B Forum profile) */
};

/* wax_path_purpose_name: "any", "smime-sign", "smime-encrypt", "smime",
 * "tls-server", "tls-client" ("unknown" otherwise). Static string. */
WAX_API const char *wax_path_purpose_name(enum wax_path_purpose purpose);

/* wax_path_purpose_parse maps those names back (NUL-terminated NAME).
 * Errors: WAX_ERR_INVALID_ARGUMENT for any other name. */
WAX_API WAX_MUST_CHECK wax_err
wax_path_purpose_parse(const char *name, enum wax_path_purpose *out);

/* How CRLs are used (the --revocation option; zero is the default). */
enum wax_path_revocation {
    /* Use the CRLs given: a listed certificate is revoked, a CRL that is
     * about a certificate but invalid fails the path; a certificate
     * without a current CRL is accepted and reported (result.revocation). */
    WAX_PATH_REVOCATION_PREFER = 0,
    /* Every certificate but the anchor needs a current, valid CRL that
     * covers it; otherwise WAX_ERR_PATH_REVOCATION_UNKNOWN (or
     * WAX_ERR_PATH_CRL_EXPIRED when only stale CRLs were given). */
    WAX_PATH_REVOCATION_REQUIRE,
    /* CRLs are not looked at. */
    WAX_PATH_REVOCATION_OFF,
};

/* wax_path_revocation_parse maps "prefer", "require", "off".
 * Errors: WAX_ERR_INVALID_ARGUMENT. */
WAX_API WAX_MUST_CHECK wax_err
wax_path_revocation_parse(const char *name, enum wax_path_revocation *out);

/* Revocation status of one certificate of the chain (result.revocation). */
enum wax_path_rev_status {
    WAX_PATH_REV_NOT_CHECKED = 0, /* the anchor, mode off, or not reached */
    WAX_PATH_REV_GOOD,            /* covered by current CRLs, not listed */
    WAX_PATH_REV_REVOKED,         /* listed (on hold included) */
    WAX_PATH_REV_NO_CRL,          /* no current CRL covers it */
    WAX_PATH_REV_CRL_INVALID,     /* a CRL for it failed its checks */
};

/* wax_path_rev_status_name: "not-checked", "good", "revoked", "no-crl",
 * "crl-invalid" ("unknown" otherwise). Static string. */
WAX_API const char *wax_path_rev_status_name(enum wax_path_rev_status s);

/* A list of DER objects: DER[i] of LENS[i] bytes, NUM of them. */
struct wax_path_certs {
    const uint8_t *const *der;
    const size_t *lens;
    size_t num;
};

/* ------------------------------------------------------------------ */
/* Diagnostics.                                                        */

/* One problem: ERR about certificate INDEX of result.certs (leaf = 0). */
struct wax_path_problem {
    size_t index;
    wax_err err;
};

/*
 * struct wax_path_diag collects every problem found on the best path (the
 * one the result describes), certificate by certificate from the leaf up,
 * each certificate's problems in RFC 5280 processing order. The first one
 * is the error wax_path_validate returns. At most WAX_MAX_PATH_PROBLEMS are
 * kept (TRUNCATED tells that more were found). A path that never reached
 * an anchor has the one problem that stopped it; an error about no
 * certificate (a parameter, a limit) is one problem with INDEX SIZE_MAX.
 * NUM_PATHS counts the complete candidate paths that were verified.
 */
struct wax_path_diag {
    size_t num_problems;
    struct wax_path_problem problems[WAX_MAX_PATH_PROBLEMS];
    bool truncated;
    size_t num_paths;
};

/* ------------------------------------------------------------------ */
/* Validation.                                                         */

/*
 * What to validate.
 *
 *  LEAF/LEAF_LEN   the end-entity certificate (DER).
 *  UNTRUSTED       certificates that may serve as intermediates (those of
 *                  the message, --certs). Entries that do not parse are
 *                  skipped.
 *  ANCHORS         trust anchors, as certificates (RFC 5937: their name,
 *                  key and constraints). A chain is trusted when it ends at
 *                  one of them. The leaf itself may be an anchor
 *                  (byte-identical): the chain is then the leaf alone.
 *                  Anchors that do not parse are skipped.
 *  TIME            the validation time, seconds since the epoch (the
 *                  library never reads the clock).
 *  PURPOSE         the leaf policy (see wax_path_check_leaf) and, for the
 *                  TLS purposes, the CA/B Forum profile.
 *  ALLOW_WEAK      accept MD5/SHA-1 certificate and CRL signatures and
 *                  RSA/DSA keys under WAX_PATH_MIN_RSA_BITS (old mail); the
 *                  result then has WEAK set.
 *  MAX_DEPTH       most certificates in the chain; 0 means
 *                  WAX_MAX_PATH_DEPTH (more than that is clamped to it).
 *  CRLS            DER CRLs (--crl files, the SignedData crls field).
 *                  CRLs that do not parse are skipped (and a certificate
 *                  they were meant for then has no CRL).
 *  REVOCATION      how CRLs are used (default PREFER).
 *  HAS_MAX_INTERMEDIATES, MAX_INTERMEDIATES
 *                  when set, at most MAX_INTERMEDIATES intermediate
 *                  certificates that are not self-issued (the initial
 *                  max_path_length of RFC 5280 6.1.2 (k); --max-depth):
 *                  more is WAX_ERR_PATH_TOO_LONG.
 *  DNS_NAME        NULL, or the DNS name (NUL-terminated, ASCII or
 *                  A-labels) the leaf must be issued for: a dNSName
 *                  subjectAltName matching it as RFC 6125 says (ASCII
 *                  case-insensitive; a "*" left-most label matches one
 *                  label). The subject's CN is never used.
 *  IP_ADDRESS      NULL, or the IPv4 (dotted decimal) or IPv6 (RFC 4291
 *                  text) address the leaf must carry as an iPAddress
 *                  subjectAltName.
 *  INITIAL_POLICIES, NUM_INITIAL_POLICIES
 *                  the user-initial-policy-set (OID contents, at most
 *                  WAX_MAX_PATH_INITIAL_POLICIES); none means anyPolicy.
 *  REQUIRE_EXPLICIT_POLICY, INHIBIT_POLICY_MAPPING, INHIBIT_ANY_POLICY
 *                  the initial-* inputs of RFC 5280 6.1.1.
 *  DIAG            NULL, or where to collect every problem.
 */
struct wax_path_input {
    const uint8_t *leaf;
    size_t leaf_len;
    struct wax_path_certs untrusted;
    struct wax_path_certs anchors;
    int64_t time;
    enum wax_path_purpose purpose;
    bool allow_weak;
    size_t max_depth;
    struct wax_path_certs crls;
    enum wax_path_revocation revocation;
    bool has_max_intermediates;
    size_t max_intermediates;
    const char *dns_name;
    const char *ip_address;
    const struct wax_span *initial_policies;
    size_t num_initial_policies;
    bool require_explicit_policy;
    bool inhibit_policy_mapping;
    bool inhibit_any_policy;
    struct wax_path_diag *diag;
};

/*
 * The outcome.
 *
 *  ERR          WAX_OK, or the one error that decided (also returned).
 *  NUM_CERTS, CERTS, CERT_LENS  the chain found, leaf first, anchor last:
 *               on success the validated chain; on failure the most
 *               complete chain tried (at least the leaf when it parsed),
 *               for the report. Pointers into the input buffers.
 *  FAILED_INDEX index in CERTS of the certificate the error is about
 *               (SIZE_MAX when none, e.g. a parameter error).
 *  REACHED_ANCHOR  the chain in CERTS ends at a trust anchor.
 *  WEAK         a weak algorithm or key was accepted under ALLOW_WEAK.
 *  NUM_STEPS    issuer links examined (for tests of the budget).
 *  REVOCATION   per certificate of CERTS, its revocation status (for a
 *               chain that reached an anchor).
 *  REVOCATION_COMPLETE  every certificate but the anchor was GOOD (false
 *               when a certificate had no CRL: the report says so).
 *  NUM_CRLS_USED  CRLs that were valid and covered a certificate.
 */
struct wax_path_result {
    wax_err err;
    size_t num_certs;
    const uint8_t *certs[WAX_MAX_PATH_DEPTH];
    size_t cert_lens[WAX_MAX_PATH_DEPTH];
    size_t failed_index;
    bool reached_anchor;
    bool weak;
    size_t num_steps;
    enum wax_path_rev_status revocation[WAX_MAX_PATH_DEPTH];
    bool revocation_complete;
    size_t num_crls_used;
};

/*
 * wax_path_validate builds and checks a chain from IN->leaf to one of
 * IN->anchors and fills *OUT (always, also on failure) and IN->diag.
 *
 * Building (RFC 4158 style): starting at the leaf, the issuer candidates
 * of a certificate are the certificates whose subject equals its issuer
 * (wax_x509_name_equal) and, when both key identifiers are present, whose
 * subjectKeyIdentifier equals its authorityKeyIdentifier keyIdentifier;
 * they are tried anchors first, then those whose key identifier matched,
 * then those valid at TIME. A candidate is taken when the certificate's
 * signature verifies with its key. The search is depth-first with
 * backtracking: a candidate path that fails verification is abandoned and
 * the next alternative tried (cross-certificates, several issuers with
 * one name). No certificate appears twice in a chain, nor two with the
 * same subject and key (loops). A path ends at the first anchor reached.
 * At most WAX_MAX_PATH_STEPS candidate links in all, at most MAX_DEPTH
 * certificates per chain.
 *
 * Verifying a complete path (anchor ... leaf), RFC 5280 6.1:
 *   - the anchor (RFC 5937): its validity, critical extensions, cA and
 *     keyCertSign (when it issues; a v1 anchor is accepted), and its
 *     constraints: name constraints, pathLenConstraint, policy
 *     constraints, inhibitAnyPolicy, certificate policies (intersected
 *     with the initial policy set). Its self-signature is not checked;
 *   - 6.1.3 for every other certificate: signature with the issuer's key
 *     (MD5/SHA-1 only with ALLOW_WEAK), validity at TIME (inclusive),
 *     revocation (below), issuer name chaining, name constraints
 *     (directoryName on the subject, rfc822Name on email SANs, the
 *     subject's emailAddress and SmtpUTF8Mailbox SANs, dNSName,
 *     iPAddress; "*." SANs count as every name they could match; a
 *     malformed name of a constrained form fails; self-issued
 *     intermediates are exempt; a constrained form wax cannot process -
 *     URI, otherName, x400, ediParty, registeredID - fails when that form
 *     appears), certificate policies (RFC 9618 graph);
 *   - 6.1.4 for every intermediate: policy mappings (to or from anyPolicy
 *     is an error), name constraints (malformed ones fail: a DNS
 *     constraint with a wildcard or a leading period, a non-CIDR IP mask,
 *     a malformed email constraint), policy counters, cA TRUE (v1/v2
 *     intermediates are not CAs), pathLenConstraint (self-issued ones
 *     excepted), keyCertSign, no unknown critical extension;
 *   - 6.1.5 on the leaf: explicit policy, critical extensions;
 *   - the RFC 5280 section 4 profile on every certificate of the path:
 *     a non-empty issuer; a non-empty subject for a CA and for an end
 *     entity without subjectAltName; keyCertSign only with cA TRUE, an
 *     end entity with cA TRUE and keyUsage also with keyCertSign,
 *     pathLenConstraint only in such a CA; nameConstraints only in a CA;
 *     for the TLS purposes also the rules deployed S/MIME certificates
 *     often break: key identifiers (an AKI with a keyIdentifier, a CA
 *     with an SKI, a certificate that is not self-issued - the anchor
 *     excepted - with an AKI), criticality (AKI, SKI, AIA, SIA not
 *     critical; basicConstraints of a CA, policyConstraints,
 *     inhibitAnyPolicy critical, subjectAltName too with an empty
 *     subject), dNSName SANs in preferred name syntax (a "*" left-most
 *     label allowed), rfc822Name/SmtpUTF8Mailbox SANs local@domain;
 *     keys: RSA/DSA of at least WAX_PATH_MIN_RSA_BITS (ALLOW_WEAK), EC
 *     only on P-256, P-384, P-521;
 *   - the purpose: the leaf as wax_path_check_leaf says; for the S/MIME
 *     purposes a CA with extendedKeyUsage must list emailProtection or
 *     anyExtendedKeyUsage; the TLS purposes apply the CA/B Forum baseline
 *     profile (a leaf EKU, when present, non-critical, listing serverAuth
 *     or clientAuth and not anyExtendedKeyUsage; CA EKUs listing it or
 *     any; no EKU on the anchor; positive serial numbers below it; RSA
 *     moduli a multiple of 8 bits; no DSA; a v3 leaf; for a server a
 *     subjectAltName, critical only with an empty subject, commonNames
 *     that spell a SAN only as its exact copy, "*." wildcards with two
 *     labels after them; a self-issued anchor's AKI only a keyIdentifier
 *     equal to its SKI);
 *   - DNS_NAME / IP_ADDRESS against the leaf's subjectAltNames.
 *
 * Revocation (6.3; mode PREFER or REQUIRE; every certificate but the
 * anchor): a CRL is about a certificate when its issuer name is the
 * certificate's issuer (and its AKI, if any, names the issuer's key), or
 * when it is an indirect CRL whose issuer the certificate's
 * cRLDistributionPoints name as cRLIssuer (the CRL issuer's own
 * certificate must then validate to the same anchor). Such a CRL must be
 * signed by that issuer, whose keyUsage (if present) must have cRLSign,
 * have a non-critical cRLNumber (v2), no unknown critical extension, and
 * an MD5/SHA-1 signature only with ALLOW_WEAK: else
 * WAX_ERR_PATH_CRL_INVALID. A CRL with thisUpdate after TIME or
 * nextUpdate before TIME is stale and not used. The issuingDistribution
 * Point scope is honoured (user/CA/attribute certificates only, the
 * distribution point name, onlySomeReasons with the point's reasons);
 * coverage of all reasons makes the status known. Delta CRLs apply on top
 * of a complete CRL with a cRLNumber at least their BaseCRLNumber
 * (removeFromCRL lifts a hold). A listed certificate is revoked
 * whatever the revocation date (fail closed).
 *
 * Errors (the first problem of the best chain; a chain that reached an
 * anchor is preferred to one that did not):
 *   WAX_ERR_PATH_NO_ISSUER           no issuer found for a certificate that
 *                                    is not self-issued (an anchor is
 *                                    missing, or an intermediate)
 *   WAX_ERR_PATH_UNTRUSTED_ROOT      the chain ends at a self-signed
 *                                    certificate that is not an anchor
 *   WAX_ERR_PATH_SIGNATURE_INVALID   a named issuer's key does not verify
 *                                    the certificate's signature
 *   WAX_ERR_PATH_EXPIRED, WAX_ERR_PATH_NOT_YET_VALID
 *   WAX_ERR_PATH_REVOKED, WAX_ERR_PATH_CRL_INVALID,
 *   WAX_ERR_PATH_REVOCATION_UNKNOWN, WAX_ERR_PATH_CRL_EXPIRED
 *   WAX_ERR_PATH_NAME_CHAINING       issuer name differs from its issuer's
 *                                    subject (cannot happen for a built
 *                                    path; kept for completeness)
 *   WAX_ERR_PATH_NOT_CA              an issuer without cA TRUE
 *   WAX_ERR_PATH_ISSUER_KEY_USAGE    an issuer's keyUsage lacks keyCertSign
 *   WAX_ERR_PATH_LEN_EXCEEDED        a pathLenConstraint is exceeded
 *                                    (FAILED_INDEX: the constraining CA)
 *   WAX_ERR_PATH_TOO_LONG            no chain within MAX_DEPTH, or more
 *                                    intermediates than MAX_INTERMEDIATES
 *   WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION
 *   WAX_ERR_PATH_NAME_CONSTRAINTS    a name outside the constraints
 *   WAX_ERR_PATH_BAD_NAME_CONSTRAINTS  a malformed constraint
 *   WAX_ERR_PATH_POLICY              explicit policy required but none
 *   WAX_ERR_PATH_POLICY_MAPPING      a mapping to or from anyPolicy
 *   WAX_ERR_PATH_BAD_KEY_ID, WAX_ERR_PATH_BAD_CRITICALITY,
 *   WAX_ERR_PATH_EMPTY_NAME, WAX_ERR_PATH_BAD_SAN,
 *   WAX_ERR_PATH_CA_INCONSISTENT, WAX_ERR_PATH_EXTENSION_NOT_ALLOWED
 *                                    the section 4 profile
 *   WAX_ERR_PATH_WEAK_ALGORITHM, WAX_ERR_PATH_WEAK_KEY,
 *   WAX_ERR_PATH_UNSUPPORTED_KEY
 *   WAX_ERR_PATH_BAD_KEY_USAGE, WAX_ERR_PATH_BAD_EKU  (the purpose)
 *   WAX_ERR_PATH_TLS_PROFILE         the TLS purposes' CA/B Forum profile
 *   WAX_ERR_PATH_NAME_MISMATCH       DNS_NAME / IP_ADDRESS not matched
 *   WAX_ERR_PATH_SEARCH_BUDGET       WAX_MAX_PATH_STEPS used up
 *   WAX_ERR_LIMIT_EXCEEDED           too many certificates or CRLs, or a
 *                                    path over the policy-graph or
 *                                    name-check limits
 *   the wax_x509_cert_parse codes    the leaf does not parse
 *   WAX_ERR_INVALID_ARGUMENT (a NULL argument, an unknown purpose or
 *   mode, a DNS_NAME or IP_ADDRESS that is not one), WAX_ERR_NOMEM
 */
WAX_API WAX_MUST_CHECK wax_err
wax_path_validate(const struct wax_path_input *in, struct wax_path_result *out);

/*
 * wax_path_check_leaf checks the policy of an end-entity certificate for
 * PURPOSE alone (no chain, no time: see wax_path_check_time), RFC 8550
 * section 4.4 / SECURITY.md rule 6:
 *   SMIME_SIGN     keyUsage absent or with digitalSignature or
 *                  nonRepudiation, else WAX_ERR_PATH_BAD_KEY_USAGE;
 *   SMIME_ENCRYPT  keyUsage absent or with keyEncipherment (RSA keys) or
 *                  keyAgreement (EC, X25519, X448, DH keys), else
 *                  WAX_ERR_PATH_BAD_KEY_USAGE;
 *   SMIME          what SMIME_SIGN or SMIME_ENCRYPT accepts;
 *   the three      extendedKeyUsage absent or listing emailProtection or
 *                  anyExtendedKeyUsage, else WAX_ERR_PATH_BAD_EKU;
 *   TLS_SERVER/TLS_CLIENT  extendedKeyUsage absent, or not critical,
 *                  listing serverAuth (clientAuth) and not
 *                  anyExtendedKeyUsage: WAX_ERR_PATH_BAD_EKU;
 *   ANY            nothing.
 * Not checked: unknown critical extensions, validity, the signature, the
 * rest of the TLS profile (wax_path_validate does it).
 */
WAX_API WAX_MUST_CHECK wax_err wax_path_check_leaf(
    const struct wax_x509_cert *cert, enum wax_path_purpose purpose);

/* wax_path_check_time: WAX_ERR_PATH_NOT_YET_VALID when TIME is before
 * notBefore, WAX_ERR_PATH_EXPIRED when after notAfter, else WAX_OK. */
WAX_API WAX_MUST_CHECK wax_err
wax_path_check_time(const struct wax_x509_cert *cert, int64_t time);

/* ------------------------------------------------------------------ */
/* Names (exposed for the CLI and tests).                              */

/*
 * wax_path_dns_match: the presented dNSName PRESENTED (PRESENTED_LEN
 * bytes, from a certificate) matches the reference DNS name REFERENCE
 * (NUL-terminated), RFC 6125 section 6.4: labels compare ASCII case-
 * insensitively, one trailing dot of REFERENCE is ignored, and a
 * left-most label of exactly "*" matches one non-empty label when at
 * least two labels follow it (no partial-label wildcards, never across
 * labels, never on A-labels). Both must be in preferred name syntax.
 */
WAX_API bool wax_path_dns_match(const uint8_t *presented, size_t presented_len,
                                const char *reference);

/*
 * wax_path_ip_parse parses TEXT (NUL-terminated) as an IPv4 address in
 * dotted decimal (four decimal octets, no leading zeros) or an IPv6
 * address in RFC 4291 text form (hex groups, one "::", an embedded IPv4
 * tail) into OUT: 4 or 16 bytes in *OUT_LEN. False when it is neither.
 */
WAX_API bool wax_path_ip_parse(const char *text, uint8_t out[16],
                               size_t *out_len);

#endif
