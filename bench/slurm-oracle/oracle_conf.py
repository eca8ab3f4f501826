#!/usr/bin/env python3
"""Turns a user's slurm.conf into one that real Slurm 22.05 runs on this
machine (as bench/slurm-oracle/install sets it up): the scheduling keys are kept as
written (with TopologyPlugin: run-oracle copies the topology.conf beside it),
every node becomes a slurmd on its own 127.0.X.Y address and port,
and the daemon keys point into a scratch directory. Usage:
    oracle_conf.py USER_SLURM_CONF SCRATCH_DIR [--dbd PORT] > slurm.conf
Prints the node names, one per line, to SCRATCH_DIR/nodes. With --dbd,
accounting goes to the slurmdbd run-oracle starts on PORT (fair-share and
age then count, as at a site with a database)."""
import re
import sys

KEEP_GLOBAL = re.compile(r"^(SchedulerType|SchedulerParameters|SelectType|SelectTypeParameters|Priority\w*|"
                         r"FairShareDampeningFactor|KillWait|TopologyPlugin)$", re.I)
NODE_KEEP = re.compile(r"^(CPUs|Procs|Sockets|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory|Weight)$", re.I)
PART_KEEP = re.compile(r"^(PartitionName|Nodes|Default|MaxTime|DefaultTime|PriorityTier|PriorityJobFactor|Priority|"
                       r"OverSubscribe|Shared|State)$", re.I)


def expand(expr):
    """n[1-3,7],m5 -> [n1, n2, n3, n7, m5] (one bracket level, as slurm.conf files use)."""
    out, depth, cur = [], 0, ""
    parts = []
    for ch in expr:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "["
        depth -= ch == "]"
        cur += ch
    parts.append(cur)
    for p in parts:
        m = re.match(r"^(.*?)\[([^\]]+)\](.*)$", p)
        if not m:
            out.append(p)
            continue
        pre, ranges, post = m.groups()
        for r in ranges.split(","):
            a, _, b = r.partition("-")
            b = b or a
            for i in range(int(a), int(b) + 1):
                out.append(f"{pre}{str(i).zfill(len(a))}{post}")
    return out


def logical_lines(text):
    buf = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.endswith("\\"):
            buf += line[:-1]
            continue
        buf += line
        if buf.strip():
            yield buf.strip()
        buf = ""
    if buf.strip():
        yield buf.strip()


def main():
    src, scratch = sys.argv[1], sys.argv[2]
    dbd = sys.argv[4] if len(sys.argv) == 5 and sys.argv[3] == "--dbd" else None
    accounting = (f"accounting_storage/slurmdbd\nAccountingStorageHost=localhost\nAccountingStoragePort={dbd}"
                  if dbd else "accounting_storage/none")
    keep, nodes, parts = [], [], []
    node_default = {}
    for line in logical_lines(open(src).read()):
        pairs = [tuple(tok.split("=", 1)) for tok in line.split()]
        key = pairs[0][0]
        if key.lower() == "nodename":
            attrs = {k: v for k, v in pairs[1:] if NODE_KEEP.match(k)}
            if pairs[0][1].upper() == "DEFAULT":
                node_default.update(attrs)
                continue
            merged = dict(node_default)
            merged.update(attrs)
            for name in expand(pairs[0][1]):
                nodes.append((name, merged))
        elif key.lower() == "partitionname":
            parts.append(" ".join(f"{k}={v}" for k, v in pairs if PART_KEEP.match(k)))
        else:
            keep.extend(f"{k}={v}" for k, v in pairs if KEEP_GLOBAL.match(k))
    S = scratch
    print(f"""ClusterName=oracle
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
MailProg=/bin/true
SlurmctldPort=6817
StateSaveLocation={S}/state
SlurmdSpoolDir={S}/spool/%n
SlurmctldPidFile={S}/run/slurmctld.pid
SlurmdPidFile={S}/run/slurmd.%n.pid
SlurmctldLogFile={S}/log/slurmctld.log
SlurmdLogFile={S}/log/slurmd.%n.log
SlurmctldDebug=info
SlurmdDebug=error
ProctrackType=proctrack/pgid
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
AccountingStorageType={accounting}
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc={S}/jobcomp.log
SlurmdParameters=config_overrides
InactiveLimit=0
MinJobAge=300
SlurmctldTimeout=120
SlurmdTimeout=300
Waittime=0
TreeWidth=128""")
    for k in keep:
        print(k)
    with open(f"{S}/nodes", "w") as f:
        for i, (name, attrs) in enumerate(nodes):
            blk, host = divmod(i, 254)
            extra = " ".join(f"{k}={v}" for k, v in attrs.items())
            print(f"NodeName={name} NodeHostname={name} NodeAddr=127.0.{blk + 2}.{host + 1} Port={7001 + i} {extra} State=UNKNOWN")
            f.write(name + "\n")
    for p in parts:
        print(p)


if __name__ == "__main__":
    main()
