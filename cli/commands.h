/* cli/commands.h - the entry point of every wax command (cli/cmd_*.c). */
#ifndef WAX_CLI_COMMANDS_H
#define WAX_CLI_COMMANDS_H

#include "ui.h"

int cmd_cert(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_encrypt(int argc, char **argv);
int cmd_decrypt(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
/* wax req, wax ca, wax id new (cli/cmd_pki.c). */
int cmd_req(int argc, char **argv);
int cmd_ca(int argc, char **argv);
int cmd_id(int argc, char **argv);
/* wax id new (cli/cmd_pki.c), from cmd_id. */
int cmd_id_new(int argc, char **argv);
/* wax cert verify (cli/cmd_cert_verify.c), from cmd_cert. */
int cmd_cert_verify(int argc, char **argv);

#endif
