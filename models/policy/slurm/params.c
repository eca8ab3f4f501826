/* slurm.conf → hs_slurm_params, with Slurm 22.05's defaults and ranges
 * (docs/slurm.md; slurm.conf(5)). */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct reader {
    const hs_slurm_conf *c;
    const char *src;
    FILE *warn;
    hs_error *err;
} reader;

/* An integer in [lo, hi] from a key's value. */
static int int_value(reader *r, const char *key, const char *v, long line, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return hs_error_set(r->err, r->src, line, 0, "%s=%s: expected an integer in [%ld, %ld]", key, v, lo, hi);
    *out = x;
    return 0;
}

/* SchedulerParameters=... entry `key` as an integer, or dflt. */
static int sched_int(reader *r, const char *key, long lo, long hi, long dflt, long *out)
{
    *out = dflt;
    for (uint32_t i = 0; i < r->c->nsched; i++)
        if (!strcasecmp(r->c->sched[i].key, key) &&
            int_value(r, key, r->c->sched[i].value, r->c->sched[i].line, lo, hi, out) < 0)
            return -1;
    return 0;
}

/* The SchedulerParameters this model reads; others are noted once. */
static const char *const modelled_sched[] = {
    "sched_interval", "batch_sched_delay", "default_queue_depth", "partition_job_depth",
    "sched_max_job_start", "bf_interval", "bf_resolution", "bf_window", "bf_max_job_test",
    "bf_max_job_start", "bf_max_job_user", "bf_max_job_part", "bf_node_space_size",
    "bf_min_age_reserve", "bf_min_prio_reserve", "bf_window_linear",
    /* no effect: the passes after a submission and after an end already
     * wait for the tick, as real Slurm's records show with and without it
     * (docs/slurm.md, "Two schedulers and a decay thread") */
    "defer",
    /* no effect in a model whose passes take no time */
    "max_sched_time", "sched_min_interval", "bf_max_time", "bf_yield_interval", "bf_yield_sleep", "max_rpc_cnt", "bf_continue",
    NULL,
};

static bool listed(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (!strcasecmp(*list, key))
            return true;
    return false;
}

static int priority_int(reader *r, const char *key, long dflt, uint32_t *out)
{
    const hs_slurm_kv *kv = hs_slurm_setting(r->c, key);
    long x = dflt;
    if (kv && int_value(r, key, kv->value, kv->line, 0, 4294967295L, &x) < 0)
        return -1;
    *out = (uint32_t)x;
    return 0;
}

static int time_setting(reader *r, const char *key, double dflt, double *out)
{
    const hs_slurm_kv *kv = hs_slurm_setting(r->c, key);
    *out = dflt;
    if (!kv)
        return 0;
    double t = hs_slurm_time(kv->value);
    if (t < -1.5)
        return hs_error_set(r->err, r->src, kv->line, 0, "%s=%s: not a Slurm time (minutes, [days-]hours:minutes:seconds or INFINITE)", key,
                            kv->value);
    *out = t < 0 ? 0 : t;
    return 0;
}

static const char *value_of(const hs_slurm_conf *c, const char *key, const char *dflt)
{
    const hs_slurm_kv *kv = hs_slurm_setting(c, key);
    return kv ? kv->value : dflt;
}

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncasecmp(p, word, n))
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static int read_sched(reader *r, hs_slurm_params *p)
{
    const hs_slurm_conf *c = r->c;
    const char *type = value_of(c, "SchedulerType", "sched/backfill");
    if (strcasecmp(type, "sched/backfill") && strcasecmp(type, "sched/builtin")) {
        const hs_slurm_kv *kv = hs_slurm_setting(c, "SchedulerType");
        return hs_error_set(r->err, r->src, kv->line, 0, "SchedulerType=%s: this model knows sched/backfill and sched/builtin", type);
    }
    long x;
    if (sched_int(r, "sched_interval", 0, 86400, 60, &x) < 0)
        return -1;
    p->sched_interval = (double)x;
    if (sched_int(r, "batch_sched_delay", 0, 86400, 3, &x) < 0)
        return -1;
    p->batch_sched_delay = (double)x;
    if (sched_int(r, "default_queue_depth", 0, 100000000, 100, &x) < 0)
        return -1;
    p->default_queue_depth = (uint32_t)x;
    if (sched_int(r, "partition_job_depth", 0, 100000000, 0, &x) < 0)
        return -1;
    p->partition_job_depth = (uint32_t)x;
    if (sched_int(r, "sched_max_job_start", 0, 100000000, 0, &x) < 0)
        return -1;
    p->sched_max_job_start = (uint32_t)x;
    if (sched_int(r, "bf_interval", -1, 10800, 30, &x) < 0)
        return -1;
    if (x == 0)
        return hs_error_set(r->err, r->src, 0, 0, "SchedulerParameters bf_interval=0: use -1 to disable backfill, or 1..10800");
    p->backfill = !strcasecmp(type, "sched/backfill") && x > 0;
    p->bf_interval = x > 0 ? (double)x : 30;
    if (sched_int(r, "bf_resolution", 1, 3600, 60, &x) < 0)
        return -1;
    p->bf_resolution = (double)x;
    if (sched_int(r, "bf_window", 1, 43200, 1440, &x) < 0)
        return -1;
    p->bf_window = 60.0 * (double)x;
    if (sched_int(r, "bf_max_job_test", 1, 1000000, 500, &x) < 0)
        return -1;
    p->bf_max_job_test = (uint32_t)x;
    if (sched_int(r, "bf_node_space_size", 2, 2000000, (long)p->bf_max_job_test, &x) < 0)
        return -1;
    p->bf_node_space_size = (uint32_t)x;
    if (sched_int(r, "bf_max_job_start", 0, 10000, 0, &x) < 0)
        return -1;
    p->bf_max_job_start = (uint32_t)x;
    if (sched_int(r, "bf_max_job_user", 0, 10000000, 0, &x) < 0)
        return -1;
    p->bf_max_job_user = (uint32_t)x;
    if (sched_int(r, "bf_max_job_part", 0, 10000000, 0, &x) < 0)
        return -1;
    p->bf_max_job_part = (uint32_t)x;
    if (sched_int(r, "bf_min_age_reserve", 0, 30 * 86400, 0, &x) < 0)
        return -1;
    p->bf_min_age_reserve = (double)x;
    if (sched_int(r, "bf_min_prio_reserve", 0, 4294967295L, 0, &x) < 0)
        return -1;
    p->bf_min_prio_reserve = (uint32_t)x;
    if (sched_int(r, "bf_window_linear", 0, 86400, 0, &x) < 0)
        return -1;
    p->bf_window_linear = (double)x;
    if (r->warn)
        for (uint32_t i = 0; i < c->nsched; i++)
            if (!listed(modelled_sched, c->sched[i].key))
                fprintf(r->warn, "%s:%ld: note: SchedulerParameters %.64s is not modelled; it is ignored\n", r->src,
                        c->sched[i].line, c->sched[i].key);
    return 0;
}

/* The Priority* keys read_priority reads: keep the two in step. */
static const char *const priority_keys[] = {
    "PriorityType", "PriorityWeightAge", "PriorityWeightFairshare", "PriorityWeightJobSize",
    "PriorityWeightPartition", "PriorityWeightQOS", "PriorityWeightAssoc", "PriorityMaxAge",
    "PriorityDecayHalfLife", "PriorityCalcPeriod", "PriorityFavorSmall", "PriorityFlags", NULL};

bool hs_slurm_priority_key_read(const char *key)
{
    for (const char *const *k = priority_keys; *k; k++)
        if (!strcasecmp(key, *k))
            return true;
    return false;
}

static int read_priority(reader *r, hs_slurm_params *p)
{
    const hs_slurm_conf *c = r->c;
    const char *type = value_of(c, "PriorityType", "priority/basic");
    if (strcasecmp(type, "priority/basic") && strcasecmp(type, "priority/multifactor")) {
        const hs_slurm_kv *kv = hs_slurm_setting(c, "PriorityType");
        return hs_error_set(r->err, r->src, kv->line, 0, "PriorityType=%s: this model knows priority/basic and priority/multifactor", type);
    }
    p->multifactor = !strcasecmp(type, "priority/multifactor");
    if (priority_int(r, "PriorityWeightAge", 0, &p->w_age) < 0 ||
        priority_int(r, "PriorityWeightFairshare", 0, &p->w_fairshare) < 0 ||
        priority_int(r, "PriorityWeightJobSize", 0, &p->w_jobsize) < 0 ||
        priority_int(r, "PriorityWeightPartition", 0, &p->w_partition) < 0 ||
        priority_int(r, "PriorityWeightQOS", 0, &p->w_qos) < 0 ||
        priority_int(r, "PriorityWeightAssoc", 0, &p->w_assoc) < 0)
        return -1;
    if (time_setting(r, "PriorityMaxAge", 7 * 86400.0, &p->max_age) < 0 ||
        time_setting(r, "PriorityDecayHalfLife", 7 * 86400.0, &p->decay_half_life) < 0 ||
        time_setting(r, "PriorityCalcPeriod", 300.0, &p->calc_period) < 0)
        return -1;
    if (p->calc_period <= 0)
        p->calc_period = 300.0;
    const hs_slurm_kv *fs = hs_slurm_setting(c, "PriorityFavorSmall");
    if (fs && strcasecmp(fs->value, "YES") && strcasecmp(fs->value, "NO"))
        return hs_error_set(r->err, r->src, fs->line, 0, "PriorityFavorSmall=%s: expected YES or NO", fs->value);
    p->favor_small = fs && !strcasecmp(fs->value, "YES");
    const char *flags = value_of(c, "PriorityFlags", "");
    p->fair_tree = !has_word(flags, "NO_FAIR_TREE");
    p->small_relative_to_time = has_word(flags, "SMALL_RELATIVE_TO_TIME");
    const hs_slurm_kv *damp = hs_slurm_setting(c, "FairShareDampeningFactor");
    long d = 1;
    if (damp && int_value(r, "FairShareDampeningFactor", damp->value, damp->line, 1, 9999, &d) < 0)
        return -1;
    p->dampening = (double)d;
    p->slurmdbd = !strcasecmp(value_of(c, "AccountingStorageType", "accounting_storage/none"), "accounting_storage/slurmdbd");
    const char *enforce = value_of(c, "AccountingStorageEnforce", "");
    p->charge_at_end = has_word(enforce, "limits") || has_word(enforce, "safe");
    if (p->multifactor && !p->slurmdbd && (p->w_age || p->w_fairshare)) {
        /* What Slurm 22.05 itself does (docs/slurm.md). */
        if (r->warn)
            fprintf(r->warn, "%s: note: PriorityWeightAge and PriorityWeightFairshare need AccountingStorageType=accounting_storage/slurmdbd; "
                             "as Slurm does, they are set to 0\n", r->src);
        p->w_age = p->w_fairshare = 0;
    }
    return 0;
}

static int read_select(reader *r, hs_slurm_params *p)
{
    const hs_slurm_conf *c = r->c;
    const char *type = c->select_type ? c->select_type : "select/linear";
    if (!strcasecmp(type, "select/linear"))
        p->whole_nodes = true;
    else if (strcasecmp(type, "select/cons_tres") && strcasecmp(type, "select/cons_res"))
        return hs_error_set(r->err, r->src, 0, 0, "SelectType=%s: this model knows select/cons_tres, select/cons_res and select/linear", type);
    const char *sp = c->select_type_parameters ? c->select_type_parameters : "";
    if (r->warn && (has_word(sp, "CR_LLN") || has_word(sp, "CR_Pack_Nodes")))
        fprintf(r->warn, "%s: note: SelectTypeParameters %.64s: CR_LLN and CR_Pack_Nodes are not modelled; nodes are chosen by "
                         "consecutive best fit\n", r->src, sp);
    /* CR_Core_Memory and the like make memory consumable in real Slurm:
     * jobs share a node's memory; the model does not (docs/slurm.md) */
    if (r->warn && strstr(sp, "Memory"))
        fprintf(r->warn, "%s: note: SelectTypeParameters %.64s: memory is not modelled: jobs' requested memory (SWF "
                         "field 10) is ignored, so where memory binds a job may start earlier than Slurm would start it\n",
                r->src, sp);
    const char *topo = value_of(c, "TopologyPlugin", "topology/none");
    if (!strcasecmp(topo, "topology/tree"))
        p->topology_tree = true;
    else if (strcasecmp(topo, "topology/none") && strcasecmp(topo, "topology/default")) {
        const hs_slurm_kv *kv = hs_slurm_setting(c, "TopologyPlugin");
        return hs_error_set(r->err, r->src, kv->line, 0, "TopologyPlugin=%s: this model knows topology/tree and topology/none", topo);
    }
    const hs_slurm_kv *kw = hs_slurm_setting(c, "KillWait");
    long k = 30;
    if (kw && int_value(r, "KillWait", kw->value, kw->line, 0, 65533, &k) < 0)
        return -1;
    p->kill_wait = (double)k;
    return 0;
}

int hs_slurm_params_read(hs_slurm_params *p, const hs_slurm_conf *c, const char *source, FILE *warn, hs_error *err)
{
    memset(p, 0, sizeof *p);
    reader r = {c, source, warn, err};
    if (read_sched(&r, p) < 0 || read_priority(&r, p) < 0 || read_select(&r, p) < 0)
        return -1;
    return 0;
}
