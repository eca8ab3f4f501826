/* Reads a cluster description (format in docs/replay.md):
 *   { "name": "curie", "allocation": "cores",
 *     "groups": [ {"name": "thin", "count": 5040, "cores": 16, "memory_mb": 65536} ],
 *     "partitions": [ {"name": "batch", "groups": ["thin"], "swf_partition": 1,
 *                      "default": true} ] }
 * Every error names the file and the JSON path of the field at fault;
 * unknown keys are refused so that a typo is not silently ignored. A
 * Flux resource set ("version" and "execution") is read as one instead
 * (cluster_flux_r.c). */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/cluster.h"
#include "hpcsim/json_fields.h"

#include "cluster_flux_r.h"

/* Reads obj[key] as an integer in [min, max]; absent → *out unchanged
 * unless required. */
static int get_int(const json_t *obj, const char *key, int required, long long min, long long max,
                   long long *out, const char *src, const char *path, hs_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return required ? hs_error_set(err, src, 0, 0, "%s.%s: missing (an integer is required)", path, key)
                        : 0;
    if (!json_is_integer(v))
        return hs_error_set(err, src, 0, 0, "%s.%s: expected an integer, got %s", path, key, hs_json_kind(v));
    long long x = json_integer_value(v);
    if (x < min || x > max)
        return hs_error_set(err, src, 0, 0, "%s.%s: %lld is out of range [%lld, %lld]", path, key, x, min, max);
    *out = x;
    return 0;
}

static int get_string(const json_t *obj, const char *key, const char **out, const char *src,
                      const char *path, hs_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v) || json_string_length(v) == 0)
        return hs_error_set(err, src, 0, 0, "%s%s%s: expected a non-empty string, got %s", path,
                            *path ? "." : "", key, json_is_string(v) ? "an empty string" : hs_json_kind(v));
    *out = json_string_value(v);
    return 0;
}

static int read_groups(hs_cluster *c, const json_t *arr, const char *src, hs_error *err)
{
    static const char *const keys[] = {"name", "count", "cores", "memory_mb", "gpus", "backend", "perf_class", NULL};
    if (!arr)
        return hs_error_set(err, src, 0, 0, "groups: missing (a list of node groups is required)");
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return hs_error_set(err, src, 0, 0, "groups: expected a non-empty array, got %s",
                            json_is_array(arr) ? "an empty array" : hs_json_kind(arr));
    size_t n = json_array_size(arr);
    if (!(c->groups = calloc(n, sizeof *c->groups)))
        return hs_error_set(err, src, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *g = json_array_get(arr, i);
        char path[48];
        snprintf(path, sizeof path, "groups[%zu]", i);
        if (!json_is_object(g))
            return hs_error_set(err, src, 0, 0, "%s: expected an object, got %s", path, hs_json_kind(g));
        if (hs_json_check_keys(g, keys, src, path, err) < 0)
            return -1;
        long long count = 0, cores = 0, mem = 0, gpus = 0, perf_class = HS_NO_PERF_CLASS;
        const char *name = NULL, *backend = NULL;
        if (get_string(g, "backend", &backend, src, path, err) < 0 ||
            get_int(g, "count", 1, 1, 100000000, &count, src, path, err) < 0 ||
            get_int(g, "cores", 1, 1, 1 << 20, &cores, src, path, err) < 0 ||
            get_int(g, "memory_mb", 0, 0, 1ll << 40, &mem, src, path, err) < 0 ||
            get_int(g, "gpus", 0, 0, 1 << 16, &gpus, src, path, err) < 0 ||
            get_int(g, "perf_class", 0, 0, HS_NO_PERF_CLASS, &perf_class, src, path, err) < 0 ||
            get_string(g, "name", &name, src, path, err) < 0)
            return -1;
        char defname[32];
        snprintf(defname, sizeof defname, "group%zu", i);
        for (size_t k = 0; name && k < c->ngroups; k++)
            if (strcmp(c->groups[k].name, name) == 0)
                return hs_error_set(err, src, 0, 0, "%s.name: '%s' is already the name of groups[%zu]", path,
                                    name, k);
        hs_node_group *ng = &c->groups[c->ngroups];
        if (!(ng->name = strdup(name ? name : defname)) || (backend && !(ng->backend = strdup(backend))))
            return hs_error_set(err, src, 0, 0, "out of memory");
        c->ngroups++;
        ng->count = (uint32_t)count;
        ng->cores = (uint32_t)cores;
        ng->memory_mb = (uint64_t)mem;
        ng->gpus = (uint32_t)gpus;
        ng->perf_class = (uint32_t)perf_class;
    }
    return 0;
}

static long find_group(const hs_cluster *c, const char *name)
{
    for (uint32_t i = 0; i < c->ngroups; i++)
        if (strcmp(c->groups[i].name, name) == 0)
            return i;
    return -1;
}

/* Fills c->parts and gives each group its partition. */
static int read_partitions(hs_cluster *c, const json_t *arr, const char *src, hs_error *err)
{
    static const char *const keys[] = {"name", "groups", "swf_partition", "default", NULL};
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return hs_error_set(err, src, 0, 0, "partitions: expected a non-empty array, got %s",
                            json_is_array(arr) ? "an empty array" : hs_json_kind(arr));
    size_t n = json_array_size(arr);
    if (!(c->parts = calloc(n, sizeof *c->parts)))
        return hs_error_set(err, src, 0, 0, "out of memory");
    for (uint32_t g = 0; g < c->ngroups; g++)
        c->groups[g].partition = UINT32_MAX; /* none yet */
    int have_default = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(arr, i);
        char path[48];
        snprintf(path, sizeof path, "partitions[%zu]", i);
        if (!json_is_object(p)) {
            hs_error_set(err, src, 0, 0, "%s: expected an object, got %s", path, hs_json_kind(p));
            return -1;
        }
        const char *name = NULL;
        long long swf = -1;
        if (hs_json_check_keys(p, keys, src, path, err) < 0 || get_string(p, "name", &name, src, path, err) < 0 ||
            get_int(p, "swf_partition", 0, 0, 1ll << 40, &swf, src, path, err) < 0)
            return -1;
        if (!name) {
            hs_error_set(err, src, 0, 0, "%s.name: missing (a partition needs a name)", path);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->parts[k].name, name) == 0 ||
                (swf >= 0 && c->parts[k].swf_partition == swf)) {
                hs_error_set(err, src, 0, 0, "%s: same %s as partitions[%zu]", path,
                             strcmp(c->parts[k].name, name) == 0 ? "name" : "swf_partition", k);
                return -1;
            }
        json_t *def = json_object_get(p, "default");
        if (def && !json_is_boolean(def)) {
            hs_error_set(err, src, 0, 0, "%s.default: expected a boolean, got %s", path, hs_json_kind(def));
            return -1;
        }
        if (def && json_is_true(def)) {
            if (have_default) {
                hs_error_set(err, src, 0, 0, "%s.default: only one partition can be the default", path);
                return -1;
            }
            have_default = 1;
            c->default_part = (uint32_t)i;
        }
        json_t *groups = json_object_get(p, "groups");
        if (!json_is_array(groups) || json_array_size(groups) == 0) {
            hs_error_set(err, src, 0, 0, "%s.groups: expected a non-empty array of group names, got %s", path,
                         groups ? (json_is_array(groups) ? "an empty array" : hs_json_kind(groups)) : "nothing");
            return -1;
        }
        size_t ng = json_array_size(groups);
        if (!(c->parts[i].name = strdup(name))) {
            hs_error_set(err, src, 0, 0, "out of memory");
            return -1;
        }
        c->nparts = (uint32_t)i + 1;
        c->parts[i].swf_partition = swf;
        for (size_t k = 0; k < ng; k++) {
            const json_t *gn = json_array_get(groups, k);
            if (!json_is_string(gn)) {
                hs_error_set(err, src, 0, 0, "%s.groups[%zu]: expected a group name, got %s", path, k,
                             hs_json_kind(gn));
                return -1;
            }
            long g = find_group(c, json_string_value(gn));
            if (g < 0) {
                hs_error_set(err, src, 0, 0, "%s.groups[%zu]: no group is named '%s'", path, k,
                             json_string_value(gn));
                return -1;
            }
            if (c->groups[g].partition != UINT32_MAX) {
                hs_error_set(err, src, 0, 0,
                             "%s.groups[%zu]: group '%s' is already in partition '%s'; partitions "
                             "must not overlap",
                             path, k, c->groups[g].name, c->parts[c->groups[g].partition].name);
                return -1;
            }
            c->groups[g].partition = (uint32_t)i;
        }
    }
    for (uint32_t g = 0; g < c->ngroups; g++)
        if (c->groups[g].partition == UINT32_MAX) {
            hs_error_set(err, src, 0, 0, "groups[%u]: group '%s' is in no partition", g, c->groups[g].name);
            return -1;
        }
    return 0;
}

int hs_cluster_parse_json(hs_cluster *c, const char *text, size_t len, const char *src, hs_error *err)
{
    static const char *const keys[] = {"name", "allocation", "groups", "partitions", NULL};
    memset(c, 0, sizeof *c);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = -1;
    if (!root)
        return hs_error_set(err, src, jerr.line, jerr.column, "%s", jerr.text);
    if (!json_is_object(root)) {
        hs_error_set(err, src, 0, 0, "the cluster description must be a JSON object, got %s", hs_json_kind(root));
        goto out;
    }
    if (hs_cluster_is_flux_r(root)) {
        rc = hs_cluster_from_flux_r(c, root, src, err);
        goto out;
    }
    if (hs_json_check_keys(root, keys, src, "", err) < 0)
        goto out;
    const char *name = "cluster", *alloc = "cores";
    if (get_string(root, "name", &name, src, "", err) < 0 || get_string(root, "allocation", &alloc, src, "", err) < 0)
        goto out;
    if (strcmp(alloc, "cores") != 0 && strcmp(alloc, "nodes") != 0) {
        hs_error_set(err, src, 0, 0, "allocation: '%s' is neither \"cores\" nor \"nodes\"", alloc);
        goto out;
    }
    c->mode = strcmp(alloc, "nodes") == 0 ? HS_ALLOC_NODES : HS_ALLOC_CORES;
    if (!(c->name = strdup(name))) {
        hs_error_set(err, src, 0, 0, "out of memory");
        goto out;
    }
    if (read_groups(c, json_object_get(root, "groups"), src, err) < 0)
        goto out;
    json_t *parts = json_object_get(root, "partitions");
    if (parts && read_partitions(c, parts, src, err) < 0)
        goto out;
    rc = hs_cluster_finish_layout(c, src, err);
out:
    json_decref(root);
    if (rc < 0)
        hs_cluster_free(c);
    return rc;
}

int hs_cluster_load_json(hs_cluster *c, const char *path, hs_error *err)
{
    /* Read whole (a description is small), then parse it as text, so
     * that file and string inputs share one validator. */
    FILE *f = fopen(path, "rb");
    if (!f)
        return hs_error_set(err, path, 0, 0, "cannot open the cluster description");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            if (cap > (64u << 20)) {
                free(buf);
                fclose(f);
                return hs_error_set(err, path, 0, 0, "larger than 64 MiB; not a cluster description");
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return hs_error_set(err, path, 0, 0, "out of memory");
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    int rc = bad                                  ? hs_error_set(err, path, 0, 0, "read error")
             : hs_cluster_is_nodes_csv(buf, len) ? hs_cluster_parse_nodes_csv(c, buf, len, path, err)
                                                  : hs_cluster_parse_json(c, buf, len, path, err);
    free(buf);
    return rc;
}
