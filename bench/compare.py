#!/usr/bin/env python3
"""One-command benchmark of cloverdx-mcp against a peer MCP server written with the official
Python MCP SDK (bench/peer/server.py), both serving the same tool, echo_arguments, on 127.0.0.1.

For each server it measures
  - cold start: process start -> first successful tools/call answer (polled every 5 ms);
  - idle RSS: VmRSS 1 s after that first answer;
  - tools/call load: wrk, BENCH_CONNECTIONS (50) connections, BENCH_DURATION (10) s, one stateless
    2026-07-28 tools/call per request (bench/tools_call.lua): requests/s, p50, p99;
  - full session per operation: bench/session_driver.py, same connections and duration:
    initialize, notifications/initialized, tools/list, tools/call (+ DELETE of the session when
    the server handed one out): operations/s, p50, p99 per operation;
  - peak RSS: VmHWM after both loads.
Then, ours only: tools/call load of the Swift example plugin's hello_greet (PluginKit) next to the
C plugin's echo_arguments, and the wall time of one `cloverdx-mcp call` process per plugin.

Prints one table (ours, peer, "ours vs peer" as a factor where > 1 means ours is better),
appends the run to bench/results.jsonl and calls out every factor that dropped by more than 20 %
against the previous recorded run.

Environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (50), BENCH_THREADS (wrk threads, 2),
BENCH_SKIP_BUILD=1 (use the existing release build), BENCH_NO_RECORD=1 (do not append to
results.jsonl). Exit status 1 when any load saw errors or a server died.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv-peer"
RESULTS = BENCH / "results.jsonl"

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
READY_TIMEOUT_S = 30
REGRESSION = 0.20

STATELESS_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2026-07-28",
    "Mcp-Method": "tools/call",
}


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


def release_bin_dir() -> Path:
    if os.environ.get("BENCH_SKIP_BUILD") != "1":
        for product in ("cloverdx-mcp", "EchoCPlugin", "HelloSwiftPlugin"):
            log(f"swift build -c release --product {product}")
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True,
                           stdout=sys.stderr)
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    bin_dir = Path(out)
    for name in ("cloverdx-mcp", "libEchoCPlugin.so"):
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


class Server:
    def __init__(self, label: str, argv: list[str], tmp: Path, tool: str, arguments: str):
        self.label, self.argv, self.tool, self.arguments = label, argv, tool, arguments
        self.err_path = tmp / f"{label.replace(' ', '_')}.err"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def call_once(self, timeout: float = 2.0) -> str:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        body = ('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":%s,'
                '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
                '"io.modelcontextprotocol/clientCapabilities":{}}}}' % (self.tool, self.arguments))
        try:
            conn.request("POST", "/mcp", body=body, headers={**STATELESS_HEADERS, "Mcp-Name": self.tool})
            response = conn.getresponse()
            text = response.read().decode()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {text[:200]}")
            return text
        finally:
            conn.close()

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
                found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", self.err_path.read_text())
                self.port = int(found.group(1)) if found else 0
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


def run_wrk(server: Server, tmp: Path) -> dict:
    env = {**os.environ, "BENCH_TOOL": server.tool, "BENCH_ARGUMENTS": server.arguments}
    log(f"{server.label}: wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}s tools/call {server.tool}")
    out = subprocess.run(["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "5s", "--latency",
                          "-s", str(BENCH / "tools_call.lua"), f"http://127.0.0.1:{server.port}/mcp"],
                         capture_output=True, text=True, env=env, timeout=DURATION + 60)
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
        result["tools_call"] = run_wrk(server, tmp)
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


# --- report -------------------------------------------------------------------------------------
# (key, label, getter, higher_is_better)
ROWS = [
    ("tools_call_rps", "tools/call requests/s", lambda r: r["tools_call"]["rps"], True),
    ("tools_call_p50_ms", "tools/call p50 (ms)", lambda r: r["tools_call"]["p50_ms"], False),
    ("tools_call_p99_ms", "tools/call p99 (ms)", lambda r: r["tools_call"]["p99_ms"], False),
    ("session_ops", "full sessions/s", lambda r: r["session"]["ops_per_s"], True),
    ("session_p50_ms", "full session p50 (ms)", lambda r: r["session"]["p50_ms"], False),
    ("session_p99_ms", "full session p99 (ms)", lambda r: r["session"]["p99_ms"], False),
    ("idle_rss_mb", "idle RSS (MB)", lambda r: r["idle_rss_mb"], False),
    ("peak_rss_mb", "peak RSS (MB)", lambda r: r["peak_rss_mb"], False),
    ("cold_start_ms", "cold start (ms)", lambda r: r["cold_start_ms"], False),
]


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


def main() -> None:
    if not (1 <= DURATION <= 3600):
        die("BENCH_DURATION must be 1..3600 seconds")
    ensure_tools()
    load_before = [round(x, 2) for x in os.getloadavg()]
    bin_dir = release_bin_dir()
    python = ensure_venv()
    tmp = Path(tempfile.mkdtemp(prefix="cloverdx-mcp-compare."))
    echo_plugins = tmp / "plugins-echo.json"
    echo_plugins.write_text(json.dumps({"plugins": [{"id": "echo-c", "path": str(bin_dir / "libEchoCPlugin.so")}]}))
    swift_plugins = tmp / "plugins-hello.json"
    swift_plugins.write_text(json.dumps({"plugins": [
        {"id": "hello-swift", "path": str(bin_dir / "libHelloSwiftPlugin.so"), "settings": {"greeting": "Hello"}}]}))

    ours_argv = [str(bin_dir / "cloverdx-mcp"), "serve", "--http", "127.0.0.1:0", "--log-level", "notice"]
    ours = measure(Server("ours", ours_argv + ["--plugins", str(echo_plugins)], tmp, "echo_arguments",
                          '{"text":"hi"}'), python, tmp)
    peer = measure(Server("peer", [str(python), str(BENCH / "peer" / "server.py"), "--port", "0"], tmp,
                          "echo_arguments", '{"text":"hi"}'), python, tmp)
    plugins: dict = {"c_echo_rps": ours["tools_call"]["rps"]}
    if (bin_dir / "libHelloSwiftPlugin.so").exists():
        swift = measure(Server("ours swift plugin", ours_argv + ["--plugins", str(swift_plugins)], tmp,
                               "hello_greet", '{"name":"bench"}'), python, tmp, sessions=False)
        plugins.update({"swift_hello_rps": swift["tools_call"]["rps"], "swift_hello_p99_ms": swift["tools_call"]["p99_ms"],
                        "swift_vs_c": round(swift["tools_call"]["rps"] / ours["tools_call"]["rps"], 3),
                        "swift_errors": swift["tools_call"]["errors"]})
        log("cloverdx-mcp call: one process per call, 5 runs each")
        plugins["cli_call_c_ms"] = cli_call_ms(bin_dir, echo_plugins, "echo_arguments", '{"text":"hi"}')
        plugins["cli_call_swift_ms"] = cli_call_ms(bin_dir, swift_plugins, "hello_greet", '{"name":"bench"}')

    ratios = {key: factor(get(ours), get(peer), hib) for key, _, get, hib in ROWS}
    errors = {"ours": ours["tools_call"]["errors"] + ours["session"]["errors"],
              "peer": peer["tools_call"]["errors"] + peer["session"]["errors"],
              "ours_swift_plugin": plugins.get("swift_errors", 0)}
    run = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "machine": {**machine(), "loadavg_before": load_before},
           "duration_s": DURATION, "connections": CONNECTIONS,
           "peer": f"python mcp {package_version(python, 'mcp')} MCPServer, stateless_http + json_response, "
                   f"uvicorn {package_version(python, 'uvicorn')} (uvloop, httptools)",
           "ours": ours, "peer_figures": peer, "ratios": ratios, "plugins": plugins, "errors": errors}

    m = run["machine"]
    print()
    print(f"cloverdx-mcp vs Python MCP SDK peer — {run['date']}, {m['nproc']} CPUs, {m['ram_gb']} GB RAM, "
          f"{CONNECTIONS} connections, {DURATION} s per load, load average before {m['loadavg_before'][0]}")
    print(f"peer: {run['peer']}")
    print()
    print(f"| {'metric':<24} | {'ours':>10} | {'peer':>10} | {'ours vs peer':>12} |")
    print(f"|{'-' * 26}|{'-' * 11}:|{'-' * 11}:|{'-' * 13}:|")
    for key, label, get, _ in ROWS:
        r = ratios[key]
        print(f"| {label:<24} | {get(ours):>10,.1f} | {get(peer):>10,.1f} | {(f'{r:,.1f}×' if r else '–'):>12} |")
    print()
    print("ours vs peer: > 1 means ours is better (throughput ours/peer; latency, memory, start peer/ours).")
    if "swift_hello_rps" in plugins:
        print(f"plugins (ours): C echo_arguments {plugins['c_echo_rps']:,.0f} req/s, Swift hello_greet "
              f"{plugins['swift_hello_rps']:,.0f} req/s ({plugins['swift_vs_c'] * 100:.0f} % of C); "
              f"one `cloverdx-mcp call` process: C {plugins['cli_call_c_ms']} ms, Swift {plugins['cli_call_swift_ms']} ms")
    print(f"errors: ours {errors['ours']}, peer {errors['peer']}, ours (Swift plugin) {errors['ours_swift_plugin']}")
    for side, figures in (("ours", ours), ("peer", peer)):
        for load in ("tools_call", "session"):
            first = figures[load].get("first_error")
            if first:
                print(f"first error, {side} {load}: {first}")

    # Targets of issue 10.
    print()
    print("targets:")
    checks = [
        ("tools/call ≥ 20× peer", ratios["tools_call_rps"] is not None and ratios["tools_call_rps"] >= 20,
         f"{ratios['tools_call_rps']}×"),
        ("full session ≥ 20× peer", ratios["session_ops"] is not None and ratios["session_ops"] >= 20,
         f"{ratios['session_ops']}×"),
        ("tools/call p99 < 5 ms", ours["tools_call"]["p99_ms"] < 5, f"{ours['tools_call']['p99_ms']} ms"),
        ("idle RSS ≤ 15 MB", ours["idle_rss_mb"] <= 15, f"{ours['idle_rss_mb']} MB"),
        ("cold start ≤ 100 ms", ours["cold_start_ms"] <= 100, f"{ours['cold_start_ms']} ms"),
    ]
    for name, ok, value in checks:
        print(f"  {'met ' if ok else 'MISS'}  {name}: {value}")

    # Regressions against the previous recorded run.
    previous = None
    if RESULTS.exists():
        lines = [line for line in RESULTS.read_text().splitlines() if line.strip()]
        if lines:
            previous = json.loads(lines[-1])
    if previous:
        print()
        regressed = []
        for key, label, _, _ in ROWS:
            old, new = previous.get("ratios", {}).get(key), ratios[key]
            if old and new and new < old * (1 - REGRESSION):
                regressed.append(f"  REGRESSION {label}: {old}× -> {new}× ({(new / old - 1) * 100:+.0f} %)")
        if m["loadavg_before"][0] > 0.5 * (m["nproc"] or 1):
            print(f"note: load average {m['loadavg_before'][0]} before the run; other work on the machine moves "
                  "the factors by tens of per cent")
        print(f"against the run of {previous['date']}: " + ("no ratio dropped by more than 20 %" if not regressed
                                                          else f"{len(regressed)} ratio(s) dropped by more than 20 %"))
        for line in regressed:
            print(line)
    if os.environ.get("BENCH_NO_RECORD") != "1":
        with RESULTS.open("a") as results:
            results.write(json.dumps(run, ensure_ascii=False) + "\n")
        log(f"appended to {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(tmp, ignore_errors=True)
    if any(errors.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
