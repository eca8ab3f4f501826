/* The Lublin–Feitelson generator: reproducible, within its bounds, and
 * with the model's shape (serial share, powers of two, size-runtime
 * correlation) on a fixed seed, so the figures are exact, not flaky. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/gen.h"
#include "hpcsim/trace.h"
#include "testlib.h"

static const char *gen(const char *dir, const char *name, uint64_t jobs, uint32_t nodes, unsigned long long seed)
{
    static char path[8][1100];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 1100, "%s/%s", dir, name);
    hs_gen_config cfg = {jobs, nodes, seed, HS_GEN_MAX_RUNTIME, 0, "test"};
    hs_error err;
    ck_assert_int_eq(hs_gen_lublin(&cfg, p, &err), 0);
    return p;
}

START_TEST(same_seed_same_bytes)
{
    const char *dir = tl_tmpdir("gen_seed");
    size_t la, lb, lc;
    char *a = tl_read(gen(dir, "a.swf", 3000, 256, 7), &la);
    char *b = tl_read(gen(dir, "b.swf", 3000, 256, 7), &lb);
    char *c = tl_read(gen(dir, "c.swf", 3000, 256, 8), &lc);
    ck_assert_uint_eq(la, lb);
    ck_assert_mem_eq(a, b, la);
    ck_assert(lc != la || memcmp(a, c, la) != 0);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(model_shape)
{
    const char *dir = tl_tmpdir("gen_shape");
    const char *p = gen(dir, "g.swf", 20000, 1024, 1);
    hs_trace t;
    hs_error err;
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, NULL, &err), 0);
    ck_assert_uint_eq(t.njobs, 20000);
    ck_assert_uint_eq(t.nskipped, 0);
    ck_assert_int_eq(t.header.max_nodes, 1024);
    uint32_t serial = 0, pow2 = 0, parallel = 0, small_n = 0, big_n = 0;
    double prev = 0, small_log = 0, big_log = 0;
    for (uint32_t i = 0; i < t.njobs; i++) {
        const hs_job *j = &t.jobs[i];
        ck_assert(j->procs >= 1 && j->procs <= 1024);
        ck_assert(j->runtime >= 1 && j->runtime <= HS_GEN_MAX_RUNTIME);
        ck_assert(j->req_time >= j->runtime && j->req_time <= HS_GEN_MAX_RUNTIME);
        ck_assert(j->submit >= prev);
        prev = j->submit;
        if (j->procs == 1) {
            serial++;
        } else {
            parallel++;
            pow2 += (j->procs & (j->procs - 1)) == 0;
        }
        if (j->procs <= 2) {
            small_log += log(j->runtime);
            small_n++;
        } else if (j->procs >= 64) {
            big_log += log(j->runtime);
            big_n++;
        }
    }
    /* serial share ~ 0.29; powers of two well above what sizes drawn
     * uniformly in log space would give; big jobs run longer */
    ck_assert_msg(fabs(serial / 20000.0 - 0.2927) < 0.02, "serial share %g", serial / 20000.0);
    ck_assert_msg(pow2 / (double)parallel > 0.7, "power-of-two share %g", pow2 / (double)parallel);
    ck_assert_msg(big_log / big_n > small_log / small_n, "mean ln(run): big %g, small %g", big_log / big_n,
                  small_log / small_n);
    /* the daily cycle: more arrivals in the afternoon than at night */
    uint32_t day = 0, night = 0;
    for (uint32_t i = 0; i < t.njobs; i++) {
        double h = fmod(t.jobs[i].submit, 86400) / 3600;
        day += h >= 10 && h < 18;
        night += h >= 0 && h < 8;
    }
    ck_assert_msg(day > 2 * night, "10-18h: %u jobs, 0-8h: %u jobs", day, night);
    hs_trace_free(&t);
}
END_TEST

/* --load: the offered load of the file is the target, within the slack
 * the daily cycle leaves between the sum of gaps and the real span. */
START_TEST(target_load)
{
    const char *dir = tl_tmpdir("gen_load");
    char p[1100];
    snprintf(p, sizeof p, "%s/l.swf", dir);
    hs_gen_config cfg = {20000, 512, 3, HS_GEN_MAX_RUNTIME, 0.7, "test"};
    hs_error err;
    ck_assert_int_eq(hs_gen_lublin(&cfg, p, &err), 0);
    hs_trace t;
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, NULL, &err), 0);
    double work = 0;
    for (uint32_t i = 0; i < t.njobs; i++)
        work += (double)t.jobs[i].procs * t.jobs[i].runtime;
    double load = work / (512.0 * (t.jobs[t.njobs - 1].submit - t.jobs[0].submit));
    ck_assert_msg(fabs(load - 0.7) < 0.05, "offered load %g, target 0.7", load);
    hs_trace_free(&t);
}
END_TEST

START_TEST(refuses_nonsense)
{
    hs_gen_config cfg = {0, 16, 1, HS_GEN_MAX_RUNTIME, 0, NULL};
    hs_error err;
    ck_assert_int_eq(hs_gen_lublin(&cfg, "/tmp/never-written.swf", &err), -1);
    ck_assert(!tl_exists("/tmp/never-written.swf"));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("gen");
    tcase_add_test(tc, same_seed_same_bytes);
    tcase_add_test(tc, model_shape);
    tcase_add_test(tc, target_load);
    tcase_add_test(tc, refuses_nonsense);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
