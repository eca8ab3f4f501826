#!/usr/bin/env python3
"""A small SWF trace for the oracle: JOBS jobs over SPAN seconds (Poisson
arrivals), sizes mixing serial, small and wide jobs up to MAXPROCS,
run times 5-120 s, requested times 1-5 whole minutes (always above the run
time, as run-oracle's jobs are `sleep`), USERS users in GROUPS groups,
partition field 1..PARTS. Seeded: same arguments, same bytes.
Usage: make-trace.py SEED JOBS SPAN MAXPROCS USERS GROUPS PARTS > trace.swf"""
import math
import random
import sys


def main():
    seed, jobs, span, maxprocs, users, groups, parts = (int(x) for x in sys.argv[1:8])
    rng = random.Random(seed)
    print(f"; hpcsim oracle trace: seed {seed}, {jobs} jobs over {span} s, up to {maxprocs} processors, "
          f"{users} users, {groups} groups, {parts} partitions (bench/slurm-oracle/make-trace.py)")
    print(f"; MaxProcs: {maxprocs}")
    t = 0.0
    for i in range(1, jobs + 1):
        t += rng.expovariate(jobs / span)
        r = rng.random()
        procs = 1 if r < 0.3 else rng.randint(2, max(2, maxprocs // 8)) if r < 0.8 else rng.randint(maxprocs // 4, maxprocs)
        run = rng.randint(5, 120)
        req = 60 * rng.randint(max(1, math.ceil((run + 2) / 60)), 5)
        user = rng.randint(1, users)
        group = 1 + (user - 1) % groups
        part = rng.randint(1, parts)
        print(f"{i} {int(t)} -1 {run} {procs} -1 -1 {procs} {req} -1 1 {user} {group} -1 -1 {part} -1 -1")


if __name__ == "__main__":
    main()
