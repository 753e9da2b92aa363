/*
 * Writing PEM (RFC 7468 §2, the strict form of §3): boundary lines, the
 * base64 body in lines of 64 characters, LF line ends. The reader lives in
 * the x509 layer (wax_pem_reader).
 */
#include <string.h>

#include "pki_int.h"

/* Longest label accepted (the labels of RFC 7468 are far shorter). */
#define PKI_MAX_PEM_LABEL 64
/* Base64 characters per line (RFC 7468 §2) and the bytes they carry. */
#define PEM_LINE_CHARS 64
#define PEM_LINE_BYTES 48

static const char pem_begin[] = "-----BEGIN ";
static const char pem_end[] = "-----END ";
static const char pem_dashes[] = "-----\n";

/*   label = [ labelchar *( ["-" / SP] labelchar ) ]
 *   labelchar = %x21-2C / %x2E-7E */
static bool
label_ok(const char *label, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)label[i];
        if (c >= 0x21 && c <= 0x7E && c != '-') {
            continue;
        }
        if ((c != '-' && c != ' ') || i == 0 || i + 1 == len) {
            return false;
        }
        uint8_t next = (uint8_t)label[i + 1];
        if (!(next >= 0x21 && next <= 0x7E && next != '-')) {
            return false;
        }
    }
    return true;
}

static void
put(uint8_t **p, const void *data, size_t len)
{
    memcpy(*p, data, len);
    *p += len;
}

wax_err
wax_pki_pem_write(struct wax_buf *out, const char *label, const uint8_t *der,
                  size_t der_len)
{
    WAX_ENSURE(out != NULL && label != NULL && (der != NULL || der_len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    size_t label_len = strnlen(label, PKI_MAX_PEM_LABEL + 1);
    WAX_ENSURE(label_len <= PKI_MAX_PEM_LABEL && label_ok(label, label_len),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(der_len <= (SIZE_MAX - 256) / 2, WAX_ERR_LIMIT_EXCEEDED);

    size_t num_lines = (der_len + PEM_LINE_BYTES - 1) / PEM_LINE_BYTES;
    size_t total = strlen(pem_begin) + label_len + strlen(pem_dashes) +
                   WAX_B64_ENCODED_LEN(der_len, 0) + num_lines +
                   strlen(pem_end) + label_len + strlen(pem_dashes);
    uint8_t *start, *p;
    WAX_TRY(wax_buf_reserve(out, total, &start));
    p = start;
    put(&p, pem_begin, strlen(pem_begin));
    put(&p, label, label_len);
    put(&p, pem_dashes, strlen(pem_dashes));
    for (size_t off = 0; off < der_len; off += PEM_LINE_BYTES) {
        size_t n =
            der_len - off < PEM_LINE_BYTES ? der_len - off : PEM_LINE_BYTES;
        size_t written;
        wax_err err =
            wax_b64_encode(p, PEM_LINE_CHARS, &written, der + off, n, 0);
        if (err != WAX_OK) {
            wax_wipe(start, (size_t)(p - start));
            return err;
        }
        p += written;
        *p++ = '\n';
    }
    put(&p, pem_end, strlen(pem_end));
    put(&p, label, label_len);
    put(&p, pem_dashes, strlen(pem_dashes));
    wax_buf_advance(out, (size_t)(p - start));
    return WAX_OK;
}
