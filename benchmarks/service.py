"""A bounded load run against the HTTP service (a script, not a test).

    python benchmarks/service.py [--requests 20000] [--concurrency 32] [--url URL]

Without ``--url`` it starts ``bsu-rules serve`` on a free port of 127.0.0.1 and stops it after.
Each request POSTs one of the bundled example records to /v1/decisions?ruleset=bsu-2022 and
checks the answer is a decision (200, the outcome the record expects). Prints the number of
errors, requests per second and the p50/p99 latency; exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(*options: str) -> tuple[subprocess.Popen[bytes], str]:
    """``bsu-rules serve`` on 127.0.0.1 with these options, once /healthz answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bsu_rules", "serve", "--port", str(port), *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not answer /healthz within 60 s")


async def load(url: str, requests: int, concurrency: int) -> tuple[int, list[float]]:
    """(errors, latencies in seconds) of ``requests`` decisions, ``concurrency`` connections at a time.

    The client is plain asyncio over keep-alive HTTP/1.1 connections: a full HTTP client library costs
    more CPU per request than the service itself, and both share this machine's cores.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    bodies = [line.encode() for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
    posts = [b"POST /v1/decisions?ruleset=bsu-2022 HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
             b"Content-Length: %d\r\n\r\n%s" % (host.encode(), len(body), body) for body in bodies]
    latencies: list[float] = []
    errors = 0
    todo = iter(range(requests))

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in todo:
                start = time.perf_counter()
                try:
                    writer.write(posts[i % len(posts)])
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                      if line.lower().startswith(b"content-length:")))
                    body = await reader.readexactly(length)
                    ok = head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["outcome"] in (
                        "eligible", "ineligible", "undetermined")
                except (OSError, asyncio.IncompleteReadError, ValueError, KeyError, StopIteration):
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += not ok
                if not ok:  # the connection's state is unknown after an error: start a new one
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return errors, latencies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--url", help="a running service (default: start one on 127.0.0.1)")
    args = ap.parse_args()
    proc, url = (None, args.url) if args.url else start_server()
    try:
        start = time.perf_counter()
        errors, latencies = asyncio.run(load(url, args.requests, args.concurrency))
        took = time.perf_counter() - start
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    q = statistics.quantiles(latencies, n=100)
    print(f"{args.requests} requests at concurrency {args.concurrency}: {errors} errors, {took:.1f} s, "
          f"{args.requests / took:.0f} requests/s, p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
