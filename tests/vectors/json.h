/*
 * tests/vectors/json.h - a small JSON reader for the test vector programs
 * (Wycheproof files and the like). Tests only; not part of libwax.
 *
 * json_parse builds a tree of json_value nodes from a whole document and
 * json_free releases it. Strings are decoded (escapes, \u with surrogate
 * pairs, to UTF-8) and NUL-terminated; numbers keep their integer value
 * when they are integers that fit a long long. Nesting is capped at
 * JSON_MAX_DEPTH. Duplicate object keys are kept; json_get returns the
 * first.
 */
#ifndef WAX_TESTS_JSON_H
#define WAX_TESTS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
};

struct json_value {
    enum json_type type;
    bool boolean;      /* JSON_BOOL */
    double number;     /* JSON_NUMBER */
    long long integer; /* JSON_NUMBER when is_integer */
    bool is_integer;
    char *string;             /* JSON_STRING: decoded, NUL-terminated */
    size_t string_len;        /* without the NUL (strings may hold \u0000) */
    struct json_value *items; /* JSON_ARRAY elements, JSON_OBJECT values */
    char **keys;              /* JSON_OBJECT keys, parallel to items */
    size_t num_items;
};

/*
 * json_parse parses LEN bytes of TEXT (one value, optional surrounding
 * white space). Returns NULL on a syntax error or out of memory, with a
 * message naming the byte offset in ERR (ERR_CAP bytes; ERR may be NULL).
 */
struct json_value *json_parse(const char *text, size_t len, char *err,
                              size_t err_cap);

/* json_free releases a tree from json_parse (NULL is fine). */
void json_free(struct json_value *v);

/* json_get returns the value of KEY in object OBJ, or NULL when OBJ is not
 * an object or has no such key. */
const struct json_value *json_get(const struct json_value *obj,
                                  const char *key);

/* json_get_string returns the string value of KEY, or NULL when it is
 * absent or not a string. */
const char *json_get_string(const struct json_value *obj, const char *key);

/* json_get_int stores the integer value of KEY; false when absent or not an
 * integer. */
bool json_get_int(const struct json_value *obj, const char *key,
                  long long *out);

/* json_array_len is the number of elements of an array (0 for anything
 * else); json_at returns element I or NULL. */
size_t json_array_len(const struct json_value *arr);
const struct json_value *json_at(const struct json_value *arr, size_t i);

/*
 * json_get_hex decodes the hex string value of KEY into a malloc'd buffer
 * (never NULL on success, even for ""), storing its length in *OUT_LEN.
 * Returns NULL when KEY is absent, not a string, of odd length or not hex.
 */
uint8_t *json_get_hex(const struct json_value *obj, const char *key,
                      size_t *out_len);

/* json_has_string reports whether array ARR holds the string S (for
 * Wycheproof "flags"). */
bool json_has_string(const struct json_value *arr, const char *s);

/* json_load_file reads and parses a whole file; NULL on failure, with a
 * message in ERR. */
struct json_value *json_load_file(const char *path, char *err, size_t err_cap);

#endif
