/* The will-run answers of one backfill cycle (backfill.c). An answer
 * depends only on the job's partition, CPUs and node count, the nodes
 * asked about and the running jobs, which change only when a job starts
 * (or, between cycles, ends). TRY_LATER asks the same question again as
 * its window moves over records that leave the same nodes, and jobs of
 * one shape (users submit many) ask it again further down the queue, so
 * answers are kept, nodes picked included, in a small direct-mapped table
 * until the next start. A slot holds the last question that hashed to it;
 * a hit is checked against the whole question, so it is exact. */
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "state.h"

int sl_answers_init(sl_answers *a, uint32_t nwords)
{
    a->nwords = nwords;
    a->gen = 1;
    a->last = NULL;
    return (a->avail = calloc((size_t)SL_ANSWERS * nwords, sizeof *a->avail)) ? 0 : -1;
}

void sl_answers_free(sl_answers *a)
{
    for (uint32_t k = 0; k < SL_ANSWERS; k++) {
        free(a->e[k].pick_node);
        free(a->e[k].pick_cpus);
    }
    free(a->avail);
}

void sl_answers_forget(sl_answers *a)
{
    a->gen++;
    a->last = NULL;
}

static uint64_t question_hash(const sl_job *job, const uint64_t *avail, uint32_t nwords)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a over the words, then the shape */
    for (uint32_t w = 0; w < nwords; w++)
        h = (h ^ avail[w]) * 1099511628211ull;
    h = (h ^ job->part) * 1099511628211ull;
    h = (h ^ job->cpus) * 1099511628211ull;
    return (h ^ job->min_nodes) * 1099511628211ull;
}

/* Does slot k hold the answer to job's question about avail? */
static bool holds(const sl_answers *a, uint32_t k, const sl_job *job, const uint64_t *avail)
{
    const sl_answer *e = &a->e[k];
    return e->gen == a->gen && e->part == job->part && e->cpus == job->cpus && e->min_nodes == job->min_nodes &&
           !memcmp(a->avail + (size_t)k * a->nwords, avail, a->nwords * sizeof *avail);
}

sl_answer *sl_answers_slot(sl_answers *a, const sl_job *job, const uint64_t *avail, bool *hit)
{
    /* Most questions repeat the one just answered (TRY_LATER): no hash. */
    if (a->last && holds(a, (uint32_t)(a->last - a->e), job, avail)) {
        *hit = true;
        return a->last;
    }
    uint64_t h = question_hash(job, avail, a->nwords);
    uint32_t k = (uint32_t)(h >> 32) % SL_ANSWERS;
    sl_answer *e = &a->e[k];
    *hit = e->hash == h && holds(a, k, job, avail);
    if (!*hit) {
        a->last = NULL; /* the test to come overwrites pick_* */
        e->gen = 0;     /* not an answer until sl_answers_keep */
        e->hash = h;
        e->part = job->part;
        e->cpus = job->cpus;
        e->min_nodes = job->min_nodes;
        memcpy(a->avail + (size_t)k * a->nwords, avail, a->nwords * sizeof *avail);
    }
    return e;
}

void sl_answers_use(sl_answers *a, sl_answer *e, uint32_t *node, uint32_t *cpus, uint32_t *npick)
{
    if (e == a->last || !e->ok)
        return; /* its picks are there already, or it has none */
    if (e->npick) {
        memcpy(node, e->pick_node, e->npick * sizeof *node);
        memcpy(cpus, e->pick_cpus, e->npick * sizeof *cpus);
    }
    *npick = e->npick;
    a->last = e;
}

int sl_answers_keep(sl_answers *a, sl_answer *e, bool ok, double when, const uint32_t *node, const uint32_t *cpus, uint32_t npick)
{
    if (ok && npick > e->pick_cap) {
        uint32_t *n2 = realloc(e->pick_node, npick * sizeof *n2);
        if (n2)
            e->pick_node = n2;
        uint32_t *c2 = n2 ? realloc(e->pick_cpus, npick * sizeof *c2) : NULL;
        if (!c2)
            return -1; /* not kept: e->gen stays 0 */
        e->pick_cpus = c2;
        e->pick_cap = npick;
    }
    e->ok = ok;
    e->when = when;
    e->npick = ok ? npick : 0;
    if (ok && npick) {
        memcpy(e->pick_node, node, npick * sizeof *node);
        memcpy(e->pick_cpus, cpus, npick * sizeof *cpus);
    }
    e->gen = a->gen;
    a->last = e;
    return 0;
}
