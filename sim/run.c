/* One replay from inputs to output files (run.h): load the cluster and the
 * trace first, so that bad input stops the run before any file is made;
 * then simulate, streaming jobs.csv, and rename the outputs into place. */
#include "hpcsim/run.h"

#include <errno.h>
#include <string.h>

#include "hpcsim/engine.h"
#include "hpcsim/model.h"
#include "hpcsim/output.h"
#include "hpcsim/perf.h"
#include "hpcsim/progress.h"
#include "hpcsim/slurm.h"
#include "hpcsim/trace.h"

void hs_run_config_default(hs_run_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->alloc_mode = -1;
    cfg->policy = "easy";
    cfg->out_dir = "hpcsim-out";
    cfg->kill_at_req_time = true;
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

int hs_run(const hs_run_config *cfg, hs_metrics *out_metrics, hs_error *err)
{
    const struct hs_policy_ops *policy = hs_policy_find(cfg->policy);
    if (!policy)
        return hs_error_set(err, "--policy", 0, 0, "unknown policy '%s' (hpcsim run --help lists them)", cfg->policy);
    bool slurm = !strcmp(policy->name, "slurm");
    const char *slurm_only = cfg->topology_conf ? "--topology-conf" : NULL;
    if (!slurm_only && cfg->slurm_assoc)
        slurm_only = "--slurm-assoc";
    if (!slurm_only && cfg->slurm_qos)
        slurm_only = "--slurm-qos";
    if (slurm_only && !cfg->slurm_conf)
        return hs_error_set(err, slurm_only, 0, 0, "is only read with --policy slurm --slurm-conf FILE");
    if (slurm != (cfg->slurm_conf != NULL))
        return hs_error_set(err, slurm ? "--policy slurm" : "--slurm-conf", 0, 0,
                            slurm ? "needs --slurm-conf FILE (the cluster and the scheduler's parameters come from it)"
                                  : "is only read by --policy slurm");
    if (slurm && (cfg->cluster_path || cfg->nodes || cfg->cores_per_node || cfg->alloc_mode >= 0))
        return hs_error_set(err, "--slurm-conf", 0, 0, "the cluster comes from slurm.conf: drop --cluster, --nodes, --cores-per-node and --alloc");
    hs_cluster cluster;
    char source[512];
    hs_slurm_setup *setup = NULL;
    FILE *slurm_log = NULL;
    if (slurm) {
        if (!(setup = hs_slurm_setup_load(cfg->slurm_conf, cfg->topology_conf, cfg->warn, err)))
            return -1;
        snprintf(source, sizeof source, "%s", cfg->slurm_conf);
        if ((cfg->slurm_assoc && hs_slurm_setup_load_assoc(setup, cfg->slurm_assoc, err) < 0) ||
            (cfg->slurm_qos && hs_slurm_setup_load_qos(setup, cfg->slurm_qos, err) < 0) ||
            hs_slurm_setup_cluster(setup, &cluster, err) < 0) {
            hs_slurm_setup_free(setup);
            return -1;
        }
        if (cfg->slurm_log && !(slurm_log = fopen(cfg->slurm_log, "w"))) {
            hs_error_set(err, cfg->slurm_log, 0, 0, "cannot write: %s", strerror(errno));
            hs_cluster_free(&cluster);
            hs_slurm_setup_free(setup);
            return -1;
        }
        hs_slurm_setup_set_log(setup, slurm_log);
    } else if (make_cluster(cfg, &cluster, source, sizeof source, err) < 0)
        return -1;
    hs_trace trace;
    hs_trace_options topt = {cfg->strict, cfg->warn, 20, NULL, NULL};
    if (setup) {
        topt.accept = hs_slurm_setup_accept;
        topt.accept_ctx = setup;
    }
    if (hs_trace_load(&trace, cfg->trace_path, &cluster, &topt, err) < 0) {
        hs_cluster_free(&cluster);
        hs_slurm_setup_free(setup);
        if (slurm_log)
            fclose(slurm_log);
        return -1;
    }
    int rc = -1;
    hs_outputs *out = NULL;
    hs_engine *eng = NULL;
    hs_model model;
    hs_perf *perf = NULL;
    memset(&model, 0, sizeof model);
    if (cfg->model_path) { /* before any output exists: a bad model writes nothing */
        hs_profile_rule rules[HS_PERF_MAX_RULES];
        hs_perf_config pc = {&model, cfg->backend, {0}, cfg->seed, rules, 0};
        memcpy(pc.share, cfg->profile_share, sizeof pc.share);
        if ((cfg->profile_rules && hs_profile_rules_parse(cfg->profile_rules, rules, &pc.nrules, err) < 0) ||
            hs_model_load(&model, cfg->model_path, err) < 0)
            goto out;
        if (!(perf = hs_perf_new(&pc, &cluster, err))) {
            snprintf(err->source, sizeof err->source, "%s", cfg->model_path);
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
    if (!(out = hs_outputs_open(cfg->out_dir, err)))
        goto out;
    hs_engine_options eopt;
    hs_engine_options_default(&eopt);
    eopt.kill_at_req_time = cfg->kill_at_req_time;
    eopt.on_job_end = hs_outputs_job_end;
    eopt.on_job_end_ctx = out;
    if (cfg->progress)
        eopt.progress = hs_progress_tick;
    eopt.perf = perf;
    eopt.policy_config = setup;
    if (!(eng = hs_engine_new(&cluster, &trace, policy, &eopt, err)) || hs_engine_run(eng, err) < 0)
        goto out;
    if (cfg->progress)
        hs_progress_done(eng);
    hs_run_facts facts = {cfg->trace_path,       source,          policy->name, cfg->seed,
                          cfg->kill_at_req_time, cfg->model_path, cfg->backend};
    if (hs_outputs_finish(out, &trace, &cluster, &facts, err) < 0)
        goto out;
    out = NULL;
    if (out_metrics && hs_metrics_compute(&trace, &cluster, out_metrics) < 0) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        goto out;
    }
    rc = 0;
out:
    hs_outputs_abort(out);
    hs_engine_free(eng);
    hs_perf_free(perf);
    hs_model_free(&model);
    hs_trace_free(&trace);
    hs_cluster_free(&cluster);
    hs_slurm_setup_free(setup);
    if (slurm_log && fclose(slurm_log) != 0 && rc == 0)
        rc = hs_error_set(err, cfg->slurm_log, 0, 0, "write failed");
    return rc;
}
