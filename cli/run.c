/* One replay from inputs to output files (run.h): load the cluster and the
 * trace first, so that bad input stops the run before any file is made;
 * then simulate, streaming jobs.csv, and rename the outputs into place. */
#include "hpcsim/run.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcsim/engine.h"
#include "hpcsim/model.h"
#include "hpcsim/output.h"
#include "hpcsim/perf.h"
#include "hpcsim/progress.h"
#include "hpcsim/policy.h"
#include "hpcsim/trace.h"

void hs_run_config_default(hs_run_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->alloc_mode = -1;
    cfg->policy = "easy";
    cfg->out_dir = "hpcsim-out";
    cfg->kill_at_req_time = true;
}

int hs_run_config_add_conf(hs_run_config *cfg, const char *path)
{
    if (cfg->npolicy_conf == HS_RUN_MAX_POLICY_CONF)
        return -1;
    cfg->policy_conf[cfg->npolicy_conf++] = path;
    return 0;
}

int hs_run_config_add_opt(hs_run_config *cfg, const char *key, const char *value)
{
    if (cfg->npolicy_opts == HS_RUN_MAX_POLICY_OPTS)
        return -1;
    cfg->policy_opts[cfg->npolicy_opts++] = (hs_policy_opt){key, value};
    return 0;
}

/* Cluster from --cluster, or --nodes/--cores-per-node, or the trace header. */
static int make_cluster(const hs_run_config *cfg, hs_cluster *c, char *source, size_t source_len, hs_error *err)
{
    if (cfg->cluster_path) {
        snprintf(source, source_len, "%s", cfg->cluster_path);
        if (hs_cluster_load_json(c, cfg->cluster_path, err) < 0)
            return -1;
    } else {
        uint32_t nodes = cfg->nodes, cores = cfg->cores_per_node;
        if (nodes == 0 || cores == 0) {
            hs_swf_header h;
            if (hs_trace_read_header(cfg->trace_path, &h, err) < 0)
                return -1;
            if (nodes == 0) {
                if (h.max_nodes <= 0 && h.max_procs <= 0)
                    return hs_error_set(err, cfg->trace_path, 0, 0,
                                        "the trace has no MaxNodes or MaxProcs header; give --nodes N "
                                        "--cores-per-node C, or --cluster FILE");
                nodes = (uint32_t)(h.max_nodes > 0 ? h.max_nodes : h.max_procs);
            }
            if (cores == 0) {
                /* MaxProcs / MaxNodes when the header has both and they divide evenly. */
                if (h.max_nodes > 0 && h.max_procs > 0 && h.max_procs % h.max_nodes == 0 && !cfg->nodes)
                    cores = (uint32_t)(h.max_procs / h.max_nodes);
                else if (h.max_nodes > 0 && h.max_procs > 0 && h.max_procs != h.max_nodes && !cfg->nodes)
                    return hs_error_set(err, cfg->trace_path, 0, 0,
                                        "MaxProcs (%ld) is not a multiple of MaxNodes (%ld); give "
                                        "--cores-per-node C, or --cluster FILE",
                                        h.max_procs, h.max_nodes);
                else
                    cores = 1;
            }
        }
        snprintf(source, source_len, "%u nodes x %u cores", nodes, cores);
        if (hs_cluster_init_uniform(c, nodes, cores, HS_ALLOC_CORES, err) < 0)
            return -1;
    }
    if (cfg->alloc_mode >= 0 &&
        hs_cluster_set_mode(c, (enum hs_alloc_mode)cfg->alloc_mode, cfg->cluster_path ? cfg->cluster_path : "--alloc",
                            err) < 0) {
        hs_cluster_free(c);
        return -1;
    }
    return 0;
}

/* --model NAME, a name with no slash and no ".json": a shipped model,
 * looked for in $HPCSIM_MODELS, then where an installed program keeps
 * them (PREFIX/bin/hpcsim -> PREFIX/share/hpcsim/models), then in the
 * source tree the program was built from. Anything else is a path. */
static int find_model(const char *given, char *path, size_t cap, hs_error *err)
{
    size_t len = strlen(given);
    if (strchr(given, '/') || (len >= 5 && strcmp(given + len - 5, ".json") == 0) || access(given, F_OK) == 0) {
        snprintf(path, cap, "%s", given);
        return 0;
    }
    char exe[PATH_MAX] = "", dirs[3][PATH_MAX + 64];
    const char *env = getenv("HPCSIM_MODELS");
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(dirs[0], sizeof dirs[0], "%s", env ? env : "");
    snprintf(dirs[1], sizeof dirs[1], "%s/../%s", exe, HPCSIM_INSTALLED_MODELS);
    snprintf(dirs[2], sizeof dirs[2], "%s", HPCSIM_SOURCE_MODELS);
    for (int i = 0; i < 3; i++) {
        if (!dirs[i][0] || (i == 1 && !slash))
            continue;
        if (snprintf(path, cap, "%s/%s.json", dirs[i], given) < (int)cap && access(path, R_OK) == 0)
            return 0;
    }
    return hs_error_set(err, "--model", 0, 0,
                        "'%s' is neither a file nor a shipped model (looked in $HPCSIM_MODELS, %s/../%s and %s)",
                        given, exe, HPCSIM_INSTALLED_MODELS, HPCSIM_SOURCE_MODELS);
}

/* The policy's configuration, from --policy-conf and --policy-opt. A
 * policy that takes none refuses any. */
static int configure_policy(const struct hs_policy_ops *policy, const hs_run_config *cfg, void **config,
                            hs_error *err)
{
    *config = NULL;
    if (!policy->configure) {
        if (cfg->npolicy_conf || cfg->npolicy_opts)
            return hs_error_set(err, cfg->npolicy_conf ? "--policy-conf" : "--policy-opt", 0, 0,
                                "policy '%s' takes no configuration", policy->name);
        return 0;
    }
    hs_policy_args args = {cfg->policy_conf, cfg->npolicy_conf, cfg->policy_opts, cfg->npolicy_opts, cfg->warn};
    return policy->configure(&args, config, err);
}

/* The cluster: the policy's configuration when it describes one, else
 * --cluster, --nodes/--cores-per-node or the trace header. */
static int build_cluster(const struct hs_policy_ops *policy, void *config, const hs_run_config *cfg, hs_cluster *c,
                         char *source, size_t source_len, hs_error *err)
{
    int own = policy->cluster ? policy->cluster(config, c, source, source_len, err) : 0;
    if (own < 0)
        return -1;
    if (!own)
        return make_cluster(cfg, c, source, source_len, err);
    if (cfg->cluster_path || cfg->nodes || cfg->cores_per_node || cfg->alloc_mode >= 0) {
        hs_cluster_free(c);
        return hs_error_set(err, source, 0, 0,
                            "the cluster comes from this file (--policy %s): drop --cluster, --nodes, --cores-per-node "
                            "and --alloc",
                            policy->name);
    }
    return 0;
}

int hs_run(const hs_run_config *cfg, hs_metrics *out_metrics, hs_error *err)
{
    const struct hs_policy_ops *policy = hs_policy_find(cfg->policy);
    if (!policy)
        return hs_error_set(err, "--policy", 0, 0, "unknown policy '%s' (hpcsim run --help lists them)", cfg->policy);
    void *config;
    if (configure_policy(policy, cfg, &config, err) < 0)
        return -1;
    hs_cluster cluster;
    char source[512];
    if (build_cluster(policy, config, cfg, &cluster, source, sizeof source, err) < 0) {
        if (policy->unconfigure)
            policy->unconfigure(config);
        return -1;
    }
    hs_trace trace;
    hs_trace_options topt = {cfg->strict, cfg->warn, 20, policy->accept, config, policy->places_tasks,
                             policy->live_jobs_only, policy->memory_as_units};
    if (hs_trace_load(&trace, cfg->trace_path, &cluster, &topt, err) < 0) {
        hs_cluster_free(&cluster);
        if (policy->unconfigure)
            policy->unconfigure(config);
        return -1;
    }
    int rc = -1;
    hs_outputs *out = NULL;
    hs_engine *eng = NULL;
    hs_model model;
    hs_perf *perf = NULL;
    memset(&model, 0, sizeof model);
    char model_path[PATH_MAX + 128] = "";
    if (cfg->model_path && find_model(cfg->model_path, model_path, sizeof model_path, err) < 0)
        goto out;
    if (cfg->model_path) { /* before any output exists: a bad model writes nothing */
        hs_profile_rule rules[HS_PERF_MAX_RULES];
        hs_perf_config pc = {&model, cfg->backend, {0}, cfg->seed, rules, 0};
        memcpy(pc.share, cfg->profile_share, sizeof pc.share);
        if ((cfg->profile_rules && hs_profile_rules_parse(cfg->profile_rules, rules, &pc.nrules, err) < 0) ||
            hs_model_load(&model, model_path, err) < 0)
            goto out;
        if (!(perf = hs_perf_new(&pc, &cluster, err))) {
            snprintf(err->source, sizeof err->source, "%.*s", (int)sizeof err->source - 1, model_path);
            goto out;
        }
    }
    if (trace.njobs == 0) {
        hs_error_set(err, cfg->trace_path, 0, 0, "no job to simulate (%u lines skipped, %u jobs rejected)",
                     trace.nskipped, trace.nrejected);
        goto out;
    }
    if (cfg->warn && (trace.nskipped || trace.nrejected))
        fprintf(cfg->warn, "%s: %u lines skipped (%u malformed), %u jobs rejected as too large; rejected.csv lists them\n",
                cfg->trace_path, trace.nskipped, trace.nmalformed, trace.nrejected);
    bool kill = cfg->kill_at_req_time && !trace.pods;
    hs_run_facts facts = {cfg->trace_path,       source,          policy->name, cfg->seed,
                          kill, cfg->model_path ? model_path : NULL, cfg->backend};
    if (!(out = hs_outputs_open(cfg->out_dir, &trace, &cluster, &facts, err)))
        goto out;
    hs_engine_options eopt;
    hs_engine_options_default(&eopt);
    eopt.kill_at_req_time = kill;
    eopt.on_job_end = hs_outputs_job_end;
    eopt.on_job_end_ctx = out;
    eopt.on_job_retire = hs_outputs_job_retire;
    eopt.on_job_retire_ctx = out;
    if (cfg->progress)
        eopt.progress = hs_progress_tick;
    if (perf) {
        eopt.perf_ops = &hs_perf_engine_ops;
        eopt.perf = perf;
    }
    eopt.policy_config = config;
    eopt.seed = cfg->seed;
    if (!(eng = hs_engine_new(&cluster, &trace, policy, &eopt, err)) || hs_engine_run(eng, err) < 0)
        goto out;
    if (hs_engine_stopped(eng)) { /* a question about one instant, not a replay: no outputs */
        hs_error_set(err, "--policy-opt", 0, 0,
                     "policy %s stopped the run before its end (lockstep=... is for hpcsim slurm-verify)", policy->name);
        goto out;
    }
    if (cfg->progress)
        hs_progress_done(eng);
    hs_metrics metrics;
    if ((policy->finish && policy->finish(config, err) < 0) || hs_outputs_finish(out, &trace, &metrics, err) < 0)
        goto out;
    out = NULL;
    if (out_metrics)
        *out_metrics = metrics;
    rc = 0;
out:
    hs_outputs_abort(out);
    hs_engine_free(eng);
    hs_perf_free(perf);
    hs_model_free(&model);
    hs_trace_free(&trace);
    hs_cluster_free(&cluster);
    if (policy->unconfigure)
        policy->unconfigure(config);
    return rc;
}
