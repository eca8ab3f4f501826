/* Starting a job on the lowest-numbered free units of its partition: the
 * allocation choice FCFS and EASY share. */
#ifndef HPCSIM_POLICY_START_H
#define HPCSIM_POLICY_START_H

#include "hpcsim/engine.h"

int hs_policy_start_first_fit(hs_engine *eng, hs_job *job, hs_intervals *scratch, hs_error *err);

#endif
