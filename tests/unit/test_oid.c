/* Unit tests: the generated OID table and wax_oid_to_dotted. The table is
 * checked against src/der/oids.txt, against an encoder written here from
 * X.690 §8.19, and against `openssl asn1parse -genconf` when available. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* oids.h alone must be enough (it includes der.h) */
#include <wax/oids.h>

#include "../harness.h"

/* encode_dotted: X.690 §8.19 from dotted text, independent of the
 * generator. Returns the length or 0 on malformed text. */
static size_t
encode_dotted(const char *text, uint8_t *out, size_t cap)
{
    uint64_t arcs[64];
    size_t num_arcs = 0;
    const char *p = text;
    while (*p != '\0') {
        if (num_arcs == 64 || *p < '0' || *p > '9') {
            return 0;
        }
        uint64_t v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (uint64_t)(*p - '0');
            p++;
        }
        arcs[num_arcs++] = v;
        if (*p == '.') {
            p++;
        }
    }
    if (num_arcs < 2) {
        return 0;
    }
    size_t n = 0;
    for (size_t i = 1; i < num_arcs; i++) {
        uint64_t v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
        uint8_t groups[10];
        size_t k = 0;
        do {
            groups[k++] = (uint8_t)(v & 0x7F);
            v >>= 7;
        } while (v != 0);
        while (k > 0) {
            if (n == cap) {
                return 0;
            }
            k--;
            out[n++] = (uint8_t)(groups[k] | (k > 0 ? 0x80 : 0));
        }
    }
    return n;
}

TEST(oid_table_matches_independent_encoding)
{
    for (int i = 1; i < WAX_NUM_OID_IDS; i++) {
        enum wax_oid_id id = (enum wax_oid_id)i;
        const char *dotted = wax_oid_dotted(id);
        CHECK_MSG(dotted != NULL && wax_oid_name(id) != NULL, "id %d", i);
        uint8_t want[64];
        size_t want_len = encode_dotted(dotted, want, sizeof want);
        CHECK_MSG(want_len > 0, "cannot encode %s", dotted);
        struct wax_span got = wax_oid_span(id);
        CHECK_MSG(wax_span_equal_bytes(got, want, want_len),
                  "%s: table bytes differ", dotted);
        CHECK_MSG(wax_oid_find(got) == id, "find %s", dotted);
        CHECK(wax_oid_is(got, id));
        CHECK(!wax_oid_is(got,
                          id == 1 ? (enum wax_oid_id)2 : (enum wax_oid_id)1));
        char text[128];
        CHECK(wax_oid_to_dotted(got, text, sizeof text));
        CHECK_STR(text, dotted);
        /* the table's bytes are a valid OID for the reader too */
        CHECK_OK(wax_der_check_primitive(WAX_DER_OID, got));
    }
}

/* The committed table is the one oids.txt describes (tools/gen-oids ran). */
TEST(oid_table_matches_oids_txt)
{
    FILE *f = fopen("src/der/oids.txt", "r");
    if (f == NULL) {
        SKIP("src/der/oids.txt not found (run from the repository root)");
    }
    char line[512];
    int id = 1;
    while (fgets(line, sizeof line, f) != NULL) {
        char name[128], dotted[128], display[128];
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (sscanf(line, "%127s %127s %127s", name, dotted, display) != 3) {
            fclose(f);
            CHECK_MSG(false, "bad line: %s", line);
        }
        if (id >= WAX_NUM_OID_IDS) {
            fclose(f);
            CHECK_MSG(false, "oids.txt has more rows than the table: rerun "
                             "tools/gen-oids");
        }
        const char *got_dotted = wax_oid_dotted((enum wax_oid_id)id);
        const char *got_name = wax_oid_name((enum wax_oid_id)id);
        if (strcmp(got_dotted, dotted) != 0 || strcmp(got_name, display) != 0) {
            fclose(f);
            CHECK_MSG(false, "id %d: table has %s %s, oids.txt %s %s", id,
                      got_dotted, got_name, dotted, display);
        }
        id++;
    }
    fclose(f);
    CHECK_EQ_U64(id, WAX_NUM_OID_IDS);
    CHECK_STR(wax_oid_dotted(WAX_OID_SHA256), "2.16.840.1.101.3.4.2.1");
    CHECK_STR(wax_oid_name(WAX_OID_AT_COMMON_NAME), "CN");
}

/* openssl asn1parse -genconf encodes every OID of the table in one
 * SEQUENCE; each must equal the table's bytes, in order. */
TEST(oid_table_matches_openssl)
{
    if (system("openssl version >/dev/null 2>&1") != 0) {
        SKIP("openssl command not found");
    }
    char dir[] = "/tmp/wax-test-oid-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        SKIP("cannot create a temporary directory");
    }
    char conf_path[128], der_path[128], cmd[512];
    snprintf(conf_path, sizeof conf_path, "%s/oids.cnf", dir);
    snprintf(der_path, sizeof der_path, "%s/oids.der", dir);
    FILE *f = fopen(conf_path, "w");
    CHECK(f != NULL);
    fprintf(f, "asn1 = SEQUENCE:oids\n[oids]\n");
    for (int i = 1; i < WAX_NUM_OID_IDS; i++) {
        fprintf(f, "o%d = OID:%s\n", i, wax_oid_dotted((enum wax_oid_id)i));
    }
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "openssl asn1parse -genconf %s -out %s -noout >/dev/null 2>&1",
             conf_path, der_path);
    int rc = system(cmd);
    size_t len = 0;
    uint8_t *der = rc == 0 ? wax_test_read_file(der_path, &len) : NULL;
    unlink(conf_path);
    unlink(der_path);
    rmdir(dir);
    CHECK_MSG(der != NULL, "openssl asn1parse -genconf failed (%d)", rc);
    struct wax_span s, seq, oid;
    wax_span_init(&s, der, len);
    bool ok = wax_der_get(&s, WAX_DER_SEQUENCE, &seq) && wax_der_expect_end(&s);
    for (int i = 1; ok && i < WAX_NUM_OID_IDS; i++) {
        ok = wax_der_get_oid(&seq, &oid);
        if (ok && !wax_span_equal(oid, wax_oid_span((enum wax_oid_id)i))) {
            free(der);
            CHECK_MSG(false, "%s: openssl encodes it differently",
                      wax_oid_dotted((enum wax_oid_id)i));
        }
    }
    ok = ok && wax_der_expect_end(&seq);
    free(der);
    CHECK_MSG(ok, "openssl output does not have the expected shape");
}

TEST(oid_unknown_and_out_of_range)
{
    static const uint8_t prefix[] = {0x2A, 0x86, 0x48};       /* 1.2.840 */
    static const uint8_t longer[] = {0x55, 0x04, 0x03, 0x01}; /* 2.5.4.3.1 */
    static const uint8_t garbage[] = {0xFF};
    struct wax_span s = {prefix, sizeof prefix};
    CHECK(wax_oid_find(s) == WAX_OID_UNKNOWN);
    s = (struct wax_span){longer, sizeof longer};
    CHECK(wax_oid_find(s) == WAX_OID_UNKNOWN);
    s.len = 3;
    CHECK(wax_oid_find(s) == WAX_OID_AT_COMMON_NAME);
    s = (struct wax_span){garbage, sizeof garbage};
    CHECK(wax_oid_find(s) == WAX_OID_UNKNOWN);
    s = (struct wax_span){NULL, 0};
    CHECK(wax_oid_find(s) == WAX_OID_UNKNOWN);
    CHECK(!wax_oid_is(s, WAX_OID_UNKNOWN));
    CHECK(wax_oid_span(WAX_OID_UNKNOWN).len == 0);
    CHECK(wax_oid_name(WAX_OID_UNKNOWN) == NULL);
    CHECK(wax_oid_dotted(WAX_OID_UNKNOWN) == NULL);
    enum wax_oid_id beyond = (enum wax_oid_id)WAX_NUM_OID_IDS;
    CHECK(wax_oid_span(beyond).len == 0);
    CHECK(wax_oid_name(beyond) == NULL);
    CHECK(wax_oid_dotted(beyond) == NULL);
    CHECK(!wax_oid_is(wax_oid_span(WAX_OID_SHA256), beyond));
}

TEST(oid_to_dotted_table)
{
    static const struct {
        const char *hex;
        const char *want; /* NULL: must fail */
    } rows[] = {
        {"2A864886F70D", "1.2.840.113549"},
        {"00", "0.0"},
        {"27", "0.39"},
        {"28", "1.0"},
        {"4F", "1.39"},
        {"50", "2.0"},
        {"883703", "2.999.3"},
        {"7F", "2.47"},
        {"8100", "2.48"},
        {"2A 81FFFFFFFFFFFFFFFF7F", "1.2.18446744073709551615"},
        {"81FFFFFFFFFFFFFFFF7F", "2.18446744073709551535"},
        {"2A 8280808080808080808000", NULL}, /* 2^64 */
        {"2A 808001", NULL},                 /* leading 0x80 */
        {"2A86", NULL},                      /* ends inside an arc */
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t buf[32];
        size_t n = 0;
        for (const char *p = rows[i].hex; *p != '\0';) {
            if (*p == ' ') {
                p++;
                continue;
            }
            unsigned v;
            CHECK(sscanf(p, "%2x", &v) == 1 && n < sizeof buf);
            buf[n++] = (uint8_t)v;
            p += 2;
        }
        struct wax_span s = {buf, n};
        char out[64];
        memset(out, 'x', sizeof out);
        bool ok = wax_oid_to_dotted(s, out, sizeof out);
        if (rows[i].want == NULL) {
            CHECK_MSG(!ok && out[0] == '\0', "row %zu should fail", i);
            continue;
        }
        CHECK_MSG(ok, "row %zu failed", i);
        CHECK_STR(out, rows[i].want);
        /* exactly enough room, and one byte short */
        size_t need = strlen(rows[i].want) + 1;
        char *exact = malloc(need);
        CHECK(exact != NULL);
        bool fits = wax_oid_to_dotted(s, exact, need);
        bool same = fits && strcmp(exact, rows[i].want) == 0;
        bool short_fails = !wax_oid_to_dotted(s, exact, need - 1) &&
                           (need == 1 || exact[0] == '\0');
        free(exact);
        CHECK_MSG(same && short_fails, "row %zu: capacity handling", i);
    }
    char none[1];
    struct wax_span s = wax_oid_span(WAX_OID_SHA1);
    CHECK(!wax_oid_to_dotted(s, none, 0));
    CHECK(!wax_oid_to_dotted(s, none, 1) && none[0] == '\0');
}
