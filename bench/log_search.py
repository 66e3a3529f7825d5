#!/usr/bin/env python3
"""Regex search over the large demo installation's logs: our `server_logs_search` tool against
ripgrep and GNU grep on the same files, in the same run. Prints wall time, throughput over the
uncompressed text, peak RSS and match counts.

    bench/log_search.py                  # builds release, generates the large demo once (~1 GB), runs
    BENCH_SKIP_BUILD=1 bench/log_search.py
    BENCH_DEMO=/path/to/demo bench/log_search.py
    BENCH_BUILD_PATH=.build-mine bench/log_search.py   # build into (or, with BENCH_SKIP_BUILD=1, use) another scratch path

Each tool runs BENCH_RUNS times (default 3) per case; the table shows the median time and the
largest peak RSS. Our tool is called as agents call it: a running `cloverdx-mcp serve` (release,
the server-logs plugin only) answers one stateless tools/call over HTTP per search, timed from
request to answer; its RSS is the whole server's peak (VmHWM). rg runs twice: as it comes (one
thread per file, here on every core) and with -j1 (one thread, as our search of one log is).
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

from stateless_call import listening_port, tools_call

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DEMO = Path(os.environ.get("BENCH_DEMO", Path.home() / ".cache" / "cloverdx-mcp" / "bench-large"))
# SwiftPM's scratch path (default .build): lets a second checkout's build be measured without touching the first.
SCRATCH = ["--scratch-path", os.environ["BENCH_BUILD_PATH"]] if os.environ.get("BENCH_BUILD_PATH") else []

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
            subprocess.run(["swift", "build", "-c", "release", *SCRATCH, "--product", product], cwd=ROOT, check=True, stdout=sys.stderr)
    # SwiftPM waits for a build running in the same scratch path even to print it; an existing one is read directly.
    existing = ROOT / os.environ.get("BENCH_BUILD_PATH", ".build") / "release"
    if os.environ.get("BENCH_SKIP_BUILD") == "1" and existing.is_dir():
        return existing.resolve()
    return Path(subprocess.run(["swift", "build", "-c", "release", *SCRATCH, "--show-bin-path"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.strip())


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


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (the process and the children it waited for) and stdout."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode()
    if process.returncode not in (0, 1):  # grep-likes exit 1 for "no match"
        raise SystemExit(f"{command[0]} failed with status {process.returncode}: {text[:500]}")
    return elapsed, usage.ru_maxrss / 1024, text


class SearchServer:
    """`cloverdx-mcp serve` on 127.0.0.1 with only the server-logs plugin, over the demo installation."""

    def __init__(self, bin_dir: Path, workdir: Path):
        plugins = workdir / "plugins.json"
        plugins.write_text(json.dumps({"plugins": [{"id": "server-logs", "path": str(bin_dir / "libServerLogsPlugin.so"),
                                                    "grants": ["logs.read", "installation.read"]}]}))
        self.stderr = workdir / "server.err"
        env = {**os.environ, "CLOVER_MCP_SIDECAR_PLUGIN_TIMEOUT_MS": "600000"}
        self.process = subprocess.Popen([str(bin_dir / "cloverdx-mcp"), "serve", "--http", "127.0.0.1:0",
                                         "--plugins", str(plugins), "--config", str(DEMO / "conf" / "clover.properties"),
                                         "--log-level", "notice"],
                                        stdout=subprocess.DEVNULL, stderr=self.stderr.open("w"), env=env)
        deadline = time.monotonic() + 30
        self.port = 0
        while not self.port:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"cloverdx-mcp serve did not start:\n{self.stderr.read_text()}")
            self.port = listening_port(self.stderr.read_text())
            time.sleep(0.01)

    def search(self, log_id: str, pattern: str) -> tuple[float, int]:
        """Seconds from request to answer, and the entries matched."""
        arguments = json.dumps({"appender": log_id, "pattern": pattern, "limit": 1000})
        start = time.perf_counter()
        answer = json.loads(tools_call(self.port, "server_logs_search", arguments, timeout=600))
        seconds = time.perf_counter() - start
        result = answer.get("result", {})
        if "error" in answer or result.get("isError"):
            raise SystemExit(f"server_logs_search failed: {json.dumps(answer)[:500]}")
        structured = result.get("structuredContent", {})
        return seconds, int(structured.get("matched", len(structured.get("entries", []))))

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_cases(bin_dir: Path) -> list[dict]:
    """Every case with every tool, BENCH_RUNS times each; one dict per case (bench/compare.py uses these too)."""
    ensure_tools()
    ensure_demo(bin_dir / "cloverdx-mcp")
    workdir = Path(tempfile.mkdtemp(prefix="cloverdx-mcp-search-bench."))
    server = SearchServer(bin_dir, workdir)
    try:
        cases = []
        for log_id, glob, pattern in CASES:
            files = sorted(DEMO.glob(glob))
            megabytes = text_bytes(files) / 1e6
            count_lines = lambda out: sum(int(n) for n in out.split())
            commands = {
                "rg": ["rg", "-z", "-c", "--no-filename", pattern, *map(str, files)],
                "rg_j1": ["rg", "-j1", "-z", "-c", "--no-filename", pattern, *map(str, files)],
                "grep": ["zgrep", "-c", "-h", "-E", pattern, *map(str, files)],
            }
            case: dict = {"case": f"{log_id} /{pattern}/ ({megabytes:.0f} MB)", "megabytes": round(megabytes, 1)}
            ours = [server.search(log_id, pattern) for _ in range(RUNS)]
            seconds = statistics.median(sample[0] for sample in ours)
            case.update({"ours_seconds": round(seconds, 4), "ours_mb_s": round(megabytes / seconds, 1),
                         "ours_rss_mb": round(server.peak_rss_mb(), 1), "ours_matches": ours[0][1]})
            for name, command in commands.items():
                samples = [measure(command) for _ in range(RUNS)]
                seconds = statistics.median(sample[0] for sample in samples)
                case.update({f"{name}_seconds": round(seconds, 4), f"{name}_mb_s": round(megabytes / seconds, 1),
                             f"{name}_rss_mb": round(max(sample[1] for sample in samples), 1),
                             f"{name}_matches": count_lines(samples[0][2])})
            case["ours_vs_rg"] = round(case["ours_mb_s"] / case["rg_mb_s"], 3)
            case["ours_vs_rg_j1"] = round(case["ours_mb_s"] / case["rg_j1_mb_s"], 3)
            cases.append(case)
            log(f"{log_id}: done")
        return cases
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    cases = run_cases(build())
    print(f"\nRegex search, median of {RUNS} runs, {os.cpu_count()} CPUs, demo {DEMO}")
    print(f"{'log, pattern, text size':<44} {'tool':<13} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12} {'matches':>8}")
    for case in cases:
        for name in ("ours", "rg", "rg_j1", "grep"):
            print(f"{case['case']:<44} {name.replace('_j1', ' -j1'):<13} {case[name + '_seconds']:>8.3f} "
                  f"{case[name + '_mb_s']:>8.0f} {case[name + '_rss_mb']:>12.1f} {case[name + '_matches']:>8}")
    for case in cases:
        print(f"{case['case']}: ours at {case['ours_vs_rg']:.0%} of rg's throughput ({case['ours_vs_rg_j1']:.0%} of "
              f"rg -j1), {case['ours_mb_s'] / case['grep_mb_s']:.0%} of grep's")
    print("ours: tools/call to a running server over HTTP, RSS of the whole server; "
          "matches: lines for rg and grep, log entries (a stack trace is one) for ours")


if __name__ == "__main__":
    main()
