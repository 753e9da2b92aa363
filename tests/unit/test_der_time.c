/* Unit tests: UTCTime/GeneralizedTime (RFC 5280 §4.1.2.5 profile), the
 * civil <-> epoch conversion and RFC 3339 text. Expected epoch values are
 * the well-known POSIX times of those dates (see also the independent
 * day-counting check below). */
#include <string.h>

#include <wax/der.h>

#include "../harness.h"

static bool
der_time(uint32_t tag, const char *text, int64_t *out)
{
    struct wax_span c;
    wax_span_init(&c, (const uint8_t *)text, strlen(text));
    return wax_der_parse_time(tag, c, out);
}

struct time_row {
    uint32_t tag;
    const char *text;
    bool ok;
    int64_t t;
};

#define UTC WAX_DER_UTC_TIME
#define GEN WAX_DER_GENERALIZED_TIME

static const struct time_row time_rows[] = {
    {UTC, "700101000000Z", true, 0},
    {UTC, "691231235959Z", true, -1},
    {UTC, "000101000000Z", true, 946684800},  /* 2000-01-01 */
    {UTC, "500101000000Z", true, -631152000}, /* YY=50 is 1950 */
    {UTC, "491231235959Z", true, 2524607999}, /* YY=49 is 2049 */
    {UTC, "000229000000Z", true, 951782400},  /* 2000 is a leap year */
    {UTC, "960229120000Z", true, 825595200},
    {GEN, "19700101000000Z", true, 0},
    {GEN, "20500101000000Z", true, 2524608000},
    {GEN, "20000229000000Z", true, 951782400},
    {GEN, "19000301000000Z", true, -2203891200},
    {GEN, "99991231235959Z", true, 253402300799},
    {GEN, "00000101000000Z", true, -62167219200},
    {GEN, "00010101000000Z", true, -62135596800},
    {GEN, "19491231235959Z", true, -631152001}, /* allowed for readers */
    /* leap years: 1900 and 2100 are not, 1600 and 2000 are */
    {GEN, "19000229000000Z", false, 0},
    {GEN, "21000229000000Z", false, 0},
    {GEN, "16000229000000Z", true, -11670998400},
    {UTC, "500229000000Z", false, 0}, /* 1950 */
    {UTC, "010229000000Z", false, 0}, /* 2001 */
    /* field ranges */
    {UTC, "700001000000Z", false, 0},
    {UTC, "701301000000Z", false, 0},
    {UTC, "700100000000Z", false, 0},
    {UTC, "700132000000Z", false, 0},
    {UTC, "700431000000Z", false, 0},
    {UTC, "700430000000Z", true, 10281600},
    {UTC, "700101240000Z", false, 0},
    {UTC, "700101006000Z", false, 0},
    {UTC, "700101000060Z", false, 0}, /* no leap seconds */
    {UTC, "700101235959Z", true, 86399},
    {GEN, "99991231235960Z", false, 0},
    {GEN, "99991232000000Z", false, 0},
    /* shapes the profile forbids */
    {UTC, "7001010000Z", false, 0},  /* no seconds */
    {UTC, "700101000000", false, 0}, /* no Z */
    {UTC, "700101000000z", false, 0},
    {UTC, "700101000000+0000", false, 0},
    {UTC, "7001010000+0100", false, 0},
    {UTC, "19700101000000Z", false, 0}, /* GeneralizedTime length */
    {UTC, "0700101000000Z", false, 0},
    {UTC, "70010100000Z", false, 0},
    {UTC, "7001010000000Z", false, 0},
    {UTC, "70010100000 Z", false, 0},
    {UTC, "7001010000-0Z", false, 0},
    {UTC, "7O0101000000Z", false, 0},
    {UTC, "", false, 0},
    {GEN, "700101000000Z", false, 0},     /* UTCTime length */
    {GEN, "19700101000000.0Z", false, 0}, /* fractions */
    {GEN, "19700101000000.5Z", false, 0},
    {GEN, "197001010000Z", false, 0},
    {GEN, "19700101000000", false, 0},
    {GEN, "19700101000000+0000", false, 0},
    {GEN, "1970010100000Z0", false, 0},
    {GEN, "+9700101000000Z", false, 0},
    {GEN, "1970-101000000Z", false, 0},
    /* other tags are not times */
    {WAX_DER_OCTET_STRING, "700101000000Z", false, 0},
    {WAX_DER_UTC_TIME | WAX_DER_CONSTRUCTED, "700101000000Z", false, 0},
};

TEST(der_time_table)
{
    for (size_t i = 0; i < sizeof time_rows / sizeof time_rows[0]; i++) {
        const struct time_row *r = &time_rows[i];
        int64_t t = 12345;
        bool ok = der_time(r->tag, r->text, &t);
        CHECK_MSG(ok == r->ok, "row %zu (%s): got %d", i, r->text, ok);
        if (ok) {
            CHECK_MSG(t == r->t, "row %zu (%s): got %lld, want %lld", i,
                      r->text, (long long)t, (long long)r->t);
        } else {
            CHECK_MSG(t == 12345, "row %zu wrote its output", i);
        }
    }
}

/* The same rows through wax_der_validate give WAX_ERR_DER_BAD_TIME. */
TEST(der_time_validate_codes)
{
    for (size_t i = 0; i < sizeof time_rows / sizeof time_rows[0]; i++) {
        const struct time_row *r = &time_rows[i];
        if (r->tag != UTC && r->tag != GEN) {
            continue;
        }
        uint8_t der[40];
        size_t n = strlen(r->text);
        CHECK(n + 2 <= sizeof der);
        der[0] = (uint8_t)r->tag;
        der[1] = (uint8_t)n;
        memcpy(der + 2, r->text, n);
        wax_err got = wax_der_validate(der, n + 2, 4);
        CHECK_MSG(got == (r->ok ? WAX_OK : WAX_ERR_DER_BAD_TIME),
                  "row %zu (%s): %s", i, r->text, wax_err_name(got));
    }
}

/* An independent day count: add whole years and months one by one. */
static int64_t
naive_days(int year, int month, int day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int64_t days = 0;
    for (int y = 0; y < year; y++) {
        bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        days += leap ? 366 : 365;
    }
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    for (int m = 1; m < month; m++) {
        days += mdays[m - 1] + (m == 2 && leap ? 1 : 0);
    }
    return days + day - 1;
}

TEST(civil_agrees_with_naive_count)
{
    int64_t epoch_days = naive_days(1970, 1, 1);
    int64_t prev = 0;
    bool have_prev = false;
    static const int probe_months[] = {1, 2, 3, 12};
    for (int year = 0; year <= 9999; year += (year < 2200 ? 1 : 7)) {
        for (size_t k = 0; k < 4; k++) {
            int month = probe_months[k];
            int day = month == 2 ? 28 : (month == 12 ? 31 : 1);
            struct wax_civil_time ct = {year, month, day, 13, 14, 15};
            int64_t t;
            CHECK_MSG(wax_time_from_civil(&ct, &t), "%d-%d-%d", year, month,
                      day);
            int64_t want = (naive_days(year, month, day) - epoch_days) * 86400 +
                           13 * 3600 + 14 * 60 + 15;
            CHECK_MSG(t == want, "%d-%d-%d: got %lld, want %lld", year, month,
                      day, (long long)t, (long long)want);
            CHECK_MSG(!have_prev || t > prev, "not increasing at %d", year);
            prev = t;
            have_prev = true;
            struct wax_civil_time back;
            CHECK(wax_time_to_civil(t, &back));
            CHECK_MSG(back.year == year && back.month == month &&
                          back.day == day && back.hour == 13 &&
                          back.minute == 14 && back.second == 15,
                      "round trip of %d-%d-%d", year, month, day);
        }
    }
}

TEST(civil_round_trips_every_day_around_epoch_and_leap_years)
{
    /* every day from 1899-12-01 to 2101-02-01, consecutive */
    struct wax_civil_time ct = {1899, 12, 1, 0, 0, 0}, back;
    int64_t t0, t;
    CHECK(wax_time_from_civil(&ct, &t0));
    for (int64_t d = 0; d < 73000; d++) {
        t = t0 + d * 86400;
        CHECK(wax_time_to_civil(t, &back));
        int64_t again;
        CHECK(wax_time_from_civil(&back, &again) && again == t);
        CHECK(back.hour == 0 && back.minute == 0 && back.second == 0);
    }
    /* negative seconds inside a day */
    CHECK(wax_time_to_civil(-1, &back));
    CHECK(back.year == 1969 && back.month == 12 && back.day == 31 &&
          back.hour == 23 && back.minute == 59 && back.second == 59);
}

TEST(civil_limits)
{
    struct wax_civil_time ct, out;
    int64_t t;
    static const struct wax_civil_time bad[] = {
        {-1, 12, 31, 0, 0, 0},  {10000, 1, 1, 0, 0, 0}, {2000, 0, 1, 0, 0, 0},
        {2000, 13, 1, 0, 0, 0}, {2000, 1, 0, 0, 0, 0},  {2000, 2, 30, 0, 0, 0},
        {1900, 2, 29, 0, 0, 0}, {2000, 1, 1, -1, 0, 0}, {2000, 1, 1, 24, 0, 0},
        {2000, 1, 1, 0, -1, 0}, {2000, 1, 1, 0, 60, 0}, {2000, 1, 1, 0, 0, -1},
        {2000, 1, 1, 0, 0, 60},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 99;
        CHECK_MSG(!wax_time_from_civil(&bad[i], &t) && t == 99, "row %zu", i);
    }
    ct = (struct wax_civil_time){9999, 12, 31, 23, 59, 59};
    CHECK(wax_time_from_civil(&ct, &t) && t == 253402300799);
    CHECK(!wax_time_to_civil(t + 1, &out));
    CHECK(wax_time_to_civil(t, &out) && out.year == 9999 && out.second == 59);
    ct = (struct wax_civil_time){0, 1, 1, 0, 0, 0};
    CHECK(wax_time_from_civil(&ct, &t) && t == -62167219200);
    CHECK(!wax_time_to_civil(t - 1, &out));
    CHECK(wax_time_to_civil(t, &out) && out.year == 0 && out.month == 1);
    CHECK(!wax_time_to_civil(INT64_MIN, &out));
    CHECK(!wax_time_to_civil(INT64_MAX, &out));
}

/* ------------------------------------------------------------------ */
/* RFC 3339.                                                           */

TEST(rfc3339_format)
{
    static const struct {
        int64_t t;
        const char *want;
    } rows[] = {
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {951782400, "2000-02-29T00:00:00Z"},
        {2524607999, "2049-12-31T23:59:59Z"},
        {253402300799, "9999-12-31T23:59:59Z"},
        {-62167219200, "0000-01-01T00:00:00Z"},
        {1234567890, "2009-02-13T23:31:30Z"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[WAX_RFC3339_LEN + 1];
        CHECK(wax_time_format_rfc3339(rows[i].t, out, sizeof out));
        CHECK_STR(out, rows[i].want);
        int64_t back;
        CHECK(wax_time_parse_rfc3339(out, &back) && back == rows[i].t);
    }
    char small[WAX_RFC3339_LEN];
    CHECK(!wax_time_format_rfc3339(0, small, sizeof small));
    char out[64];
    CHECK(!wax_time_format_rfc3339(253402300800, out, sizeof out));
    CHECK(!wax_time_format_rfc3339(-62167219201, out, sizeof out));
}

TEST(rfc3339_parse_table)
{
    static const struct {
        const char *text;
        bool ok;
        int64_t t;
    } rows[] = {
        {"1970-01-01T00:00:00Z", true, 0},
        {"1970-01-01t00:00:00z", true, 0},
        {"1970-01-01T00:00:00.999Z", true, 0},
        {"1970-01-01T00:00:01.5Z", true, 1},
        {"1970-01-01T01:00:00+01:00", true, 0},
        {"1969-12-31T19:00:00-05:00", true, 0},
        {"1970-01-01T05:30:00+05:30", true, 0},
        {"1970-01-01T00:00:00+00:00", true, 0},
        {"1970-01-01T00:00:00-00:00", true, 0},
        {"2000-02-29T12:00:00.25-12:00", true, 951868800},
        {"2009-02-13T23:31:30Z", true, 1234567890},
        {"9999-12-31T23:59:59Z", true, 253402300799},
        {"0000-01-01T00:00:00Z", true, -62167219200},
        {"9999-12-31T23:59:59+01:00", true, 253402297199},
        /* out of the representable years after the offset */
        {"9999-12-31T23:59:59-00:01", false, 0},
        {"0000-01-01T00:00:00+00:01", false, 0},
        /* malformed */
        {"", false, 0},
        {"1970-01-01", false, 0},
        {"1970-01-01T00:00Z", false, 0},
        {"1970-01-01T00:00:00", false, 0},
        {"1970-01-01 00:00:00Z", false, 0},
        {"1970-01-01T00:00:00ZZ", false, 0},
        {"1970-01-01T00:00:00Z ", false, 0},
        {"1970-01-01T00:00:00.Z", false, 0},
        {"1970-01-01T00:00:00,5Z", false, 0},
        {"1970-01-01T00:00:00+01", false, 0},
        {"1970-01-01T00:00:00+0100", false, 0},
        {"1970-01-01T00:00:00+1:00", false, 0},
        {"1970-01-01T00:00:00+24:00", false, 0},
        {"1970-01-01T00:00:00+00:60", false, 0},
        {"1970-1-01T00:00:00Z", false, 0},
        {"70-01-01T00:00:00Z", false, 0},
        {"+1970-01-01T00:00:00Z", false, 0},
        {"1970/01/01T00:00:00Z", false, 0},
        {"1970-13-01T00:00:00Z", false, 0},
        {"1970-02-29T00:00:00Z", false, 0},
        {"1900-02-29T00:00:00Z", false, 0},
        {"1970-01-01T24:00:00Z", false, 0},
        {"1970-01-01T00:60:00Z", false, 0},
        {"1970-01-01T23:59:60Z", false, 0}, /* leap seconds refused */
        {"1970-01-01T00:00:00.5", false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t t = 4242;
        bool ok = wax_time_parse_rfc3339(rows[i].text, &t);
        CHECK_MSG(ok == rows[i].ok, "row %zu (%s)", i, rows[i].text);
        if (ok) {
            CHECK_MSG(t == rows[i].t, "row %zu (%s): got %lld", i, rows[i].text,
                      (long long)t);
        } else {
            CHECK_MSG(t == 4242, "row %zu wrote its output", i);
        }
    }
}
