/* Where fuzz targets put the file each input goes through: in memory
 * (/dev/shm) where there is one, since on a disk file system the file
 * costs more than the parsing (docs/testing.md "Fuzzing"). */
#ifndef HPCSIM_FUZZ_TMP_H
#define HPCSIM_FUZZ_TMP_H

#include <unistd.h>

static inline const char *fuzz_tmp_dir(void)
{
    return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

#endif
