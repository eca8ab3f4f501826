/* slurm.conf, as far as scheduling goes (issue 6, item 6): NodeName and
 * PartitionName lines (with their DEFAULT lines and host list ranges),
 * SchedulerParameters, the Priority* keys and SelectType*. Keys are
 * case-insensitive; '#' starts a comment; a line ending in '\' continues
 * on the next. Keys that do not affect scheduling are ignored and listed
 * once (ignored[]); a malformed line is an error naming file and line.
 * Partitions may name nodes defined further down; names are resolved
 * through a sorted index, so a 100k-node file reads in linear-log time. */
#ifndef HPCSIM_SLURM_CONF_H
#define HPCSIM_SLURM_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "hpcsim/hostlist.h"

typedef struct hs_slurm_node {
    char *name;
    long line;            /* where it is defined */
    uint32_t cpus, sockets, cores_per_socket, threads_per_core;
    uint64_t real_memory; /* MB */
    uint32_t weight;
} hs_slurm_node;

typedef struct hs_slurm_partition {
    char *name;
    char *nodes_expr; /* Nodes= as written */
    long line;
    uint32_t *nodes;  /* indexes into nodes[], in the order written; resolved
                         once the whole file is read, as Slurm does */
    uint32_t nnodes;
    bool is_default;
    double max_time;        /* seconds; < 0 = INFINITE */
    double default_time;    /* seconds; < 0 = none */
    uint32_t priority_tier, priority_job_factor;
    char oversubscribe[16]; /* NO, YES, FORCE, EXCLUSIVE (":count" dropped) */
    bool up;                /* State=UP (default) */
} hs_slurm_partition;

typedef struct hs_slurm_kv {
    char *key, *value;
    long line; /* where it was written */
} hs_slurm_kv;

typedef struct hs_slurm_conf {
    hs_slurm_node *nodes;
    uint32_t nnodes;
    hs_slurm_partition *parts;
    uint32_t nparts;
    hs_slurm_kv *sched;    /* SchedulerParameters, split at commas */
    uint32_t nsched;
    hs_slurm_kv *priority; /* Priority* keys as written */
    uint32_t npriority;
    hs_slurm_kv *settings; /* SchedulerType, AccountingStorage{Type,Enforce},
                              FairShareDampeningFactor, TopologyPlugin, KillWait */
    uint32_t nsettings;
    char *select_type, *select_type_parameters;
    char **ignored;        /* keys ignored, each once */
    uint32_t nignored;
} hs_slurm_conf;

int hs_slurm_conf_load(hs_slurm_conf *c, const char *path, hs_error *err);
int hs_slurm_conf_parse(hs_slurm_conf *c, const char *text, const char *source, hs_error *err);
void hs_slurm_conf_free(hs_slurm_conf *c);

/* A scheduler parameter's value ("" for a flag like bf_continue), or NULL. */
/* --policy-opt KEY=VALUE over the file: a global key (the last value is
 * read) or SchedulerParameters.NAME (replacing the file's). A key the
 * model does not read is refused, as a typo would silently change
 * nothing (Priority* keys are all kept here: setup.c asks
 * hs_slurm_priority_key_read of params.h). */
int hs_slurm_conf_override(hs_slurm_conf *c, const char *key, const char *value, hs_error *err);
const char *hs_slurm_sched_param(const hs_slurm_conf *c, const char *key);
/* A Priority* key or one of settings[] (the last one written), or NULL. */
const hs_slurm_kv *hs_slurm_setting(const hs_slurm_conf *c, const char *key);
/* Slurm time strings: "60" (minutes), "1:00:00", "2-12", "2-12:30:00",
 * "INFINITE"/"UNLIMITED" (-1). Returns -2 when malformed. */
double hs_slurm_time(const char *text);

#endif
