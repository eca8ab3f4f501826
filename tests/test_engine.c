/* The engine: event order at one instant, the lifecycle, and refusal of
 * allocations that are wrong, whatever the policy asks. Uses a scripted
 * test policy written on the same seam as the real ones. */
#include <stdlib.h>
#include <string.h>

#include "../sim/event_heap.h"
#include "hpcsim/engine.h"
#include "hpcsim/policy.h"
#include "testlib.h"

START_TEST(heap_orders_time_kind_sequence)
{
    hs_event_heap h = {0};
    hs_heap_push(&h, 5, HS_EV_WAKEUP, 0);
    hs_heap_push(&h, 5, HS_EV_JOB_END, 1);
    hs_heap_push(&h, 1, HS_EV_WAKEUP, 2);
    hs_heap_push(&h, 5, HS_EV_JOB_END, 3);
    hs_heap_push(&h, 3, HS_EV_JOB_END, 4);
    uint32_t expect_job[] = {2, 4, 1, 3, 0};
    for (int i = 0; i < 5; i++) {
        hs_event e;
        ck_assert(hs_heap_pop(&h, &e));
        ck_assert_uint_eq(e.job, expect_job[i]);
    }
    hs_event e;
    ck_assert(!hs_heap_pop(&h, &e));
    hs_heap_free(&h);
}
END_TEST

/* A policy that logs what it is told and, on its first pass, tries the
 * allocations a test sets up. */
typedef struct script {
    hs_engine *eng;
    char log[512];
    int passes;
    int (*on_pass)(struct script *s, hs_error *err);
} script;

static script *current;

static int s_create(hs_engine *eng, void **state, hs_error *err)
{
    current->eng = eng;
    *state = current;
    return 0;
}
static void s_destroy(void *state) { (void)state; }
static void s_log(script *s, const char *what, const hs_job *job)
{
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%s%ld@%g ", what, job ? (long)job->swf.f[HS_SWF_JOB_ID] : 0L,
             hs_engine_now(s->eng));
}
static void s_submitted(void *state, hs_job *job) { s_log(state, "sub", job); }
static void s_ended(void *state, hs_job *job) { s_log(state, "end", job); }
static void s_wakeup(void *state) { s_log(state, "wake", NULL); }
static int s_schedule(void *state, hs_error *err)
{
    script *s = state;
    s_log(s, "pass", NULL);
    s->passes++;
    return s->on_pass ? s->on_pass(s, err) : 0;
}

static const struct hs_policy_ops script_ops = {.name = "script", .summary = "test", .create = s_create,
                                                .destroy = s_destroy, .job_submitted = s_submitted,
                                                .job_ended = s_ended, .wakeup = s_wakeup, .schedule = s_schedule};

static void load(hs_cluster *c, hs_trace *t, const char *swf, uint32_t nodes)
{
    hs_error err;
    const char *dir = tl_tmpdir("engine");
    const char *p = tl_write(dir, "t.swf", swf);
    ck_assert_int_eq(hs_cluster_init_uniform(c, nodes, 1, HS_ALLOC_NODES, &err), 0);
    ck_assert_int_eq(hs_trace_load(t, p, c, NULL, &err), 0);
}

static int start_all_first_pass(script *s, hs_error *err)
{
    hs_trace *t = hs_engine_trace(s->eng);
    for (uint32_t i = 0; i < t->njobs; i++) {
        if (t->jobs[i].state != HS_JOB_QUEUED)
            continue;
        hs_intervals iv = {0};
        hs_cluster_first_fit(hs_engine_cluster(s->eng), 0, t->jobs[i].demand, &iv);
        int rc = hs_engine_start_job(s->eng, &t->jobs[i], &iv, err);
        hs_intervals_free(&iv);
        if (rc < 0)
            return -1;
    }
    if (s->passes == 1)
        return hs_engine_wakeup_at(s->eng, 10, err);
    return 0;
}

/* At t=10: job 1 ends, job 2 arrives, a wake-up fires, then one pass. */
START_TEST(same_instant_order)
{
    hs_cluster c;
    hs_trace t;
    load(&c, &t,
         "1 0 -1 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
         "2 10 -1 5 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
         2);
    script s = {.on_pass = start_all_first_pass};
    current = &s;
    hs_error err;
    hs_engine *e = hs_engine_new(&c, &t, &script_ops, NULL, &err);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(hs_engine_run(e, &err), 0);
    ck_assert_str_eq(s.log, "sub1@0 pass0@0 end1@10 sub2@10 wake0@10 pass0@10 end2@15 pass0@15 ");
    ck_assert_uint_eq(t.jobs[0].state, HS_JOB_COMPLETED);
    ck_assert_double_eq(t.jobs[1].start, 10);
    hs_engine_free(e);
    hs_trace_free(&t);
    hs_cluster_free(&c);
}
END_TEST

static const char *refusal;

static int try_bad_allocations(script *s, hs_error *err)
{
    hs_trace *t = hs_engine_trace(s->eng);
    hs_job *a = &t->jobs[0], *b = &t->jobs[1];
    hs_intervals iv = {0};
    if (s->passes > 1)
        return 0;
    hs_intervals_append(&iv, 0, 2);
    ck_assert_int_eq(hs_engine_start_job(s->eng, a, &iv, err), 0);
    /* overlapping a busy node */
    hs_intervals_reset(&iv);
    hs_intervals_append(&iv, 1, 2);
    ck_assert_int_eq(hs_engine_start_job(s->eng, b, &iv, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "node 1 is busy"));
    /* wrong size */
    hs_intervals_reset(&iv);
    hs_intervals_append(&iv, 2, 1);
    ck_assert_int_eq(hs_engine_start_job(s->eng, b, &iv, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "needs 2 units, the allocation has 1"));
    /* outside the cluster */
    hs_intervals_reset(&iv);
    hs_intervals_append(&iv, 3, 2);
    ck_assert_int_eq(hs_engine_start_job(s->eng, b, &iv, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "not all in partition"));
    /* ranges that overlap each other */
    hs_intervals_reset(&iv);
    iv.r = realloc(iv.r, 2 * sizeof *iv.r);
    iv.cap = 2;
    iv.n = 2;
    iv.r[0] = (hs_range){2, 1};
    iv.r[1] = (hs_range){2, 1};
    ck_assert_int_eq(hs_engine_start_job(s->eng, b, &iv, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "overlap"));
    /* a job already running */
    hs_intervals_reset(&iv);
    hs_intervals_append(&iv, 2, 2);
    ck_assert_int_eq(hs_engine_start_job(s->eng, a, &iv, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "is not queued"));
    /* a wake-up in the past */
    ck_assert_int_eq(hs_engine_wakeup_at(s->eng, -1, err), -1);
    /* nothing of that changed the state: b still starts on free nodes */
    ck_assert_uint_eq(hs_engine_cluster(s->eng)->parts[0].free_units, 2);
    int rc = hs_engine_start_job(s->eng, b, &iv, err);
    hs_intervals_free(&iv);
    refusal = "checked";
    return rc;
}

START_TEST(refuses_bad_allocations)
{
    hs_cluster c;
    hs_trace t;
    load(&c, &t,
         "1 0 -1 10 2 -1 -1 2 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
         "2 0 -1 10 2 -1 -1 2 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
         4);
    script s = {.on_pass = try_bad_allocations};
    current = &s;
    hs_error err;
    hs_engine *e = hs_engine_new(&c, &t, &script_ops, NULL, &err);
    ck_assert_int_eq(hs_engine_run(e, &err), 0);
    ck_assert_str_eq(refusal, "checked");
    hs_engine_free(e);
    hs_trace_free(&t);
    hs_cluster_free(&c);
}
END_TEST

/* Tasks on shared nodes: 2 nodes x 4 cores; jobs of 6 processors are 2
 * tasks of 3 cores. Two tasks of 3 cores on one node are refused (6 > 4)
 * and change nothing; one per node fits; a second job then finds 1 core
 * free on each node; a start on units in a run of tasks is refused. */
static int try_task_starts(script *s, hs_error *err)
{
    if (s->passes > 1)
        return 0;
    hs_trace *t = hs_engine_trace(s->eng);
    hs_job *a = &t->jobs[0], *b = &t->jobs[1];
    ck_assert_uint_eq(a->tasks, 2);
    ck_assert_uint_eq(a->cpu_milli, 6000);
    uint32_t same[2] = {0, 0}, spread[2] = {0, 1}, outside[2] = {0, 2};
    ck_assert_int_eq(hs_engine_start_job_tasks(s->eng, a, same, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "node 0"));
    ck_assert_int_eq(hs_engine_start_job_tasks(s->eng, a, outside, err), -1);
    hs_node_capacity free0;
    hs_engine_node_free(s->eng, 0, &free0);
    ck_assert_uint_eq(free0.cpu_milli, 4000); /* the refusals took nothing */
    ck_assert_int_eq(hs_engine_start_job_tasks(s->eng, a, spread, err), 0);
    hs_engine_node_free(s->eng, 1, &free0);
    ck_assert_uint_eq(free0.cpu_milli, 1000);
    ck_assert_int_eq(hs_engine_start_job_tasks(s->eng, b, spread, err), -1);
    hs_intervals iv = {0};
    hs_intervals_append(&iv, 4, 6);
    ck_assert_int_eq(hs_engine_start_job(s->eng, b, &iv, err), -1);
    ck_assert_ptr_nonnull(strstr(err->text, "places tasks"));
    hs_intervals_free(&iv);
    ck_assert_ptr_eq(hs_engine_job_task_nodes(s->eng, b), NULL);
    ck_assert_uint_eq(hs_engine_job_task_nodes(s->eng, a)[1], 1);
    refusal = "tasks checked";
    return hs_engine_wakeup_at(s->eng, 10, err);
}

static int start_second_when_free(script *s, hs_error *err)
{
    if (s->passes == 1)
        return try_task_starts(s, err);
    hs_trace *t = hs_engine_trace(s->eng);
    uint32_t same[2] = {0, 0}, spread[2] = {0, 1};
    if (t->jobs[1].state == HS_JOB_QUEUED && t->jobs[0].state == HS_JOB_COMPLETED) {
        ck_assert_int_eq(hs_engine_start_job_tasks(s->eng, &t->jobs[1], same, err), -1); /* 6 > 4 */
        return hs_engine_start_job_tasks(s->eng, &t->jobs[1], spread, err);
    }
    return 0;
}

START_TEST(task_starts_share_nodes_within_capacity)
{
    hs_cluster c;
    hs_trace t;
    hs_error err;
    const char *p = tl_write(tl_tmpdir("engine_tasks"), "t.swf",
                             "1 0 -1 10 6 -1 -1 6 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                             "2 0 -1 10 6 -1 -1 6 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    ck_assert_int_eq(hs_cluster_init_uniform(&c, 2, 4, HS_ALLOC_CORES, &err), 0);
    ck_assert_int_eq(hs_trace_load(&t, p, &c, NULL, &err), 0);
    script s = {.on_pass = start_second_when_free};
    current = &s;
    hs_engine *e = hs_engine_new(&c, &t, &script_ops, NULL, &err);
    ck_assert_int_eq(hs_engine_run(e, &err), 0);
    ck_assert_str_eq(refusal, "tasks checked");
    ck_assert_double_eq(t.jobs[1].start, 10);
    ck_assert(t.jobs[0].by_tasks && t.jobs[0].held == 2);
    hs_engine_free(e);
    hs_trace_free(&t);
    hs_cluster_free(&c);
}
END_TEST

/* A policy that never starts anything is reported, not hidden. */
START_TEST(stuck_jobs_are_an_error)
{
    hs_cluster c;
    hs_trace t;
    load(&c, &t, "1 0 -1 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n", 1);
    script s = {0};
    current = &s;
    hs_error err;
    hs_engine *e = hs_engine_new(&c, &t, &script_ops, NULL, &err);
    ck_assert_int_eq(hs_engine_run(e, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "left 1 jobs that fit the cluster unstarted (first: job 1)"));
    hs_engine_free(e);
    hs_trace_free(&t);
    hs_cluster_free(&c);
}
END_TEST

/* What the retire callback saw. */
typedef struct retired {
    const hs_trace *t;
    uint32_t next;          /* the index it expects next */
    uint32_t most_resident; /* chunks in memory at once, at most */
    double *start;
} retired;

static int on_retire(void *ctx, const hs_job *job, hs_error *err)
{
    (void)err;
    retired *r = ctx;
    ck_assert_uint_eq(job->index, r->next);
    ck_assert(job->state == HS_JOB_COMPLETED || job->state == HS_JOB_KILLED);
    r->start[r->next++] = job->start;
    uint32_t resident = 0;
    for (uint32_t c = 0; c * HS_JOB_CHUNK < r->t->njobs; c++)
        resident += r->t->chunk[c] != NULL;
    if (resident > r->most_resident)
        r->most_resident = resident;
    return 0;
}

/* Replays 20,000 jobs (a job a second, 1 to 4 seconds long on 1 to 3 of
 * 8 nodes: a handful live at once) with EASY, whole and streamed: every job retires once, in
 * input order, at the same start; streamed, the jobs of at most two
 * chunks are in memory at any time. */
static uint32_t replay_easy(const char *path, bool stream, double *start)
{
    hs_cluster c;
    hs_trace t;
    hs_error err;
    ck_assert_int_eq(hs_cluster_init_uniform(&c, 8, 1, HS_ALLOC_NODES, &err), 0);
    hs_trace_options opt = {false, NULL, 0, NULL, NULL, false, stream, false};
    ck_assert_int_eq(hs_trace_load(&t, path, &c, &opt, &err), 0);
    ck_assert(stream == (t.stream != NULL));
    retired r = {&t, 0, 0, start};
    hs_engine_options o;
    hs_engine_options_default(&o);
    o.on_job_retire = on_retire;
    o.on_job_retire_ctx = &r;
    hs_engine *e = hs_engine_new(&c, &t, hs_policy_find("easy"), &o, &err);
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(hs_engine_run(e, &err) == 0, "%s", err.text);
    ck_assert_uint_eq(r.next, t.njobs);
    hs_engine_free(e);
    hs_trace_free(&t);
    hs_cluster_free(&c);
    return r.most_resident;
}

START_TEST(streamed_replay_retires_in_order_and_frees_jobs)
{
    enum { N = 20000 };
    size_t cap = (size_t)N * 64, len = 0;
    char *text = malloc(cap);
    for (int i = 1; i <= N; i++)
        len += (size_t)snprintf(text + len, cap - len, "%d %d -1 %d %d -1 -1 %d 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n", i, i,
                                1 + i % 4, 1 + i % 3, 1 + i % 3);
    const char *p = tl_write(tl_tmpdir("engine_stream"), "t.swf", text);
    free(text);
    double *whole = malloc(N * sizeof *whole), *streamed = malloc(N * sizeof *streamed);
    uint32_t resident_whole = replay_easy(p, false, whole);
    uint32_t resident_streamed = replay_easy(p, true, streamed);
    ck_assert_uint_eq(resident_whole, (N + HS_JOB_CHUNK - 1) / HS_JOB_CHUNK);
    ck_assert_uint_le(resident_streamed, 2);
    for (int i = 0; i < N; i++)
        ck_assert_msg(whole[i] == streamed[i], "job %d: %g whole, %g streamed", i + 1, whole[i], streamed[i]);
    free(whole);
    free(streamed);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_add_test(tc, heap_orders_time_kind_sequence);
    tcase_add_test(tc, same_instant_order);
    tcase_add_test(tc, refuses_bad_allocations);
    tcase_add_test(tc, stuck_jobs_are_an_error);
    tcase_add_test(tc, task_starts_share_nodes_within_capacity);
    tcase_add_test(tc, streamed_replay_retires_in_order_and_frees_jobs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
