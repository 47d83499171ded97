"""The impact report against batch screening on the same file (a script, not a test).

    python benchmarks/impact.py [--n 1000000] [--seed 1] [--dir /tmp]

Generates N members (``bsu-rules generate``), then runs ``bsu-rules batch bsu-2022`` and
``bsu-rules impact bsu-2022 --set wage_ceiling=4000000`` (and ``--against bsu-2021``) on them,
each in its own process; prints wall time, CPU time and peak RSS of each, and impact's ratio to
batch (the target: at most 3x).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

CLI = [sys.executable, "-m", "bsu_rules"]


def measure(label: str, args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run([*CLI, *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"{label:<34} {wall:7.1f} s wall {cpu:7.1f} s CPU  peak RSS {after.ru_maxrss / 1024:,.0f} MB "
          "(largest child so far)", flush=True)
    return wall, cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dir", default="/tmp")
    a = p.parse_args()
    folder = Path(a.dir)
    members = folder / f"impact-bench-{a.n}-{a.seed}.parquet"
    if not members.exists():
        subprocess.run([*CLI, "generate", "--n", str(a.n), "--seed", str(a.seed), "--out", str(members)],
                       check=True, stdout=subprocess.DEVNULL)
    batch = measure("batch bsu-2022", ["batch", "bsu-2022", str(members), "--out",
                                       str(folder / "impact-bench-decisions.parquet"), "--quiet"])
    reform = measure("impact --set wage_ceiling=4000000", [
        "impact", "bsu-2022", str(members), "--set", "wage_ceiling=4000000", "--quiet",
        "--out", str(folder / "impact-bench.html"), "--json", str(folder / "impact-bench.json")])
    against = measure("impact --against bsu-2021", [
        "impact", "bsu-2022", str(members), "--against", "bsu-2021", "--quiet",
        "--out", str(folder / "impact-bench-2021.html")])
    for label, (wall, cpu) in (("--set", reform), ("--against", against)):
        print(f"impact {label} / batch: {wall / batch[0]:.2f}x wall, {cpu / batch[1]:.2f}x CPU")


if __name__ == "__main__":
    main()
