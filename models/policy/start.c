/* First-fit start shared by the queue policies (start.h). */
#include "start.h"

int hs_policy_start_first_fit(hs_engine *eng, hs_job *job, hs_intervals *scratch, hs_error *err)
{
    hs_intervals_reset(scratch);
    if (hs_cluster_first_fit(hs_engine_cluster(eng), job->partition, job->demand, scratch) < 0)
        return hs_error_set(err, NULL, 0, 0, "no room for job %ld although its partition counts enough",
                            (long)job->swf.f[HS_SWF_JOB_ID]);
    return hs_engine_start_job(eng, job, scratch, err);
}
