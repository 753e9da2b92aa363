/*
 * The mime layer against real S/MIME messages: every multipart/signed and
 * application/pkcs7-mime message of the NSS/Thunderbird, real-world and
 * RFC 4134 corpora (see their READMEs in the test data).
 *
 * multipart/signed: splitting must succeed; the first part must start with
 * a header field (exceptions below); the signature part must decode to a
 * BER object (tag 0x30, accepted by the streaming BER reader). The first
 * part's bytes are cross-checked independently: their digest must equal
 * the messageDigest signed attribute that `openssl cms -cmsout -print`
 * shows for the detached signature (SKIP when openssl is missing).
 * application/pkcs7-mime: the body must decode to a BER object.
 * Every message is also split in 7-byte writes, with the same result.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/mime.h>

#include "../harness.h"

/*
 * Expectations that differ from the default, by file name. A case we
 * cannot pass is listed here with its reason, never deleted.
 */
enum digest_expect {
    DIGEST_MATCH = 0, /* messageDigest == digest of the first part */
    DIGEST_MATCH_LF,  /* the signer hashed the part with LF line ends */
    DIGEST_MISMATCH,  /* the signature does not cover the first part */
    DIGEST_NONE,      /* no signed attributes: nothing to compare */
};

static const struct {
    const char *contains;    /* in the path */
    const char *suffix;      /* the path's end */
    bool empty_first_header; /* the signed entity has no header fields */
    enum digest_expect digest;
    const char *reason;
} expectations[] = {
    {"/rfc4134-examples/", "/4.8.eml", true, DIGEST_NONE,
     "RFC 4134 4.8 signs \"\\r\\nThis is some sample content.\" (an entity "
     "with an empty header) with the attribute-less SignedData of 4.3"},
    {"/thunderbird-nss-smime/smime/", ".bad.eml", false, DIGEST_MISMATCH,
     "NSS test: body altered after signing (README: verify fails)"},
    {"/thunderbird-nss-smime/smime/", ".mismatch-econtent.eml", false,
     DIGEST_MISMATCH,
     "NSS test: the detached signature carries a different eContent, which "
     "its messageDigest covers"},
    {"/thunderbird-nss-smime/smime/alice.env.dsig.", ".multipart.eml", false,
     DIGEST_MATCH_LF,
     "NSS signed the application/pkcs7-mime part with LF line ends, not in "
     "canonical form (why OpenSSL and Thunderbird reject it, README)"},
    {"/thunderbird-nss-smime/smime-manual/", ".eml", false, DIGEST_MISMATCH,
     "hand-crafted: outer signature blocks taken from other messages "
     "(smime-manual/readme.txt)"},
};

static enum digest_expect
expect_digest(const char *path, bool *out_empty_header)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof expectations / sizeof expectations[0]; i++) {
        size_t s = strlen(expectations[i].suffix);
        if (strstr(path, expectations[i].contains) != NULL && n >= s &&
            strcmp(path + n - s, expectations[i].suffix) == 0) {
            *out_empty_header = expectations[i].empty_first_header;
            return expectations[i].digest;
        }
    }
    *out_empty_header = false;
    return DIGEST_MATCH;
}

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

static wax_err
ber_ignore(void *ctx, struct wax_ber_reader *r, const struct wax_ber_event *ev)
{
    (void)ctx;
    (void)r;
    (void)ev;
    return WAX_OK;
}

/* ber_walk: DATA is exactly one BER element. */
static wax_err
ber_walk(const uint8_t *data, size_t len)
{
    static struct wax_ber_reader r;
    wax_ber_reader_init(&r, 0, ber_ignore, NULL);
    WAX_TRY(wax_ber_reader_write(&r, data, len));
    return wax_ber_reader_finish(&r);
}

static bool
have_openssl(void)
{
    return system("openssl version >/dev/null 2>&1") == 0;
}

/* hexbyte parses two hex digits at S. */
static int
hexbyte(const char *s)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v |= c - 'a' + 10;
        } else {
            return -1;
        }
    }
    return v;
}

#define MAX_DIGESTS 8

/*
 * openssl_message_digests runs `openssl cms -cmsout -print` on the DER
 * signature SIG and collects every messageDigest attribute value it
 * prints (an OCTET STRING hex dump: "0000 - b2 6b ...-57 f3 ...   ascii").
 */
static bool
openssl_message_digests(const uint8_t *sig, size_t sig_len,
                        uint8_t out[MAX_DIGESTS][WAX_MAX_DIGEST_BYTES],
                        size_t out_len[MAX_DIGESTS], size_t *num)
{
    char path[] = "/tmp/wax-mime-sig-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        return false;
    }
    bool ok = write(fd, sig, sig_len) == (ssize_t)sig_len;
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "openssl cms -cmsout -print -inform DER -in %s 2>/dev/null", path);
    FILE *p = ok ? popen(cmd, "r") : NULL;
    *num = 0;
    if (p != NULL) {
        char line[512];
        int state = 0; /* 1: after messageDigest, 2: in its hex dump */
        while (fgets(line, sizeof line, p) != NULL) {
            if (strstr(line, "object: messageDigest") != NULL) {
                if (*num == MAX_DIGESTS) {
                    ok = false;
                    break;
                }
                out_len[*num] = 0;
                state = 1;
                continue;
            }
            if (state == 1 && strstr(line, "OCTET STRING:") != NULL) {
                state = 2;
                continue;
            }
            const char *dash = strstr(line, " - ");
            if (state == 2 && dash != NULL && dash - line >= 4) {
                const char *s = dash + 3;
                for (;;) {
                    int v = hexbyte(s);
                    if (v < 0 || out_len[*num] == WAX_MAX_DIGEST_BYTES) {
                        break;
                    }
                    out[*num][out_len[*num]++] = (uint8_t)v;
                    if (s[2] == '-' || (s[2] == ' ' && s[3] != ' ')) {
                        s += 3;
                        continue;
                    }
                    break;
                }
                continue;
            }
            if (state == 2) {
                (*num)++;
                state = 0;
            }
        }
        if (state == 2) {
            (*num)++;
        }
        ok = pclose(p) == 0 && ok;
    } else {
        ok = false;
    }
    unlink(path);
    return ok;
}

static enum wax_digest_alg
alg_for_len(size_t len)
{
    switch (len) {
    case 16:
        return WAX_DIGEST_MD5;
    case 20:
        return WAX_DIGEST_SHA1;
    case 28:
        return WAX_DIGEST_SHA224;
    case 32:
        return WAX_DIGEST_SHA256;
    case 48:
        return WAX_DIGEST_SHA384;
    case 64:
        return WAX_DIGEST_SHA512;
    default:
        return WAX_DIGEST_NONE;
    }
}

/* ------------------------------------------------------------------ */
/* One message.                                                        */

struct tally {
    size_t num_signed;
    size_t num_p7m;
    size_t num_other;
    size_t num_digest_checked;
    bool openssl;
};

static struct wax_mime_header hdr;
static struct wax_mime_header inner;
static struct wax_mime_signed_split ss;
static struct wax_mime_p7m_reader p7m;

/* split_signed runs the splitter on DATA in pieces of CHUNK (0: one write). */
static wax_err
split_signed(struct wax_buf *content, struct wax_buf *sig, const uint8_t *data,
             size_t len, size_t chunk)
{
    wax_buf_init(content, (size_t)16 << 20);
    wax_buf_init(sig, (size_t)1 << 20);
    wax_mime_signed_split_init(&ss, wax_buf_sink(content), wax_buf_sink(sig),
                               NULL, NULL);
    wax_err err = WAX_OK;
    size_t step = chunk ? chunk : len;
    for (size_t i = 0; err == WAX_OK && i < len; i += step) {
        err =
            wax_sink_write(&ss.sink, data + i, len - i < step ? len - i : step);
    }
    if (err == WAX_OK) {
        err = wax_sink_close(&ss.sink);
    }
    wax_mime_signed_split_cleanup(&ss);
    return err;
}

static void
check_signed(const char *path, const uint8_t *data, size_t len, struct tally *t)
{
    struct wax_buf content, sig, content2, sig2;
    wax_err err = split_signed(&content, &sig, data, len, 0);
    CHECK_MSG(err == WAX_OK, "%s: split: %s", path, wax_err_name(err));
    err = split_signed(&content2, &sig2, data, len, 7);
    CHECK_MSG(err == WAX_OK, "%s: split in 7-byte writes: %s", path,
              wax_err_name(err));
    CHECK_MSG(content.len == content2.len &&
                  memcmp(content.data, content2.data, content.len) == 0 &&
                  sig.len == sig2.len &&
                  memcmp(sig.data, sig2.data, sig.len) == 0,
              "%s: chunked split differs", path);
    wax_buf_cleanup(&content2);
    wax_buf_cleanup(&sig2);

    bool empty_header;
    enum digest_expect de = expect_digest(path, &empty_header);
    size_t off;
    err = wax_mime_header_parse(&inner, &off, content.data, content.len);
    CHECK_MSG(err == WAX_OK, "%s: first part header: %s", path,
              wax_err_name(err));
    CHECK_MSG(empty_header ? inner.num_fields == 0 : inner.num_fields > 0,
              "%s: first part has %zu header fields", path, inner.num_fields);
    CHECK_MSG(sig.len > 2 && sig.data[0] == 0x30, "%s: signature not 0x30",
              path);
    err = ber_walk(sig.data, sig.len);
    CHECK_MSG(err == WAX_OK, "%s: signature BER: %s", path, wax_err_name(err));

    if (t->openssl && de != DIGEST_NONE) {
        static uint8_t md[MAX_DIGESTS][WAX_MAX_DIGEST_BYTES];
        size_t md_len[MAX_DIGESTS], num;
        CHECK_MSG(openssl_message_digests(sig.data, sig.len, md, md_len, &num),
                  "%s: openssl cms -print failed", path);
        CHECK_MSG(num > 0, "%s: no messageDigest attribute", path);
        for (size_t i = 0; i < num; i++) {
            enum wax_digest_alg alg = alg_for_len(md_len[i]);
            CHECK_MSG(alg != WAX_DIGEST_NONE, "%s: messageDigest of %zu bytes",
                      path, md_len[i]);
            uint8_t got[WAX_MAX_DIGEST_BYTES];
            size_t got_len;
            CHECK_OK(wax_digest_compute(alg, got, sizeof got, &got_len,
                                        content.data, content.len));
            bool same =
                got_len == md_len[i] && memcmp(got, md[i], got_len) == 0;
            CHECK_MSG(same == (de == DIGEST_MATCH),
                      "%s: digest of the first part %s messageDigest", path,
                      same ? "equals" : "differs from");
            if (de == DIGEST_MATCH_LF) {
                /* the same bytes with CRLF made LF must match */
                size_t n = 0;
                for (size_t k = 0; k < content.len; k++) {
                    if (!(content.data[k] == '\r' && k + 1 < content.len &&
                          content.data[k + 1] == '\n')) {
                        content.data[n++] = content.data[k];
                    }
                }
                CHECK_OK(wax_digest_compute(alg, got, sizeof got, &got_len,
                                            content.data, n));
                CHECK_MSG(got_len == md_len[i] &&
                              memcmp(got, md[i], got_len) == 0,
                          "%s: digest of the LF form differs", path);
            }
        }
        t->num_digest_checked++;
    }
    wax_buf_cleanup(&content);
    wax_buf_cleanup(&sig);
    t->num_signed++;
}

static void
check_p7m(const char *path, const uint8_t *data, size_t len, struct tally *t)
{
    for (size_t chunk = 0; chunk < 8; chunk += 7) {
        struct wax_buf out;
        wax_buf_init(&out, (size_t)16 << 20);
        wax_mime_p7m_reader_init(&p7m, wax_buf_sink(&out), NULL, NULL);
        wax_err err = WAX_OK;
        size_t step = chunk ? chunk : len;
        for (size_t i = 0; err == WAX_OK && i < len; i += step) {
            err = wax_sink_write(&p7m.sink, data + i,
                                 len - i < step ? len - i : step);
        }
        if (err == WAX_OK) {
            err = wax_sink_close(&p7m.sink);
        }
        wax_mime_p7m_reader_cleanup(&p7m);
        CHECK_MSG(err == WAX_OK, "%s: pkcs7-mime: %s", path, wax_err_name(err));
        CHECK_MSG(out.len > 2 && out.data[0] == 0x30, "%s: CMS not 0x30", path);
        err = ber_walk(out.data, out.len);
        CHECK_MSG(err == WAX_OK, "%s: CMS BER: %s", path, wax_err_name(err));
        wax_buf_cleanup(&out);
    }
    t->num_p7m++;
}

static void
check_file(const char *path, struct tally *t)
{
    size_t len;
    uint8_t *data = wax_test_read_file(path, &len);
    CHECK_MSG(data != NULL, "cannot read %s", path);
    size_t off;
    wax_err err = wax_mime_header_parse(&hdr, &off, data, len);
    struct wax_mime_smime_info info = {WAX_MIME_SMIME_NONE, false, false,
                                       WAX_DIGEST_NONE};
    if (err == WAX_OK) {
        err = wax_mime_smime_identify(&info, &hdr);
    }
    CHECK_MSG(err == WAX_OK, "%s: header: %s", path, wax_err_name(err));
    switch (info.type) {
    case WAX_MIME_SMIME_MULTIPART_SIGNED:
        check_signed(path, data, len, t);
        break;
    case WAX_MIME_SMIME_SIGNED_DATA:
    case WAX_MIME_SMIME_ENVELOPED_DATA:
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
    case WAX_MIME_SMIME_COMPRESSED_DATA:
    case WAX_MIME_SMIME_CERTS_ONLY:
    case WAX_MIME_SMIME_PKCS7_MIME:
        check_p7m(path, data, len, t);
        break;
    case WAX_MIME_SMIME_NONE:
    case WAX_MIME_SMIME_SIGNATURE:
        t->num_other++;
        break;
    }
    free(data);
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* check_dir runs every *.eml file of REL (under the test data) and adds
 * to the tally; false when the directory is missing. */
static bool
check_dir(const char *rel, struct tally *t)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", wax_test_data_path(rel));
    DIR *d = opendir(dir);
    if (d == NULL) {
        return false;
    }
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 512) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0) {
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    t->openssl = have_openssl();
    struct tally before = *t;
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!wax_test_failed()) {
            check_file(path, t);
        }
        free(names[i]);
    }
    printf("# %s: %zu multipart/signed (%zu digests cross-checked), "
           "%zu pkcs7-mime, %zu other\n",
           rel, t->num_signed - before.num_signed,
           t->num_digest_checked - before.num_digest_checked,
           t->num_p7m - before.num_p7m, t->num_other - before.num_other);
    return true;
}

TEST(corpus_thunderbird_nss)
{
    struct tally t = {0, 0, 0, 0, false};
    if (!check_dir("thunderbird-nss-smime/smime", &t)) {
        SKIP("no thunderbird-nss-smime/smime in the test data");
    }
    if (wax_test_failed()) {
        return;
    }
    CHECK(t.num_signed >= 20 && t.num_p7m >= 20);
    if (!t.openssl) {
        SKIP("openssl missing: first parts not cross-checked");
    }
    CHECK_EQ_U64(t.num_digest_checked, t.num_signed);
}

TEST(corpus_thunderbird_manual)
{
    struct tally t = {0, 0, 0, 0, false};
    if (!check_dir("thunderbird-nss-smime/smime-manual", &t)) {
        SKIP("no thunderbird-nss-smime/smime-manual in the test data");
    }
    if (wax_test_failed()) {
        return;
    }
    CHECK(t.num_signed >= 1);
    if (!t.openssl) {
        SKIP("openssl missing: first parts not cross-checked");
    }
}

TEST(corpus_real_world)
{
    static const char *dirs[] = {"real-world-smime/simple-java-mail",
                                 "real-world-smime/mimekit"};
    struct tally t = {0, 0, 0, 0, false};
    for (size_t i = 0; i < 2; i++) {
        if (!check_dir(dirs[i], &t)) {
            SKIP("no %s in the test data", dirs[i]);
        }
        if (wax_test_failed()) {
            return;
        }
    }
    CHECK(t.num_signed >= 3 && t.num_p7m >= 3);
    if (!t.openssl) {
        SKIP("openssl missing: first parts not cross-checked");
    }
    CHECK_EQ_U64(t.num_digest_checked, t.num_signed);
}

TEST(corpus_rfc9788)
{
    struct tally t = {0, 0, 0, 0, false};
    if (!check_dir("rfc9788-header-protection", &t)) {
        SKIP("no rfc9788-header-protection in the test data");
    }
    if (wax_test_failed()) {
        return;
    }
    CHECK(t.num_signed >= 1 && t.num_p7m >= 1);
    if (!t.openssl) {
        SKIP("openssl missing: first parts not cross-checked");
    }
    CHECK_EQ_U64(t.num_digest_checked, t.num_signed);
}

TEST(corpus_rfc4134)
{
    struct tally t = {0, 0, 0, 0, false};
    if (!check_dir("rfc4134-examples", &t)) {
        SKIP("no rfc4134-examples in the test data");
    }
    if (wax_test_failed()) {
        return;
    }
    CHECK_EQ_U64(t.num_signed, 1);
    CHECK_EQ_U64(t.num_p7m, 2);
    if (!t.openssl) {
        SKIP("openssl missing");
    }
}
