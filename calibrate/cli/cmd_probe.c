/* hpcsim-calibrate probe: what this host offers, each backend usable or
 * not and why. */
#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/kvm.h"
#include "commands.h"
#include "hostinfo.h"

int hc_cmd_probe(const hc_cli *cli)
{
    hc_topology t;
    hs_error err;
    if (hc_topology_load(&t, cli->topology, &err) < 0) {
        hs_error_print(stderr, &err);
        return 1;
    }
    json_t *facts = hc_host_facts(&t);
    printf("host: %s, kernel %s, %s\n", json_string_value(json_object_get(facts, "hostname")),
           json_string_value(json_object_get(facts, "kernel")),
           json_is_true(json_object_get(facts, "virtualized")) ? "itself a virtual machine (hypervisor flag)"
                                                               : "bare metal (no hypervisor flag)");
    printf("topology (%s): %u package(s), %u NUMA node(s), %u cores, %u PUs, %u thread(s) per core, hwloc digest %s\n",
           t.source, t.npackages, t.nnuma, t.ncores, t.npus, hc_topology_threads_per_core(&t), t.xml_digest);
    printf("root: %s\n", geteuid() == 0 ? "yes" : "no");
    printf("cgroups: %s\n", hc_cgroup_layout());
    char why[256];
    hc_kvm_probe_report(stdout);
    static const char *const names[] = {"native", "lxc", "kvm"};
    for (int i = 0; i < 3; i++) {
        const hc_backend_ops *b = hc_backend_find(names[i]);
        int ok = b->probe(why, sizeof why);
        printf("%s: %s (%s)\n", names[i], ok ? "usable" : "NOT usable", why);
    }
    json_decref(facts);
    hc_topology_free(&t);
    return 0;
}
