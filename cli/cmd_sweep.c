/* `hpcsim sweep GRID.json` and `hpcsim sweep merge`: flags → sweep_run.h. */
#define _GNU_SOURCE
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "sweep_grid.h"
#include "sweep_point.h"
#include "sweep_run.h"
#include "sweep_table.h"

static void sweep_usage(FILE *out)
{
    fputs("usage: hpcsim sweep GRID.json [-j N] [--out DIR] [--resume] [--shard I/N] [--no-progress]\n"
          "       hpcsim sweep merge --out DIR SHARD_DIR...\n"
          "\n"
          "Runs every point of a grid of `hpcsim run` parameters (docs/sweep.md), each in its own\n"
          "processes, and writes DIR/results.csv: a row per point, its parameters, its status and\n"
          "its summary's figures. A point that fails is listed with its message; the others run.\n"
          "\n"
          "  -j, --jobs N      points at once (default: the CPUs this process may use)\n"
          "  --out DIR         the sweep's folder (default: sweep-NAME, NAME the grid's file name)\n"
          "  --resume          run only the points DIR has no result for (after a kill)\n"
          "  --shard I/N       run the points p with p % N == I (0 <= I < N): one task of a job\n"
          "                    array; `sweep merge` joins the shards' folders into one table\n"
          "  --no-progress     no progress line (it is shown on a terminal only)\n"
          "\n"
          "Under mpirun (built with MPI), rank 0 hands points to the ranks one at a time.\n"
          "Exit status: 0 every point ran, 1 some point failed or bad input, 2 bad usage.\n",
          out);
}

static unsigned cpus_available(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* "I/N" with 0 <= I < N. */
static int parse_shard(const char *text, uint32_t *i, uint32_t *n)
{
    char *slash = strchr(text, '/'), *end;
    if (!slash)
        return -1;
    unsigned long a = strtoul(text, &end, 10);
    if (end != slash || end == text)
        return -1;
    unsigned long b = strtoul(slash + 1, &end, 10);
    if (*end || end == slash + 1 || b == 0 || b > 1000000 || a >= b)
        return -1;
    *i = (uint32_t)a;
    *n = (uint32_t)b;
    return 0;
}

static int report(const char *out, uint32_t total, uint32_t ran, unsigned failed, unsigned missing)
{
    fprintf(stderr, "hpcsim sweep: %u points (%u run now): %u ok, %u failed", total, ran, total - missing - failed, failed);
    if (missing)
        fprintf(stderr, ", %u with no result", missing);
    fprintf(stderr, "; %s/results.csv\n", out);
    return failed || missing ? 1 : 0;
}

static int merge(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'h') {
            sweep_usage(stdout);
            return 0;
        } else {
            sweep_usage(stderr);
            return 2;
        }
    }
    if (!out || optind >= argc) {
        fputs("hpcsim sweep merge: needs --out DIR and the shards' folders\n", stderr);
        return 2;
    }
    hs_error err = {0};
    sw_grid g = {0};
    char path[4200];
    for (int k = optind; k < argc; k++) { /* every shard ran the same grid */
        snprintf(path, sizeof path, "%s/grid.json", argv[k]);
        sw_grid other;
        if (sw_grid_load(&other, path, &err) < 0)
            goto fail;
        if (k == optind) {
            g = other;
            continue;
        }
        int same = other.text_len == g.text_len && memcmp(other.text, g.text, g.text_len) == 0;
        sw_grid_free(&other);
        if (!same) {
            hs_error_set(&err, path, 0, 0, "differs from %s/grid.json: not shards of one sweep", argv[optind]);
            goto fail;
        }
    }
    sw_options o = {.grid_path = path, .out = out, .resume = true};
    json_t **results = calloc(g.npoints ? g.npoints : 1, sizeof *results);
    if (!results) {
        hs_error_set(&err, NULL, 0, 0, "out of memory");
        goto fail;
    }
    unsigned failed = 0, missing = 0;
    uint32_t first_missing = 0;
    char dir[4200];
    for (uint32_t i = 0; i < g.npoints; i++) {
        for (int k = optind; k < argc && !results[i]; k++) {
            sw_point_dir(dir, sizeof dir, argv[k], i, g.npoints);
            results[i] = sw_result_read(dir);
        }
        if (!results[i] && missing++ == 0)
            first_missing = i;
        else if (results[i] && strcmp(json_string_value(json_object_get(results[i], "status")), "ok") != 0)
            failed++;
    }
    int rc = 1;
    if (missing) {
        hs_error_set(&err, NULL, 0, 0, "%u of %u points have a result in none of these folders (the first: point %u)",
                     missing, g.npoints, first_missing);
    } else if (sw_prepare(&g, &o, &err) == 0) {
        rc = 0;
        for (uint32_t i = 0; i < g.npoints && rc == 0; i++) {
            sw_point_dir(dir, sizeof dir, out, i, g.npoints);
            char *text = json_dumps(results[i], JSON_COMPACT | JSON_REAL_PRECISION(17));
            rc = !text ? hs_error_set(&err, NULL, 0, 0, "out of memory") : sw_result_write(dir, text, &err);
            free(text);
        }
        snprintf(path, sizeof path, "%s/results.csv", out);
        if (rc == 0)
            rc = sw_table_write(&g, results, path, &err);
    }
    for (uint32_t i = 0; i < g.npoints; i++)
        json_decref(results[i]);
    free(results);
    if (rc < 0 || missing)
        goto fail;
    rc = report(out, g.npoints, 0, failed, 0);
    sw_grid_free(&g);
    return rc;
fail:
    fputs("hpcsim sweep merge: ", stderr);
    hs_error_print(stderr, &err);
    sw_grid_free(&g);
    return 1;
}

int hs_cmd_sweep(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "merge") == 0)
        return merge(argc - 1, argv + 1);
    static const struct option opts[] = {
        {"jobs", required_argument, 0, 'j'},  {"out", required_argument, 0, 'o'},
        {"resume", no_argument, 0, 'r'},      {"shard", required_argument, 0, 's'},
        {"no-progress", no_argument, 0, 'P'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    sw_options o = {.jobs = 0, .progress = true};
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:o:", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (hs_arg_u64("--jobs", optarg, 1, 4096, &v) < 0)
                return 2;
            o.jobs = (unsigned)v;
            break;
        case 'o': o.out = optarg; break;
        case 'r': o.resume = true; break;
        case 's':
            if (parse_shard(optarg, &o.shard, &o.nshards) < 0) {
                fprintf(stderr, "hpcsim sweep: --shard: '%s' is not I/N with 0 <= I < N\n", optarg);
                return 2;
            }
            break;
        case 'P': o.progress = false; break;
        case 'h': sweep_usage(stdout); return 0;
        default: sweep_usage(stderr); return 2;
        }
    }
    if (optind + 1 != argc) {
        sweep_usage(stderr);
        return 2;
    }
    o.grid_path = argv[optind];
    char default_out[4200], self[4096];
    if (!o.out) {
        const char *base = strrchr(o.grid_path, '/');
        base = base ? base + 1 : o.grid_path;
        size_t n = strlen(base);
        if (n > 5 && strcmp(base + n - 5, ".json") == 0)
            n -= 5;
        snprintf(default_out, sizeof default_out, "sweep-%.*s", (int)n, base);
        o.out = default_out;
    }
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fputs("hpcsim sweep: cannot find this program's path (/proc/self/exe)\n", stderr);
        return 1;
    }
    self[len] = '\0';
    o.self = self;
    o.progress = o.progress && isatty(2);
    bool mpi = sw_mpi_wanted();
    if (!o.jobs)
        o.jobs = mpi ? 1 : cpus_available();
    hs_error err = {0};
    sw_grid g;
    if (sw_grid_load(&g, o.grid_path, &err) < 0) {
        fputs("hpcsim sweep: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    int rc;
    uint32_t ran = 0;
    if (mpi) {
        if (o.nshards > 1) {
            sw_grid_free(&g);
            fputs("hpcsim sweep: --shard is for job arrays, not for a run under mpirun\n", stderr);
            return 2;
        }
        rc = sw_run_mpi(&g, &o, &ran, &err);
        if (rc == 1) { /* a rank other than 0: rank 0 writes the table */
            sw_grid_free(&g);
            return 0;
        }
    } else {
        rc = sw_prepare(&g, &o, &err);
        if (rc == 0)
            rc = sw_run_local(&g, &o, &ran, &err);
    }
    unsigned failed = 0, missing = 0;
    if (rc == 0)
        rc = sw_collect(&g, &o, &failed, &missing, &err);
    if (rc < 0) {
        fputs("hpcsim sweep: ", stderr);
        hs_error_print(stderr, &err);
        sw_grid_free(&g);
        return 1;
    }
    uint32_t total = 0;
    for (uint32_t i = 0; i < g.npoints; i++)
        total += sw_in_shard(&o, i);
    sw_grid_free(&g);
    if (o.nshards > 1) {
        fprintf(stderr, "hpcsim sweep: shard %u of %u: %u points (%u run now), %u failed; %s/results.shard-%u-of-%u.csv\n",
                o.shard, o.nshards, total, ran, failed, o.out, o.shard, o.nshards);
        return failed || missing ? 1 : 0;
    }
    return report(o.out, total, ran, failed, missing);
}
