/* Parameters, clock and the JSON result line shared by every mode. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double hb_param_double(const hb_params *p, const char *key, double def)
{
    const char *s = hb_param_str(p, key, NULL);
    if (!s)
        return def;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end) {
        fprintf(stderr, "hpcsim-bench: %s=%s is not a number\n", key, s);
        exit(2);
    }
    return v;
}

const char *hb_param_str(const hb_params *p, const char *key, const char *def)
{
    size_t kl = strlen(key);
    for (int i = 0; i < p->n; i++)
        if (strncmp(p->kv[i], key, kl) == 0 && p->kv[i][kl] == '=')
            return p->kv[i] + kl + 1;
    return def;
}

double hb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The CPUs this process may run on, as the kernel lists them: lets a
 * caller check the pinning of a node from the benchmark's own output. */
static void cpus_allowed(char *out, size_t cap)
{
    snprintf(out, cap, "?");
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
            char *v = line + 18;
            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, cap, "%s", v);
            break;
        }
    fclose(f);
}

void hb_emit(const char *bench, const char *metric, double value, const char *unit, bool higher_is_better,
             double seconds, double work, const char *extras)
{
    char cpus[256];
    cpus_allowed(cpus, sizeof cpus);
    printf("{\"bench\":\"%s\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\",\"higher_is_better\":%s,"
           "\"seconds\":%.6f,\"work\":%.0f%s%s,\"cpus_allowed\":\"%s\"}\n",
           bench, metric, value, unit, higher_is_better ? "true" : "false", seconds, work, *extras ? "," : "",
           extras, cpus);
    fflush(stdout);
}

void hb_emit_error(const char *bench, const char *message)
{
    printf("{\"bench\":\"%s\",\"error\":\"%s\"}\n", bench, message);
    fflush(stdout);
}
