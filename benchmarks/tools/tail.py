#!/usr/bin/env python3
"""Where a latency tail comes from: line up slow events with pauses, JIT work and scheduling stalls.

Used for benchmarks/README.md, "Where the Redis tail came from". Linux only (reads /proc).

  tail.py sample-threads OUT.tsv   per-thread CPU ticks of every java, node and redis-server process,
                                   every 0.2 s, until killed
  tail.py probe-stalls OUT.tsv     sleeps 0.5 ms in a loop and records every gap over 2 ms (a moment in
                                   which a waiting thread could not get a core), until killed
  tail.py analyse DIR [--threads T.tsv] [--stalls S.tsv]
                                   DIR: the -Dfeathers4j.bench.latdump directory of a run whose instances
                                   also logged -Xlog:gc,safepoint:file=DIR/%p.log:tn,un (optional)

All times are CLOCK_MONOTONIC nanoseconds: System.nanoTime(), the `tn` log decorator, time.monotonic_ns().
"""
import collections
import glob
import os
import re
import sys
import time

SAFEPOINT = re.compile(r'\[(\d+)ns\]\[\d+ns\] Safepoint "(\w+)".*Total: (\d+) ns')


def sample_threads(out):
    with open(out, 'w') as f:
        while True:
            t = time.monotonic_ns()
            for pid in filter(str.isdigit, os.listdir('/proc')):
                try:
                    if open(f'/proc/{pid}/comm').read().strip() not in ('java', 'node', 'redis-server'):
                        continue
                    for tid in os.listdir(f'/proc/{pid}/task'):
                        s = open(f'/proc/{pid}/task/{tid}/stat').read()
                        name = s[s.index('(') + 1:s.rindex(')')]
                        fields = s[s.rindex(')') + 2:].split()
                        f.write(f'{t}\t{pid}\t{tid}\t{name}\t{int(fields[11]) + int(fields[12])}\n')
                except OSError:
                    pass  # the process or thread ended meanwhile
            f.flush()
            time.sleep(0.2)


def probe_stalls(out):
    with open(out, 'w') as f:
        prev = time.monotonic_ns()
        while True:
            time.sleep(0.0005)
            now = time.monotonic_ns()
            if now - prev > 2_000_000:
                f.write(f'{prev}\t{now}\n')
                f.flush()
            prev = now


def pauses(log):
    out = []
    for line in open(log):
        m = SAFEPOINT.match(line)
        if m:
            end = int(m.group(1))
            out.append((end - int(m.group(3)), end, m.group(2)))
    return out


def analyse(d, threads=None, stalls=None):
    receivers = sorted(glob.glob(f'{d}/*-l.tsv'))
    if not receivers:
        sys.exit(f'no <pid>-l.tsv in {d}: was the run made with -Dfeathers4j.bench.latdump={d}?')
    ticks = collections.defaultdict(list)
    if threads:
        for line in open(threads):
            t, pid, tid, name, n = line.rstrip('\n').split('\t')
            ticks[(pid, name)].append((int(t), tid, int(n)))
    gaps = [tuple(map(int, l.split())) for l in open(stalls)] if stalls else []
    for f in receivers:
        pid = os.path.basename(f).split('-')[0]
        events = [tuple(map(int, l.split())) for l in open(f)]  # n, sent, arrived
        first, last = min(e[1] for e in events), max(e[2] for e in events)
        lat = sorted(e[2] - e[1] for e in events)
        p99 = lat[int(len(lat) * 0.99)]
        slow = [e for e in events if e[2] - e[1] >= p99]
        print(f'receiver {pid}: {len(events)} events over {(last - first) / 1e9:.1f} s, p99 {p99 / 1e6:.2f} ms, '
              f'{len(slow)} at or above it')
        # the JVM logs of the same repetition: its three instances start one after the other, pids close together
        logs = [l for l in glob.glob(f'{d}/*.log') if abs(int(os.path.basename(l)[:-4]) - int(pid)) < 20]
        for log in logs:
            inside = [p for p in pauses(log) if p[1] > first and p[0] < last and p[1] - p[0] > 200_000]
            hit = sum(1 for e in slow if any(p[0] < e[2] and p[1] > e[1] for p in inside))
            print(f'  pid {os.path.basename(log)[:-4]}: {len(inside)} safepoints over 0.2 ms in the window '
                  f'{[(round((p[1] - p[0]) / 1e6, 2), p[2]) for p in inside][:8]}; {hit} slow events overlap one')
        if gaps:
            inside = [g for g in gaps if g[0] < last and g[1] > first]
            hit = sum(1 for e in slow if any(g[0] < e[2] and g[1] > e[1] for g in inside))
            print(f'  scheduling stalls over 2 ms in the window: {len(inside)}, longest '
                  f'{max((g[1] - g[0] for g in inside), default=0) / 1e6:.1f} ms; {hit} slow events overlap one')
        if ticks:
            used = collections.Counter()
            for (p, name), samples in ticks.items():
                per_tid = collections.defaultdict(list)
                for t, tid, n in samples:
                    if first <= t <= last:
                        per_tid[tid].append(n)
                used[(p, name)] += sum(v[-1] - v[0] for v in per_tid.values() if len(v) > 1)
            print('  CPU in the window (s), busiest threads:',
                  [(p, name, round(n / os.sysconf('SC_CLK_TCK'), 2)) for (p, name), n in used.most_common(6) if n])


def main(args):
    if len(args) >= 2 and args[0] == 'sample-threads':
        sample_threads(args[1])
    elif len(args) >= 2 and args[0] == 'probe-stalls':
        probe_stalls(args[1])
    elif len(args) >= 2 and args[0] == 'analyse':
        opts = dict(zip(args[2::2], args[3::2]))
        analyse(args[1], opts.get('--threads'), opts.get('--stalls'))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
