#!/usr/bin/env bash
# --policy volcano as a user meets it (docs/volcano.md): a replay passes
# hpcsim check and is the same bytes twice; skipping the sessions in
# which nothing can change gives the bytes of running them all; the
# Alibaba openb pod list replays on its node list, with and without a
# performance model; bad configurations and pod rows are refused with
# file and line and nothing written; the checker catches an over-committed
# node in tasks.csv.
# Usage: test_volcano_cli.sh HPCSIM SOURCE_DIR
set -euo pipefail
hpcsim=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
fail() { echo "FAIL: $*" >&2; exit 1; }
demo=traces/demo-lublin-2000.swf
shared=${HPCSIM_SHARED_TRACES:-../shared/traces}

# --- determinism and the checker, default configuration (random ties) and the Helm chart's
for conf in default helm; do
    args=()
    [ $conf = helm ] && args=(--policy-conf docs/examples/volcano-helm.conf)
    for k in 1 2; do
        "$hpcsim" run --quiet --policy volcano "${args[@]}" --trace $demo --nodes 64 --cores-per-node 8 \
            --seed 7 --out "$tmp/$conf$k"
        "$hpcsim" check "$tmp/$conf$k" >/dev/null
    done
    for f in jobs.csv tasks.csv out.swf summary.json; do cmp "$tmp/${conf}1/$f" "$tmp/${conf}2/$f"; done
done
cmp -s "$tmp/default1/jobs.csv" "$tmp/helm1/jobs.csv" && fail "binpack changed no placement"
"$hpcsim" report "$tmp/default1" -o "$tmp/default1.html"
grep -q "<svg" "$tmp/default1.html" || fail "the report of a Volcano run has no plot"

# --- skipped sessions change no byte (deterministic ties, no sampling: 96
# nodes; the first 400 jobs, as running every idle second is slow)
head -n 420 $demo >"$tmp/demo400.swf"
for mode in skip run; do
    "$hpcsim" run --quiet --policy volcano --policy-opt ties=lowest --policy-opt idle-sessions=$mode \
        --policy-opt log="$tmp/log-$mode.txt" --trace "$tmp/demo400.swf" --nodes 96 --cores-per-node 4 \
        --out "$tmp/idle-$mode"
done
[ "$(grep -vc '^#' "$tmp/log-skip.txt")" -gt 400 ] || fail "the decision log is too short"
# and attempting the gangs that cannot fit the free room gives the same bytes
"$hpcsim" run --quiet --policy volcano --policy-opt ties=lowest --policy-opt doomed-gangs=attempt \
    --trace "$tmp/demo400.swf" --nodes 96 --cores-per-node 4 --out "$tmp/idle-attempt"
for f in jobs.csv tasks.csv out.swf summary.json; do cmp "$tmp/idle-skip/$f" "$tmp/idle-attempt/$f"; done
for f in jobs.csv tasks.csv out.swf summary.json; do cmp "$tmp/idle-skip/$f" "$tmp/idle-run/$f"; done
cmp "$tmp/log-skip.txt" "$tmp/log-run.txt"

# --- queues: a queue file loads and routes jobs
"$hpcsim" run --quiet --policy volcano --policy-conf docs/examples/volcano-queues.yaml --trace $demo --nodes 64 \
    --cores-per-node 8 --out "$tmp/queues"
"$hpcsim" check "$tmp/queues" >/dev/null

# --- bad configuration: file, line and key; exit 1; no output folder
printf 'actions: "enqueue, allocate"\ntiers:\n- plugins:\n  - name: gang\n    enableJobReady: sometimes\n' >"$tmp/bad.conf"
if "$hpcsim" run --policy volcano --policy-conf "$tmp/bad.conf" --trace $demo --nodes 8 --cores-per-node 8 \
    --out "$tmp/out-bad" 2>"$tmp/err"; then fail "a bad configuration was accepted"; fi
grep -qF "$tmp/bad.conf:5:" "$tmp/err" || fail "bad conf: $(cat "$tmp/err")"
grep -qF "enableJobReady" "$tmp/err" || fail "bad conf: no key: $(cat "$tmp/err")"
[ ! -e "$tmp/out-bad" ] || fail "bad conf: an output folder was made"
printf 'tiers: [\n' >"$tmp/syntax.conf"
if "$hpcsim" run --policy volcano --policy-conf "$tmp/syntax.conf" --trace $demo --nodes 8 --cores-per-node 8 \
    --out "$tmp/out-syntax" 2>"$tmp/err"; then fail "bad YAML was accepted"; fi
grep -qF "$tmp/syntax.conf:2:" "$tmp/err" || fail "bad YAML: $(cat "$tmp/err")"
if "$hpcsim" run --policy volcano --policy-opt ties=sometimes --trace $demo --out "$tmp/out-opt" 2>"$tmp/err"; then
    fail "a bad option was accepted"
fi
grep -qF "ties=sometimes" "$tmp/err" || fail "bad option: $(cat "$tmp/err")"

# --- a cluster file's memory and GPUs; a gang that could never be placed
# (each of its 2 pods asks 1,172 MB of 1,000 MB nodes) is rejected with
# the reason, and the other job runs
cat >"$tmp/mem.json" <<'JSON'
{"name": "mem", "groups": [{"name": "g", "count": 2, "cores": 4, "memory_mb": 1000, "gpus": 2}]}
JSON
printf '1 0 -1 10 2 -1 -1 2 100 1024 1 1 1 -1 -1 -1 -1 -1\n2 0 -1 10 8 -1 -1 8 100 300000 1 1 1 -1 -1 -1 -1 -1\n' \
    >"$tmp/mem.swf"
"$hpcsim" run --quiet --policy volcano --trace "$tmp/mem.swf" --cluster "$tmp/mem.json" --out "$tmp/mem" >/dev/null
"$hpcsim" check "$tmp/mem" >/dev/null
grep -qE '^1,0,[01],2000,2,0,0,10$' "$tmp/mem/tasks.csv" || fail "job 1's task: $(cat "$tmp/mem/tasks.csv")"
grep -q '^1,4000,1000,2000$' "$tmp/mem/nodes.csv" || fail "nodes.csv: $(cat "$tmp/mem/nodes.csv")"
grep -q 'its 2 tasks of 4000 milli-CPU, 1172 MB, 0 milli-GPU each cannot all be placed at once.*(0 fit)' \
    "$tmp/mem/rejected.csv" || fail "unplaceable gang: $(cat "$tmp/mem/rejected.csv")"

# --- a bad node list names its line and column; a run that fails leaves no decision log
printf 'sn,cpu_milli,memory_mib,gpu,model\nn-0,32000,1024,0,\nn-1,1500,1024,0,\n' >"$tmp/nodes.csv"
if "$hpcsim" run --policy volcano --trace $demo --cluster "$tmp/nodes.csv" --policy-opt log="$tmp/failed.log" \
    --out "$tmp/out-nodes" 2>"$tmp/err"; then fail "a bad node list was accepted"; fi
grep -qF "$tmp/nodes.csv:3:" "$tmp/err" || fail "bad node list: $(cat "$tmp/err")"
grep -qF "cpu_milli" "$tmp/err" || fail "bad node list: no column: $(cat "$tmp/err")"
[ ! -e "$tmp/failed.log" ] && [ ! -e "$tmp/out-nodes" ] || fail "a failed run left a log or an output folder"

# --- the checker sees an over-committed node
cp -r "$tmp/default1" "$tmp/tampered"
awk -F, 'NR == 2 { $4 = 999999 } { print }' OFS=, "$tmp/default1/tasks.csv" >"$tmp/tampered/tasks.csv"
if "$hpcsim" check "$tmp/tampered" 2>"$tmp/err"; then fail "an over-committed node passed the check"; fi
grep -qF "tasks.csv:2: job" "$tmp/err" || fail "tampered: $(cat "$tmp/err")"

if [ ! -d "$shared/alibaba-openb-k8s" ]; then
    echo "skipping the archive traces: $shared is not there"
    exit 0
fi

# --- the Alibaba openb pod list on its node list; pods are never killed
ali=$shared/alibaba-openb-k8s
for model in none lxc kvm; do
    m=()
    [ $model != none ] && m=(--model literature --backend $model)
    "$hpcsim" run --quiet --policy volcano --trace $ali/openb_pod_list_default.csv \
        --cluster $ali/openb_node_list_all_node.csv "${m[@]}" --out "$tmp/ali-$model"
    "$hpcsim" check "$tmp/ali-$model" >/dev/null
done
grep -q '"kill_at_requested_time": false' "$tmp/ali-none/summary.json" || fail "pods were given a time limit"
"$hpcsim" run --quiet --policy volcano --trace $ali/openb_pod_list_default.csv \
    --cluster $ali/openb_node_list_all_node.csv --out "$tmp/ali-again"
for f in jobs.csv tasks.csv summary.json; do cmp "$tmp/ali-none/$f" "$tmp/ali-again/$f"; done
cmp -s "$tmp/ali-none/jobs.csv" "$tmp/ali-kvm/jobs.csv" && fail "the KVM model changed nothing"

# --- a bad pod row: --strict stops with file and line, nothing written
{ head -3 $ali/openb_pod_list_default.csv; echo "bad-pod,12000,16384,1,1000,,XX,Running,5,10,6"; } >"$tmp/pods.csv"
if "$hpcsim" run --strict --policy volcano --trace "$tmp/pods.csv" --cluster $ali/openb_node_list_all_node.csv \
    --out "$tmp/out-pods" 2>"$tmp/err"; then fail "a bad pod row was accepted"; fi
grep -qF "$tmp/pods.csv:4:" "$tmp/err" || fail "bad pod row: $(cat "$tmp/err")"
grep -qF "qos" "$tmp/err" || fail "bad pod row: no column: $(cat "$tmp/err")"
[ ! -e "$tmp/out-pods" ] || fail "bad pod row: an output folder was made"

# --- CEA-Curie (first 3,000 jobs) as PodGroups: valid, and the same bytes twice
{ zcat "$shared/CEA-Curie-2011-2.1-cln.swf.gz" || true; } | head -n 3100 >"$tmp/curie.swf"
for k in 1 2; do
    "$hpcsim" run --quiet --policy volcano --trace "$tmp/curie.swf" --cluster tests/fixtures/curie.json \
        --out "$tmp/curie$k"
    "$hpcsim" check "$tmp/curie$k" >/dev/null
done
for f in jobs.csv tasks.csv summary.json; do cmp "$tmp/curie1/$f" "$tmp/curie2/$f"; done
echo "volcano cli: all checks passed"
