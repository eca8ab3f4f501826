/* Reads a configuration file whole, for the Slurm model's readers
 * (slurm.conf, topology.conf, association and QOS files): one message
 * naming the file when it cannot be read, is not text (a NUL byte) or is
 * larger than 256 MiB. Also the line, field and number helpers those
 * readers share. */
#ifndef HPCSIM_SLURM_TEXT_FILE_H
#define HPCSIM_SLURM_TEXT_FILE_H

#include <stdint.h>

#include "hpcsim/error.h"

/* The file's bytes, NUL-terminated (caller frees), or NULL with err set. */
char *sl_read_text_file(const char *path, hs_error *err);

/* The next line of a text read in place: cut at '\n', a trailing '\r'
 * dropped; *cursor moves past it. NULL once the text is done. */
char *sl_next_line(char **cursor);

/* Splits a line in place at each '|' (sacctmgr -nP output) into field[];
 * returns the number of fields, or cap when there are cap or more (the
 * last then holds the rest of the line). */
int sl_split_bars(char *line, char **field, int cap);

/* A whole decimal integer in [0, max] (strtoull's: no sign, nothing
 * after it): 0 and *out set, or -1. */
int sl_parse_uint(const char *text, uint64_t max, uint64_t *out);

#endif
