/* Reading a sweep's grid file (sweep_grid.h, docs/sweep.md).
 *
 * The points are: each object of "points" (one empty point when there is
 * none), crossed with the cartesian product of "grid" (its first key
 * varies slowest), crossed with the replications. A point's parameters
 * are "base"'s, then its own, then the grid's, later ones replacing
 * earlier ones; a replication r (1-based) adds r - 1 to the run's seed
 * and, when the trace is generated, to the generator's seed, so that the
 * seeds a point ran with are in its row. */
#include "sweep_grid.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/file.h"
#include "hpcsim/json_fields.h"


/* `hpcsim run`'s flags a point may set; "no-kill" and "strict" are
 * booleans (the flag or nothing). */
static const char *const run_params[] = {"trace",  "cluster", "nodes",   "cores-per-node", "alloc",
                                         "policy", "policy-conf", "model", "backend",     "profiles",
                                         "profile-rules", "seed", "no-kill", "strict", "max-memory", NULL};
/* `hpcsim gen`'s, when each point generates its trace. */
static const char *const gen_params[] = {"gen.jobs", "gen.nodes", "gen.seed", "gen.load", "gen.max-runtime",
                                         "gen.type", NULL};

static bool listed(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

static bool is_flag(const char *name) { return strcmp(name, "no-kill") == 0 || strcmp(name, "strict") == 0; }

static int check_name(const char *name, const char *src, const char *where, hs_error *err)
{
    if (listed(run_params, name) || listed(gen_params, name))
        return 0;
    if (strncmp(name, "policy-opt.", 11) == 0 && name[11] && !strchr(name, '='))
        return 0;
    return hs_error_set(err, src, 0, 0,
                        "%s: unknown parameter '%s' (hpcsim run's flags without their dashes, policy-opt.KEY, "
                        "gen.jobs|nodes|seed|load|max-runtime|type)",
                        where, name);
}

/* A scalar as the text a flag takes; NULL (err set) for another kind. */
static char *value_text(const json_t *v, const char *name, const char *src, const char *where, hs_error *err)
{
    char buf[64];
    bool flag = is_flag(name), policy_opt = strncmp(name, "policy-opt.", 11) == 0;
    if (json_is_boolean(v) && (flag || policy_opt))
        return strdup(json_is_true(v) ? "true" : "false");
    if (flag) {
        hs_error_set(err, src, 0, 0, "%s: expected true or false, got %s", where, hs_json_kind(v));
        return NULL;
    }
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    }
    if (json_is_real(v)) {
        sw_number_text(json_real_value(v), buf, sizeof buf);
        return strdup(buf);
    }
    hs_error_set(err, src, 0, 0, "%s: expected a string or a number, got %s", where, hs_json_kind(v));
    return NULL;
}

void sw_number_text(double x, char *buf, size_t len)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, len, "%.0f", x);
        return;
    }
    for (int digits = 12; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

static int set_param(sw_point *p, const char *name, const char *value)
{
    for (unsigned i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].name, name) == 0) {
            char *v = strdup(value);
            if (!v)
                return -1;
            free(p->params[i].value);
            p->params[i].value = v;
            return 0;
        }
    sw_param *more = realloc(p->params, (p->nparams + 1) * sizeof *more);
    if (!more)
        return -1;
    p->params = more;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    p->params[p->nparams++] = (sw_param){n, v};
    return 0;
}

static void point_free(sw_point *p)
{
    for (unsigned i = 0; i < p->nparams; i++) {
        free(p->params[i].name);
        free(p->params[i].value);
    }
    free(p->params);
    p->params = NULL;
    p->nparams = 0;
}

const char *sw_point_get(const sw_point *p, const char *name)
{
    for (unsigned i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].name, name) == 0)
            return p->params[i].value;
    return NULL;
}

/* Sets every key of obj on p; where names the object in messages. */
static int set_object(sw_point *p, const json_t *obj, const char *src, const char *where, hs_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        char path[200];
        snprintf(path, sizeof path, "%s.%s", where, key);
        if (check_name(key, src, path, err) < 0)
            return -1;
        char *text = value_text(v, key, src, path, err);
        if (!text)
            return err->text[0] ? -1 : hs_error_set(err, NULL, 0, 0, "out of memory");
        int rc = set_param(p, key, text);
        free(text);
        if (rc < 0)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    return 0;
}

static int add_column(sw_grid *g, const char *name)
{
    for (unsigned i = 0; i < g->ncolumns; i++)
        if (strcmp(g->columns[i], name) == 0)
            return 0;
    char **more = realloc(g->columns, (g->ncolumns + 1) * sizeof *more);
    if (!more)
        return -1;
    g->columns = more;
    if (!(g->columns[g->ncolumns] = strdup(name)))
        return -1;
    g->ncolumns++;
    return 0;
}

static int copy_point(sw_point *to, const sw_point *from)
{
    memset(to, 0, sizeof *to);
    for (unsigned i = 0; i < from->nparams; i++)
        if (set_param(to, from->params[i].name, from->params[i].value) < 0)
            return -1;
    return 0;
}

/* A seed parameter plus r - 1, as text. */
static int bump_seed(sw_point *p, const char *name, unsigned r, const char *src, hs_error *err)
{
    const char *s = sw_point_get(p, name);
    char *end;
    unsigned long long base = s ? strtoull(s, &end, 10) : 0;
    if (s && (*end || !*s || *s == '-'))
        return hs_error_set(err, src, 0, 0, "%s: '%s' is not a non-negative integer, so replications cannot count from it",
                            name, s);
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", base + r - 1);
    return set_param(p, name, buf) < 0 ? hs_error_set(err, NULL, 0, 0, "out of memory") : 0;
}

static int expand(sw_grid *g, const json_t *root, const char *src, uint32_t max_points, hs_error *err)
{
    static const char *const top[] = {"description", "base", "grid", "points", "replications", NULL};
    if (!json_is_object(root))
        return hs_error_set(err, src, 0, 0, "expected an object, got %s", hs_json_kind(root));
    if (hs_json_check_keys(root, top, src, "", err) < 0)
        return -1;
    const json_t *base = json_object_get(root, "base"), *grid = json_object_get(root, "grid"),
                 *points = json_object_get(root, "points"), *reps = json_object_get(root, "replications"),
                 *desc = json_object_get(root, "description");
    if (desc && !json_is_string(desc))
        return hs_error_set(err, src, 0, 0, "description: expected a string, got %s", hs_json_kind(desc));
    if (base && !json_is_object(base))
        return hs_error_set(err, src, 0, 0, "base: expected an object, got %s", hs_json_kind(base));
    if (grid && !json_is_object(grid))
        return hs_error_set(err, src, 0, 0, "grid: expected an object of lists, got %s", hs_json_kind(grid));
    if (points && (!json_is_array(points) || json_array_size(points) == 0))
        return hs_error_set(err, src, 0, 0, "points: expected a non-empty list of objects, got %s",
                            json_is_array(points) ? "an empty list" : hs_json_kind(points));
    if (reps && (!json_is_integer(reps) || json_integer_value(reps) < 1 || json_integer_value(reps) > 10000))
        return hs_error_set(err, src, 0, 0, "replications: expected an integer in [1, 10000], got %s",
                            json_is_integer(reps) ? "one out of range" : hs_json_kind(reps));
    unsigned nreps = reps ? (unsigned)json_integer_value(reps) : 1;

    /* the grid's axes */
    size_t naxes = grid ? json_object_size(grid) : 0, combos = 1;
    const char **axis_name = calloc(naxes ? naxes : 1, sizeof *axis_name);
    const json_t **axis = calloc(naxes ? naxes : 1, sizeof *axis);
    size_t *at = calloc(naxes ? naxes : 1, sizeof *at);
    sw_point proto = {0}, with_own = {0};
    int rc = -1;
    if (!axis_name || !axis || !at) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t k = 0;
    const char *key;
    json_t *v;
    if (grid)
        json_object_foreach((json_t *)grid, key, v)
        {
            char where[200];
            snprintf(where, sizeof where, "grid.%s", key);
            if (check_name(key, src, where, err) < 0)
                goto done;
            if (!json_is_array(v) || json_array_size(v) == 0) {
                hs_error_set(err, src, 0, 0, "%s: expected a non-empty list of values, got %s", where,
                             json_is_array(v) ? "an empty list" : hs_json_kind(v));
                goto done;
            }
            axis_name[k] = key;
            axis[k++] = v;
            combos *= json_array_size(v);
            if (combos > max_points)
                break;
        }
    size_t nown = points ? json_array_size(points) : 1;
    if (combos > max_points || combos * nown > max_points || combos * nown * nreps > max_points) {
        hs_error_set(err, src, 0, 0, "the grid has more than %u points", max_points);
        goto done;
    }
    if (base && set_object(&proto, base, src, "base", err) < 0)
        goto done;
    for (unsigned i = 0; i < proto.nparams; i++) /* the base's parameters lead the table */
        if (add_column(g, proto.params[i].name) < 0) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            goto done;
        }
    if (!(g->points = calloc(combos * nown * nreps, sizeof *g->points))) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t o = 0; o < nown; o++) {
        point_free(&with_own);
        if (copy_point(&with_own, &proto) < 0) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            goto done;
        }
        if (points) {
            const json_t *own = json_array_get(points, o);
            char where[64];
            snprintf(where, sizeof where, "points[%zu]", o);
            if (!json_is_object(own)) {
                hs_error_set(err, src, 0, 0, "%s: expected an object, got %s", where, hs_json_kind(own));
                goto done;
            }
            if (set_object(&with_own, own, src, where, err) < 0)
                goto done;
            json_object_foreach((json_t *)own, key, v) if (add_column(g, key) < 0)
            {
                hs_error_set(err, NULL, 0, 0, "out of memory");
                goto done;
            }
        }
        for (size_t c = 0; c < combos; c++) {
            /* c's digits, the last axis fastest */
            size_t rest = c;
            for (size_t a = naxes; a-- > 0;) {
                at[a] = rest % json_array_size(axis[a]);
                rest /= json_array_size(axis[a]);
            }
            for (unsigned r = 1; r <= nreps; r++) {
                sw_point *p = &g->points[g->npoints++];
                if (copy_point(p, &with_own) < 0) {
                    hs_error_set(err, NULL, 0, 0, "out of memory");
                    goto done;
                }
                for (size_t a = 0; a < naxes; a++) {
                    char where[200];
                    snprintf(where, sizeof where, "grid.%s[%zu]", axis_name[a], at[a]);
                    char *text = value_text(json_array_get(axis[a], at[a]), axis_name[a], src, where, err);
                    if (!text || set_param(p, axis_name[a], text) < 0) {
                        free(text);
                        if (!err->text[0])
                            hs_error_set(err, NULL, 0, 0, "out of memory");
                        goto done;
                    }
                    free(text);
                }
                if (nreps > 1) {
                    char buf[16];
                    snprintf(buf, sizeof buf, "%u", r);
                    if (set_param(p, "replication", buf) < 0) {
                        hs_error_set(err, NULL, 0, 0, "out of memory");
                        goto done;
                    }
                    if (bump_seed(p, "seed", r, src, err) < 0)
                        goto done;
                    if (sw_point_get(p, "gen.jobs") && bump_seed(p, "gen.seed", r, src, err) < 0)
                        goto done;
                }
            }
        }
    }
    for (size_t a = 0; a < naxes; a++)
        if (add_column(g, axis_name[a]) < 0) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            goto done;
        }
    if (nreps > 1 && (add_column(g, "replication") < 0 || add_column(g, "seed") < 0 ||
                      (g->npoints && sw_point_get(&g->points[0], "gen.jobs") && add_column(g, "gen.seed") < 0))) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        goto done;
    }
    rc = 0;
done:
    point_free(&proto);
    point_free(&with_own);
    free(axis_name);
    free(axis);
    free(at);
    return rc;
}

int sw_grid_parse(sw_grid *g, const char *text, size_t len, const char *source, hs_error *err)
{
    return sw_grid_parse_max(g, text, len, source, SW_GRID_MAX_POINTS, err);
}

int sw_grid_parse_max(sw_grid *g, const char *text, size_t len, const char *source, uint32_t max_points,
                      hs_error *err)
{
    memset(g, 0, sizeof *g);
    if (err)
        err->text[0] = '\0';
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return hs_error_set(err, source, je.line, je.column, "%s", je.text);
    int rc = expand(g, root, source, max_points, err);
    json_decref(root);
    if (rc == 0 && (g->text = malloc(len + 1))) {
        memcpy(g->text, text, len);
        g->text[len] = '\0';
        g->text_len = len;
        return 0;
    }
    if (rc == 0)
        hs_error_set(err, NULL, 0, 0, "out of memory");
    sw_grid_free(g);
    return -1;
}

int sw_grid_load(sw_grid *g, const char *path, hs_error *err)
{
    memset(g, 0, sizeof *g);
    size_t len;
    char *text = hs_read_file(path, 64u << 20, &len, err);
    if (!text)
        return -1;
    int rc = sw_grid_parse(g, text, len, path, err);
    free(text);
    return rc;
}

void sw_grid_free(sw_grid *g)
{
    for (uint32_t i = 0; g->points && i < g->npoints; i++)
        point_free(&g->points[i]);
    free(g->points);
    for (unsigned i = 0; i < g->ncolumns; i++)
        free(g->columns[i]);
    free(g->columns);
    free(g->text);
    memset(g, 0, sizeof *g);
}
