#!/usr/bin/env python3
"""The one benchmark command (issue 10): cloverdx-mcp against a peer MCP server written with the
official Python MCP SDK (bench/peer/server.py), both serving the same tool, echo_arguments, on
127.0.0.1, plus our plugin-call overhead and our log search against rg and grep.

1.-4. For each server: cold start (process start -> first successful tools/call answer, polled every
   5 ms); idle RSS (VmRSS 1 s after that answer); tools/call load (wrk, BENCH_CONNECTIONS (50)
   connections, BENCH_DURATION (10) s, one stateless 2026-07-28 tools/call per request,
   bench/tools_call.lua): requests/s, p50, p99; full session per operation (bench/session_driver.py:
   initialize, notifications/initialized, tools/list, tools/call, DELETE when the server handed out
   a session): operations/s, p50, p99; peak RSS (VmHWM after both loads).
5. Plugin-call overhead: the same echo_arguments through the C ABI (libEchoCPlugin.so) and compiled
   into the host (bench/echo-host: cloverdx-mcp with BuiltinEcho beneath the same gate), BENCH_OVERHEAD_ROUNDS (5) alternating wrk rounds of
   BENCH_OVERHEAD_S (5) s each, medians compared (throughput, and the server's CPU time per call,
   which wrk sharing the cores disturbs less); also the Swift example plugin's hello_greet.
6. Log search (bench/log_search.py) over the large demo installation: server_logs_search, called
   on a running server, vs rg (as it comes and single-threaded) and grep on the same files, MB/s and
   peak RSS (BENCH_SKIP_LOGS=1 leaves it out).
7. The hostile-query suite (Tests/e2e/test_hostile_queries.py) on the release build, both system-database
   engines when PostgreSQL is installed: the server's RSS idle, at its peak during the suite and after it
   (BENCH_SKIP_HOSTILE=1 leaves it out).
Optional soak: BENCH_SOAK_S=300 holds the tools/call load that long and samples RSS every 10 s.

Prints one report, appends the run to bench/results.jsonl and calls out every ratio that dropped by
more than 20 % against the previous recorded run that has it.

Environment: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS (wrk threads, 2), BENCH_SKIP_BUILD=1
(use the existing release build), BENCH_BUILD_PATH (a --scratch-path, default .build),
BENCH_NO_RECORD=1 (do not append to results.jsonl), BENCH_DEMO and BENCH_RUNS (log search).
Exit status 1 when any load saw errors, a server died or the hostile-query suite failed.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from stateless_call import listening_port, tools_call

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv-peer"
RESULTS = BENCH / "results.jsonl"

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
OVERHEAD_ROUNDS = int(os.environ.get("BENCH_OVERHEAD_ROUNDS", "5"))
OVERHEAD_S = int(os.environ.get("BENCH_OVERHEAD_S", "5"))
SOAK_S = int(os.environ.get("BENCH_SOAK_S", "0"))
BUILD_PATH = os.environ.get("BENCH_BUILD_PATH", ".build")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
READY_TIMEOUT_S = 30
REGRESSION = 0.20

def log(message: str) -> None:
    print(f"[compare] {message}", file=sys.stderr, flush=True)


def die(message: str) -> None:
    log(f"ERROR: {message}")
    sys.exit(1)


# --- set-up -------------------------------------------------------------------------------------
def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "curl") if shutil.which(tool) is None]
    if not missing:
        return
    log(f"installing {' '.join(missing)} with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, stdout=sys.stderr)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, stdout=sys.stderr,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


# The server, the echo host, and the plugins the loads and the hostile-query suite serve.
RELEASE_PRODUCTS = ("cloverdx-mcp", "bench-echo-host", "EchoCPlugin", "HelloSwiftPlugin", "ServerLogsPlugin",
                    "SystemDatabasePlugin", "PerformanceLogsPlugin")


def release_bin_dir() -> Path:
    build = ["swift", "build", "-c", "release", "--scratch-path", BUILD_PATH]
    if os.environ.get("BENCH_SKIP_BUILD") != "1":
        for product in RELEASE_PRODUCTS:
            log(f"{' '.join(build)} --product {product}")
            subprocess.run([*build, "--product", product], cwd=ROOT, check=True, stdout=sys.stderr)
    out = subprocess.run([*build, "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    bin_dir = Path(out.strip())
    for product in RELEASE_PRODUCTS:
        name = product if product[0].islower() else f"lib{product}.so"
        if not (bin_dir / name).exists():
            die(f"missing {bin_dir / name} (run without BENCH_SKIP_BUILD=1)")
    return bin_dir


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    wanted = (BENCH / "peer" / "requirements.txt").read_text()
    if not python.exists():
        log(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        log("pip install -r bench/peer/requirements.txt")
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(BENCH / "peer" / "requirements.txt")],
                       check=True, stdout=sys.stderr)
        stamp.write_text(wanted)
    return python


def package_version(python: Path, name: str) -> str:
    return subprocess.run([str(python), "-c", f"import importlib.metadata as m; print(m.version('{name}'))"],
                          capture_output=True, text=True).stdout.strip() or "?"


# --- a server under test ------------------------------------------------------------------------
def kb_field(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process (all its threads) has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, label: str, argv: list[str], tmp: Path, tool: str, arguments: str):
        self.label, self.argv, self.tool, self.arguments = label, argv, tool, arguments
        self.err_path = tmp / f"{label.replace(' ', '_')}.err"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def call_once(self, timeout: float = 2.0) -> str:
        return tools_call(self.port, self.tool, self.arguments, timeout)

    def start(self) -> float:
        """Starts the process; returns ms until the first successful tools/call answer."""
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=open(self.err_path, "w"),
                                     cwd=ROOT)
        deadline = t0 + READY_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                die(f"{self.label} exited during start-up:\n{self.err_path.read_text()}")
            if time.perf_counter() > deadline:
                die(f"{self.label} not answering after {READY_TIMEOUT_S} s:\n{self.err_path.read_text()}")
            if not self.port:
                self.port = listening_port(self.err_path.read_text())
            if self.port:
                try:
                    if '"result"' in self.call_once(timeout=1.0):
                        return (time.perf_counter() - t0) * 1000
                except (OSError, RuntimeError, http.client.HTTPException):
                    pass
            time.sleep(0.005)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class RSSSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak_kb = max(self.peak_kb, kb_field(self.pid, "VmRSS"))
            self.stopped.wait(0.1)


def run_wrk(server: Server, tmp: Path, duration: int = DURATION) -> dict:
    env = {**os.environ, "BENCH_TOOL": server.tool, "BENCH_ARGUMENTS": server.arguments}
    log(f"{server.label}: wrk -t{THREADS} -c{CONNECTIONS} -d{duration}s tools/call {server.tool}")
    out = subprocess.run(["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "5s", "--latency",
                          "-s", str(BENCH / "tools_call.lua"), f"http://127.0.0.1:{server.port}/mcp"],
                         capture_output=True, text=True, env=env, timeout=duration + 60)
    (tmp / f"{server.label.replace(' ', '_')}.{server.tool}.wrk").write_text(out.stdout + out.stderr)
    if out.returncode != 0:
        die(f"wrk failed ({out.returncode}): {out.stderr}")
    values = {}
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            _, key, value = line.split(" ", 2)
            values[key] = value
    errors = int(values["non2xx"]) + int(values["socket_errors"]) + int(values["no_result"])
    return {"rps": float(values["rps"]), "p50_ms": float(values["p50_ms"]), "p99_ms": float(values["p99_ms"]),
            "max_ms": float(values["max_ms"]), "requests": int(values["requests"]), "errors": errors,
            "first_error": values.get("first_bad")}


def run_sessions(server: Server, python: Path) -> dict:
    log(f"{server.label}: full session per operation, {CONNECTIONS} connections, {DURATION}s")
    out = subprocess.run([str(python), str(BENCH / "session_driver.py"), f"http://127.0.0.1:{server.port}/mcp",
                          "--connections", str(CONNECTIONS), "--duration", str(DURATION)],
                         capture_output=True, text=True, timeout=DURATION + 60)
    if out.returncode != 0:
        die(f"session driver failed: {out.stderr}")
    return json.loads(out.stdout)


def measure(server: Server, python: Path, tmp: Path, sessions: bool = True) -> dict:
    log(f"starting {server.label}")
    result: dict = {"cold_start_ms": round(server.start(), 1)}
    try:
        time.sleep(1)
        result["idle_rss_mb"] = round(kb_field(server.pid, "VmRSS") / 1024, 1)
        sampler = RSSSampler(server.pid)
        sampler.start()
        cpu_before = cpu_seconds(server.pid)
        result["tools_call"] = run_wrk(server, tmp)
        # Requests per CPU-second of the server process: a per-core figure, fair to a single-threaded peer.
        result["tools_call"]["per_cpu_s"] = round(result["tools_call"]["requests"] / max(cpu_seconds(server.pid) - cpu_before, 1e-3), 1)
        if sessions:
            result["session"] = run_sessions(server, python)
        sampler.stopped.set()
        sampler.join()
        if not server.alive():
            die(f"{server.label} died during the run:\n{server.err_path.read_text()}")
        if '"result"' not in server.call_once():
            die(f"{server.label} no longer answers tools/call after the run")
        result["peak_rss_mb"] = round(kb_field(server.pid, "VmHWM") / 1024, 1)
        result["rss_after_mb"] = round(kb_field(server.pid, "VmRSS") / 1024, 1)
        result["sampled_peak_rss_mb"] = round(sampler.peak_kb / 1024, 1)
    finally:
        server.stop()
    return result


def cli_call_ms(bin_dir: Path, plugins: Path, tool: str, arguments: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([str(bin_dir / "cloverdx-mcp"), "call", "--plugins", str(plugins), "--log-level", "error",
                        tool, "--args", arguments], check=True, capture_output=True, cwd=ROOT)
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def alternating_rounds(first: Server, second: Server, tmp: Path) -> dict:
    """Throughput of two servers in alternating wrk rounds, so a slow moment of the machine hits
    both sides: medians of requests/s and of the server's CPU time per call."""
    rates: dict[str, list[float]] = {"first": [], "second": []}
    cpu_us: dict[str, list[float]] = {"first": [], "second": []}
    errors = 0
    first.start()
    second.start()
    try:
        for _ in range(OVERHEAD_ROUNDS):
            for server, key in ((first, "first"), (second, "second")):
                cpu_before = cpu_seconds(server.pid)
                figures = run_wrk(server, tmp, OVERHEAD_S)
                rates[key].append(figures["rps"])
                cpu_us[key].append((cpu_seconds(server.pid) - cpu_before) * 1e6 / max(figures["requests"], 1))
                errors += figures["errors"]
    finally:
        first.stop()
        second.stop()
    return {"rps": (statistics.median(rates["first"]), statistics.median(rates["second"])),
            "cpu_us": (statistics.median(cpu_us["first"]), statistics.median(cpu_us["second"])),
            "rounds": rates, "errors": errors}


def plugin_overhead(c_plugin: Server, builtin: Server, tmp: Path) -> dict:
    """One tool through the C ABI vs compiled into the host."""
    rounds = alternating_rounds(c_plugin, builtin, tmp)
    (c_rps, builtin_rps), (c_cpu, builtin_cpu) = rounds["rps"], rounds["cpu_us"]
    return {"c_rps": round(c_rps, 1), "builtin_rps": round(builtin_rps, 1),
            "overhead_pct": round((1 - c_rps / builtin_rps) * 100, 1),
            "c_cpu_us": round(c_cpu, 1), "builtin_cpu_us": round(builtin_cpu, 1),
            "cpu_overhead_pct": round((c_cpu / builtin_cpu - 1) * 100, 1),
            "rounds": {"c": rounds["rounds"]["first"], "builtin": rounds["rounds"]["second"]}, "errors": rounds["errors"]}


def isolation_cost(inprocess: Server, isolated: Server, tmp: Path) -> dict:
    """The C example in the host's process vs in a worker process ("isolation": "process")."""
    rounds = alternating_rounds(inprocess, isolated, tmp)
    (in_rps, iso_rps), (in_cpu, iso_cpu) = rounds["rps"], rounds["cpu_us"]
    return {"inprocess_rps": round(in_rps, 1), "isolated_rps": round(iso_rps, 1),
            "isolated_vs_inprocess": round(iso_rps / in_rps, 3),
            "inprocess_cpu_us": round(in_cpu, 1), "isolated_host_cpu_us": round(iso_cpu, 1),
            "rounds": {"inprocess": rounds["rounds"]["first"], "isolated": rounds["rounds"]["second"]},
            "errors": rounds["errors"]}


def soak(server: Server, tmp: Path) -> dict:
    """Holds the tools/call load for SOAK_S seconds and samples VmRSS every 10 s."""
    server.start()
    try:
        time.sleep(1)
        samples = [round(kb_field(server.pid, "VmRSS") / 1024, 1)]
        load: dict = {}
        worker = threading.Thread(target=lambda: load.update(run_wrk(server, tmp, SOAK_S)), daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(10)
            samples.append(round(kb_field(server.pid, "VmRSS") / 1024, 1))
        if not server.alive():
            die(f"{server.label} died during the soak:\n{server.err_path.read_text()}")
    finally:
        server.stop()
    steady = samples[len(samples) // 4:]  # the first minutes warm the pools and caches up
    return {"seconds": SOAK_S, "rss_mb": samples, "requests": load.get("requests", 0),
            "errors": load.get("errors", 1), "rps": load.get("rps", 0),
            "growth_after_warmup_mb": round(steady[-1] - steady[0], 1)}


def log_search_rows(bin_dir: Path) -> list[dict]:
    sys.path.insert(0, str(BENCH))
    import log_search  # bench/log_search.py: the same cases it runs on its own
    return log_search.run_cases(bin_dir)


# --- report -------------------------------------------------------------------------------------
# (key, label, getter, higher_is_better)
ROWS = [
    ("tools_call_rps", "tools/call requests/s", lambda r: r["tools_call"]["rps"], True),
    ("tools_call_per_cpu_s", "tools/call per CPU-second", lambda r: r["tools_call"]["per_cpu_s"], True),
    ("tools_call_p50_ms", "tools/call p50 (ms)", lambda r: r["tools_call"]["p50_ms"], False),
    ("tools_call_p99_ms", "tools/call p99 (ms)", lambda r: r["tools_call"]["p99_ms"], False),
    ("session_ops", "full sessions/s", lambda r: r["session"]["ops_per_s"], True),
    ("session_p50_ms", "full session p50 (ms)", lambda r: r["session"]["p50_ms"], False),
    ("session_p99_ms", "full session p99 (ms)", lambda r: r["session"]["p99_ms"], False),
    ("idle_rss_mb", "idle RSS (MB)", lambda r: r["idle_rss_mb"], False),
    ("peak_rss_mb", "peak RSS (MB)", lambda r: r["peak_rss_mb"], False),
    ("cold_start_ms", "cold start (ms)", lambda r: r["cold_start_ms"], False),
]


def hostile_queries(bin_dir: Path, tmp: Path) -> list[dict]:
    """Runs the end-to-end hostile-query suite (Tests/e2e/test_hostile_queries.py) on the release
    build, next to a throwaway PostgreSQL when this machine has one, and returns the RSS figures its
    servers report: idle, peak during the suite, and after it, per system-database engine."""
    venv = ROOT / ".venv-e2e"
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
                    str(ROOT / "Tests" / "e2e" / "requirements.txt")], check=True, stdout=sys.stderr)
    report = tmp / "hostile-rss.jsonl"
    pytest = [str(python), "-m", "pytest", "Tests/e2e/test_hostile_queries.py", "-q", "-p", "no:cacheprovider"]
    command = [str(ROOT / "scripts" / "with-postgres"), *pytest] if shutil.which("pg_ctl") or list(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")) else pytest
    log("hostile-query suite: " + " ".join(command[-5:]))
    env = {**os.environ, "CLOVERDX_MCP_BIN": str(bin_dir / "cloverdx-mcp"), "HOSTILE_RSS_REPORT": str(report)}
    finished = subprocess.run(command, cwd=ROOT, env=env, stdout=sys.stderr)
    rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    return [{**row, "passed": finished.returncode == 0} for row in rows]


def factor(ours: float, peer: float, higher_is_better: bool) -> float | None:
    if ours <= 0 or peer <= 0:
        return None
    return round(ours / peer if higher_is_better else peer / ours, 2)


def machine() -> dict:
    ram_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                ram_kb = int(line.split()[1])
    cpu = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "ram_gb": round(ram_kb / 1024 / 1024, 1), "cpu": cpu,
            "kernel": platform.release()}


def previous_run() -> dict | None:
    if not RESULTS.exists():
        return None
    lines = [line for line in RESULTS.read_text().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def print_report(run: dict) -> None:
    ours, peer, ratios, plugins = run["ours"], run["peer_figures"], run["ratios"], run["plugins"]
    m = run["machine"]
    print()
    print(f"cloverdx-mcp benchmarks — {run['date']}, {m['nproc']} CPUs, {m['ram_gb']} GB RAM, {m['cpu']}, "
          f"load average before {m['loadavg_before'][0]}")
    print(f"peer: {run['peer']}; {CONNECTIONS} connections, {DURATION} s per load")
    print()
    print(f"| {'1-4. ours vs peer':<26} | {'ours':>10} | {'peer':>10} | {'ours vs peer':>12} |")
    print(f"|{'-' * 28}|{'-' * 11}:|{'-' * 11}:|{'-' * 13}:|")
    for key, label, get, _ in ROWS:
        r = ratios[key]
        print(f"| {label:<26} | {get(ours):>10,.1f} | {get(peer):>10,.1f} | {(f'{r:,.1f}×' if r else '–'):>12} |")
    print("ours vs peer: > 1 means ours is better (throughput ours/peer; latency, memory, start peer/ours).")
    print()
    o = plugins["overhead"]
    print(f"5. plugin-call overhead, echo_arguments, median of {OVERHEAD_ROUNDS} alternating {OVERHEAD_S} s rounds: "
          f"through the C ABI {o['c_rps']:,.0f} req/s, compiled into the host {o['builtin_rps']:,.0f} req/s "
          f"→ overhead {o['overhead_pct']:.1f} % of throughput (rounds C {[round(x) for x in o['rounds']['c']]}, "
          f"built-in {[round(x) for x in o['rounds']['builtin']]}); server CPU per call {o['c_cpu_us']} vs "
          f"{o['builtin_cpu_us']} µs (+{o['cpu_overhead_pct']:.1f} %)")
    print(f"   Swift plugin hello_greet (PluginKit) {plugins['swift_hello_rps']:,.0f} req/s "
          f"({plugins['swift_vs_c'] * 100:.0f} % of the C plugin in the same run); one `cloverdx-mcp call` "
          f"process: C {plugins['cli_call_c_ms']} ms, Swift {plugins['cli_call_swift_ms']} ms")
    i = plugins.get("isolation")
    if i:
        print(f"   isolation, the C example's echo_arguments, same rounds: in the server's process {i['inprocess_rps']:,.0f} req/s, "
              f"in a worker process {i['isolated_rps']:,.0f} req/s ({i['isolated_vs_inprocess'] * 100:.0f} %); the server's "
              f"CPU per call {i['inprocess_cpu_us']} vs {i['isolated_host_cpu_us']} µs (the worker's own CPU not counted)")
    if "soak" in run:
        k = run["soak"]
        print(f"   soak: {k['seconds']} s of tools/call, {k['requests']:,} calls at {k['rps']:,.0f}/s, {k['errors']} errors; "
              f"RSS every 10 s {k['rss_mb'][0]} → max {max(k['rss_mb'])} → {k['rss_mb'][-1]} MB, "
              f"growth after warm-up {k['growth_after_warmup_mb']:+.1f} MB")
    if "hostile_queries" in run:
        print()
        rows = run["hostile_queries"]
        if not rows:
            print("7. hostile-query suite: no figures (the suite did not run; see its output above)")
        for row in rows:
            print(f"7. hostile-query suite (Tests/e2e/test_hostile_queries.py), {row['engine']}: RSS {row['idle_mb']} MB idle, "
                  f"peak {row['peak_mb']} MB (+{row['peak_mb'] - row['idle_mb']:.1f}, bar +128), {row['after_mb']} MB after "
                  f"(bar: within 32 of idle); suite {'passed' if row['passed'] else 'FAILED'}")
    if run.get("log_search"):
        print()
        print(f"| {'6. log search, MB/s of text':<46} | {'ours':>7} | {'rg':>7} | {'rg -j1':>7} | {'zgrep':>7} | "
              f"{'ours/rg':>7} | {'ours/rg -j1':>11} | {'RSS MB':>6} | {'matches':>7} |")
        print(f"|{'-' * 48}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 12}:|{'-' * 7}:|{'-' * 8}:|")
        for case in run["log_search"]:
            agree = case["ours_matches"] == case["rg_matches"] == case["rg_j1_matches"] == case["grep_matches"]
            print(f"| {case['case'].replace('|', chr(92) + '|'):<46} | {case['ours_mb_s']:>7,.0f} | {case['rg_mb_s']:>7,.0f} | "
                  f"{case['rg_j1_mb_s']:>7,.0f} | {case['grep_mb_s']:>7,.0f} | {case['ours_vs_rg'] * 100:>5.0f} % | "
                  f"{case['ours_vs_rg_j1'] * 100:>9.0f} % | {case['ours_rss_mb']:>6.1f} | "
                  f"{(str(case['ours_matches']) if agree else 'DIFFER'):>7} |")
            if not agree:
                print(f"  matches differ: ours {case['ours_matches']} entries, rg {case['rg_matches']}, "
                      f"rg -j1 {case['rg_j1_matches']}, zgrep {case['grep_matches']} lines")
        print("ours: server_logs_search as a tools/call to a running server (HTTP round trip included), RSS of the "
              "whole server; rg as it comes searches the log's files on every core, rg -j1 on one like ours")
    print()
    print(f"errors: {run['errors']}")
    for side, figures in (("ours", ours), ("peer", peer)):
        for load in ("tools_call", "session"):
            first = figures[load].get("first_error")
            if first:
                print(f"first error, {side} {load}: {first}")


def targets(run: dict) -> list[tuple[str, bool, str]]:
    """Issue 10's targets, each with whether this run met it."""
    ours, ratios = run["ours"], run["ratios"]
    checks = [
        ("tools/call ≥ 20× peer", (ratios["tools_call_rps"] or 0) >= 20, f"{ratios['tools_call_rps']}×"),
        ("full session ≥ 20× peer", (ratios["session_ops"] or 0) >= 20, f"{ratios['session_ops']}×"),
        ("tools/call p99 < 5 ms", ours["tools_call"]["p99_ms"] < 5, f"{ours['tools_call']['p99_ms']} ms"),
        ("idle RSS ≤ 15 MB", ours["idle_rss_mb"] <= 15, f"{ours['idle_rss_mb']} MB"),
        ("cold start ≤ 100 ms", ours["cold_start_ms"] <= 100, f"{ours['cold_start_ms']} ms"),
        ("plugin-call overhead ≤ 5 %", run["plugins"]["overhead"]["overhead_pct"] <= 5,
         f"{run['plugins']['overhead']['overhead_pct']} %"),
    ]
    if "soak" in run:
        growth = run["soak"]["growth_after_warmup_mb"]
        checks.append((f"no RSS growth over {SOAK_S} s", growth <= 1.0, f"{growth:+.1f} MB after warm-up"))
    for case in run.get("log_search", []):
        checks.append((f"log search {case['case']}: ≥ 50 % of rg, RSS ≤ 64 MB",
                       case["ours_vs_rg"] >= 0.5 and case["ours_rss_mb"] <= 64,
                       f"{case['ours_vs_rg'] * 100:.0f} %, {case['ours_rss_mb']} MB"))
    return checks


RATIO_NAMES = {key: f"{label}, ours vs peer" for key, label, _, _ in ROWS} | {
    "plugin_c_vs_builtin": "C plugin vs built-in throughput"}


def regressions(run: dict, previous: dict) -> list[str]:
    """Ratios (higher is better) that dropped by more than REGRESSION against the previous run."""
    found = []
    for key, old in previous.get("ratios", {}).items():
        new = run["ratios"].get(key)
        if old and new and new < old * (1 - REGRESSION):
            name = RATIO_NAMES.get(key, key.replace("log_search_vs_rg ", "log search vs rg, "))
            found.append(f"  REGRESSION {name}: {old}× -> {new}× ({(new / old - 1) * 100:+.0f} %)")
    return found


def main() -> None:
    if not (1 <= DURATION <= 3600):
        die("BENCH_DURATION must be 1..3600 seconds")
    ensure_tools()
    bin_dir = release_bin_dir()
    python = ensure_venv()
    # After the build: what the loads start on (a build just before leaves the machine warm, too).
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    tmp = Path(tempfile.mkdtemp(prefix="cloverdx-mcp-compare."))
    echo_plugins = tmp / "plugins-echo.json"
    echo_plugins.write_text(json.dumps({"plugins": [{"id": "echo-c", "path": str(bin_dir / "libEchoCPlugin.so")}]}))
    swift_plugins = tmp / "plugins-hello.json"
    swift_plugins.write_text(json.dumps({"plugins": [
        {"id": "hello-swift", "path": str(bin_dir / "libHelloSwiftPlugin.so"), "settings": {"greeting": "Hello"}}]}))
    no_plugins = tmp / "plugins-none.json"
    no_plugins.write_text(json.dumps({"plugins": []}))

    ours_argv = [str(bin_dir / "cloverdx-mcp"), "serve", "--http", "127.0.0.1:0", "--log-level", "notice"]
    echo = ('echo_arguments', '{"text":"hi"}')
    ours = measure(Server("ours", ours_argv + ["--plugins", str(echo_plugins)], tmp, *echo), python, tmp)
    peer = measure(Server("peer", [str(python), str(BENCH / "peer" / "server.py"), "--port", "0"], tmp, *echo),
                   python, tmp)

    swift = measure(Server("ours swift plugin", ours_argv + ["--plugins", str(swift_plugins)], tmp,
                           "hello_greet", '{"name":"bench"}'), python, tmp, sessions=False)
    overhead = plugin_overhead(Server("ours C plugin", ours_argv + ["--plugins", str(echo_plugins)], tmp, *echo),
                               Server("ours built-in", [str(bin_dir / "bench-echo-host"), *ours_argv[1:], "--plugins", str(no_plugins)],
                                      tmp, *echo), tmp)
    isolated_plugins = tmp / "plugins-echo-isolated.json"
    isolated_plugins.write_text(json.dumps({"plugins": [
        {"id": "echo-c", "path": str(bin_dir / "libEchoCPlugin.so"), "isolation": "process"}]}))
    isolation = isolation_cost(Server("ours C in-process", ours_argv + ["--plugins", str(echo_plugins)], tmp, *echo),
                               Server("ours C isolated", ours_argv + ["--plugins", str(isolated_plugins)], tmp, *echo), tmp)
    log("cloverdx-mcp call: one process per call, 5 runs each")
    plugins = {"overhead": overhead, "isolation": isolation, "swift_hello_rps": swift["tools_call"]["rps"],
               "swift_hello_p99_ms": swift["tools_call"]["p99_ms"],
               "swift_vs_c": round(swift["tools_call"]["rps"] / ours["tools_call"]["rps"], 3),
               "cli_call_c_ms": cli_call_ms(bin_dir, echo_plugins, *echo),
               "cli_call_swift_ms": cli_call_ms(bin_dir, swift_plugins, "hello_greet", '{"name":"bench"}')}

    ratios = {key: factor(get(ours), get(peer), hib) for key, _, get, hib in ROWS}
    ratios["plugin_c_vs_builtin"] = round(overhead["c_rps"] / overhead["builtin_rps"], 3)
    errors = {"ours": ours["tools_call"]["errors"] + ours["session"]["errors"],
              "peer": peer["tools_call"]["errors"] + peer["session"]["errors"],
              "ours_plugins": swift["tools_call"]["errors"] + overhead["errors"] + isolation["errors"]}
    run = {"date": started,
           "machine": {**machine(), "loadavg_before": load_before},
           "duration_s": DURATION, "connections": CONNECTIONS,
           "peer": f"python mcp {package_version(python, 'mcp')} MCPServer, stateless_http + json_response, "
                   f"uvicorn {package_version(python, 'uvicorn')} (uvloop, httptools)",
           "ours": ours, "peer_figures": peer, "ratios": ratios, "plugins": plugins, "errors": errors}
    if SOAK_S > 0:
        run["soak"] = soak(Server("ours soak", ours_argv + ["--plugins", str(echo_plugins)], tmp, *echo), tmp)
        errors["ours_soak"] = run["soak"]["errors"]
    if os.environ.get("BENCH_SKIP_HOSTILE") != "1":
        run["hostile_queries"] = hostile_queries(bin_dir, tmp)
    if os.environ.get("BENCH_SKIP_LOGS") != "1":
        run["log_search"] = log_search_rows(bin_dir)
        for case in run["log_search"]:
            ratios[f"log_search_vs_rg {case['case']}"] = round(case["ours_vs_rg"], 3)

    print_report(run)
    print()
    print("targets:")
    for name, ok, value in targets(run):
        print(f"  {'met ' if ok else 'MISS'}  {name}: {value}")
    previous = previous_run()
    if previous:
        print()
        m = run["machine"]
        if m["loadavg_before"][0] > 0.5 * (m["nproc"] or 1):
            print(f"note: load average {m['loadavg_before'][0]} before the run; other work on the machine moves "
                  "the factors by tens of per cent")
        found = regressions(run, previous)
        print(f"against the run of {previous['date']}: " + ("no ratio dropped by more than 20 %" if not found
                                                          else f"{len(found)} ratio(s) dropped by more than 20 %"))
        for line in found:
            print(line)
    if os.environ.get("BENCH_NO_RECORD") != "1":
        with RESULTS.open("a") as results:
            results.write(json.dumps(run, ensure_ascii=False) + "\n")
        log(f"appended to {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(tmp, ignore_errors=True)
    if any(errors.values()) or not all(row["passed"] for row in run.get("hostile_queries", [])):
        sys.exit(1)


if __name__ == "__main__":
    main()
