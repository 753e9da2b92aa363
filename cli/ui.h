/*
 * cli/ui.h - how the wax command talks to people: "wax: error: ..." and
 * "wax: hint: ..." lines on standard error, exit codes (DESIGN.md), and
 * escaping of untrusted text (SECURITY.md rule 11).
 */
#ifndef WAX_CLI_UI_H
#define WAX_CLI_UI_H

#include <stdio.h>

#include <wax/wax.h>

/* Exit statuses of the command-line contract. */
#define WAX_EXIT_OK 0
#define WAX_EXIT_REJECTED 1 /* the message or the crypto failed */
#define WAX_EXIT_USAGE 2    /* usage, configuration or I/O error */

void ui_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ui_error_code prints "wax: error: WHAT: <message> (WAX_ERR_...)". */
void ui_error_code(wax_err err, const char *what);

/* ui_put_escaped writes LEN bytes of untrusted text to F, replacing control
 * characters, backslashes and non-UTF-8 bytes by \xHH escapes. */
void ui_put_escaped(FILE *f, const uint8_t *text, size_t len);

/* ui_put_json_string writes a JSON string literal (quotes included) for
 * LEN bytes of untrusted text; invalid UTF-8 becomes U+FFFD. */
void ui_put_json_string(FILE *f, const uint8_t *text, size_t len);

/* A command: argc/argv start at the command name. Returns an exit status. */
typedef int (*cli_command_fn)(int argc, char **argv);

#endif
