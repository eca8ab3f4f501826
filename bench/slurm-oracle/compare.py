#!/usr/bin/env python3
"""Compares real Slurm's start times (from jobcomp/filetxt) with the
model's (hpcsim's jobs.csv). Usage:
    compare.py SCRATCH MODEL_JOBS_CSV TOLERANCE_S [real.csv]
Prints the share of jobs whose start is within TOLERANCE_S of real Slurm's,
the mean and largest absolute start-time difference, and Spearman's rank
correlation of the two start orders; writes the real starts to real.csv
(swf_id,submit,start,end in seconds from trace time 0, nodes) when a path
is given. Every time is in seconds from trace time 0 (the t0 file)."""
import csv
import datetime
import sys


def slurm_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").timestamp()


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):  # ties get their mean rank
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 1.0


def main():
    scratch, model_csv, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    t0 = float(open(f"{scratch}/t0").read())
    by_slurm = {}
    for row in csv.DictReader(open(f"{scratch}/submitted.csv")):
        by_slurm[row["slurm_id"]] = row
    real = {}
    for line in open(f"{scratch}/jobcomp.log"):
        kv = dict(tok.split("=", 1) for tok in line.split() if "=" in tok)
        sub = by_slurm.get(kv.get("JobId"))
        if not sub:
            continue
        real[int(sub["swf_id"])] = (float(sub["planned_submit"]), slurm_time(kv["StartTime"]) - t0,
                                    slurm_time(kv["EndTime"]) - t0, kv.get("NodeList", ""))
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w") as f:
            f.write("swf_id,submit,start,end,nodes\n")
            for jid in sorted(real):
                s, a, e, n = real[jid]
                f.write(f"{jid},{s:g},{a:.0f},{e:.0f},\"{n}\"\n")
    model = {}
    for r in csv.DictReader(open(model_csv)):
        model[int(r["job_id"])] = float(r["starting_time"])
    common = sorted(set(real) & set(model))
    if not common:
        sys.exit("compare: no job in both runs")
    diffs = [abs(model[j] - real[j][1]) for j in common]
    within = sum(d <= tol for d in diffs)
    rho = spearman([real[j][1] for j in common], [model[j] for j in common])
    print(f"jobs compared: {len(common)} (real {len(real)}, model {len(model)})")
    print(f"start within {tol:g} s of real Slurm: {within}/{len(common)} = {100.0 * within / len(common):.1f} %")
    print(f"absolute start difference: mean {sum(diffs) / len(diffs):.1f} s, max {max(diffs):.0f} s")
    print(f"rank correlation of start order (Spearman): {rho:.3f}")
    worst = sorted(common, key=lambda j: -abs(model[j] - real[j][1]))[:5]
    print("largest differences (job: real start, model start): " +
          ", ".join(f"{j}: {real[j][1]:.0f}, {model[j]:.0f}" for j in worst))


if __name__ == "__main__":
    main()
