/* Fuzz target for the slurm.conf reader and the scheduler parameters
 * read from it: any bytes either fail with a message naming the source,
 * or give nodes and partitions whose indexes hold and parameters inside
 * Slurm's ranges (or a message naming the source).
 *
 * Inputs whose host lists name more than FUZZ_MAX_HOSTS hosts in all are
 * skipped: bracket groups multiply ("n[1-999]x[1-999]"), an input of a
 * few hundred bytes named up to the reader's cap of 1,000,000 hosts and
 * took seconds under the sanitizers, and such inputs held the target to
 * 600 executions a second (docs/testing.md "Fuzzing"). The cap itself is
 * a unit test (test_slurm_conf.c). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "hpcsim/hostlist.h"
#include "params.h"

#define FUZZ_MAX_HOSTS 20000u

/* At most how many hosts value names, within a factor of two (counted,
 * not expanded, by the reader's own host list code); 0 when malformed, as
 * the reader refuses that at once; FUZZ_MAX_HOSTS + 1 above the limit. */
static uint64_t hosts_bound(const char *value)
{
    char why[128];
    for (uint32_t n = 1; n <= FUZZ_MAX_HOSTS; n *= 2) {
        if (hs_hostlist_each(value, n, NULL, NULL, why, sizeof why) == 0)
            return n;
        if (!strstr(why, "more than"))
            return 0;
    }
    return FUZZ_MAX_HOSTS + 1;
}

/* About how many hosts the NodeName= and Nodes= values of text name;
 * continuations are joined first, as the reader joins them (text is
 * changed). */
static uint64_t hosts_named(char *text)
{
    char *w = text;
    for (const char *r = text; *r; r++) {
        if (r[0] == '\\' && r[1] == '\n')
            r++;
        else
            *w++ = *r;
    }
    *w = '\0';
    uint64_t total = 0;
    for (char *p = text; *p && total <= FUZZ_MAX_HOSTS; p++) {
        size_t key = !strncasecmp(p, "NodeName=", 9) ? 9 : !strncasecmp(p, "Nodes=", 6) ? 6 : 0;
        if (!key || (p > text && !isspace((unsigned char)p[-1])))
            continue;
        char *value = p + key, *end = value;
        while (*end && !isspace((unsigned char)*end))
            end++;
        char saved = *end;
        *end = '\0';
        total += hosts_bound(value);
        *end = saved;
        p = end - 1;
    }
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size))
        return 0; /* the file reader refuses NUL bytes before parsing */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (hosts_named(text) > FUZZ_MAX_HOSTS) {
        free(text);
        return 0;
    }
    memcpy(text, data, size); /* hosts_named joined the continuations */
    text[size] = '\0';
    hs_slurm_conf c;
    hs_error err;
    if (hs_slurm_conf_parse(&c, text, "fuzz.conf", &err) < 0) {
        if (err.text[0] == '\0' || strcmp(err.source, "fuzz.conf") != 0 || c.nnodes != 0)
            abort();
    } else {
        if (c.nnodes == 0)
            abort();
        for (uint32_t p = 0; p < c.nparts; p++)
            for (uint32_t i = 0; i < c.parts[p].nnodes; i++)
                if (c.parts[p].nodes[i] >= c.nnodes)
                    abort();
        hs_slurm_params prm;
        if (hs_slurm_params_read(&prm, &c, "fuzz.conf", NULL, &err) < 0) {
            if (err.text[0] == '\0' || strcmp(err.source, "fuzz.conf") != 0)
                abort();
        } else if (prm.bf_resolution < 1 || prm.bf_resolution > 3600 || prm.bf_max_job_test < 1 || prm.calc_period <= 0 ||
                   prm.dampening < 1 || (prm.multifactor && !prm.slurmdbd && (prm.w_age || prm.w_fairshare)))
            abort();
        hs_slurm_conf_free(&c);
    }
    free(text);
    return 0;
}
