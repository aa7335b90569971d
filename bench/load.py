"""Load generators for the benchmark: wrk when installed, else a bounded Python one.

Both report the same ``LoadResult`` (requests per second, p50 and p99 latency in
milliseconds, requests that failed). The parsing and percentile helpers are pure and
unit-tested in ``tests/bench/test_tools.py``.
"""

from __future__ import annotations

import http.client
import math
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

# How many latencies one Python run keeps at most (memory stays bounded on long runs).
MAX_SAMPLES = 1_000_000


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, socket errors and timeouts
    tool: str


# --------------------------------------------------------------------------- helpers


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks.

    Same definition as ``statistics.quantiles(method="inclusive")`` and numpy's default.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([0-9.]+)(us|ms|s|m|h)$")


def _ms(text: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """Read ``wrk --latency`` output: Requests/sec, the 50 % and 99 % lines, errors."""
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h),", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError("wrk output without Requests/sec, latency distribution or totals")
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return LoadResult(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=errors,
        tool="wrk",
    )


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


# --------------------------------------------------------------------------- wrk


def run_wrk(
    url: str, *, headers: dict[str, str], connections: int, threads: int, seconds: float
) -> LoadResult:
    command = [
        "wrk",
        "--latency",
        f"--connections={connections}",
        f"--threads={min(threads, connections)}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


# --------------------------------------------------------------------------- Python


def run_python(
    host: str,
    port: int,
    path: str,
    *,
    headers: dict[str, str],
    connections: int,
    seconds: float,
) -> LoadResult:
    """``connections`` threads, each with its own HTTP/1.1 connection, for ``seconds``.

    Reconnects when the server closes (gunicorn's sync workers do after every
    response). Bounded: fixed threads, fixed duration, at most ``MAX_SAMPLES`` kept.
    """
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection(host, port, timeout=10)
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                continue
            if len(mine) < MAX_SAMPLES // connections:
                mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in pool:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.set()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    if not latencies:
        raise RuntimeError(f"no request to {path} succeeded")
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        errors=errors,
        tool="python",
    )
