/* The subcommands of `hpcsim`; each returns the process exit status:
 * 0 success, 1 failure (bad input, invalid schedule), 2 bad usage. */
#ifndef HPCSIM_CLI_COMMANDS_H
#define HPCSIM_CLI_COMMANDS_H

int hs_cmd_run(int argc, char **argv);
int hs_cmd_check(int argc, char **argv);
int hs_cmd_gen(int argc, char **argv);
int hs_cmd_sweep(int argc, char **argv);
int hs_cmd_report(int argc, char **argv);
int hs_cmd_slurm_verify(int argc, char **argv);

#endif
