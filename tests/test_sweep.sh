#!/usr/bin/env bash
# hpcsim sweep as a user meets it (docs/sweep.md): bad grids refused with
# one message and nothing written; a bad point fails alone; kill -9 then
# --resume runs exactly the missing points and gives the same table; a
# local -j2 run, 2 shards merged and mpirun -np 2 write the same bytes;
# the example grids of docs/examples run as they are.
# Usage: test_sweep.sh HPCSIM SOURCE_DIR MPI(0|1)
set -euo pipefail
hpcsim=$(realpath "$1")
src=$(realpath "$2")
mpi=$3
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp/" 2>/dev/null || true; rm -rf "$tmp"' EXIT
cd "$src"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- bad grids: one line naming the file (and line:column or field), exit 1, no folder
bad() { # NAME TEXT EXPECTED
    printf '%s' "$2" >"$tmp/$1.json"
    if "$hpcsim" sweep "$tmp/$1.json" --out "$tmp/out-$1" 2>"$tmp/err"; then fail "$1: accepted"; fi
    grep -qF -- "$3" "$tmp/err" || fail "$1: expected '$3', got: $(cat "$tmp/err")"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$1: more than one line: $(cat "$tmp/err")"
    [ ! -e "$tmp/out-$1" ] || fail "$1: an output folder was made"
}
bad syntax '{"grid": {"nodes": [1, 2}}' "$tmp/syntax.json:1:"
bad unknown '{"grid": {"node": [1, 2]}}' "$tmp/unknown.json: grid.node: unknown parameter 'node'"
bad type '{"base": {"nodes": [4]}}' "$tmp/type.json: base.nodes: expected a string or a number, got an array"
bad flag '{"base": {"no-kill": 1}}' "$tmp/flag.json: base.no-kill: expected true or false, got an integer"
bad empty_axis '{"grid": {"seed": []}}' "$tmp/empty_axis.json: grid.seed: expected a non-empty list of values, got an empty list"
bad reps '{"replications": 0}' "$tmp/reps.json: replications: expected an integer in [1, 10000]"
bad top '{"grid": {}, "extra": 1}' "extra"
bad dup '{"base": {"nodes": 1, "nodes": 2}}' "$tmp/dup.json:1:"
axis=$(seq -s, 1 101) # 101^3 points: refused before any is expanded
bad too_many "{\"grid\": {\"seed\": [$axis], \"nodes\": [$axis], \"gen.seed\": [$axis]}}" \
    "$tmp/too_many.json: the grid has more than 1000000 points"

# --- bad flags and files: one message, nothing written
if "$hpcsim" sweep "$tmp/none.json" --out "$tmp/out-none" 2>"$tmp/err"; then fail "a missing grid accepted"; fi
grep -q "$tmp/none.json: cannot read: No such file or directory" "$tmp/err" || fail "missing grid: $(cat "$tmp/err")"
set +e
"$hpcsim" sweep docs/examples/policies.json --shard 2/2 --out "$tmp/out-shard" 2>"$tmp/err"
[ $? -eq 2 ] || fail "--shard 2/2: not a usage error"
"$hpcsim" gen --jobs 10 --nodes 4 --type weekly --out "$tmp/g.swf" 2>"$tmp/err2"
[ $? -eq 2 ] || fail "gen --type weekly: not a usage error"
set -e
grep -q "shard: '2/2' is not I/N with 0 <= I < N" "$tmp/err" || fail "--shard: $(cat "$tmp/err")"
grep -q "type: 'weekly' is not batch, interactive, both or typeless" "$tmp/err2" || fail "gen --type: $(cat "$tmp/err2")"
[ ! -e "$tmp/out-shard" ] && [ ! -e "$tmp/g.swf" ] || fail "a bad flag wrote something"

# --- a bad point fails alone, listed with its message; the table has every row
cat >"$tmp/mixed.json" <<'EOF'
{"base": {"trace": "traces/demo-lublin-2000.swf", "cores-per-node": 1},
 "grid": {"nodes": [128, 0, 96], "policy": ["easy", "sjf"]}}
EOF
if "$hpcsim" sweep "$tmp/mixed.json" --out "$tmp/mixed" -j 2 2>"$tmp/err"; then fail "mixed: exit 0 with failed points"; fi
grep -q "hpcsim sweep: 6 points (6 run now): 2 ok, 4 failed" "$tmp/err" || fail "mixed: $(cat "$tmp/err")"
grep -q "point 1 failed: hpcsim run: --policy: unknown policy 'sjf'" "$tmp/err" || fail "mixed: no message for point 1"
grep -q "point 2 failed: .*--nodes" "$tmp/err" || fail "mixed: no message for point 2"
[ "$(wc -l <"$tmp/mixed/results.csv")" -eq 7 ] || fail "mixed: not 6 rows"
grep -q '^0,traces/demo-lublin-2000.swf,1,128,easy,ok,' "$tmp/mixed/results.csv" || fail "mixed: point 0 is not ok"
# a finished sweep is not run again by mistake
if "$hpcsim" sweep "$tmp/mixed.json" --out "$tmp/mixed" 2>"$tmp/err"; then fail "rerun accepted"; fi
grep -q "holds this sweep already: --resume" "$tmp/err" || fail "rerun: $(cat "$tmp/err")"

# --- kill -9 in the middle, then --resume: every point once, the same table
cat >"$tmp/long.json" <<'EOF'
{"base": {"gen.jobs": 40000, "nodes": 128, "cores-per-node": 1, "policy": "easy"},
 "grid": {"gen.load": [0.6, 0.8]}, "replications": 4}
EOF
"$hpcsim" sweep "$tmp/long.json" --out "$tmp/whole" -j 2 2>/dev/null
"$hpcsim" sweep "$tmp/long.json" --out "$tmp/killed" -j 2 2>/dev/null &
sweep=$!
# killed as soon as the first point has its result, whatever this machine's speed
for _ in $(seq 600); do
    [ -n "$(find "$tmp/killed/points" -name result.json 2>/dev/null | head -1)" ] && break
    sleep 0.05
done
kill -9 "$sweep"
wait "$sweep" 2>/dev/null || true
sleep 0.3
if pgrep -f "$tmp/killed/" >/dev/null; then fail "a point's process outlived the killed sweep"; fi
done_before=$(find "$tmp/killed/points" -name result.json | wc -l)
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 8 ] || fail "killed after $done_before of 8 points"
"$hpcsim" sweep "$tmp/long.json" --out "$tmp/killed" -j 2 --resume 2>"$tmp/err"
grep -q "8 points ($((8 - done_before)) run now): 8 ok" "$tmp/err" || fail "resume: $(cat "$tmp/err") ($done_before done before)"
cmp "$tmp/whole/results.csv" "$tmp/killed/results.csv" || fail "resumed table differs"
# a resume of another grid into the folder is refused
echo '{"base": {"nodes": 4}}' >"$tmp/other.json"
if "$hpcsim" sweep "$tmp/other.json" --out "$tmp/killed" --resume 2>"$tmp/err"; then fail "other grid resumed"; fi
grep -q "differs from $tmp/other.json" "$tmp/err" || fail "other grid: $(cat "$tmp/err")"

# --- local -j2, two shards merged, mpirun -np 2: the same bytes
grid=docs/examples/policies.json
"$hpcsim" sweep $grid --out "$tmp/local" -j 2 2>/dev/null
"$hpcsim" sweep $grid --out "$tmp/s0" --shard 0/2 2>/dev/null
"$hpcsim" sweep $grid --out "$tmp/s1" --shard 1/2 2>/dev/null
if "$hpcsim" sweep merge --out "$tmp/half" "$tmp/s0" 2>"$tmp/err"; then fail "merge of one shard of two accepted"; fi
grep -q "6 of 12 points have a result in none of these folders (the first: point 1)" "$tmp/err" || fail "half merge: $(cat "$tmp/err")"
[ ! -e "$tmp/half" ] || fail "half merge wrote a folder"
"$hpcsim" sweep "$tmp/mixed.json" --out "$tmp/other-grid" --shard 0/2 2>/dev/null || true
if "$hpcsim" sweep merge --out "$tmp/mixed-merge" "$tmp/s0" "$tmp/other-grid" 2>"$tmp/err"; then fail "shards of two grids merged"; fi
grep -q "other-grid/grid.json: differs from $tmp/s0/grid.json: not shards of one sweep" "$tmp/err" || fail "two grids: $(cat "$tmp/err")"
[ ! -e "$tmp/mixed-merge" ] || fail "a merge of two grids wrote a folder"
"$hpcsim" sweep merge --out "$tmp/merged" "$tmp/s0" "$tmp/s1" 2>/dev/null
cmp "$tmp/local/results.csv" "$tmp/merged/results.csv" || fail "merged shards differ from the local run"
if [ "$mpi" = 1 ]; then
    # Open MPI refuses root without these; its own allocations are not ours to leak-check
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        mpirun -np 2 --oversubscribe "$hpcsim" sweep $grid --out "$tmp/mpi" 2>"$tmp/err" || fail "mpirun: $(cat "$tmp/err")"
    cmp "$tmp/local/results.csv" "$tmp/mpi/results.csv" || fail "mpirun -np 2 differs from the local run"
    echo "mpirun -np 2: same table"
else
    echo "SKIP: this build has no MPI (the mpirun comparison did not run)"
fi

# --- the progress line, on a terminal only
script -qec "'$hpcsim' sweep $grid --out '$tmp/tty' -j 2" /dev/null >"$tmp/tty.txt"
grep -q "12/12 points, 0 running, .* elapsed, ETA 0:00" "$tmp/tty.txt" || fail "no progress line on a terminal"
"$hpcsim" sweep $grid --out "$tmp/notty" -j 2 2>"$tmp/err"
! grep -q ETA "$tmp/err" || fail "a progress line without a terminal"

# --- the examples run as they are from the repository root
for g in docs/examples/*.json; do
    name=$(basename "$g" .json)
    "$hpcsim" sweep "$g" --out "$tmp/ex-$name" 2>"$tmp/err" || fail "$g: $(cat "$tmp/err")"
done
echo "sweep: bad grids refused, a bad point alone failed, resume after kill -9 exact, shards/MPI identical, examples ran"
