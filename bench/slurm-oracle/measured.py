#!/usr/bin/env python3
"""Rewrites an SWF trace with the run times real Slurm measured (EndTime -
StartTime of real.csv, 1 s resolution): a `sleep S` job occupies its nodes
for S plus launch and epilog time, and the model should be given that.
Usage: measured.py TRACE.swf real.csv > measured.swf"""
import csv
import sys

real = {int(r["swf_id"]): float(r["end"]) - float(r["start"]) for r in csv.DictReader(open(sys.argv[2]))}
# Slurm rounds reservations and will-run windows on the wall clock: tell the
# model when trace time 0 was (the t0 file beside real.csv).
t0 = float(open(sys.argv[2].rsplit("/", 1)[0] + "/t0").read()) if "/" in sys.argv[2] else float(open("t0").read())
print(f"; UnixStartTime: {int(t0)}")
for line in open(sys.argv[1]):
    if line.startswith("; UnixStartTime"):
        continue
    f = line.split()
    if line.startswith(";") or not f or int(f[0]) not in real:
        sys.stdout.write(line)
        continue
    f[3] = f"{real[int(f[0])]:.0f}"
    print(" ".join(f))
