/*
 * tests/unit/x509_build.h - a tiny DER writer for the x509 unit tests:
 * certificates, CRLs and requests are assembled from hex and TLVs so that
 * each invalid case changes exactly one thing.
 */
#ifndef WAX_TESTS_X509_BUILD_H
#define WAX_TESTS_X509_BUILD_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/x509.h>

#define XB_MAX 4096

struct xb {
    uint8_t p[XB_MAX];
    size_t n;
};

static inline void
xb_put(struct xb *b, const uint8_t *p, size_t n)
{
    if (b->n + n > XB_MAX) {
        fprintf(stderr, "x509_build: buffer overflow\n");
        abort();
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* H: bytes from hex ("30 0a ..."; spaces ignored). */
static inline struct xb
H(const char *hex) {
    struct xb b = {{0}, 0};
    int hi = -1;
    for (; *hex; hex++) {
        int v;
        char c = *hex;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
        } else {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            uint8_t byte = (uint8_t)(hi << 4 | v);
            xb_put(&b, &byte, 1);
            hi = -1;
        }
    }
    return b;
}

/* S: the bytes of a C string (no NUL). */
static inline struct xb
S(const char *s) {
    struct xb b = {{0}, 0};
    xb_put(&b, (const uint8_t *)s, strlen(s));
    return b;
}

/* CAT: COUNT pieces one after the other. */
static inline struct xb
CAT(int count, ...) {
    struct xb b = {{0}, 0};
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++) {
        struct xb piece = va_arg(ap, struct xb);
        xb_put(&b, piece.p, piece.n);
    }
    va_end(ap);
    return b;
}

/* T: a TLV with the one-byte tag TAG around COUNT pieces. */
static inline struct xb
T(uint8_t tag, int count, ...) {
    struct xb content = {{0}, 0}, b = {{0}, 0};
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++) {
        struct xb piece = va_arg(ap, struct xb);
        xb_put(&content, piece.p, piece.n);
    }
    va_end(ap);
    uint8_t hdr[4] = {tag};
    size_t hl;
    if (content.n < 128) {
        hdr[1] = (uint8_t)content.n, hl = 2;
    } else if (content.n < 256) {
        hdr[1] = 0x81, hdr[2] = (uint8_t)content.n, hl = 3;
    } else {
        hdr[1] = 0x82, hdr[2] = (uint8_t)(content.n >> 8);
        hdr[3] = (uint8_t)content.n, hl = 4;
    }
    xb_put(&b, hdr, hl);
    xb_put(&b, content.p, content.n);
    return b;
}

#define NONE H("")
#define SEQ(...) T(0x30, __VA_ARGS__)
#define SET(...) T(0x31, __VA_ARGS__)
#define OCTETS(...) T(0x04, __VA_ARGS__)

/* Common pieces. */
#define ALG_ED25519 H("30 05 06 03 2B 65 70")
#define ALG_ED448 H("30 05 06 03 2B 65 71")
#define ALG_SHA256_RSA H("30 0D 06 09 2A 86 48 86 F7 0D 01 01 0B 05 00")
#define NAME_TEST H("30 0F 31 0D 30 0B 06 03 55 04 03 0C 04 54 65 73 74")
#define VALIDITY                                                               \
    H("30 1E 17 0D 32 30 30 31 30 31 30 30 30 30 30 30 5A"                     \
      "      17 0D 33 30 30 31 30 31 30 30 30 30 30 30 5A")
#define SERIAL_1 H("02 01 01")
#define VERSION_3 H("A0 03 02 01 02")

/* OIDs of extensions (contents, for EXT). */
#define OID_BC "55 1D 13"
#define OID_KU "55 1D 0F"
#define OID_SAN "55 1D 11"
#define OID_EKU "55 1D 25"
#define OID_SKI "55 1D 0E"
#define OID_AKI "55 1D 23"
#define OID_NC "55 1D 1E"
#define OID_CP "55 1D 20"
#define OID_PM "55 1D 21"
#define OID_PC "55 1D 24"
#define OID_IAP "55 1D 36"
#define OID_CRLDP "55 1D 1F"
#define OID_AIA "2B 06 01 05 05 07 01 01"

/* EXT: an Extension with the OID contents OID_HEX. */
static inline struct xb
EXT(const char *oid_hex, bool critical, struct xb value) {
    return SEQ(3, T(0x06, 1, H(oid_hex)), critical ? H("01 01 FF") : NONE,
               OCTETS(1, value));
}

/* Ed25519 SPKI with a fixed (not necessarily valid) point. */
static inline struct xb
spki_dummy(void)
{
    struct xb key = H("00");
    for (int i = 0; i < 32; i++) {
        uint8_t b = (uint8_t)(i + 1);
        xb_put(&key, &b, 1);
    }
    return SEQ(2, ALG_ED25519, T(0x03, 1, key));
}

static inline struct xb
sig_dummy(void)
{
    struct xb s = H("00");
    for (int i = 0; i < 64; i++) {
        uint8_t b = 0x5A;
        xb_put(&s, &b, 1);
    }
    return T(0x03, 1, s);
}

/* The fields of a certificate; cert_default() is a valid v3 certificate
 * that each test changes in one place. */
struct cert_parts {
    struct xb version, serial, alg_in, issuer, validity, subject, spki, uids,
        exts, alg_out, sig, trailer;
};

static inline struct cert_parts
cert_default(void)
{
    struct cert_parts c;
    c.version = VERSION_3;
    c.serial = SERIAL_1;
    c.alg_in = ALG_ED25519;
    c.issuer = NAME_TEST;
    c.validity = VALIDITY;
    c.subject = NAME_TEST;
    c.spki = spki_dummy();
    c.uids = NONE;
    c.exts = T(0xA3, 1, SEQ(1, EXT(OID_BC, true, SEQ(1, H("01 01 FF")))));
    c.alg_out = ALG_ED25519;
    c.sig = sig_dummy();
    c.trailer = NONE;
    return c;
}

/* EXTS: the [3] Extensions of COUNT Extension pieces. */
#define EXTS(...) T(0xA3, 1, SEQ(__VA_ARGS__))

static inline struct xb
cert_tbs(const struct cert_parts *c)
{
    return SEQ(9, c->version, c->serial, c->alg_in, c->issuer, c->validity,
               c->subject, c->spki, c->uids, c->exts);
}

static inline struct xb
cert_build(const struct cert_parts *c)
{
    return CAT(2, SEQ(3, cert_tbs(c), c->alg_out, c->sig), c->trailer);
}

/* cert_with_exts: the default certificate with other extensions. */
static inline struct xb
cert_with_exts(struct xb exts)
{
    struct cert_parts c = cert_default();
    c.exts = exts;
    return cert_build(&c);
}

#endif
