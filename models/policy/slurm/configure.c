/* The Slurm model's side of the policy seam (hpcsim/policy.h): its
 * configuration is one slurm.conf (--policy-conf), with the options
 * topology=, assoc=, qos= and log= naming its other files (and
 * lockstep=, lockstep-at= holding it to a real history, lockstep.h); any other
 * option sets a slurm.conf key over the file (PriorityWeightAge=1000,
 * SchedulerParameters.bf_window=60), so that a sweep can vary it. The
 * --slurm-conf, --topology-conf, --slurm-assoc, --slurm-qos and
 * --slurm-log flags of earlier versions are aliases of these (cli/). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/file.h"
#include "setup.h"

static const char *const keys[] = {"topology",        "assoc",      "qos",      "log", "lockstep", "lockstep-at",
                                   "lockstep-passes", "main-phase", "main-drift", "bf-phase", "bf-drift", "calc-phase", NULL};

/* A number option in [lo, hi): its value into out; -1 with err otherwise. */
static int number_option(const char *key, const char *text, double lo, double hi, const char *what, double *out,
                         hs_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !(v >= lo && v < hi))
        return hs_error_set(err, "--policy-opt", 0, 0, "%s=%s: expected %s", key, text, what);
    *out = v;
    return 0;
}

/* The value of --policy-opt key (the last one given), or NULL. */
static const char *option(const hs_policy_args *a, const char *key)
{
    const char *v = NULL;
    for (unsigned i = 0; i < a->nopts; i++)
        if (strcmp(a->opts[i].key, key) == 0)
            v = a->opts[i].value;
    return v;
}

int sl_configure(const hs_policy_args *a, void **config, hs_error *err)
{
    *config = NULL;
    if (a->nconf != 1)
        return hs_error_set(err, "--policy slurm", 0, 0,
                            a->nconf ? "reads one slurm.conf, %u --policy-conf files were given"
                                     : "needs --policy-conf slurm.conf (or --slurm-conf FILE): the cluster and the "
                                       "scheduler's parameters come from it",
                            a->nconf);
    /* Any other option is a slurm.conf key set over the file. */
    hs_policy_opt *over = malloc((a->nopts ? a->nopts : 1) * sizeof *over);
    unsigned nover = 0;
    if (!over)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    for (unsigned i = 0; i < a->nopts; i++) {
        unsigned k = 0;
        while (keys[k] && strcmp(keys[k], a->opts[i].key) != 0)
            k++;
        if (!keys[k])
            over[nover++] = a->opts[i];
    }
    hs_slurm_setup *s = hs_slurm_setup_load_over(a->conf[0], option(a, "topology"), over, nover, a->warn, err);
    free(over);
    if (!s)
        return -1;
    const char *assoc = option(a, "assoc"), *qos = option(a, "qos"), *log = option(a, "log");
    if ((assoc && hs_slurm_setup_load_assoc(s, assoc, err) < 0) || (qos && hs_slurm_setup_load_qos(s, qos, err) < 0))
        goto fail;
    const char *main_phase = option(a, "main-phase"), *bf_phase = option(a, "bf-phase");
    const char *calc_phase = option(a, "calc-phase");
    const char *main_drift = option(a, "main-drift"), *bf_drift = option(a, "bf-drift");
    if ((main_phase && number_option("main-phase", main_phase, 0, 1, "seconds in [0, 1)", &s->main_phase, err) < 0) ||
        (main_drift && number_option("main-drift", main_drift, 0, 0.1, "seconds in [0, 0.1)", &s->main_drift, err) < 0) ||
        (bf_drift && number_option("bf-drift", bf_drift, 0, 1, "seconds in [0, 1)", &s->bf_drift, err) < 0) ||
        (bf_phase && number_option("bf-phase", bf_phase, -1e12, 1e12, "seconds from the trace's time 0", &s->bf_phase, err) < 0) ||
        (calc_phase &&
         number_option("calc-phase", calc_phase, -1e12, 1e12, "seconds from the trace's time 0", &s->calc_phase, err) < 0))
        goto fail;
    s->has_bf_phase = bf_phase != NULL;
    const char *lockstep = option(a, "lockstep"), *at_text = option(a, "lockstep-at");
    if (!lockstep != !at_text) {
        hs_error_set(err, "--policy-opt", 0, 0, "lockstep=REAL.csv and lockstep-at=SECONDS go together");
        goto fail;
    }
    if (lockstep) {
        double at = 0;
        if (number_option("lockstep-at", at_text, 0, nextafter(1e12, INFINITY), "seconds from the trace's time 0", &at,
                          err) < 0)
            goto fail;
        if (!(s->lockstep = malloc(sizeof *s->lockstep))) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            goto fail;
        }
        if (sl_lockstep_record_load(s->lockstep, lockstep, at, &s->conf, err) < 0) {
            free(s->lockstep);
            s->lockstep = NULL;
            goto fail;
        }
        const char *passes = option(a, "lockstep-passes");
        if (passes && strcmp(passes, "both") != 0) {
            bool main_only = strcmp(passes, "main") == 0;
            if (!main_only && strcmp(passes, "backfill") != 0) {
                hs_error_set(err, "--policy-opt", 0, 0, "lockstep-passes=%s: expected main, backfill or both", passes);
                goto fail;
            }
            s->lockstep->main_pass = main_only;
            s->lockstep->backfill = !main_only;
        }
    }
    if (log) {
        if (!(s->log_path = strdup(log))) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            goto fail;
        }
        if (!(s->log = fopen(log, "w"))) {
            hs_error_set(err, log, 0, 0, "cannot write: %s", strerror(errno));
            goto fail;
        }
    }
    *config = s;
    return 0;
fail:
    hs_slurm_setup_free(s);
    return -1;
}

int sl_configured_cluster(void *config, hs_cluster *c, char *source, size_t source_len, hs_error *err)
{
    const hs_slurm_setup *s = config;
    snprintf(source, source_len, "%s", s->source);
    return hs_slurm_setup_cluster(s, c, err) < 0 ? -1 : 1;
}

int sl_finish(void *config, hs_error *err)
{
    hs_slurm_setup *s = config;
    if (!s->log)
        return 0;
    FILE *log = s->log;
    s->log = NULL;
    if (hs_file_close(log, s->log_path, err) < 0) { /* a full disk: no log that looks complete */
        remove(s->log_path);
        return -1;
    }
    return 0;
}

void sl_unconfigure(void *config) { hs_slurm_setup_free(config); }
