/* Reads a configuration file whole, for the Slurm model's readers
 * (slurm.conf, topology.conf, association files): one message naming the
 * file when it cannot be read, is not text (a NUL byte) or is larger than
 * 256 MiB. */
#ifndef HPCSIM_SLURM_TEXT_FILE_H
#define HPCSIM_SLURM_TEXT_FILE_H

#include "hpcsim/error.h"

/* The file's bytes, NUL-terminated (caller frees), or NULL with err set. */
char *sl_read_text_file(const char *path, hs_error *err);

#endif
