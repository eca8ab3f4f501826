#!/usr/bin/env bash
# Limits: a memory limit, full disks, file-size limits and read-only
# places. Every program stops with one message naming the file (or the
# limit) and the system's reason, exits non-zero, and leaves no partial or
# temporary file (docs/testing.md "Limits"). The memory and file-size
# limits need no privilege (the memory one is skipped under ASan, whose
# shadow memory takes the whole address space); the full and read-only
# file systems are small tmpfs mounts in a private mount namespace, so
# they need root and are skipped, said so, without it.
# Usage: test_limits.sh HPCSIM HPCSIM-CALIBRATE|- SOURCE_DIR SANITIZED(0|1)
set -euo pipefail
hpcsim=$(realpath "$1")
calibrate=$2
[ "$calibrate" = - ] || calibrate=$(realpath "$calibrate")
src=$(realpath "$3")
sanitized=${4:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
trace="$src/traces/demo-lublin-2000.swf"
run() { "$hpcsim" run --quiet --trace "$trace" --nodes 128 --cores-per-node 1 --policy easy "$@"; }

# expect_failure WHAT MESSAGE: the last command's status and stderr ($tmp/err)
expect_failure() {
    [ "$status" -ne 0 ] || fail "$1: exit status 0"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$1: not one message: $(cat "$tmp/err")"
    grep -qF -- "$2" "$tmp/err" || fail "$1: expected \"$2\", got: $(cat "$tmp/err")"
}
no_leftovers() { # no temporary file anywhere under $1
    local left
    left=$(find "$1" -name '*.tmp' 2>/dev/null | head -3)
    [ -z "$left" ] || fail "temporary files left: $left"
}

# --- a memory limit: a queue that explodes ends with a message, not a kill
# (offered load 5: the queue grows to most of the 300,000 jobs, ~100 MB;
# at load 0.85 the same replay holds a few thousand jobs and fits in 64M)
if [ "$sanitized" = 1 ]; then
    echo "SKIP: --max-memory under ASan (its shadow memory takes the address space)"
else
    "$hpcsim" gen --jobs 300000 --nodes 1024 --load 5 --out "$tmp/big.swf" >/dev/null
    status=0
    "$hpcsim" run --quiet --trace "$tmp/big.swf" --out "$tmp/mem" --max-memory 64M 2>"$tmp/err" || status=$?
    expect_failure "run under --max-memory 64M" "out of memory (the --max-memory limit of 64M was reached)"
    [ ! -e "$tmp/mem" ] || fail "the run that ran out of memory left $(ls -A "$tmp/mem")"
    "$hpcsim" run --quiet --trace "$tmp/big.swf" --out "$tmp/mem" --max-memory 2G >/dev/null ||
        fail "the same run under 2G failed"
    rm -rf "$tmp/mem"
    # memory follows the live jobs, not the trace: as many jobs at a load
    # the cluster sustains replay within the same 64M (docs/replay.md "Memory")
    "$hpcsim" gen --jobs 300000 --nodes 1024 --load 0.85 --out "$tmp/calm.swf" >/dev/null
    "$hpcsim" run --quiet --trace "$tmp/calm.swf" --policy easy --out "$tmp/mem" --max-memory 64M >/dev/null ||
        fail "300,000 jobs at load 0.85 did not replay within 64M"
    rm -rf "$tmp/mem" "$tmp/calm.swf"
    # a sweep point may set it too; that point fails alone, saying why
    cat >"$tmp/memgrid.json" <<JSON
{"base": {"trace": "$tmp/big.swf"}, "grid": {"max-memory": ["64M", "2G"]}}
JSON
    status=0
    "$hpcsim" sweep "$tmp/memgrid.json" --out "$tmp/memsweep" -j 1 2>/dev/null || status=$?
    [ "$status" -ne 0 ] || fail "a sweep with a failed point: exit status 0"
    grep -q '^0,.*,64M,failed,.*out of memory (the --max-memory limit of 64M was reached)$' "$tmp/memsweep/results.csv" ||
        fail "sweep max-memory: $(cat "$tmp/memsweep/results.csv")"
    grep -q '^1,.*,2G,ok,' "$tmp/memsweep/results.csv" || fail "sweep under 2G: $(cat "$tmp/memsweep/results.csv")"
    rm -rf "$tmp/memsweep" "$tmp/big.swf"
    status=0
    "$hpcsim" run --trace "$trace" --max-memory 12M 2>"$tmp/err" || status=$?
    expect_failure "--max-memory 12M" "--max-memory: '12M' is not a size of at least 16 MiB"
fi

# --- a file-size limit: the write fails with EFBIG instead of killing the run
status=0
(ulimit -f 40 && run --out "$tmp/lim") 2>"$tmp/err" || status=$?
expect_failure "run under a 40 KiB file limit" "$tmp/lim/jobs.csv: cannot write: File too large"
[ ! -e "$tmp/lim" ] || fail "the failed run left its output folder: $(ls -A "$tmp/lim")"

# a failed run into a folder that holds an earlier run leaves that run whole
run --out "$tmp/keep"
(cd "$tmp/keep" && sha256sum * >"$tmp/keep.sums")
status=0
(ulimit -f 40 && "$hpcsim" run --quiet --trace "$trace" --nodes 128 --cores-per-node 1 --policy fcfs \
    --out "$tmp/keep") 2>"$tmp/err" || status=$?
expect_failure "run over an earlier one" "cannot write: File too large"
(cd "$tmp/keep" && sha256sum -c --quiet "$tmp/keep.sums") || fail "the earlier run's files changed"
no_leftovers "$tmp/keep"
[ "$(ls -A "$tmp/keep" | wc -l)" -eq "$(wc -l <"$tmp/keep.sums")" ] || fail "files added: $(ls -A "$tmp/keep")"

status=0
(ulimit -f 40 && "$hpcsim" gen --jobs 20000 --nodes 64 --out "$tmp/gen.swf") 2>"$tmp/err" || status=$?
expect_failure "gen" "$tmp/gen.swf: cannot write: File too large"
[ -z "$(ls -A "$tmp" | grep gen)" ] || fail "gen left $(ls "$tmp" | grep gen)"

status=0
(ulimit -f 20 && "$hpcsim" report "$tmp/keep" -o "$tmp/page.html") 2>"$tmp/err" || status=$?
expect_failure "report" "$tmp/page.html: cannot write: File too large"
[ -z "$(ls -A "$tmp" | grep page)" ] || fail "report left $(ls "$tmp" | grep page)"

cat >"$tmp/grid.json" <<JSON
{"base": {"trace": "$trace", "nodes": 128, "cores-per-node": 1}, "grid": {"policy": ["fcfs", "easy"]}}
JSON
status=0
(ulimit -f 40 && "$hpcsim" sweep "$tmp/grid.json" --out "$tmp/sweep" -j 1) 2>"$tmp/err" || status=$?
[ "$status" -ne 0 ] || fail "sweep under a 40 KiB file limit: exit status 0"
# each point fails alone, as any bad point does: the table says why, and
# no point holds a partial output (--resume runs them again)
[ "$(grep -c ',failed,.*jobs.csv: cannot write: File too large$' "$tmp/sweep/results.csv")" -eq 2 ] ||
    fail "sweep: the table does not give the reason: $(cat "$tmp/sweep/results.csv")"
no_leftovers "$tmp/sweep"
[ -z "$(find "$tmp/sweep/points" -name '*.csv' -o -name '*.swf' -o -name summary.json)" ] ||
    fail "a failed point left outputs: $(find "$tmp/sweep/points")"

# --- full and read-only file systems (root, a private mount namespace)
if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
    echo "SKIP: full and read-only file systems need root and mount namespaces"
    echo "limits: memory and file-size limits refused with a message, nothing partial left"
    exit 0
fi
mkdir "$tmp/small" "$tmp/ro" "$tmp/calib"
export hpcsim calibrate trace tmp
unshare -m bash -euo pipefail -c '
    fail() { echo "FAIL: $*" >&2; exit 1; }
    mount -t tmpfs -o size=200k tmpfs "$tmp/small"
    mount -t tmpfs -o ro tmpfs "$tmp/ro"
    status=0
    "$hpcsim" run --quiet --trace "$trace" --nodes 128 --cores-per-node 1 --out "$tmp/small/o" 2>"$tmp/err" || status=$?
    [ "$status" -ne 0 ] || fail "a run on a full disk: exit status 0"
    grep -q "^hpcsim run: $tmp/small/o/[a-z.]*: cannot write: No space left on device\$" "$tmp/err" ||
        fail "full disk: $(cat "$tmp/err")"
    [ -z "$(ls -A "$tmp/small")" ] || fail "the full disk holds $(ls -A "$tmp/small")"
    status=0
    "$hpcsim" run --quiet --trace "$trace" --nodes 128 --cores-per-node 1 --out "$tmp/ro/o" 2>"$tmp/err" || status=$?
    [ "$status" -ne 0 ] || fail "a run into a read-only place: exit status 0"
    grep -q "$tmp/ro/o: cannot create the output directory: Read-only file system" "$tmp/err" ||
        fail "read-only: $(cat "$tmp/err")"
    [ "$calibrate" != - ] || { echo "SKIP: no hpcsim-calibrate in this build"; exit 0; }
    # calibration whose log fills the disk: stops, the log ends in a whole
    # record, nothing is left running, and --resume completes once room is made
    mount -t tmpfs -o size=8k tmpfs "$tmp/calib"
    args=(--workdir "$tmp/calib/w" --backends native --benches pipe --max-corunners 1 --host-levels idle --reps 1 --seconds 0.2)
    status=0
    "$calibrate" run "${args[@]}" 2>"$tmp/err" || status=$?
    [ "$status" -ne 0 ] || fail "calibration on a full disk: exit status 0"
    grep -q "cannot append to measurements.jsonl: No space left on device" "$tmp/err" || fail "calibrate: $(cat "$tmp/err")"
    [ "$(tail -c 1 "$tmp/calib/w/measurements.jsonl" | od -An -c | tr -d " ")" = "\n" ] ||
        fail "the log ends in a cut record"
    "$calibrate" cleanup --workdir "$tmp/calib/w" >"$tmp/out" 2>&1 || fail "cleanup: $(cat "$tmp/out")"
    grep -q "nothing left" "$tmp/out" || fail "cleanup: $(cat "$tmp/out")"
    mount -o remount,size=1m "$tmp/calib"
    "$calibrate" run "${args[@]}" --resume 2>"$tmp/err" || fail "resume: $(cat "$tmp/err")"
    done=$(grep -c "\"block_done\": *true" "$tmp/calib/w/measurements.jsonl")
    uniq=$(grep "\"block_done\": *true" "$tmp/calib/w/measurements.jsonl" | grep -o "\"block\": *\"[^\"]*\"" | sort -u | wc -l)
    [ "$done" -ge 1 ] && [ "$done" -eq "$uniq" ] || fail "blocks done $done times for $uniq blocks"
'
echo "limits: a memory limit, file-size limits, a full tmpfs and a read-only one refused with one message, nothing partial left; calibration resumed after its disk filled"
