/* The test-only JSON reader (json.c) that the vector programs rely on. */
#include <stdlib.h>
#include <string.h>

#include "../harness.h"
#include "json.h"

static struct json_value *
parse(const char *s)
{
    return json_parse(s, strlen(s), NULL, 0);
}

TEST(json_reads_nested_document)
{
    struct json_value *v =
        parse(" {\"a\": [1, -2, 3.5e1, true, false, null],"
              " \"s\": \"x\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\","
              " \"o\": {\"k\": \"0aFF\"}, \"a\": 7} ");
    CHECK(v != NULL);
    const struct json_value *a = json_get(v, "a");
    CHECK(json_array_len(a) == 6);
    CHECK(json_at(a, 0)->is_integer && json_at(a, 0)->integer == 1);
    CHECK(json_at(a, 1)->integer == -2);
    CHECK(!json_at(a, 2)->is_integer && json_at(a, 2)->number == 35.0);
    CHECK(json_at(a, 3)->type == JSON_BOOL && json_at(a, 3)->boolean);
    CHECK(json_at(a, 5)->type == JSON_NULL);
    CHECK(json_at(a, 6) == NULL);
    const char *s = json_get_string(v, "s");
    CHECK_STR(s, "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
    size_t n;
    uint8_t *hex = json_get_hex(json_get(v, "o"), "k", &n);
    CHECK(hex != NULL);
    CHECK_MEM(hex, n, "\x0a\xff", 2);
    free(hex);
    CHECK(json_get(v, "missing") == NULL);
    long long i;
    CHECK(!json_get_int(v, "s", &i));
    json_free(v);
}

TEST(json_rejects_malformed_input)
{
    static const char *const bad[] = {
        "",      "{",   "[1,]",        "{\"a\":1,}", "{a:1}",
        "01",    "1.",  "-",           "\"\\x\"",    "\"a",
        "[1] 2", "tru", "\"\\ud800\"", "\"\t\"",     "{\"a\" 1}",
        "[1 2]", "1e",  "\"\\u12g4\"",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char err[128] = "";
        struct json_value *v =
            json_parse(bad[k], strlen(bad[k]), err, sizeof err);
        CHECK_MSG(v == NULL, "accepted malformed input #%zu: %s", k, bad[k]);
        CHECK_MSG(strncmp(err, "json: offset", 12) == 0, "no message for #%zu",
                  k);
    }
    /* nesting cap */
    char deep[2 * (JSON_MAX_DEPTH + 2) + 1];
    size_t d = JSON_MAX_DEPTH + 2;
    memset(deep, '[', d);
    memset(deep + d, ']', d);
    deep[2 * d] = '\0';
    CHECK(parse(deep) == NULL);
    deep[0] = ' ';
    deep[2 * d - 1] = ' ';
    struct json_value *ok = parse(deep + 1); /* JSON_MAX_DEPTH + 1 levels */
    CHECK(ok != NULL);
    json_free(ok);
}

TEST(json_hex_rejects_odd_and_nonhex)
{
    struct json_value *v = parse("{\"odd\":\"abc\",\"bad\":\"zz\",\"e\":\"\"}");
    CHECK(v != NULL);
    size_t n = 99;
    CHECK(json_get_hex(v, "odd", &n) == NULL);
    CHECK(json_get_hex(v, "bad", &n) == NULL);
    uint8_t *e = json_get_hex(v, "e", &n);
    CHECK(e != NULL && n == 0);
    free(e);
    json_free(v);
}
