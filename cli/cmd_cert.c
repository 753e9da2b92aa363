/* wax cert: certificate commands. (show arrives with the x509 layer.) */
#include <string.h>

#include "commands.h"

int
cmd_cert(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout, "usage: wax cert show [--json] FILE...\n");
        return argc < 2 ? WAX_EXIT_USAGE : WAX_EXIT_OK;
    }
    ui_error("unknown cert command '%s'", argv[1]);
    ui_hint("run 'wax cert --help'");
    return WAX_EXIT_USAGE;
}
