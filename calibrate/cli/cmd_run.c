/* hpcsim-calibrate plan and run: a plan is built and checked against
 * this host (every point placeable, every pin a domain would get on a PU
 * the host has) before anything starts; plan prints it, run measures it
 * (or goes on with --resume), appending to WORKDIR/measurements.jsonl. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/kvm_xml.h"
#include "commands.h"

static void on_signal(int sig)
{
    (void)sig;
    hc_stop_requested = 1;
}

static int uses_kvm(const hc_plan_config *cfg)
{
    for (unsigned b = 0; b < cfg->nbackends; b++)
        if (strcmp(cfg->backends[b], "kvm") == 0)
            return 1;
    return 0;
}

/* Builds the plan and refuses one the host cannot hold. */
static int checked_plan(const hc_cli *cli, const char *cmd, hc_plan *p, hc_topology *t)
{
    hs_error err;
    if (hc_topology_load(t, cli->topology, &err) < 0 || hc_plan_build(p, &cli->plan, &err) < 0) {
        fprintf(stderr, "hpcsim-calibrate %s: ", cmd);
        hs_error_print(stderr, &err);
        return -1;
    }
    for (unsigned i = 0; i < p->npoints; i++) {
        hc_place_request req = {1 + p->points[i].k, cli->plan.vcpus, p->points[i].layout, cli->plan.housekeeping, 0};
        hc_placement pl;
        if (hc_place(t, &req, &pl, &err) < 0) {
            fprintf(stderr, "hpcsim-calibrate %s: point %s: ", cmd, p->points[i].id);
            hs_error_print(stderr, &err);
            return -1;
        }
        /* every pin a domain would get, against this host's PUs: libvirt's
         * own checks come later, some (the test driver's) never */
        for (unsigned j = 0; j < pl.nnodes && uses_kvm(&cli->plan); j++) {
            const char *emulator = hc_place_emulator(&pl, &pl.nodes[j]);
            hc_domain_spec spec = {p->points[i].id, "kvm", 512, pl.layout, &pl.nodes[j], emulator ? emulator : "",
                                   "", "", "", "", NULL, false};
            if (hc_domain_check_pins(t, &spec, &err) < 0) {
                fprintf(stderr, "hpcsim-calibrate %s: point %s: ", cmd, p->points[i].id);
                hs_error_print(stderr, &err);
                return -1;
            }
        }
        hc_placement_free(&pl);
    }
    return 0;
}

/* For KVM nodes, each pinned layout's vCPU map on this topology, and what
 * hwloc says of it: how many guest cores have their threads on different
 * host cores (kubevirt's flaw on Intel-numbered hosts, docs/calibration.md
 * "Layouts"), and where QEMU's own threads go. */
static void print_vcpu_maps(const hc_cli *cli, const hc_topology *t)
{
    if (!uses_kvm(&cli->plan))
        return;
    for (unsigned l = 0; l < cli->plan.nlayouts; l++) {
        hc_place_request req = {1, cli->plan.vcpus, cli->plan.layouts[l], cli->plan.housekeeping, 0};
        hc_placement pl;
        hs_error err;
        if (req.layout == HC_LAYOUT_DEF || hc_place(t, &req, &pl, &err) < 0)
            continue; /* def pins nothing; a refusal was reported already */
        const hc_node_place *np = &pl.nodes[0];
        printf("kvm node 0 under %s: vCPU->CPU", hc_layout_name(req.layout));
        for (unsigned v = 0; v < np->nvcpus; v++)
            printf(" %u->%u", v, np->vcpu[v]);
        if (np->threads > 1)
            printf("; guest cores of %u threads on two or more host cores (hwloc): %u of %u", np->threads,
                   hc_place_split_cores(t, np), np->nvcpus / np->threads);
        const char *emulator = hc_place_emulator(&pl, np);
        printf("; emulator threads on %s\n", emulator && emulator[0] ? emulator : "any CPU");
        hc_placement_free(&pl);
    }
}

int hc_cmd_plan(const hc_cli *cli)
{
    hc_plan p;
    hc_topology t;
    if (checked_plan(cli, "plan", &p, &t) < 0)
        return 1;
    hc_plan_print(&p, stdout);
    print_vcpu_maps(cli, &t);
    hc_plan_free(&p);
    hc_topology_free(&t);
    return 0;
}

int hc_cmd_run(const hc_cli *cli)
{
    hc_plan p;
    hc_topology t;
    if (checked_plan(cli, "run", &p, &t) < 0)
        return 1;
    char why[256];
    for (unsigned b = 0; b < cli->plan.nbackends; b++)
        if (!hc_backend_find(cli->plan.backends[b])->probe(why, sizeof why)) {
            fprintf(stderr, "hpcsim-calibrate run: backend %s: %s\n", cli->plan.backends[b], why);
            return 1;
        }
    if (access(cli->bench_bin, X_OK) != 0) {
        fprintf(stderr, "hpcsim-calibrate run: %s: not executable (give --bench-bin)\n", cli->bench_bin);
        return 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    hc_series_options so = cli->series;
    so.progress = isatty(2);
    hs_error err;
    int rc = hc_series_run(&p, &t, &so, &err);
    hc_plan_free(&p);
    hc_topology_free(&t);
    if (rc < 0) {
        fputs("hpcsim-calibrate run: ", stderr);
        hs_error_print(stderr, &err);
        return hc_stop_requested ? 130 : 1;
    }
    return 0;
}
