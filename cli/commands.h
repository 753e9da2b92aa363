/* cli/commands.h - the entry point of every wax command (cli/cmd_*.c). */
#ifndef WAX_CLI_COMMANDS_H
#define WAX_CLI_COMMANDS_H

#include "ui.h"

int cmd_cert(int argc, char **argv);

#endif
