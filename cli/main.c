/*
 * wax - S/MIME for the command line. main() parses the global options and
 * hands over to one command (the table below); each command lives in its
 * own cli/cmd_*.c file.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "store.h"
#include "ui.h"

static const struct {
    const char *name;
    cli_command_fn fn;
    const char *summary;
} commands[] = {
    {"sign", cmd_sign, "sign a message (-i ID)"},
    {"verify", cmd_verify,
     "verify a signed message; the content only if VALID"},
    {"encrypt", cmd_encrypt, "encrypt a message to recipients (-r R)"},
    {"decrypt", cmd_decrypt, "decrypt a message (-i ID)"},
    {"inspect", cmd_inspect, "show the structure of a message or CMS object"},
    {"cert", cmd_cert, "certificates: show, verify, and the store's"},
    {"crl", cmd_crl, "the store's CRLs: import, list"},
    {"req", cmd_req, "a new key and its certification request"},
    {"ca", cmd_ca, "a certification authority in the store"},
    {"id", cmd_id, "identities: new, import, list, export, rm"},
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: wax [--store PATH] COMMAND [OPTIONS] [FILE]\n\n"
               "wax signs, verifies, encrypts and decrypts S/MIME email.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\n  wax COMMAND --help   options of one command\n"
               "  wax --version        the version\n\n"
               "Exit status: 0 success, 1 the message or the crypto failed,\n"
               "2 usage, configuration or I/O error. See wax(1).\n");
}

int
main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return WAX_EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("wax %s\n", WAX_VERSION_STRING);
            return WAX_EXIT_OK;
        }
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) {
            cli_store_set_path(argv[++i]);
            continue;
        }
        if (strncmp(argv[i], "--store=", 8) == 0 && argv[i][8] != '\0') {
            cli_store_set_path(argv[i] + 8);
            continue;
        }
        ui_error("unknown option '%s'", argv[i]);
        ui_hint("run 'wax --help' for the commands and options");
        return WAX_EXIT_USAGE;
    }
    if (i == argc) {
        usage(stderr);
        return WAX_EXIT_USAGE;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        if (strcmp(argv[i], commands[c].name) == 0) {
            return commands[c].fn(argc - i, argv + i);
        }
    }
    ui_error("unknown command '%s'", argv[i]);
    ui_hint("run 'wax --help' for the list of commands");
    return WAX_EXIT_USAGE;
}
