#!/usr/bin/env bash
# hpcsim report's pages in a real browser (tests/report/check_pages.js):
# a run with a Gantt chart, a run too large for one, a sweep of two
# parameters (heatmaps), hpcsim slurm-verify's page and hpcsim-calibrate's
# boundary report; then a page with an empty plot, which the check must
# refuse.
# Usage: test_report_browser.sh HPCSIM HPCSIM_CALIBRATE|- SOURCE_DIR NODE_MODULES_DIR
set -euo pipefail
hpcsim=$(realpath "$1")
calibrate=$2
src=$(realpath "$3")
modules=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
chromium=$(command -v chromium || true)
[ -n "$chromium" ] || { echo "FAIL: no chromium (bash .ci/setup deps installs it)" >&2; exit 1; }
if [ ! -d "$modules/node_modules/playwright-core" ]; then
    npm install --prefix "$modules" --no-audit --no-fund --loglevel=error playwright-core@1 >/dev/null
fi
export NODE_PATH=$modules/node_modules

"$hpcsim" run --trace traces/demo-lublin-2000.swf --nodes 128 --cores-per-node 1 --out "$tmp/run" --quiet
"$hpcsim" report "$tmp/run" -o "$tmp/run.html"
"$hpcsim" gen --jobs 5000 --nodes 256 --seed 3 --out "$tmp/big.swf"
"$hpcsim" run --trace "$tmp/big.swf" --policy flux --policy-opt queue-policy=easy --out "$tmp/big" --quiet
"$hpcsim" report "$tmp/big" -o "$tmp/big.html"
grep -q "No Gantt chart: 5000 jobs" "$tmp/big.html"
"$hpcsim" sweep docs/examples/slurm-backfill.json --out "$tmp/sweep" 2>/dev/null
"$hpcsim" report "$tmp/sweep" -o "$tmp/sweep.html"
# every job waited 0 s: the log axis of the wait CDF has no positive value
printf '; MaxNodes: 64\n1 0 -1 10 1 -1 -1 1 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n2 5 -1 10 1 -1 -1 1 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n' \
    >"$tmp/nowait.swf"
"$hpcsim" run --trace "$tmp/nowait.swf" --out "$tmp/nowait" --quiet
"$hpcsim" report "$tmp/nowait" -o "$tmp/nowait.html"
if grep -qiE "nan|inf[^o]" "$tmp/nowait.html"; then echo "FAIL: a coordinate is not a number" >&2; exit 1; fi
# a sweep in which nothing varies says so
printf '{"base": {"trace": "traces/demo-lublin-2000.swf", "nodes": 128, "cores-per-node": 1}}' >"$tmp/flat.json"
"$hpcsim" sweep "$tmp/flat.json" --out "$tmp/flat" 2>/dev/null
"$hpcsim" report "$tmp/flat" -o "$tmp/flat.html"
grep -q "Swept: nothing (no parameter has two values), so there is nothing to plot against" "$tmp/flat.html"
# the same folder, the same bytes
"$hpcsim" report "$tmp/sweep" -o "$tmp/sweep2.html"
cmp "$tmp/sweep.html" "$tmp/sweep2.html"
# not a run's folder nor a sweep's: one message, nothing written
if "$hpcsim" report "$tmp" -o "$tmp/none.html" 2>"$tmp/err"; then echo "FAIL: a bare folder was reported" >&2; exit 1; fi
grep -q "neither a run's folder (summary.json) nor a sweep's (grid.json)" "$tmp/err"
[ ! -e "$tmp/none.html" ]
# hpcsim slurm-verify's page, on a recorded run of real Slurm with its re-run beside
F=tests/fixtures/slurm
"$hpcsim" slurm-verify --trace $F/oracle-c-48x1-r1/trace.swf --slurm-conf $F/oracle-c-48x1/slurm.conf \
    --real $F/oracle-c-48x1-r1/real.csv --rerun $F/oracle-c-48x1-r2/real.csv --phases --jitter 2 \
    --report "$tmp/verify.html" >/dev/null 2>&1
grep -q "instants at which the model starts the jobs real Slurm started" "$tmp/verify.html"
grep -q "<th>real Slurm, re-run</th>" "$tmp/verify.html"
pages=("$tmp/run.html" "$tmp/big.html" "$tmp/sweep.html" "$tmp/nowait.html" "$tmp/verify.html")
if [ "$calibrate" != - ]; then
    "$calibrate" report models/data/this-host-example.json -o "$tmp/boundary.html" >/dev/null
    pages+=("$tmp/boundary.html")
fi
node tests/report/check_pages.js "$chromium" "${pages[@]}"

# the check can fail: plots with nothing drawn in them, or none declared
sed "s/<circle class='pt'[^>]*>//g; s/<polyline class='series'[^>]*>//g" "$tmp/run.html" >"$tmp/empty.html"
sed "s/data-points='[0-9]*'/data-points='0'/" "$tmp/run.html" >"$tmp/undeclared.html"
for bad in empty undeclared; do
    if node tests/report/check_pages.js "$chromium" "$tmp/$bad.html" >"$tmp/$bad.out" 2>&1; then
        echo "FAIL: the $bad page passed" >&2
        exit 1
    fi
    cat "$tmp/$bad.out"
done
grep -q 'plot "Bounded slowdown by job size": nothing drawn' "$tmp/empty.out"
grep -q 'plot "Utilization over time": no data points declared' "$tmp/undeclared.out"
echo "report pages: loaded in Chromium with no error, every plot drawn, screenshots not blank"
