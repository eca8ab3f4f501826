/* slurm.conf → what the engine and the Slurm policy run on. */
#include "setup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hpcsim/cluster.h"

#define YEAR (365.0 * 86400.0)

hs_slurm_setup *hs_slurm_setup_load(const char *conf_path, const char *topology_path, FILE *warn, hs_error *err)
{
    return hs_slurm_setup_load_over(conf_path, topology_path, NULL, 0, warn, err);
}

hs_slurm_setup *hs_slurm_setup_load_over(const char *conf_path, const char *topology_path, const hs_policy_opt *over,
                                         unsigned nover, FILE *warn, hs_error *err)
{
    hs_slurm_setup *s = calloc(1, sizeof *s);
    if (!s || !(s->source = strdup(conf_path))) {
        free(s);
        hs_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (hs_slurm_conf_load(&s->conf, conf_path, err) < 0) {
        free(s->source);
        free(s);
        return NULL;
    }
    for (unsigned i = 0; i < nover; i++) {
        if (!strncasecmp(over[i].key, "Priority", 8) && !hs_slurm_priority_key_read(over[i].key)) {
            hs_error_set(err, "--policy-opt", 0, 0, "%s: not a slurm.conf key the model reads", over[i].key);
            goto fail;
        }
        if (hs_slurm_conf_override(&s->conf, over[i].key, over[i].value, err) < 0)
            goto fail;
    }
    if (s->conf.nnodes == 0 || s->conf.nparts == 0) {
        hs_error_set(err, conf_path, 0, 0, "no %s: the model needs NodeName and PartitionName lines",
                     s->conf.nnodes == 0 ? "NodeName" : "PartitionName");
        goto fail;
    }
    for (uint32_t i = 0; i < s->conf.nparts; i++) {
        const hs_slurm_partition *p = &s->conf.parts[i];
        if (!strcasecmp(p->oversubscribe, "FORCE")) {
            hs_error_set(err, conf_path, p->line, 0,
                         "PartitionName=%s: OverSubscribe=FORCE (jobs sharing CPUs) is not modelled; use NO, YES or EXCLUSIVE", p->name);
            goto fail;
        }
        if (p->is_default)
            s->default_part = i;
    }
    if (!(s->part_cpus = calloc(s->conf.nparts, sizeof *s->part_cpus))) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < s->conf.nparts; i++)
        for (uint32_t k = 0; k < s->conf.parts[i].nnodes; k++)
            s->part_cpus[i] += s->conf.nodes[s->conf.parts[i].nodes[k]].cpus;
    for (uint32_t i = 0; i < s->conf.nnodes; i++)
        if (s->conf.nodes[i].cpus == 0) {
            hs_error_set(err, conf_path, s->conf.nodes[i].line, 0, "NodeName=%s: no CPUs", s->conf.nodes[i].name);
            goto fail;
        }
    if (hs_slurm_params_read(&s->params, &s->conf, conf_path, warn, err) < 0)
        goto fail;
    char beside[4096];
    if (!topology_path && s->params.topology_tree) {
        const char *slash = strrchr(conf_path, '/');
        int dir = slash ? (int)(slash - conf_path + 1) : 0;
        if (snprintf(beside, sizeof beside, "%.*stopology.conf", dir, conf_path) >= (int)sizeof beside) {
            hs_error_set(err, conf_path, 0, 0, "path too long");
            goto fail;
        }
        topology_path = beside;
    }
    if (topology_path && sl_topology_load(&s->topo, topology_path, &s->conf, err) < 0)
        goto fail;
    if (s->topo.n) { /* a job no switch can hold would wait for ever: refused instead */
        if (!(s->part_switch_cpus = calloc(s->conf.nparts, sizeof *s->part_switch_cpus))) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            goto fail;
        }
        for (uint32_t i = 0; i < s->conf.nparts; i++)
            for (uint32_t w = 0; w < s->topo.n; w++) {
                uint64_t cpus = 0;
                for (uint32_t k = 0; k < s->conf.parts[i].nnodes; k++) {
                    uint32_t n = s->conf.parts[i].nodes[k];
                    cpus += (s->topo.sw[w].nodes[n >> 6] >> (n & 63) & 1) ? s->conf.nodes[n].cpus : 0;
                }
                if (cpus > s->part_switch_cpus[i])
                    s->part_switch_cpus[i] = cpus;
            }
    }
    if (warn && s->conf.nignored) {
        fprintf(warn, "%s: keys with no effect on scheduling, ignored:", conf_path);
        for (uint32_t i = 0; i < s->conf.nignored; i++)
            fprintf(warn, " %s", s->conf.ignored[i]);
        fputc('\n', warn);
    }
    return s;
fail:
    hs_slurm_setup_free(s);
    return NULL;
}

void hs_slurm_setup_free(hs_slurm_setup *s)
{
    if (!s)
        return;
    if (s->log) { /* not finished: the run failed, and a partial log must not look complete */
        fclose(s->log);
        remove(s->log_path);
    }
    free(s->log_path);
    sl_topology_free(&s->topo);
    sl_assoc_file_free(&s->assoc);
    sl_qos_file_free(&s->qos);
    if (s->lockstep)
        sl_lockstep_record_free(s->lockstep);
    free(s->lockstep);
    hs_slurm_conf_free(&s->conf);
    free(s->part_cpus);
    free(s->part_switch_cpus);
    free(s->source);
    free(s);
}

int hs_slurm_setup_cluster(const hs_slurm_setup *s, hs_cluster *c, hs_error *err)
{
    memset(c, 0, sizeof *c);
    c->mode = HS_ALLOC_CORES;
    const hs_slurm_conf *f = &s->conf;
    /* Consecutive nodes of one size and memory form a group. */
    uint32_t ngroups = 0;
    for (uint32_t i = 0; i < f->nnodes; i++)
        ngroups += i == 0 || f->nodes[i].cpus != f->nodes[i - 1].cpus || f->nodes[i].real_memory != f->nodes[i - 1].real_memory;
    if (!(c->name = strdup(s->source)) || !(c->groups = calloc(ngroups, sizeof *c->groups)))
        goto nomem;
    for (uint32_t i = 0; i < f->nnodes; i++) {
        if (i == 0 || f->nodes[i].cpus != f->nodes[i - 1].cpus || f->nodes[i].real_memory != f->nodes[i - 1].real_memory) {
            hs_node_group *g = &c->groups[c->ngroups++];
            if (!(g->name = strdup(f->nodes[i].name)))
                goto nomem;
            g->cores = f->nodes[i].cpus;
            g->memory_mb = f->nodes[i].real_memory;
            g->perf_class = HS_NO_PERF_CLASS;
        }
        c->groups[c->ngroups - 1].count++;
    }
    if (hs_cluster_finish_layout(c, s->source, err) < 0) {
        hs_cluster_free(c);
        return -1;
    }
    return 0;
nomem:
    hs_cluster_free(c);
    return hs_error_set(err, NULL, 0, 0, "out of memory");
}

uint32_t hs_slurm_route(const hs_slurm_setup *s, long swf_partition)
{
    if (swf_partition >= 1 && (unsigned long)swf_partition <= s->conf.nparts)
        return (uint32_t)(swf_partition - 1);
    return s->default_part;
}

double hs_slurm_limit(const hs_slurm_setup *s, uint32_t part, double req_time)
{
    double limit = ceil(req_time / 60.0) * 60.0;
    if (limit < 60)
        limit = 60;
    double max = s->conf.parts[part].max_time;
    if (max >= 0 && limit > max)
        limit = max;
    return limit > YEAR ? YEAR : limit;
}

int hs_slurm_setup_accept(void *setup, const hs_job *job, char *why, size_t why_len)
{
    const hs_slurm_setup *s = setup;
    uint32_t p = hs_slurm_route(s, (long)job->swf.f[HS_SWF_PARTITION]);
    const hs_slurm_partition *part = &s->conf.parts[p];
    uint64_t cpus = s->part_cpus[p];
    if (job->procs > cpus) {
        snprintf(why, why_len, "needs %llu CPUs, Slurm partition '%.64s' has %llu", (unsigned long long)job->procs,
                 part->name, (unsigned long long)cpus);
        return 0;
    }
    if (s->part_switch_cpus && job->procs > s->part_switch_cpus[p]) {
        snprintf(why, why_len, "needs %llu CPUs, no switch of topology.conf holds more than %llu of partition '%.64s'",
                 (unsigned long long)job->procs, (unsigned long long)s->part_switch_cpus[p], part->name);
        return 0;
    }
    if (!part->up) {
        snprintf(why, why_len, "Slurm partition '%.64s' is not State=UP", part->name);
        return 0;
    }
    return 1;
}



int hs_slurm_setup_load_assoc(hs_slurm_setup *s, const char *path, hs_error *err)
{
    sl_assoc_file_free(&s->assoc);
    return sl_assoc_file_load(&s->assoc, path, err);
}

int hs_slurm_setup_load_qos(hs_slurm_setup *s, const char *path, hs_error *err)
{
    sl_qos_file_free(&s->qos);
    return sl_qos_file_load(&s->qos, path, err);
}
