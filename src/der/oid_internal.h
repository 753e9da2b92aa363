/*
 * der/oid_internal.h - the generated OID table (oid_table.c) as seen by
 * oid.c. Not installed, not exported.
 */
#ifndef WAX_DER_OID_INTERNAL_H
#define WAX_DER_OID_INTERNAL_H

#include <wax/der.h>

struct wax_oid_entry {
    uint16_t offset; /* into wax_oid_bytes */
    uint8_t len;
    const char *dotted;
    const char *name;
};

extern const uint8_t wax_oid_bytes[];
extern const struct wax_oid_entry wax_oid_entries[WAX_NUM_OID_IDS];
extern const uint16_t wax_oid_sorted[WAX_NUM_OID_IDS - 1];

#endif
