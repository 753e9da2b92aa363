/*
 * der/time.c - UTCTime and GeneralizedTime in the RFC 5280 §4.1.2.5 profile,
 * civil <-> epoch conversion (proleptic Gregorian, years 0..9999) and
 * RFC 3339 text. No libc time functions: they depend on the locale, the
 * time zone and the width of time_t.
 */
#include <wax/der.h>

#define SECONDS_PER_DAY 86400

static bool
is_leap_year(int year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static int
days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) {
        return 29;
    }
    return days[month - 1];
}

/*
 * Days since 1970-01-01 of a valid proleptic Gregorian date. Counts in
 * 400-year eras of 146097 days starting on March 1st, so that the leap day
 * is the last day of the counting year.
 */
static int64_t
days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2 ? 1 : 0);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                         /* 0..399 */
    int64_t mp = month > 2 ? month - 3 : month + 9;      /* 0..11 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;          /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return era * 146097 + doe - 719468; /* 719468: 0000-03-01 to 1970-01-01 */
}

/* The inverse of days_from_civil. */
static void
civil_from_days(int64_t z, int *out_year, int *out_month, int *out_day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    *out_year = (int)year;
    *out_month = (int)month;
    *out_day = (int)day;
}

static int64_t
min_time(void)
{
    return days_from_civil(0, 1, 1) * SECONDS_PER_DAY;
}

static int64_t
max_time(void)
{
    return days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY -
           1;
}

bool
wax_time_from_civil(const struct wax_civil_time *ct, int64_t *out_time)
{
    if (ct->year < 0 || ct->year > 9999 || ct->month < 1 || ct->month > 12 ||
        ct->day < 1 || ct->day > days_in_month(ct->year, ct->month) ||
        ct->hour < 0 || ct->hour > 23 || ct->minute < 0 || ct->minute > 59 ||
        ct->second < 0 || ct->second > 59) {
        return false;
    }
    *out_time =
        days_from_civil(ct->year, ct->month, ct->day) * SECONDS_PER_DAY +
        ct->hour * 3600 + ct->minute * 60 + ct->second;
    return true;
}

bool
wax_time_to_civil(int64_t t, struct wax_civil_time *out)
{
    if (t < min_time() || t > max_time()) {
        return false;
    }
    int64_t days = t / SECONDS_PER_DAY;
    int64_t secs = t % SECONDS_PER_DAY;
    if (secs < 0) { /* C division truncates toward zero */
        secs += SECONDS_PER_DAY;
        days--;
    }
    struct wax_civil_time ct;
    civil_from_days(days, &ct.year, &ct.month, &ct.day);
    ct.hour = (int)(secs / 3600);
    ct.minute = (int)(secs / 60 % 60);
    ct.second = (int)(secs % 60);
    *out = ct;
    return true;
}

/* ------------------------------------------------------------------ */
/* DER times.                                                          */

static bool
is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

/* digits reads N decimal digits at P (the caller checked they exist). */
static bool
digits(const uint8_t *p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i])) {
            return false;
        }
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * RFC 5280 §4.1.2.5.1: UTCTime is YYMMDDHHMMSSZ, seconds present, Zulu;
 * YY >= 50 is 19YY, YY < 50 is 20YY. §4.1.2.5.2: GeneralizedTime is
 * YYYYMMDDHHMMSSZ without fractional seconds. Not checked: that dates
 * before 2050 use UTCTime (a rule for issuers, not for readers).
 */
bool
wax_der_parse_time(uint32_t tag, struct wax_span contents, int64_t *out_time)
{
    size_t year_len;
    if (tag == WAX_DER_UTC_TIME) {
        year_len = 2;
    } else if (tag == WAX_DER_GENERALIZED_TIME) {
        year_len = 4;
    } else {
        return false;
    }
    if (contents.len != year_len + 11 || contents.p[contents.len - 1] != 'Z') {
        return false;
    }
    const uint8_t *p = contents.p;
    struct wax_civil_time ct;
    if (!digits(p, year_len, &ct.year) || !digits(p + year_len, 2, &ct.month) ||
        !digits(p + year_len + 2, 2, &ct.day) ||
        !digits(p + year_len + 4, 2, &ct.hour) ||
        !digits(p + year_len + 6, 2, &ct.minute) ||
        !digits(p + year_len + 8, 2, &ct.second)) {
        return false;
    }
    if (tag == WAX_DER_UTC_TIME) {
        ct.year += ct.year < 50 ? 2000 : 1900;
    }
    return wax_time_from_civil(&ct, out_time);
}

/* ------------------------------------------------------------------ */
/* RFC 3339.                                                           */

static void
put_digits(char *out, int v, size_t n)
{
    for (size_t i = n; i > 0; i--) {
        out[i - 1] = (char)('0' + v % 10);
        v /= 10;
    }
}

bool
wax_time_format_rfc3339(int64_t t, char *out, size_t out_cap)
{
    struct wax_civil_time ct;
    if (out_cap < WAX_RFC3339_LEN + 1 || !wax_time_to_civil(t, &ct)) {
        return false;
    }
    put_digits(out, ct.year, 4);
    out[4] = '-';
    put_digits(out + 5, ct.month, 2);
    out[7] = '-';
    put_digits(out + 8, ct.day, 2);
    out[10] = 'T';
    put_digits(out + 11, ct.hour, 2);
    out[13] = ':';
    put_digits(out + 14, ct.minute, 2);
    out[16] = ':';
    put_digits(out + 17, ct.second, 2);
    out[19] = 'Z';
    out[20] = '\0';
    return true;
}

/* text_digits reads exactly N digits from the NUL-terminated S at *IO_I,
 * never looking past a non-digit (so never past the NUL). */
static bool
text_digits(const char *s, size_t *io_i, size_t n, int *out)
{
    int v = 0;
    size_t i = *io_i;
    for (size_t k = 0; k < n; k++, i++) {
        if (!is_digit((uint8_t)s[i])) {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *io_i = i;
    *out = v;
    return true;
}

static bool
text_char(const char *s, size_t *io_i, char a, char b)
{
    if (s[*io_i] != a && s[*io_i] != b) {
        return false;
    }
    (*io_i)++;
    return true;
}

/*
 * RFC 3339 §5.6 date-time: full-date "T" full-time, where time-secfrac is
 * allowed (and dropped) and time-offset is "Z" or +/-HH:MM. "T" and "Z" may
 * be lower case (§5.6 NOTE). Leap seconds (second 60) are refused, and so
 * is a result outside years 0..9999 UTC.
 */
bool
wax_time_parse_rfc3339(const char *s, int64_t *out_time)
{
    size_t i = 0;
    struct wax_civil_time ct;
    if (!text_digits(s, &i, 4, &ct.year) || !text_char(s, &i, '-', '-') ||
        !text_digits(s, &i, 2, &ct.month) || !text_char(s, &i, '-', '-') ||
        !text_digits(s, &i, 2, &ct.day) || !text_char(s, &i, 'T', 't') ||
        !text_digits(s, &i, 2, &ct.hour) || !text_char(s, &i, ':', ':') ||
        !text_digits(s, &i, 2, &ct.minute) || !text_char(s, &i, ':', ':') ||
        !text_digits(s, &i, 2, &ct.second)) {
        return false;
    }
    if (s[i] == '.') {
        i++;
        if (!is_digit((uint8_t)s[i])) {
            return false;
        }
        while (is_digit((uint8_t)s[i])) {
            i++;
        }
    }
    int64_t offset = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        int oh, om;
        i++;
        if (!text_digits(s, &i, 2, &oh) || !text_char(s, &i, ':', ':') ||
            !text_digits(s, &i, 2, &om) || oh > 23 || om > 59) {
            return false;
        }
        offset = sign * (int64_t)(oh * 3600 + om * 60);
    } else {
        return false;
    }
    if (s[i] != '\0') {
        return false;
    }
    int64_t local;
    if (!wax_time_from_civil(&ct, &local)) {
        return false;
    }
    /* local time = UTC + offset */
    int64_t t = local - offset;
    if (t < min_time() || t > max_time()) {
        return false;
    }
    *out_time = t;
    return true;
}
