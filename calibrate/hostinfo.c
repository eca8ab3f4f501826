/* Host facts (hostinfo.h). */
#define _GNU_SOURCE
#include "hostinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static int hypervisor_flag(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0)
            found = strstr(line, " hypervisor") != NULL;
    if (f)
        fclose(f);
    return found;
}

const char *hc_cgroup_layout(void)
{
    struct stat st;
    int v1 = stat("/sys/fs/cgroup/cpuset/cpuset.cpus", &st) == 0;
    int hybrid = stat("/sys/fs/cgroup/unified/cgroup.controllers", &st) == 0;
    int v2 = stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0;
    return v1 ? (hybrid ? "v1+v2 hybrid" : "v1") : v2 ? "v2" : "unknown";
}

json_t *hc_host_facts(const hc_topology *t)
{
    struct utsname u;
    char host[256] = "?";
    uname(&u);
    gethostname(host, sizeof host);
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:{s:s, s:s, s:i, s:i, s:i, s:i}}", "hostname", host, "kernel",
                     u.release, "machine", u.machine, "virtualized", hypervisor_flag(), "cgroup", hc_cgroup_layout(),
                     "topology", "source", t->source, "hwloc_xml_digest", t->xml_digest, "packages", t->npackages,
                     "numa_nodes", t->nnuma, "cores", t->ncores, "pus", t->npus);
}
