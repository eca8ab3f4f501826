/* A sweep across machines with MPI (sweep_run.h): `mpirun -np N hpcsim
 * sweep GRID.json`. Rank 0 prepares the folder, then hands the points
 * out one at a time to whichever rank asks, running points of its own
 * between messages; every rank runs its point as a local sweep does and
 * sends the point's result.json text back, which rank 0 writes beside
 * the others, so that the table is built as a local run builds it. A
 * static split would leave ranks idle: points differ in cost a
 * hundredfold. Built only when CMake finds MPI (HPCSIM_HAVE_MPI). */
#define _POSIX_C_SOURCE 200809L
#include "sweep_run.h"

#include <stdlib.h>

bool sw_mpi_wanted(void)
{
    /* set by the launchers of Open MPI, MPICH (Hydra) and PMIx */
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

#ifndef HPCSIM_HAVE_MPI

int sw_run_mpi(const sw_grid *g, const sw_options *o, uint32_t *ran, hs_error *err)
{
    (void)g;
    (void)o;
    (void)ran;
    return hs_error_set(err, NULL, 0, 0,
                        "started by mpirun, but this hpcsim was built without MPI (install libopenmpi-dev and "
                        "rebuild; docs/sweep.md)");
}

#else

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep_point.h"

enum { TAG_READY = 1, TAG_WORK = 2, TAG_RESULT = 3 };

/* A failed result for a point whose process could not even start. */
static char *failure_text(uint32_t i, const hs_error *e)
{
    json_t *r = json_pack("{s:i, s:s, s:s}", "point", (json_int_t)i, "status", "failed", "error", e->text);
    char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
    json_decref(r);
    return text;
}

/* Runs point i here and waits for it: its result text. */
static char *run_one(const sw_grid *g, const sw_options *o, uint32_t i)
{
    char dir[4200];
    hs_error e = {0};
    sw_point_dir(dir, sizeof dir, o->out, i, g->npoints);
    pid_t pid = sw_point_start(o->self, &g->points[i], dir, &e);
    if (pid < 0)
        return failure_text(i, &e);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char *text = sw_point_finish(i, dir, status, &e);
    return text ? text : failure_text(i, &e);
}

static void worker(const sw_grid *g, const sw_options *o)
{
    int ready = -1;
    MPI_Send(&ready, 1, MPI_INT, 0, TAG_READY, MPI_COMM_WORLD);
    for (;;) {
        int i;
        MPI_Recv(&i, 1, MPI_INT, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (i < 0)
            return;
        char *text = run_one(g, o, (uint32_t)i), fallback[96];
        /* out of memory even for the message: rank 0 still learns which point */
        snprintf(fallback, sizeof fallback, "{\"point\":%d,\"status\":\"failed\",\"error\":\"out of memory\"}", i);
        const char *sent = text ? text : fallback;
        MPI_Send(sent, (int)strlen(sent) + 1, MPI_CHAR, 0, TAG_RESULT, MPI_COMM_WORLD);
        free(text);
    }
}

/* Rank 0: its own point in a process, the others' requests between. */
static int leader(const sw_grid *g, const sw_options *o, int size, uint32_t *ran, hs_error *err)
{
    uint32_t ntodo, next = 0, *todo = sw_todo(g, o, &ntodo);
    if (!todo)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    char dir[4200];
    *ran = ntodo;
    sw_progress pr;
    sw_progress_begin(&pr, o->progress, ntodo);
    sw_progress_show(&pr);
    pid_t own = 0;
    uint32_t own_point = 0;
    int stopped = 0, rc = 0;
    long idle_ns = 1000000;
    while (rc == 0 && (next < ntodo || own || stopped < size - 1)) {
        bool busy = false;
        if (!own && next < ntodo) {
            own_point = todo[next++];
            sw_point_dir(dir, sizeof dir, o->out, own_point, g->npoints);
            own = sw_point_start(o->self, &g->points[own_point], dir, err);
            if (own < 0) {
                rc = -1;
                break;
            }
            pr.running++;
            sw_progress_show(&pr);
        }
        int flag;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            busy = true;
            if (st.MPI_TAG == TAG_READY) {
                int ignored;
                MPI_Recv(&ignored, 1, MPI_INT, st.MPI_SOURCE, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else {
                int n;
                MPI_Get_count(&st, MPI_CHAR, &n);
                char *text = malloc(n > 0 ? (size_t)n : 1);
                if (!text) {
                    rc = hs_error_set(err, NULL, 0, 0, "out of memory");
                    break;
                }
                MPI_Recv(text, n, MPI_CHAR, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                text[n > 0 ? n - 1 : 0] = '\0';
                json_t *r = json_loads(text, 0, NULL);
                const json_t *point = json_object_get(r, "point");
                json_int_t i = json_is_integer(point) && json_is_string(json_object_get(r, "status"))
                                   ? json_integer_value(point)
                                   : -1;
                json_decref(r);
                pr.running--;
                if (i < 0 || (uint64_t)i >= g->npoints) {
                    rc = hs_error_set(err, NULL, 0, 0, "rank %d sent a result of no point", st.MPI_SOURCE);
                } else {
                    sw_point_dir(dir, sizeof dir, o->out, (uint32_t)i, g->npoints);
                    if (sw_result_write(dir, text, err) < 0)
                        rc = -1;
                    else
                        sw_progress_result(&pr, (uint32_t)i, text);
                }
                free(text);
                if (rc < 0)
                    break;
            }
            int give = next < ntodo ? (int)todo[next++] : -1;
            if (give < 0)
                stopped++;
            else
                pr.running++;
            MPI_Send(&give, 1, MPI_INT, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
        }
        if (own) {
            int status;
            pid_t done = waitpid(own, &status, WNOHANG);
            if (done == own) {
                busy = true;
                own = 0;
                pr.running--;
                sw_point_dir(dir, sizeof dir, o->out, own_point, g->npoints);
                char *text = sw_point_finish(own_point, dir, status, err);
                if (!text) {
                    rc = -1;
                    break;
                }
                sw_progress_result(&pr, own_point, text);
                free(text);
            }
        }
        /* Idle: sleep 1 ms, doubling up to 8 ms while nothing happens.
         * Points last seconds, and a rank's own point shares its core with
         * this loop: a wake-up every millisecond costs it a few percent on
         * a virtual machine. */
        if (busy) {
            idle_ns = 1000000;
        } else {
            struct timespec pause = {0, idle_ns};
            nanosleep(&pause, NULL);
            idle_ns = idle_ns < 8000000 ? 2 * idle_ns : 8000000;
        }
    }
    sw_progress_end(&pr);
    free(todo);
    return rc;
}

int sw_run_mpi(const sw_grid *g, const sw_options *o, uint32_t *ran, hs_error *err)
{
    int rank, size;
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int ok = 1;
    if (rank == 0)
        ok = sw_prepare(g, o, err) == 0;
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int rc = 0;
    if (!ok)
        rc = rank == 0 ? -1 : 1;
    else if (rank != 0) {
        worker(g, o);
        rc = 1;
    } else if (leader(g, o, size, ran, err) < 0) {
        /* the others wait on rank 0 for ever otherwise */
        hs_error_print(stderr, err);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Finalize();
    return rc;
}

#endif
