/* The progress line on stderr (jobs done, simulated time, jobs/s), shown
 * only when stderr is a terminal: logs and CI output stay clean. */
#ifndef HPCSIM_PROGRESS_H
#define HPCSIM_PROGRESS_H

#include "hpcsim/engine.h"

void hs_progress_tick(void *ctx, const hs_engine *eng); /* the engine's progress hook */
void hs_progress_done(const hs_engine *eng);

#endif
