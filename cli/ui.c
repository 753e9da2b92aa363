/* Messages, exit codes and escaping for the wax command. */
#include <stdarg.h>

#include "ui.h"

static void
vsay(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "wax: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
ui_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("error", fmt, ap);
    va_end(ap);
}

void
ui_hint(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("hint", fmt, ap);
    va_end(ap);
}

void
ui_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("warning", fmt, ap);
    va_end(ap);
}

void
ui_error_code(wax_err err, const char *what)
{
    ui_error("%s: %s (%s)", what, wax_err_str(err), wax_err_name(err));
}

/* utf8_sequence_len returns the length of the valid UTF-8 sequence at P, or
 * 0 when P does not start one (overlongs, surrogates and > U+10FFFF are
 * invalid). */
static size_t
utf8_sequence_len(const uint8_t *p, size_t len)
{
    uint8_t c = p[0];
    size_t n;
    uint32_t min;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

void
ui_put_escaped(FILE *f, const uint8_t *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = text[i];
        size_t n = utf8_sequence_len(text + i, len - i);
        if (n == 0 || c < 0x20 || c == 0x7F || c == '\\') {
            fprintf(f, "\\x%02X", c);
            i++;
            continue;
        }
        fwrite(text + i, 1, n, f);
        i += n;
    }
}

void
ui_put_json_string(FILE *f, const uint8_t *text, size_t len)
{
    fputc('"', f);
    size_t i = 0;
    while (i < len) {
        uint8_t c = text[i];
        size_t n = utf8_sequence_len(text + i, len - i);
        if (n == 0) {
            fputs("\\ufffd", f);
            i++;
            continue;
        }
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
        } else {
            fwrite(text + i, 1, n, f);
        }
        i += n;
    }
    fputc('"', f);
}
