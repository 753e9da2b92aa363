/* Internal to the store layer: what is derived from a certificate. */
#ifndef WAX_STORE_PRIV_H
#define WAX_STORE_PRIV_H

#include <wax/store.h>

#include "store/store_int.h"

struct store_cert_facts {
    struct wax_x509_cert cert;
    uint8_t fp[WAX_STORE_FP_BYTES];
    bool can_sign;
    bool can_encrypt;
    bool is_ca;
    size_t num_emails;
    char emails[WAX_MAX_STORE_EMAILS][WAX_MAX_STORE_ADDRESS + 1];
};

/* One bound parameter of a walk: TEXT when not NULL, else I when IS_INT,
 * else BLOB. */
struct store_bind {
    const char *text;
    bool is_int;
    int64_t i;
    struct wax_span blob;
};

wax_err wax_store_normalize_address(const uint8_t *p, size_t len,
                                    char out[WAX_MAX_STORE_ADDRESS + 1]);
wax_err wax_store_query_address(const char *address,
                                char out[WAX_MAX_STORE_ADDRESS + 1]);
wax_err wax_store_cert_facts(const uint8_t *der, size_t len,
                             struct store_cert_facts *f);
wax_err wax_store_find_cert_id(struct wax_store *s,
                               const uint8_t fp[WAX_STORE_FP_BYTES],
                               int64_t *out_id);
/* Adds the certificate inside the caller's transaction; ST (may be NULL)
 * gets one status per address of F. */
wax_err wax_store_add_cert_locked(struct wax_store *s, const uint8_t *der,
                                  size_t len, struct store_cert_facts *f,
                                  int64_t *out_id, bool *out_added,
                                  enum wax_store_harvest_status *st);
wax_err wax_store_walk_certs(struct wax_store *s, const char *sql,
                             const struct store_bind *b, size_t nb,
                             size_t limit, wax_store_cert_fn fn, void *ctx);

#endif
