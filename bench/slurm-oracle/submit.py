#!/usr/bin/env python3
"""Submits an SWF trace to a running Slurm in real time, one sbatch per job
(`-n PROCS -t MINUTES --wrap "sleep RUNTIME"`, partition from SWF field 16
as the n-th PartitionName of the user's slurm.conf), then waits until every
job has finished. Usage: submit.py TRACE.swf PARTITIONS_FILE SCRATCH [SECOND] [--users]
With --users, job i is submitted by the Unix user uN, N its SWF user
(run-oracle --assoc makes those users and their associations).
The first job is submitted 3 s from now; with SECOND (0-59), trace time
0 (the first job's submit time before it) falls on a whole second at that
second of the minute: Slurm's backfill rounds reservations to
bf_resolution on the wall clock, so two runs whose time 0 falls on the
same second of the minute meet the same roundings.
Writes SCRATCH/t0 (the wall-clock time of trace time 0) and
SCRATCH/submitted.csv (swf_id,slurm_id,planned_submit,actual_submit, in
seconds from trace time 0, and cpus). Each job writes the CPUs it got on
each of its nodes ($SLURM_JOB_CPUS_PER_NODE, such as "4(x2),1", in the
order of its node list) to SCRATCH/cpus.ID before it sleeps; a record
that names only nodes leaves that to be guessed on nodes of several
CPUs (docs/slurm-verify.md). The cpus column is empty when a job wrote
nothing."""
import os
import math
import subprocess
import sys
import time


def read_swf(path):
    jobs = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        f = line.split()
        jid, submit, run, alloc, req_procs, req_time, user, part = (int(f[0]), float(f[1]), float(f[3]), int(f[4]),
                                                                  int(f[7]), float(f[8]), int(f[11]), int(f[15]))
        procs = req_procs if req_procs > 0 else alloc
        if procs <= 0 or run < 0:
            continue
        if req_time < 0:
            req_time = run
        jobs.append((submit, jid, procs, run, req_time, part, user))
    jobs.sort()
    return jobs


def main():
    users = "--users" in sys.argv
    args = [a for a in sys.argv if a != "--users"]
    trace, parts_file, scratch = args[1:4]
    parts = [p.strip() for p in open(parts_file) if p.strip()]
    jobs = read_swf(trace)
    first = jobs[0][0]
    t0 = time.time() + 3 - first  # trace time 0 on the wall clock
    if len(args) > 4:
        second = int(args[4])
        t0 = math.ceil(t0)
        t0 += (second - t0 % 60) % 60
    open(f"{scratch}/t0", "w").write(f"{t0:.3f}\n")
    out = open(f"{scratch}/submitted.csv", "w")
    out.write("swf_id,slurm_id,planned_submit,actual_submit\n")
    ids = []
    for submit, jid, procs, run, req, part, user in jobs:
        d = t0 + submit - time.time()
        if d > 0:
            time.sleep(d)
        cmd = ["sbatch", "--parsable", "-J", str(jid), "-n", str(procs), "-t", str(max(1, math.ceil(req / 60))),
               "-o", "/dev/null", "--chdir", scratch,
               "--wrap", f'echo "$SLURM_JOB_CPUS_PER_NODE" > cpus.$SLURM_JOB_ID; exec sleep {run:g}']
        if 1 <= part <= len(parts):
            cmd[1:1] = ["-p", parts[part - 1]]
        if users:
            cmd[0:0] = ["runuser", "-u", f"u{user}", "--"]
        actual = time.time() - t0
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:  # refused at submission (too large for its partition): the model rejects it too
            print(f"submit: job {jid} refused: {res.stderr.strip()}", file=sys.stderr)
            continue
        sid = res.stdout.strip().split(";")[0]
        ids.append(sid)
        out.write(f"{jid},{sid},{submit:g},{actual:.3f}\n")
        out.flush()
    out.close()
    while True:  # until no job of ours is queued or running
        q = subprocess.run(["squeue", "-h", "-o", "%i"], capture_output=True, text=True).stdout.split()
        if not set(q) & set(ids):
            break
        time.sleep(2)
    add_cpus(scratch)


def add_cpus(scratch):
    """Adds the cpus column to submitted.csv from the jobs' cpus.ID files."""
    path = f"{scratch}/submitted.csv"
    lines = open(path).read().splitlines()
    rows = [lines[0] + ",cpus"]
    for line in lines[1:]:
        sid = line.split(",")[1]
        try:
            cpus = open(f"{scratch}/cpus.{sid}").read().strip()
        except OSError:
            cpus = ""
        rows.append(f'{line},"{cpus}"')
    open(path + ".new", "w").write("\n".join(rows) + "\n")
    os.replace(path + ".new", path)


if __name__ == "__main__":
    main()
