/* Helpers of the Slurm model's suites (slurm_testlib.h). */
#include <stdio.h>
#include <string.h>

#include "slurm_testlib.h"

void job_in_queue(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int user, int queue, int part)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%d %.0f -1 %.0f %d -1 -1 %d %.0f -1 1 %d 1 -1 %d %d -1 -1\n", id, submit, run, procs, procs, req,
             user, queue, part);
}

void job(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int user, int part)
{
    job_in_queue(buf, cap, id, submit, run, procs, req, user, -1, part);
}

const char *conf(const char *dir, int nodes, int cpus, const char *sched, const char *extra)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "SchedulerType=sched/backfill\n"
             "SchedulerParameters=%s\n"
             "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
             "%s\n"
             "NodeName=n[1-%d] CPUs=%d\n"
             "PartitionName=batch Nodes=n[1-%d] Default=YES MaxTime=INFINITE State=UP\n",
             sched, extra, nodes, cpus, nodes);
    return tl_write(dir, "slurm.conf", text);
}

void replay_with(const char *name, const char *conf_path, const char *swf, const char *const *opts, tl_result *r)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "slurm";
    hs_run_config_add_conf(&cfg, conf_path);
    for (; opts && *opts; opts += 2)
        hs_run_config_add_opt(&cfg, opts[0], opts[1]);
    tl_replay(name, swf, &cfg, r);
}

void replay(const char *name, const char *conf_path, const char *swf, tl_result *r)
{
    replay_with(name, conf_path, swf, NULL, r);
}

void says(const hs_error *err, const char *want)
{
    const char *base = strrchr(err->source, '/');
    char full[1024];
    snprintf(full, sizeof full, "%s:%ld: %s", base ? base + 1 : err->source, err->line, err->text);
    ck_assert_msg(strstr(full, want) != NULL, "'%s' does not say '%s'", full, want);
}
