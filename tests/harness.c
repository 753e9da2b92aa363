/*
 * tests/harness.c - runs every registered test, one line each (see
 * harness.h). Usage: test-program [SUBSTRING]: with an argument, only the
 * tests whose "file:name" contains it run.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MAX_TESTS 4096
#define MAX_TEST_FILE_BYTES ((size_t)64 << 20)

struct test_entry {
    const char *file;
    const char *name;
    wax_test_fn fn;
};

static struct test_entry tests[MAX_TESTS];
static size_t num_tests;
static bool current_failed;
static bool current_skipped;
static char current_msg[1024];

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void
wax_test_register(const char *file, const char *name, wax_test_fn fn)
{
    if (num_tests == MAX_TESTS) {
        fprintf(stderr, "harness: too many tests\n");
        exit(2);
    }
    tests[num_tests].file = base_name(file);
    tests[num_tests].name = name;
    tests[num_tests].fn = fn;
    num_tests++;
}

void
wax_test_fail(const char *file, int line, const char *fmt, ...)
{
    if (current_failed) {
        return;
    }
    current_failed = true;
    int n = snprintf(current_msg, sizeof current_msg, "%s:%d: ",
                     base_name(file), line);
    if (n < 0 || (size_t)n >= sizeof current_msg) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(current_msg + n, sizeof current_msg - (size_t)n, fmt, ap);
    va_end(ap);
}

void
wax_test_skip(const char *fmt, ...)
{
    current_skipped = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(current_msg, sizeof current_msg, fmt, ap);
    va_end(ap);
}

bool
wax_test_failed(void)
{
    return current_failed;
}

const char *
wax_test_data_dir(void)
{
    const char *env = getenv("WAX_TESTDATA");
    return env != NULL && env[0] != '\0' ? env : "../shared/testdata";
}

const char *
wax_test_data_path(const char *rel)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", wax_test_data_dir(), rel);
    return path;
}

uint8_t *
wax_test_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 ||
        (size_t)st.st_size > MAX_TEST_FILE_BYTES) {
        fclose(f);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    uint8_t *data = malloc(len + 1);
    if (data == NULL) {
        fclose(f);
        return NULL;
    }
    if (fread(data, 1, len, f) != len) {
        free(data);
        fclose(f);
        return NULL;
    }
    fclose(f);
    data[len] = 0;
    *out_len = len;
    return data;
}

int
main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    size_t passed = 0, failed = 0, skipped = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < num_tests; i++) {
        char full[512];
        snprintf(full, sizeof full, "%s:%s", tests[i].file, tests[i].name);
        if (filter != NULL && strstr(full, filter) == NULL) {
            continue;
        }
        current_failed = false;
        current_skipped = false;
        current_msg[0] = '\0';
        tests[i].fn();
        if (current_failed) {
            printf("FAIL %s: %s\n", full, current_msg);
            failed++;
        } else if (current_skipped) {
            printf("SKIP %s: %s\n", full, current_msg);
            skipped++;
        } else {
            printf("ok   %s\n", full);
            passed++;
        }
    }
    fprintf(stderr, "%zu passed, %zu failed, %zu skipped\n", passed, failed,
            skipped);
    return failed == 0 ? 0 : 1;
}
