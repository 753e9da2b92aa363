/* Unit tests: the RFC 7468 PEM reader. */
#include <stdio.h>
#include <stdlib.h>

#include "../harness.h"

#include <wax/x509.h>

static wax_err
all_blocks(const char *text, size_t *out_num, char labels[][32],
           uint8_t decoded[][64], size_t *decoded_len)
{
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present;
    size_t n = 0;
    wax_pem_reader_init(&r, (const uint8_t *)text, strlen(text));
    for (;;) {
        WAX_TRY(wax_pem_next(&r, &b, &present));
        if (!present) {
            break;
        }
        if (labels != NULL && n < 4) {
            snprintf(labels[n], 32, "%.*s", (int)b.label.len,
                     (const char *)b.label.p);
            WAX_TRY(wax_pem_decode(&b, decoded[n], 64, &decoded_len[n]));
        }
        n++;
    }
    *out_num = n;
    return WAX_OK;
}

TEST(x509_pem_blocks_and_text_around)
{
    const char *text = "explanatory text\n"
                       "-----BEGIN CERTIFICATE-----\n"
                       "AQID\n"
                       "-----END CERTIFICATE-----\n"
                       "between\r\n"
                       "-----BEGIN PRIVATE KEY-----  \r\n"
                       "BAUG\r\n"
                       "Bw==\r\n"
                       "-----END PRIVATE KEY-----\r\n"
                       "-----BEGIN X509 CRL-----\n"
                       "CAkK\n"
                       "-----END X509 CRL-----";
    char labels[4][32];
    uint8_t decoded[4][64];
    size_t lens[4], n;
    CHECK_OK(all_blocks(text, &n, labels, decoded, lens));
    CHECK_EQ_U64(n, 3);
    CHECK_STR(labels[0], "CERTIFICATE");
    CHECK_MEM(decoded[0], lens[0], "\x01\x02\x03", 3);
    CHECK_STR(labels[1], "PRIVATE KEY");
    CHECK_MEM(decoded[1], lens[1], "\x04\x05\x06\x07", 4);
    CHECK_STR(labels[2], "X509 CRL");
    CHECK_MEM(decoded[2], lens[2], "\x08\x09\x0A", 3);
    CHECK(wax_pem_looks_like((const uint8_t *)text, strlen(text)));
    CHECK(!wax_pem_looks_like((const uint8_t *)"AQID\n", 5));
}

TEST(x509_pem_invalid_table)
{
    static const struct {
        const char *text;
        wax_err err;
    } cases[] = {
        /* no END */
        {"-----BEGIN CERTIFICATE-----\nAQID\n", WAX_ERR_PEM_MALFORMED},
        /* END of another label */
        {"-----BEGIN CERTIFICATE-----\nAQID\n-----END X509 CRL-----\n",
         WAX_ERR_PEM_MALFORMED},
        /* BEGIN inside a block */
        {"-----BEGIN A-----\n-----BEGIN A-----\nAQID\n-----END A-----\n",
         WAX_ERR_PEM_MALFORMED},
        /* bad labels */
        {"-----BEGIN -A-----\nAQID\n-----END -A-----\n", WAX_ERR_PEM_MALFORMED},
        {"-----BEGIN A  B-----\nAQID\n-----END A  B-----\n",
         WAX_ERR_PEM_MALFORMED},
        {"-----BEGIN A\x01-----\nAQID\n-----END A\x01-----\n",
         WAX_ERR_PEM_MALFORMED},
        {"-----BEGIN CERTIFICATE----\nAQID\n-----END CERTIFICATE-----\n",
         WAX_ERR_PEM_MALFORMED},
        /* bodies the base64 decoder refuses */
        {"-----BEGIN A-----\nAQ*D\n-----END A-----\n",
         WAX_ERR_BASE64_INVALID_CHAR},
        {"-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END A-----\n",
         WAX_ERR_BASE64_INVALID_CHAR},
        {"-----BEGIN A-----\nAQI\n-----END A-----\n", WAX_ERR_BASE64_TRUNCATED},
        {"-----BEGIN A-----\nAQ==AQID\n-----END A-----\n",
         WAX_ERR_BASE64_TRAILING_DATA},
        /* an empty body */
        {"-----BEGIN A-----\n-----END A-----\n", WAX_ERR_PEM_MALFORMED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char labels[4][32];
        uint8_t decoded[4][64];
        size_t lens[4], n;
        wax_err err = all_blocks(cases[i].text, &n, labels, decoded, lens);
        CHECK_MSG(err == cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(err), wax_err_name(cases[i].err));
    }
}

TEST(x509_pem_block_limit)
{
    static const char block[] = "-----BEGIN A-----\nAQID\n-----END A-----\n";
    size_t len = (WAX_MAX_PEM_BLOCKS + 1) * (sizeof block - 1);
    char *text = malloc(len + 1);
    CHECK(text != NULL);
    for (size_t i = 0; i <= WAX_MAX_PEM_BLOCKS; i++) {
        memcpy(text + i * (sizeof block - 1), block, sizeof block - 1);
    }
    text[len] = '\0';
    size_t n = 0;
    wax_err err = all_blocks(text, &n, NULL, NULL, NULL);
    text[len - (sizeof block - 1)] = '\0'; /* exactly the maximum */
    wax_err err_max = all_blocks(text, &n, NULL, NULL, NULL);
    free(text);
    CHECK_ERR(err, WAX_ERR_PEM_LIMIT);
    CHECK_OK(err_max);
    CHECK_EQ_U64(n, WAX_MAX_PEM_BLOCKS);
}

TEST(x509_pem_decode_buffer_too_small)
{
    const char *text = "-----BEGIN A-----\nAQIDBA==\n-----END A-----\n";
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present;
    uint8_t out[4];
    size_t len;
    wax_pem_reader_init(&r, (const uint8_t *)text, strlen(text));
    CHECK_OK(wax_pem_next(&r, &b, &present));
    CHECK(present && wax_pem_label_is(&b, "A") && !wax_pem_label_is(&b, "AB"));
    CHECK(wax_pem_decoded_max(&b) >= 4);
    CHECK_ERR(wax_pem_decode(&b, out, 3, &len), WAX_ERR_BUF_TOO_SMALL);
    CHECK_OK(wax_pem_decode(&b, out, 4, &len));
    CHECK_MEM(out, len, "\x01\x02\x03\x04", 4);
}
