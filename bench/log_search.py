#!/usr/bin/env python3
"""Regex search over the large demo installation's logs: our `server_logs_search` tool against
ripgrep and GNU grep on the same files, in the same run. Prints wall time, throughput over the
uncompressed text, peak RSS and match counts.

    bench/log_search.py                  # builds release, generates the large demo once (~1 GB), runs
    BENCH_SKIP_BUILD=1 bench/log_search.py
    BENCH_DEMO=/path/to/demo bench/log_search.py

Each tool runs BENCH_RUNS times (default 3) per case; the table shows the median time and the
largest peak RSS. Our tool runs as `cloverdx-mcp call` (one process: host, plugin and search), so its
figures include process start and plugin loading (tens of milliseconds).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DEMO = Path(os.environ.get("BENCH_DEMO", Path.home() / ".cache" / "cloverdx-mcp" / "bench-large"))

# (log ID, files of that log relative to the demo, regex): a plain-text log and a mostly-gzip one.
# The patterns match rarely, so every tool reads every byte (ours stops early only at its limit).
# The third holds no text every match must contain, so ours runs the regex on every entry: its worst case.
CASES = [
    ("access", "tomcatlogs/localhost_access_log.*.txt", r"HTTP/1\.1 (401|403|404) "),
    ("all", "cloverlogs/all*.log*", r"java\.lang\.OutOfMemoryError"),
    ("access", "tomcatlogs/localhost_access_log.*.txt", r"[45]0[134] [0-9]+$"),
]


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def ensure_tools() -> None:
    missing = [package for command, package in (("rg", "ripgrep"), ("zgrep", "gzip")) if shutil.which(command) is None]
    if missing:
        log(f"installing {' '.join(missing)} with apt-get")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *missing], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def build() -> Path:
    if os.environ.get("BENCH_SKIP_BUILD") != "1":
        for product in ("cloverdx-mcp", "ServerLogsPlugin"):
            log(f"swift build -c release --product {product}")
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True, stdout=sys.stderr)
    bin_dir = Path(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout.strip())
    return bin_dir


def ensure_demo(binary: Path) -> None:
    if not (DEMO / "conf" / "clover.properties").exists():
        log(f"generating the large demo installation in {DEMO} (about a minute)")
        subprocess.run([str(binary), "demo", "init", str(DEMO), "--size", "large", "--seed", "7"], check=True, stdout=sys.stderr)


def text_bytes(files: list[Path]) -> int:
    """Bytes of text the tools search: .gz files inflated."""
    total = 0
    for path in files:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
        else:
            total += path.stat().st_size
    return total


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (the process and the children it waited for) and stdout."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode()
    if process.returncode not in (0, 1):  # grep-likes exit 1 for "no match"
        raise SystemExit(f"{command[0]} failed with status {process.returncode}: {text[:500]}")
    return elapsed, usage.ru_maxrss / 1024, text


def our_search(binary: Path, plugins: Path, log_id: str, pattern: str) -> list[str]:
    arguments = json.dumps({"appender": log_id, "pattern": pattern, "limit": 1000})
    return [str(binary), "call", "server_logs_search", "--args", arguments, "--plugins", str(plugins),
            "--config", str(DEMO / "conf" / "clover.properties")]


def our_matches(output: str) -> int:
    structured = json.loads(output).get("structuredContent", {})
    return int(structured.get("matched", len(structured.get("entries", []))))


def main() -> None:
    ensure_tools()
    bin_dir = build()
    binary = bin_dir / "cloverdx-mcp"
    ensure_demo(binary)
    workdir = Path(tempfile.mkdtemp(prefix="cloverdx-mcp-search-bench."))
    try:
        plugins = workdir / "plugins.json"
        plugins.write_text(json.dumps({"plugins": [{"id": "server-logs", "path": str(bin_dir / "libServerLogsPlugin.so"),
                                                    "grants": ["logs.read", "installation.read"]}]}))
        env = {**os.environ, "CLOVER_MCP_SIDECAR_PLUGIN_TIMEOUT_MS": "600000"}
        rows = []
        for log_id, glob, pattern in CASES:
            files = sorted(DEMO.glob(glob))
            megabytes = text_bytes(files) / 1e6
            tools = {
                "cloverdx-mcp": (our_search(binary, plugins, log_id, pattern), our_matches),
                "rg": (["rg", "-z", "-c", "--no-filename", pattern, *map(str, files)],
                       lambda out: sum(int(n) for n in out.split())),
                "grep": (["zgrep", "-c", "-h", "-E", pattern, *map(str, files)],
                         lambda out: sum(int(n) for n in out.split())),
            }
            for name, (command, count) in tools.items():
                samples = [measure(command, env) for _ in range(RUNS)]
                seconds = statistics.median(sample[0] for sample in samples)
                rows.append((f"{log_id} /{pattern[:14]}/ ({megabytes:.0f} MB)", name, seconds, megabytes / seconds,
                             max(sample[1] for sample in samples), count(samples[0][2])))
            log(f"{log_id}: done")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nRegex search, median of {RUNS} runs, {os.cpu_count()} CPUs, demo {DEMO}")
    print(f"{'log, pattern, text size':<36} {'tool':<13} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12} {'matches':>8}")
    for case, name, seconds, rate, rss, matches in rows:
        print(f"{case:<36} {name:<13} {seconds:>8.2f} {rate:>8.0f} {rss:>12.1f} {matches:>8}")
    for case in dict.fromkeys(row[0] for row in rows):
        rates = {row[1]: row[3] for row in rows if row[0] == case}
        print(f"{case}: cloverdx-mcp at {rates['cloverdx-mcp'] / rates['rg']:.0%} of rg's throughput, "
              f"{rates['cloverdx-mcp'] / rates['grep']:.0%} of grep's")
    print("matches: lines for rg and grep, log entries (a stack trace is one) for cloverdx-mcp")


if __name__ == "__main__":
    main()
