#!/usr/bin/env bash
# bench/slurm-oracle/real-csv, which writes hpcsim slurm-verify's REAL.csv:
# from a run of the oracle harness (times to the millisecond and the
# scheduler that started each job, from slurmctld.log lines as Slurm
# 22.05 writes them; whole seconds from jobcomp.log without them), from
# sacct's output, and its refusals; and hpcsim slurm-verify reads what it
# writes.
# Usage: test_real_csv.sh HPCSIM SOURCE_DIR
set -euo pipefail
hpcsim=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
tool=bench/slurm-oracle/real-csv
fail() { echo "FAIL: $*" >&2; exit 1; }

# A run of two jobs: trace time 0 at 2026-12-06T10:00:00 (local time).
t0=$(date -d 2026-12-06T10:00:00 +%s)
o=$tmp/oracle
mkdir -p "$o"
echo "$t0.000" >"$o/t0"
printf 'swf_id,slurm_id,planned_submit,actual_submit\n7,41,0,0.010\n9,42,5,5.003\n' >"$o/submitted.csv"
cat >"$o/jobcomp.log" <<'LOG'
JobId=41 UserId=root(0) Name=7 JobState=COMPLETED Partition=batch StartTime=2026-12-06T10:00:00 EndTime=2026-12-06T10:00:12 NodeList=n[1-2] NodeCnt=2
JobId=42 UserId=root(0) Name=9 JobState=COMPLETED Partition=batch StartTime=2026-12-06T10:00:12 EndTime=2026-12-06T10:00:20 NodeList=n3 NodeCnt=1
LOG
cat >"$o/slurmctld.log" <<'LOG'
[2026-12-06T09:59:51.045] priority/multifactor: _read_last_decay_ran: No last decay (/tmp/state/priority_last_decay_ran) to recover
[2026-12-06T10:00:00.010] _slurm_rpc_submit_batch_job: JobId=41 InitPrio=4294901759 usec=441
[2026-12-06T10:00:00.063] sched: Allocate JobId=41 NodeList=n[1-2] #CPUs=2 Partition=batch
[2026-12-06T10:00:05.013] _slurm_rpc_submit_batch_job: JobId=42 InitPrio=4294901758 usec=380
[2026-12-06T10:00:12.228] _job_complete: JobId=41 WEXITSTATUS 0
[2026-12-06T10:00:12.228] _job_complete: JobId=41 done
[2026-12-06T10:00:12.501] sched/backfill: _start_job: Started JobId=42 in batch on n3
[2026-12-06T10:00:20.700] _job_complete: JobId=42 done
LOG
"$tool" --oracle "$o" >"$tmp/real.csv" 2>"$tmp/real.err"
cat >"$tmp/want.csv" <<'CSV'
job,submit,start,end,nodes,by
7,0.01,0.063,12.228,"n[1-2]",main
9,5.013,12.501,20.7,"n3",backfill
CSV
cmp "$tmp/real.csv" "$tmp/want.csv" || fail "real-csv --oracle: $(cat "$tmp/real.csv")"
grep -q 'decay thread started at -8.955 s (hpcsim slurm-verify --calc-phase)' "$tmp/real.err" ||
    fail "real-csv --oracle names no decay phase: $(cat "$tmp/real.err")"
rm "$o/slurmctld.log" # whole seconds from jobcomp.log, and no scheduler
"$tool" --oracle "$o" | grep -qx '9,5,12,20,"n3",' || fail "real-csv --oracle without slurmctld.log"

# sacct -P: steps and jobs that never started are left out
printf '; UnixStartTime: %s\n7 0 -1 12 2 -1 -1 2 60\n' "$t0" >"$tmp/t.swf"
cat >"$tmp/sacct.txt" <<'TXT'
JobIDRaw|JobName|Submit|Start|End|NodeList
41|7|2026-12-06T10:00:00|2026-12-06T10:00:01|2026-12-06T10:00:13|n[1-2]
41.batch|batch|2026-12-06T10:00:01|2026-12-06T10:00:01|2026-12-06T10:00:13|n1
43|8|2026-12-06T10:00:02|Unknown|Unknown|None assigned
TXT
"$tool" --trace "$tmp/t.swf" --sacct "$tmp/sacct.txt" >"$tmp/sacct.csv"
printf 'job,submit,start,end,nodes,by\n7,0,1,13,"n[1-2]",\n' | cmp - "$tmp/sacct.csv" || fail "real-csv --sacct: $(cat "$tmp/sacct.csv")"
# refusals: one message each, naming the file
printf '7 0 -1 12 2 -1 -1 2 60\n' >"$tmp/nohdr.swf"
if "$tool" --trace "$tmp/nohdr.swf" --sacct "$tmp/sacct.txt" 2>"$tmp/err"; then fail "a trace without UnixStartTime"; fi
grep -q "nohdr.swf: no UnixStartTime header" "$tmp/err" || fail "$(cat "$tmp/err")"
printf 'JobID|Start\n' >"$tmp/bad.txt"
if "$tool" --trace "$tmp/t.swf" --sacct "$tmp/bad.txt" 2>"$tmp/err"; then fail "sacct output without its columns"; fi
grep -q "bad.txt:1: expected the columns JobIDRaw|JobName|Submit|Start|End|NodeList" "$tmp/err" || fail "$(cat "$tmp/err")"

# a record written by real-csv is what hpcsim slurm-verify reads
printf 'NodeName=n[1-3] CPUs=1\nPartitionName=batch Nodes=n[1-3] Default=YES MaxTime=INFINITE State=UP\n' >"$tmp/slurm.conf"
printf '; UnixStartTime: %s\n7 0 -1 12 2 -1 -1 2 60 -1 1 1 1 -1 -1 1 -1 -1\n9 5 -1 8 1 -1 -1 1 60 -1 1 1 1 -1 -1 1 -1 -1\n' \
    "$t0" >"$tmp/two.swf"
"$hpcsim" slurm-verify --trace "$tmp/two.swf" --slurm-conf "$tmp/slurm.conf" --real "$tmp/real.csv" >"$tmp/out" 2>/dev/null
grep -q "real.csv: 2 jobs started at 2 instants" "$tmp/out" || fail "$(cat "$tmp/out")"
grep -q "by real Slurm's scheduler: main 1 of 1 (100.0 %)" "$tmp/out" || fail "$(cat "$tmp/out")"
# a record of jobs the trace does not have is refused, naming the line
printf 'job,submit,start,end,nodes\n7,0,0,12,"n[1-2]"\n11,0,0,1,n3\n' >"$tmp/other.csv"
if "$hpcsim" slurm-verify --trace "$tmp/two.swf" --slurm-conf "$tmp/slurm.conf" --real "$tmp/other.csv" 2>"$tmp/err" >/dev/null; then
    fail "a record of another trace was accepted"
fi
grep -q "other.csv:3: job 11 is not a job of $tmp/two.swf" "$tmp/err" || fail "$(cat "$tmp/err")"
echo "real-csv: records from an oracle run (milliseconds, schedulers) and from sacct; refusals named"
