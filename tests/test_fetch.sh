#!/usr/bin/env bash
# traces/fetch keeps a trace whose job count is the archive's and refuses
# (leaving nothing) one whose count is not. Real traces from ../shared.
set -euo pipefail
src=${1:?source dir}
shared=$src/../shared/traces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -e "$shared/NASA-iPSC-1993-3.1-cln.swf.gz" ]; then
    echo "SKIP: $shared is absent"
    exit 0
fi
bash "$src/traces/fetch" NASA-iPSC-1993-3.1-cln --from "$shared" --dir "$tmp/ok"
[ -s "$tmp/ok/NASA-iPSC-1993-3.1-cln.swf.gz" ]
mkdir "$tmp/bad"
zcat "$shared/NASA-iPSC-1993-3.1-cln.swf.gz" | awk "NR <= 1000" | gzip >"$tmp/bad/NASA-iPSC-1993-3.1-cln.swf.gz"
if bash "$src/traces/fetch" NASA-iPSC-1993-3.1-cln --from "$tmp/bad" --dir "$tmp/out" 2>"$tmp/err"; then
    echo "a truncated trace was kept" >&2
    exit 1
fi
grep -q "the archive's has 18239: not kept" "$tmp/err"
[ -z "$(ls -A "$tmp/out")" ]
if bash "$src/traces/fetch" No-Such-Trace --dir "$tmp/out" 2>"$tmp/err"; then exit 1; fi
grep -q "is not in the table" "$tmp/err"
echo "fetch: kept the real trace, refused the truncated one and an unknown name"
