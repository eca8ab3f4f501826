/* hwloc → hc_topology (topology.h). Everything hwloc-specific stays here:
 * binding calls on a synthetic topology do nothing, so only planning may
 * use one, never applying. */
#define _GNU_SOURCE
#include "topology.h"

#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int open_topology(hwloc_topology_t *topo, const char *spec, hs_error *err)
{
    const char *what = spec && strcmp(spec, "host") != 0 ? spec : "host";
    struct stat st;
    if (hwloc_topology_init(topo) < 0)
        return hs_error_set(err, "--topology", 0, 0, "hwloc cannot start");
    int rc = 0;
    if (strcmp(what, "host") == 0)
        rc = 0;
    else if (stat(what, &st) == 0)
        rc = hwloc_topology_set_xml(*topo, what);
    else
        rc = hwloc_topology_set_synthetic(*topo, what);
    if (rc < 0 || hwloc_topology_load(*topo) < 0) {
        hwloc_topology_destroy(*topo);
        return hs_error_set(err, "--topology", 0, 0,
                            "'%s' is neither a readable hwloc XML file nor a synthetic description hwloc "
                            "accepts (e.g. 'pack:2 numa:1 core:8 pu:2')",
                            what);
    }
    return 0;
}

static int numa_of(hwloc_topology_t topo, hwloc_obj_t pu)
{
    int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    for (int i = 0; i < n; i++) {
        hwloc_obj_t numa = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
        if (hwloc_bitmap_isset(numa->cpuset, pu->os_index))
            return i;
    }
    return 0;
}

int hc_topology_load(hc_topology *t, const char *spec, hs_error *err)
{
    memset(t, 0, sizeof *t);
    hwloc_topology_t topo;
    if (open_topology(&topo, spec, err) < 0)
        return -1;
    snprintf(t->source, sizeof t->source, "%s", spec ? spec : "host");
    int ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    int npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    /* A core-less topology (some VMs): every PU is its own core. */
    hwloc_obj_type_t unit = ncores > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    int nunits = ncores > 0 ? ncores : npus;
    if (nunits <= 0 || !(t->cores = calloc((size_t)nunits, sizeof *t->cores))) {
        hwloc_topology_destroy(topo);
        return hs_error_set(err, "--topology", 0, 0, "no cores found");
    }
    t->ncores = (unsigned)nunits;
    t->npackages = (unsigned)(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE) > 0
                                  ? hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE) : 1);
    t->nnuma = (unsigned)(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE) > 0
                              ? hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE) : 1);
    for (int c = 0; c < nunits; c++) {
        hwloc_obj_t core = hwloc_get_obj_by_type(topo, unit, (unsigned)c);
        hwloc_obj_t pack = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, core);
        hc_core *hc = &t->cores[c];
        hc->package = pack ? pack->logical_index : 0;
        unsigned idx;
        hwloc_bitmap_foreach_begin(idx, core->cpuset) {
            if (hc->npus < sizeof hc->pu / sizeof hc->pu[0])
                hc->pu[hc->npus++] = idx;
        }
        hwloc_bitmap_foreach_end();
        hwloc_obj_t first = hwloc_get_pu_obj_by_os_index(topo, hc->pu[0]);
        hc->numa = first ? (unsigned)numa_of(topo, first) : 0;
        t->npus += hc->npus;
        if (hc->pu[hc->npus - 1] + 1 > t->max_os)
            t->max_os = hc->pu[hc->npus - 1] + 1;
    }
    char *xml = NULL;
    int len = 0;
    if (hwloc_topology_export_xmlbuffer(topo, &xml, &len, 0) == 0) {
        uint64_t h = 1469598103934665603ull;
        for (int i = 0; i < len; i++)
            h = (h ^ (unsigned char)xml[i]) * 1099511628211ull;
        snprintf(t->xml_digest, sizeof t->xml_digest, "%016llx", (unsigned long long)h);
        hwloc_free_xmlbuffer(topo, xml);
    }
    hwloc_topology_destroy(topo);
    return 0;
}

void hc_topology_free(hc_topology *t)
{
    free(t->cores);
    memset(t, 0, sizeof *t);
}

int hc_topology_export_xml(const char *spec, const char *path, hs_error *err)
{
    hwloc_topology_t topo;
    if (open_topology(&topo, spec, err) < 0)
        return -1;
    int rc = hwloc_topology_export_xml(topo, path, 0);
    hwloc_topology_destroy(topo);
    return rc < 0 ? hs_error_set(err, path, 0, 0, "cannot write the XML") : 0;
}

unsigned hc_topology_threads_per_core(const hc_topology *t)
{
    unsigned m = 1;
    for (unsigned c = 0; c < t->ncores; c++)
        if (t->cores[c].npus > m)
            m = t->cores[c].npus;
    return m;
}

unsigned hc_topology_numa_pus(const hc_topology *t, unsigned numa)
{
    unsigned n = 0;
    for (unsigned c = 0; c < t->ncores; c++)
        if (t->cores[c].numa == numa)
            n += t->cores[c].npus;
    return n;
}
