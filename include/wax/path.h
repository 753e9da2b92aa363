/*
 * wax/path.h - the path layer: certificate chain building and checking for
 * S/MIME (RFC 5280 section 6, RFC 8550 profile).
 *
 * This header is the seam between the smime layer (and `wax cert verify`)
 * and chain validation. The first implementation, src/path/chain_simple.c,
 * is a simple checker: it builds a chain by issuer name (refined by the
 * authority/subject key identifiers) from the leaf to a trust anchor and
 * checks each link. It does NOT do: revocation (CRLs, OCSP), name
 * constraints, certificate policies and policy mappings, or RFC 5280
 * processing of a trust anchor as a bare name and key. A later issue
 * replaces it with full RFC 5280 validation behind the same functions;
 * struct wax_path_input may then grow (zero-initialise it).
 *
 * Certificates are DER buffers owned by the caller; the result points into
 * them. Nothing here allocates on the heap except the short-lived parse
 * state of one call.
 */
#ifndef WAX_PATH_H
#define WAX_PATH_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>

/* Limits (SECURITY.md rule 8). */
/* Most certificates in one chain, leaf and anchor included. */
#define WAX_MAX_PATH_DEPTH 10
/* Most candidate issuer links one search examines (each may cost a
 * signature check); past it the search stops with
 * WAX_ERR_PATH_SEARCH_BUDGET. */
#define WAX_MAX_PATH_STEPS 256
/* Most certificates (untrusted and anchors together) one call looks at;
 * more is WAX_ERR_LIMIT_EXCEEDED. */
#define WAX_MAX_PATH_CERTS 512
/* Smallest RSA (and DSA) key accepted without allow_weak, in bits. */
#define WAX_PATH_MIN_RSA_BITS 2048

/* What the leaf certificate is checked for. */
enum wax_path_purpose {
    WAX_PATH_PURPOSE_ANY = 0,   /* no key usage / EKU check on the leaf */
    WAX_PATH_PURPOSE_SMIME_SIGN,    /* signing S/MIME messages */
    WAX_PATH_PURPOSE_SMIME_ENCRYPT, /* encrypting S/MIME messages to it */
};

/* wax_path_purpose_name: "any", "smime-sign", "smime-encrypt" ("unknown"
 * otherwise). Static string. */
WAX_API const char *wax_path_purpose_name(enum wax_path_purpose purpose);

/* A list of DER certificates: DER[i] of LENS[i] bytes, NUM of them. */
struct wax_path_certs {
    const uint8_t *const *der;
    const size_t *lens;
    size_t num;
};

/*
 * What to validate.
 *
 *  LEAF/LEAF_LEN   the end-entity certificate (DER).
 *  UNTRUSTED       certificates that may serve as intermediates (those of
 *                  the message, --certs). Entries that do not parse are
 *                  skipped.
 *  ANCHORS         trust anchors, as certificates. A chain is trusted when
 *                  it ends at one of them. The leaf itself may be an anchor
 *                  (byte-identical): the chain is then the leaf alone.
 *                  Anchors that do not parse are skipped.
 *  TIME            the validation time, seconds since the epoch (the
 *                  library never reads the clock).
 *  PURPOSE         the leaf check (see wax_path_check_leaf).
 *  ALLOW_WEAK      accept MD5/SHA-1 certificate signatures and RSA/DSA
 *                  keys under WAX_PATH_MIN_RSA_BITS (old mail); the result
 *                  then has WEAK set.
 *  MAX_DEPTH       most certificates in the chain; 0 means
 *                  WAX_MAX_PATH_DEPTH (more than that is clamped to it).
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
};

/*
 * wax_path_validate builds and checks a chain from IN->leaf to one of
 * IN->anchors and fills *OUT (always, also on failure).
 *
 * Building: starting at the leaf, the issuer candidates of a certificate
 * are the anchors and then the untrusted certificates whose subject equals
 * its issuer (wax_x509_name_equal) and, when both key identifiers are
 * present, whose subjectKeyIdentifier equals its authorityKeyIdentifier
 * keyIdentifier; a candidate is taken when the certificate's signature
 * verifies with its key. The search is depth-first with backtracking: a
 * branch that fails any check below is abandoned and the next candidate
 * tried; no certificate appears twice in a chain. At most
 * WAX_MAX_PATH_STEPS candidate links in all, at most MAX_DEPTH
 * certificates per chain.
 *
 * Checks of a complete chain (leaf ... anchor), each certificate from the
 * leaf up:
 *   - no unknown critical extension (the anchor's are not looked at);
 *   - TIME within notBefore..notAfter, anchor included;
 *   - every certificate above the leaf: basicConstraints cA TRUE (v1
 *     issuer certificates are accepted only as the anchor), keyUsage
 *     absent or with keyCertSign, and pathLenConstraint not smaller than
 *     the number of intermediate certificates below it (self-issued ones
 *     excepted, RFC 5280 6.1.4 (l));
 *   - certificate signatures (every one but the anchor's self-signature):
 *     MD5 and SHA-1 only with ALLOW_WEAK; keys of every certificate: RSA
 *     and DSA of at least WAX_PATH_MIN_RSA_BITS bits only with ALLOW_WEAK;
 *   - the leaf as wax_path_check_leaf for PURPOSE (time checked above).
 *
 * Errors (the first failing check of the best chain; a chain that reached
 * an anchor is preferred to one that did not):
 *   WAX_ERR_PATH_NO_ISSUER           no issuer found for a certificate that
 *                                    is not self-issued (an anchor is
 *                                    missing, or an intermediate)
 *   WAX_ERR_PATH_UNTRUSTED_ROOT      the chain ends at a self-signed
 *                                    certificate that is not an anchor
 *   WAX_ERR_PATH_SIGNATURE_INVALID   a named issuer's key does not verify
 *                                    the certificate's signature
 *   WAX_ERR_PATH_EXPIRED, WAX_ERR_PATH_NOT_YET_VALID
 *   WAX_ERR_PATH_NOT_CA              an issuer without cA TRUE
 *   WAX_ERR_PATH_ISSUER_KEY_USAGE    an issuer's keyUsage lacks keyCertSign
 *   WAX_ERR_PATH_LEN_EXCEEDED        a pathLenConstraint is exceeded
 *   WAX_ERR_PATH_TOO_LONG            no chain within MAX_DEPTH
 *   WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION
 *   WAX_ERR_PATH_WEAK_ALGORITHM, WAX_ERR_PATH_WEAK_KEY
 *   WAX_ERR_PATH_BAD_KEY_USAGE, WAX_ERR_PATH_BAD_EKU  (the leaf)
 *   WAX_ERR_PATH_SEARCH_BUDGET       WAX_MAX_PATH_STEPS used up
 *   the wax_x509_cert_parse codes    the leaf does not parse
 *   WAX_ERR_INVALID_ARGUMENT, WAX_ERR_LIMIT_EXCEEDED (too many
 *   certificates), WAX_ERR_NOMEM
 */
WAX_API WAX_MUST_CHECK wax_err wax_path_validate(const struct wax_path_input *in,
                                                 struct wax_path_result *out);

/*
 * wax_path_check_leaf checks the policy of an end-entity certificate for
 * PURPOSE alone (no chain, no time: see wax_path_check_time), RFC 8550
 * section 4.4 / SECURITY.md rule 6:
 *   SMIME_SIGN     keyUsage absent or with digitalSignature or
 *                  nonRepudiation, else WAX_ERR_PATH_BAD_KEY_USAGE;
 *   SMIME_ENCRYPT  keyUsage absent or with keyEncipherment (RSA keys) or
 *                  keyAgreement (EC, X25519, X448 keys), else
 *                  WAX_ERR_PATH_BAD_KEY_USAGE;
 *   both           extendedKeyUsage absent or listing emailProtection or
 *                  anyExtendedKeyUsage, else WAX_ERR_PATH_BAD_EKU;
 *   ANY            nothing.
 * Not checked: unknown critical extensions, validity, the signature.
 */
WAX_API WAX_MUST_CHECK wax_err wax_path_check_leaf(
    const struct wax_x509_cert *cert, enum wax_path_purpose purpose);

/* wax_path_check_time: WAX_ERR_PATH_NOT_YET_VALID when TIME is before
 * notBefore, WAX_ERR_PATH_EXPIRED when after notAfter, else WAX_OK. */
WAX_API WAX_MUST_CHECK wax_err
wax_path_check_time(const struct wax_x509_cert *cert, int64_t time);

#endif
