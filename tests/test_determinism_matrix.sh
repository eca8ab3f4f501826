#!/usr/bin/env bash
# The determinism matrix: every policy, with and without a performance
# model (profiles drawn with the seed), run as a sweep with -j 1, twice
# with -j 2, and with mpirun -np 2: every point's jobs.csv, out.swf,
# rejected.csv and summary.json, and the table, the same bytes each time.
# Usage: test_determinism_matrix.sh HPCSIM SOURCE_DIR MPI(0|1)
set -euo pipefail
hpcsim=$(realpath "$1")
src=$(realpath "$2")
mpi=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/matrix.json" <<'JSON'
{
  "description": "every policy x performance model on/off, on the demo trace",
  "base": {"trace": "traces/demo-lublin-2000.swf", "seed": 11},
  "points": [
    {"policy": "fcfs", "nodes": 128, "cores-per-node": 1},
    {"policy": "easy", "nodes": 128, "cores-per-node": 1},
    {"policy": "flux", "nodes": 128, "cores-per-node": 1, "policy-opt.queue-policy": "conservative"},
    {"policy": "slurm", "policy-conf": "docs/examples/slurm-128.conf"},
    {"policy": "volcano", "nodes": 32, "cores-per-node": 4, "policy-conf": "docs/examples/volcano-helm.conf"},
    {"policy": "fcfs", "nodes": 128, "cores-per-node": 1, "model": "literature", "backend": "lxc", "profiles": "cpu=0.5,memory=0.3,io=0.2"},
    {"policy": "easy", "nodes": 128, "cores-per-node": 1, "model": "literature", "backend": "kvm", "profiles": "cpu=0.5,memory=0.3,io=0.2"},
    {"policy": "flux", "nodes": 128, "cores-per-node": 1, "policy-opt.queue-policy": "conservative", "model": "literature", "backend": "lxc", "profiles": "cpu=0.5,memory=0.3,io=0.2"},
    {"policy": "slurm", "policy-conf": "docs/examples/slurm-128.conf", "model": "literature", "backend": "kvm", "profiles": "cpu=0.5,memory=0.3,io=0.2"},
    {"policy": "volcano", "nodes": 32, "cores-per-node": 4, "policy-conf": "docs/examples/volcano-helm.conf", "model": "literature", "backend": "lxc", "profiles": "cpu=0.5,memory=0.3,io=0.2"}
  ]
}
JSON
"$hpcsim" sweep "$tmp/matrix.json" -j 1 --out "$tmp/j1" 2>"$tmp/err" || fail "-j 1: $(cat "$tmp/err")"
"$hpcsim" sweep "$tmp/matrix.json" -j 2 --out "$tmp/j2" 2>/dev/null
"$hpcsim" sweep "$tmp/matrix.json" -j 2 --out "$tmp/j2b" 2>/dev/null
runs=(j2 j2b)
if [ "$mpi" = 1 ]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        mpirun -np 2 --oversubscribe "$hpcsim" sweep "$tmp/matrix.json" --out "$tmp/mpi" 2>"$tmp/err" || fail "mpirun: $(cat "$tmp/err")"
    runs+=(mpi)
else
    echo "SKIP: this build has no MPI (the mpirun column did not run)"
fi
files=0
for r in "${runs[@]}"; do
    cmp "$tmp/j1/results.csv" "$tmp/$r/results.csv" || fail "results.csv: -j 1 and $r differ"
    for p in "$tmp"/j1/points/*/; do
        point=$(basename "$p")
        for f in jobs.csv out.swf rejected.csv summary.json $(cd "$p" && ls tasks.csv nodes.csv 2>/dev/null); do
            cmp "$p/$f" "$tmp/$r/points/$point/$f" || fail "point $point $f: -j 1 and $r differ"
            files=$((files + 1))
        done
    done
done
# the model changes the schedule (else the matrix would prove nothing about it)
! cmp -s "$tmp/j1/points/0001/jobs.csv" "$tmp/j1/points/0006/jobs.csv" || fail "the model changed nothing under easy"
! cmp -s "$tmp/j1/points/0004/jobs.csv" "$tmp/j1/points/0009/jobs.csv" || fail "the model changed nothing under volcano"
echo "determinism matrix: 10 points x ${#runs[@]} repeats, $files files the same bytes as -j 1"
