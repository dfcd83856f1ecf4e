#!/usr/bin/env python3
"""Times several commands side by side, interleaved run by run (so drift in the machine's speed hits
all of them alike), and prints median wall times and ratios to the first command, and the median CPU
time (user + system of the command and all its children, from getrusage) with its ratio: on a loaded
machine the CPU time holds where wall time moves with whatever else runs.

usage: interleave.py RUNS NAME=COMMAND [NAME=COMMAND...]
"""
import os
import platform
import resource
import statistics
import subprocess
import sys
import time


def main() -> int:
    runs = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    times = {name: [] for name, _ in commands}
    cpu = {name: [] for name, _ in commands}
    for _, cmd in commands:  # one warm-up each: page cache, binaries
        subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    for i in range(runs):
        order = commands[i % len(commands):] + commands[: i % len(commands)]  # rotate who goes first
        for name, cmd in order:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    base = statistics.median(times[commands[0][0]])
    cpu_base = statistics.median(cpu[commands[0][0]]) or 1e-9
    print(f"# {runs} interleaved runs each, {platform.node()}, {os.cpu_count()} CPUs, {platform.release()}")
    print(f"{'command':<28} {'median':>12} {'min':>12} {'ratio':>8} {'cpu median':>12} {'cpu ratio':>9}")
    for name, _ in commands:
        med = statistics.median(times[name])
        cpu_med = statistics.median(cpu[name])
        print(f"{name:<28} {med * 1e3:>10.2f}ms {min(times[name]) * 1e3:>10.2f}ms {med / base:>8.3f} "
              f"{cpu_med * 1e3:>10.2f}ms {cpu_med / cpu_base:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
