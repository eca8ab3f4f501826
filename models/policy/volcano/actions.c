/* The configured actions of a session, in order (session.h). */
#include "session.h"

int vc_session_run_actions(vc_session *s)
{
    for (unsigned i = 0; i < s->conf->nactions && !s->oom; i++)
        switch (s->conf->actions[i]) {
        case VC_ACT_ENQUEUE: vc_enqueue(s); break;
        case VC_ACT_ALLOCATE: vc_allocate(s); break;
        case VC_ACT_BACKFILL: vc_backfill(s); break;
        default: break; /* preempt, reclaim: not modelled (docs/volcano.md) */
        }
    return s->oom ? -1 : 0;
}

