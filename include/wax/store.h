/*
 * wax/store.h - the store layer: one SQLite file holding certificates,
 * trust anchors, CRLs, identities (private keys with their chains) and what
 * harvesting learned about correspondents.
 *
 * The file's path is given by the caller (the CLI resolves $WAX_STORE and
 * the XDG default). The file is created with mode 0600 (whatever the umask)
 * when a store is opened with WAX_STORE_CREATE; SQLite's -wal and -shm files
 * take the same mode. The schema is versioned (PRAGMA user_version) and
 * migrated step by step on open. Every write runs in one BEGIN IMMEDIATE
 * transaction, rolled back on any error, so no failure leaves a half-written
 * entry. The database runs in WAL mode with a busy timeout
 * (WAX_STORE_BUSY_TIMEOUT_MS) and a bounded number of retries
 * (WAX_STORE_MAX_RETRIES), so two processes may use one store at once.
 *
 * Certificates are keyed by the SHA-256 of their DER (the fingerprint,
 * WAX_STORE_FP_BYTES). Names and serials are compared BYTE FOR BYTE (the DER
 * as found in the certificate), not with RFC 5280 name matching. Email
 * addresses are every rfc822Name and SmtpUTF8Mailbox subjectAltName and
 * every subject emailAddress attribute, stored with the local part as is
 * and the domain's ASCII letters lowercased; lookups normalize the same
 * way.
 *
 * Nothing here reads a clock: times are passed in (seconds since the epoch).
 * Nothing here validates chains or signatures: the caller (path layer)
 * decides what is valid before harvesting.
 *
 * Listings call a callback per row; the views it receives (DER spans,
 * strings) are valid only during the call. A callback returning an error
 * stops the walk and that error is returned. Every walk stops after LIMIT
 * rows (0 means WAX_MAX_STORE_LIST). A callback must not call back into
 * the same store.
 */
#ifndef WAX_STORE_H
#define WAX_STORE_H

#include <wax/common.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/x509.h>

/* ------------------------------------------------------------------ */
/* Limits.                                                             */

/* Octets of a fingerprint (SHA-256). */
#define WAX_STORE_FP_BYTES 32
/* Largest certificate or CRL accepted, in bytes. */
#define WAX_MAX_STORE_OBJECT ((size_t)16 << 20)
/* Email addresses indexed per certificate (more: WAX_ERR_LIMIT_EXCEEDED). */
#define WAX_MAX_STORE_EMAILS 64
/* Longest email address indexed (RFC 5321 path minus the brackets). */
#define WAX_MAX_STORE_ADDRESS 254
/* Certificates in one identity's chain or one harvest's chain. */
#define WAX_MAX_STORE_CHAIN 16
/* Rows one listing returns at most when LIMIT is 0. */
#define WAX_MAX_STORE_LIST 100000
/* Largest SMIMECapabilities / encryption-key-preference blob kept. */
#define WAX_MAX_STORE_CAPS 65536
/* Milliseconds SQLite waits on a lock held by another process. */
#define WAX_STORE_BUSY_TIMEOUT_MS 5000
/* Times a transaction start is retried after SQLITE_BUSY. */
#define WAX_STORE_MAX_RETRIES 4
/* The schema version this wax writes. */
#define WAX_STORE_SCHEMA_VERSION 2

struct wax_store;

/* ------------------------------------------------------------------ */
/* Opening.                                                            */

/* Open flags. */
#define WAX_STORE_CREATE (1u << 0) /* create the file (0600) if missing */

/*
 * wax_store_open opens the store file PATH (NUL-terminated) and migrates
 * its schema to WAX_STORE_SCHEMA_VERSION. Without WAX_STORE_CREATE a
 * missing file is WAX_ERR_STORE_OPEN. With it, a missing file is created
 * with mode 0600 (O_CREAT|O_EXCL, so the umask cannot widen it); an
 * existing file's mode is left alone. Symbolic links at PATH are not
 * followed when creating.
 * Errors: WAX_ERR_STORE_OPEN (cannot open or create), WAX_ERR_STORE_CORRUPT
 * (not an SQLite file, or a damaged one), WAX_ERR_STORE_SCHEMA (a schema
 * newer than this wax, or a migration that fails), WAX_ERR_STORE_BUSY,
 * WAX_ERR_NOMEM, WAX_ERR_INVALID_ARGUMENT.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_open(struct wax_store **out,
                                              const char *path, uint32_t flags);

/* wax_store_close closes the store (NULL is fine). */
WAX_API void wax_store_close(struct wax_store *store);

/* wax_store_schema_version gives the file's user_version. */
WAX_API WAX_MUST_CHECK wax_err wax_store_schema_version(struct wax_store *store,
                                                        int *out_version);

/* ------------------------------------------------------------------ */
/* Certificates.                                                       */

/* Trust purposes (bits). */
#define WAX_STORE_TRUST_SMIME (1u << 0)
#define WAX_STORE_TRUST_TLS (1u << 1)
#define WAX_STORE_TRUST_ANY (1u << 2)

/*
 * struct wax_store_cert is what a certificate walk reports. DER views the
 * certificate (valid during the callback only); FP is its fingerprint.
 * TRUST is 0 or WAX_STORE_TRUST_* bits. PREFERRED is, for walks by email
 * address, whether this certificate is the accepted one for that address
 * (false for a harvested new key not yet accepted); true otherwise.
 * CAN_ENCRYPT / CAN_SIGN tell what keyUsage, extendedKeyUsage
 * (emailProtection or anyExtendedKeyUsage when present) and the key type
 * allow for S/MIME.
 */
struct wax_store_cert {
    struct wax_span der;
    uint8_t fp[WAX_STORE_FP_BYTES];
    int64_t not_before;
    int64_t not_after;
    uint32_t trust;
    bool preferred;
    bool can_encrypt;
    bool can_sign;
    bool is_ca;
};

typedef wax_err (*wax_store_cert_fn)(void *ctx,
                                     const struct wax_store_cert *cert);

/*
 * wax_store_cert_add parses DER (LEN bytes, wax_x509_cert_parse) and stores
 * it with its indexes. A certificate already stored is a no-op that
 * succeeds with *OUT_ADDED false (OUT_ADDED and OUT_FP may be NULL). Its
 * addresses are marked preferred (an explicit import is the user's
 * choice) unless another certificate is already preferred for them.
 * Errors: the parse errors, WAX_ERR_LIMIT_EXCEEDED (size, address count),
 * WAX_ERR_STORE_IO, WAX_ERR_STORE_BUSY.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_store_cert_add(struct wax_store *store, const uint8_t *der, size_t len,
                   uint8_t out_fp[WAX_STORE_FP_BYTES], bool *out_added);

/* wax_store_cert_get appends the DER of the certificate FP to OUT.
 * Errors: WAX_ERR_STORE_NOT_FOUND, OUT's errors, WAX_ERR_STORE_IO. */
WAX_API WAX_MUST_CHECK wax_err
wax_store_cert_get(struct wax_store *store,
                   const uint8_t fp[WAX_STORE_FP_BYTES], struct wax_buf *out);

/* wax_store_cert_remove deletes the certificate FP with its indexes,
 * trust and harvested data. A certificate an identity uses is not removed:
 * WAX_ERR_STORE_DUPLICATE ("still in use"); remove the identity first.
 * Errors: WAX_ERR_STORE_NOT_FOUND, WAX_ERR_STORE_IO, WAX_ERR_STORE_BUSY. */
WAX_API WAX_MUST_CHECK wax_err wax_store_cert_remove(
    struct wax_store *store, const uint8_t fp[WAX_STORE_FP_BYTES]);

/* Look-ups: each walks the matching certificates, newest notBefore first.
 * SUBJECT and ISSUER are Name TLVs, SERIAL INTEGER contents, SKI the key
 * identifier octets, ADDRESS a NUL-terminated email address
 * (WAX_ERR_STORE_BAD_ADDRESS without '@' or over WAX_MAX_STORE_ADDRESS).
 * No match is not an error (the callback is simply never called). */
WAX_API WAX_MUST_CHECK wax_err wax_store_cert_list(struct wax_store *store,
                                                   size_t limit,
                                                   wax_store_cert_fn fn,
                                                   void *ctx);
WAX_API WAX_MUST_CHECK wax_err
wax_store_certs_by_subject(struct wax_store *store, struct wax_span subject,
                           size_t limit, wax_store_cert_fn fn, void *ctx);
WAX_API WAX_MUST_CHECK wax_err wax_store_certs_by_issuer_serial(
    struct wax_store *store, struct wax_span issuer, struct wax_span serial,
    size_t limit, wax_store_cert_fn fn, void *ctx);
WAX_API WAX_MUST_CHECK wax_err wax_store_certs_by_ski(struct wax_store *store,
                                                      struct wax_span ski,
                                                      size_t limit,
                                                      wax_store_cert_fn fn,
                                                      void *ctx);
WAX_API WAX_MUST_CHECK wax_err wax_store_certs_by_email(struct wax_store *store,
                                                        const char *address,
                                                        size_t limit,
                                                        wax_store_cert_fn fn,
                                                        void *ctx);

/* ------------------------------------------------------------------ */
/* Trust anchors.                                                      */

/* wax_store_trust marks the stored certificate FP as a trust anchor for
 * PURPOSES (WAX_STORE_TRUST_* bits, non-zero; replaces earlier purposes).
 * wax_store_untrust clears it (not trusted: WAX_ERR_STORE_NOT_FOUND).
 * Errors: WAX_ERR_STORE_NOT_FOUND (no such certificate),
 * WAX_ERR_INVALID_ARGUMENT (PURPOSES 0 or unknown bits). */
WAX_API WAX_MUST_CHECK wax_err
wax_store_trust(struct wax_store *store, const uint8_t fp[WAX_STORE_FP_BYTES],
                uint32_t purposes);
WAX_API WAX_MUST_CHECK wax_err wax_store_untrust(
    struct wax_store *store, const uint8_t fp[WAX_STORE_FP_BYTES]);

/* wax_store_anchors walks the anchors trusted for PURPOSE (one bit;
 * anchors marked WAX_STORE_TRUST_ANY match every purpose). */
WAX_API WAX_MUST_CHECK wax_err wax_store_anchors(struct wax_store *store,
                                                 uint32_t purpose, size_t limit,
                                                 wax_store_cert_fn fn,
                                                 void *ctx);

/* ------------------------------------------------------------------ */
/* CRLs.                                                               */

/* struct wax_store_crl: a stored CRL (views valid during the callback).
 * NUMBER is the cRLNumber's INTEGER contents (empty when absent). */
struct wax_store_crl {
    struct wax_span der;
    struct wax_span issuer;
    struct wax_span number;
    int64_t this_update;
    bool has_next_update;
    int64_t next_update;
};

typedef wax_err (*wax_store_crl_fn)(void *ctx, const struct wax_store_crl *crl);

/*
 * wax_store_crl_add parses DER (wax_x509_crl_parse) and stores it, indexed
 * by issuer (bytes), cRLNumber and thisUpdate. The same CRL again (same
 * SHA-256 of its DER) is a no-op (*OUT_ADDED false); two different CRLs
 * with the same issuer, number and thisUpdate are both kept. Older CRLs of the
 * issuer are kept; walks give the newest first (highest cRLNumber, then latest
 * thisUpdate). No signature is checked here. Errors: the parse errors,
 * WAX_ERR_LIMIT_EXCEEDED, WAX_ERR_STORE_IO, WAX_ERR_STORE_BUSY.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_crl_add(struct wax_store *store,
                                                 const uint8_t *der, size_t len,
                                                 bool *out_added);
WAX_API WAX_MUST_CHECK wax_err wax_store_crl_list(struct wax_store *store,
                                                  size_t limit,
                                                  wax_store_crl_fn fn,
                                                  void *ctx);
WAX_API WAX_MUST_CHECK wax_err wax_store_crls_by_issuer(struct wax_store *store,
                                                        struct wax_span issuer,
                                                        size_t limit,
                                                        wax_store_crl_fn fn,
                                                        void *ctx);

/* ------------------------------------------------------------------ */
/* Identities.                                                         */

/*
 * wax_store_identity_add stores KEY with its certificate CERT (DER) and the
 * NUM_CHAIN issuer certificates CHAIN (DER spans, leaf's issuer first; at
 * most WAX_MAX_STORE_CHAIN). The key is kept as encrypted PKCS#8
 * (wax_privkey_to_pkcs8_encrypted with PASSPHRASE, 0 iterations = the
 * crypto default) or, only when PASSPHRASE is NULL and NO_PASSPHRASE is
 * true, as plain PKCS#8. Every certificate is added as by
 * wax_store_cert_add. The identity is known by CERT's fingerprint. Several
 * identities may share an address.
 * Errors: WAX_ERR_STORE_NO_PASSPHRASE (PASSPHRASE NULL without
 * NO_PASSPHRASE, or a passphrase with NO_PASSPHRASE),
 * WAX_ERR_CRYPTO_KEY_MISMATCH (KEY is not CERT's), WAX_ERR_STORE_DUPLICATE
 * (an identity for CERT exists), the parse errors, WAX_ERR_LIMIT_EXCEEDED,
 * crypto errors, WAX_ERR_STORE_IO, WAX_ERR_STORE_BUSY.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_identity_add(
    struct wax_store *store, const struct wax_privkey *key, const uint8_t *cert,
    size_t cert_len, const struct wax_span *chain, size_t num_chain,
    const char *passphrase, bool no_passphrase,
    uint8_t out_fp[WAX_STORE_FP_BYTES]);

/* What an identity is wanted for. */
enum wax_store_usage {
    WAX_STORE_USAGE_SIGN = 1,
    WAX_STORE_USAGE_ENCRYPT, /* to decrypt: the key that receives mail */
    WAX_STORE_USAGE_ANY,
};

/*
 * wax_store_identity_find gives in OUT_FP the identity for ADDRESS whose
 * certificate is valid at AT (notBefore <= AT <= notAfter) and allows
 * USAGE, the newest notBefore first. Errors: WAX_ERR_STORE_NOT_FOUND,
 * WAX_ERR_STORE_BAD_ADDRESS, WAX_ERR_STORE_IO.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_identity_find(
    struct wax_store *store, const char *address, int64_t at,
    enum wax_store_usage usage, uint8_t out_fp[WAX_STORE_FP_BYTES]);

/* struct wax_store_identity: one identity in a walk (views valid during
 * the callback). ENCRYPTED tells whether the key is passphrase-protected. */
struct wax_store_identity {
    uint8_t fp[WAX_STORE_FP_BYTES];
    struct wax_span cert;
    bool encrypted;
};

typedef wax_err (*wax_store_identity_fn)(void *ctx,
                                         const struct wax_store_identity *id);

/* wax_store_identity_list walks every identity (ADDRESS NULL) or those of
 * ADDRESS (old ones included), newest certificate first. */
WAX_API WAX_MUST_CHECK wax_err wax_store_identity_list(struct wax_store *store,
                                                       const char *address,
                                                       size_t limit,
                                                       wax_store_identity_fn fn,
                                                       void *ctx);

/*
 * wax_store_identity_load decrypts the key of identity FP into *OUT_KEY
 * (free with wax_privkey_free). PASSPHRASE is ignored for a plain key.
 * OUT_CHAIN, when not NULL, gets the certificate and then its chain
 * appended as consecutive DER certificates.
 * Errors: WAX_ERR_STORE_NOT_FOUND; WAX_ERR_CRYPTO_BAD_PASSWORD for an
 * encrypted key and a wrong or NULL passphrase; WAX_ERR_STORE_CORRUPT when
 * the stored key does not load or does not match the certificate.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_identity_load(
    struct wax_store *store, const uint8_t fp[WAX_STORE_FP_BYTES],
    const char *passphrase, struct wax_privkey **out_key,
    struct wax_buf *out_chain);

/* wax_store_identity_remove deletes identity FP's key (its certificates
 * stay). Errors: WAX_ERR_STORE_NOT_FOUND, WAX_ERR_STORE_IO. */
WAX_API WAX_MUST_CHECK wax_err wax_store_identity_remove(
    struct wax_store *store, const uint8_t fp[WAX_STORE_FP_BYTES]);

/* ------------------------------------------------------------------ */
/* Pending keys (wax req: a key waiting for its certificate).         */

/*
 * wax_store_pending_key_add keeps KEY until its certificate arrives, known
 * by the SHA-256 of its DER SubjectPublicKeyInfo (as wax_pubkey_to_spki
 * writes it), given in OUT_HASH when not NULL. The key is stored as for
 * wax_store_identity_add (encrypted with PASSPHRASE, or plain only with
 * NO_PASSPHRASE). Errors: WAX_ERR_STORE_NO_PASSPHRASE,
 * WAX_ERR_STORE_DUPLICATE (that key is pending already), crypto errors,
 * WAX_ERR_STORE_IO, WAX_ERR_STORE_BUSY.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_pending_key_add(
    struct wax_store *store, const struct wax_privkey *key,
    const char *passphrase, bool no_passphrase,
    uint8_t out_hash[WAX_STORE_FP_BYTES]);

/*
 * wax_store_pending_key_claim finds the pending key whose public key is
 * CERT's, loads it with PASSPHRASE (ignored for a plain one), and in one
 * transaction makes it an identity with CERT and CHAIN (as
 * wax_store_identity_add; the key row is moved as stored, with its
 * protection) and deletes the pending row. OUT_FP gets the identity's
 * fingerprint, OUT_ENCRYPTED (when not NULL) whether the key is protected.
 * Errors: WAX_ERR_STORE_NOT_FOUND (no pending key for CERT),
 * WAX_ERR_CRYPTO_BAD_PASSWORD (wrong or missing passphrase),
 * WAX_ERR_STORE_DUPLICATE, WAX_ERR_STORE_CORRUPT, the parse errors,
 * WAX_ERR_LIMIT_EXCEEDED, WAX_ERR_STORE_IO, WAX_ERR_STORE_BUSY.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_pending_key_claim(
    struct wax_store *store, const uint8_t *cert, size_t cert_len,
    const struct wax_span *chain, size_t num_chain, const char *passphrase,
    uint8_t out_fp[WAX_STORE_FP_BYTES], bool *out_encrypted);

/* struct wax_store_pending: one pending key in a walk. */
struct wax_store_pending {
    uint8_t spki_hash[WAX_STORE_FP_BYTES];
    bool encrypted;
    int64_t created; /* seconds since the epoch */
};

/* wax_store_pending_key_list calls CB for each pending key, oldest first;
 * a non-WAX_OK result from CB stops the walk and is returned. Errors:
 * WAX_ERR_STORE_IO. */
WAX_API WAX_MUST_CHECK wax_err wax_store_pending_key_list(
    struct wax_store *store,
    wax_err (*cb)(void *ctx, const struct wax_store_pending *p), void *ctx);

/* wax_store_pending_key_remove deletes the pending key with SPKI_HASH.
 * Errors: WAX_ERR_STORE_NOT_FOUND, WAX_ERR_STORE_IO. */
WAX_API WAX_MUST_CHECK wax_err wax_store_pending_key_remove(
    struct wax_store *store, const uint8_t spki_hash[WAX_STORE_FP_BYTES]);

/* ------------------------------------------------------------------ */
/* Harvesting and recipients.                                          */

/*
 * struct wax_store_harvest_in: what a VALID signature taught. SIGNER is the
 * signer's certificate (DER); CHAIN its NUM_CHAIN other certificates;
 * CAPS the DER SMIMECapabilities attribute value (may be empty);
 * ENC_PREF the DER SMIMEEncryptionKeyPreference value (may be empty) and
 * ENC_CERT the certificate it designates, when the caller found it among
 * the message's certificates (may be empty: the signer's certificate is
 * then the encryption candidate). AT is the verification time.
 * ENC_CERT is accepted for an address (not reported as a new key) when
 * the signer's certificate is the accepted one for that address: the
 * accepted key vouched for it by its signature. The caller must have
 * validated ENC_CERT (wax_smime_verify does, for S/MIME encryption).
 */
struct wax_store_harvest_in {
    struct wax_span signer;
    const struct wax_span *chain;
    size_t num_chain;
    struct wax_span caps;
    struct wax_span enc_pref;
    struct wax_span enc_cert;
    int64_t at;
};

enum wax_store_harvest_status {
    /* The address had no accepted certificate: this one is now accepted. */
    WAX_STORE_HARVEST_NEW_ADDRESS = 1,
    /* This certificate was already the accepted one for the address. */
    WAX_STORE_HARVEST_KNOWN,
    /* A new certificate for the same public key as the accepted one (a
     * renewal): accepted too. */
    WAX_STORE_HARVEST_RENEWED,
    /* "new key for ADDRESS": the address has an accepted certificate with
     * a DIFFERENT key. The new certificate is stored NOT preferred; it is
     * used only after wax_store_accept. */
    WAX_STORE_HARVEST_NEW_KEY,
};

struct wax_store_harvest_outcome {
    size_t num;
    struct {
        char address[WAX_MAX_STORE_ADDRESS + 1];
        enum wax_store_harvest_status status;
        uint8_t fp[WAX_STORE_FP_BYTES]; /* the harvested certificate */
    } addr[WAX_MAX_STORE_EMAILS];
    bool any_new_key; /* some address is WAX_STORE_HARVEST_NEW_KEY */
};

/*
 * wax_store_harvest stores IN's certificates (as wax_store_cert_add, but
 * never making a new key preferred over an accepted one), and the
 * capabilities for each of the signer's addresses, in one transaction.
 * OUT gets one row per address of the signer's certificate (and of
 * ENC_CERT). Errors: as wax_store_cert_add; WAX_ERR_LIMIT_EXCEEDED for a
 * chain over WAX_MAX_STORE_CHAIN or CAPS/ENC_PREF over WAX_MAX_STORE_CAPS.
 * Nothing is stored on error.
 */
WAX_API WAX_MUST_CHECK wax_err wax_store_harvest(
    struct wax_store *store, const struct wax_store_harvest_in *in,
    struct wax_store_harvest_outcome *out);

/* wax_store_accept makes certificate FP the accepted (preferred) one for
 * ADDRESS and every other certificate of ADDRESS not preferred.
 * Errors: WAX_ERR_STORE_NOT_FOUND (FP not indexed under ADDRESS),
 * WAX_ERR_STORE_BAD_ADDRESS, WAX_ERR_STORE_IO. */
WAX_API WAX_MUST_CHECK wax_err
wax_store_accept(struct wax_store *store, const char *address,
                 const uint8_t fp[WAX_STORE_FP_BYTES]);

/* wax_store_capabilities appends to OUT the last harvested
 * SMIMECapabilities for ADDRESS (the newest harvest).
 * Errors: WAX_ERR_STORE_NOT_FOUND, OUT's errors. */
WAX_API WAX_MUST_CHECK wax_err wax_store_capabilities(struct wax_store *store,
                                                      const char *address,
                                                      struct wax_buf *out);

/*
 * wax_store_recipient chooses the certificate to encrypt to for ADDRESS
 * (`-r ADDRESS`): among the ACCEPTED certificates of the address, valid at
 * AT, not a CA, and allowing encryption (can_encrypt): the one the last
 * harvested SMIMEEncryptionKeyPreference named (ENC_CERT) if it fits,
 * else the newest notBefore. Its fingerprint
 * goes to OUT_FP and, when OUT is not NULL, its DER is appended to OUT.
 * Errors: WAX_ERR_STORE_KEY_NOT_ACCEPTED when only not-accepted
 * certificates would fit; WAX_ERR_STORE_NOT_FOUND when none fits;
 * WAX_ERR_STORE_BAD_ADDRESS; OUT's errors; WAX_ERR_STORE_IO.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_store_recipient(struct wax_store *store, const char *address, int64_t at,
                    uint8_t out_fp[WAX_STORE_FP_BYTES], struct wax_buf *out);

#endif
