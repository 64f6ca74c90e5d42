"""Run every sEMG benchmark in one process and print their tables."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_accuracy
import bench_latency
import bench_memory
import bench_throughput

if __name__ == "__main__":
    for name, mod in (
        ("throughput", bench_throughput),
        ("latency", bench_latency),
        ("accuracy", bench_accuracy),
        ("memory", bench_memory),
    ):
        print(f"\n== {name} ==")
        mod.main()
