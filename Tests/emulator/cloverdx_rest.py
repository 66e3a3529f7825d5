"""A CloverDX Server REST API emulator, served from a demo installation (`cloverdx-mcp demo init`).

CloverDX Server cannot be installed here, so the tests talk to this instead. It follows docs/CLOVERDX.md, "Server APIs":
REST API v1 under /clover/api/rest/v1 with HTTP Basic, the CSRF header `X-Requested-By`, paging with
`pageSize`/`startIndex` and the collection envelope; the execution sub-resources `tracking` and `log`;
the Simple HTTP API's `cluster_status`; and the health page `/clover/accessibilityTest.jsp`. Data comes
from the demo's system database and job logs, so answers agree with what the sidecar reads directly.
It is read-only: starting jobs is refused with 405.

    python cloverdx_rest.py DEMO_DIR [--port 0] [--user clover --password clover]

prints `listening on http://127.0.0.1:PORT/clover` once ready.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sqlite3
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

API = "/clover/api/rest/v1"
STATUSES = {"N_A", "READY", "ENQUEUED", "RUNNING", "WAITING", "FINISHED_OK", "ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"}


class Demo:
    """The demo installation's system database and job logs, read per request (one connection per thread)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.database = directory / "data" / "clover-system.db"
        if not self.database.exists():
            raise SystemExit(f"not a demo installation (no {self.database})")
        self.local = threading.local()

    def rows(self, sql: str, parameters: tuple = ()) -> list[sqlite3.Row]:
        if not hasattr(self.local, "connection"):
            self.local.connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
            self.local.connection.row_factory = sqlite3.Row
        return self.local.connection.execute(sql, parameters).fetchall()


def duration_string(milliseconds: int | None) -> str | None:
    if milliseconds is None:
        return None
    seconds, millis = divmod(milliseconds, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"


def execution(row: sqlite3.Row, base: str) -> dict:
    """A run record as the REST API's `Execution` member (docs/CLOVERDX.md, "REST API v1 executions")."""
    member = {
        "@self": f"{base}{API}/executions/{row['id']}", "@type": "Execution", "runId": row["id"],
        "sandboxCode": row["sandbox_code"], "jobFile": row["job_file"], "jobType": row["job_type"],
        "executionType": row["execution_type"], "status": row["status"], "username": row["username"],
        "nodeId": row["node_id"], "parentRunId": row["parent_id"], "rootRunId": row["root_id"],
        "submitTime": row["submit_time"], "startTime": row["start_time"], "stopTime": row["stop_time"],
        "duration": row["duration_ms"], "durationString": duration_string(row["duration_ms"]),
    }
    if row["error_component_id"] or row["error_message"]:
        member["jobError"] = {"componentId": row["error_component_id"], "componentType": row["error_component_type"],
                              "message": row["error_message"], "exception": row["exception"]}
    return member


def tracking(demo: Demo, run: sqlite3.Row) -> dict:
    """graph → phase → node → port, in the shape of docs/CLOVERDX.md, "Tracking: graph, phase, node, port"."""
    ports: dict[str, list[dict]] = {}
    for port in demo.rows("SELECT * FROM tracking_port WHERE run_id = ? ORDER BY node_id, port_type, port_index", (run["id"],)):
        ports.setdefault(port["node_id"], []).append({
            "type": port["port_type"], "index": port["port_index"], "records": port["total_records"],
            "bytes": port["total_bytes"], "recordsPerSecPeak": port["record_peak"], "bytesPerSecPeak": port["byte_peak"]})
    nodes: dict[int, list[dict]] = {}
    for node in demo.rows("SELECT * FROM tracking_node WHERE run_id = ? ORDER BY phase_num, node_id", (run["id"],)):
        nodes.setdefault(node["phase_num"], []).append({
            "id": node["node_id"], "name": node["node_name"], "type": node["node_type"], "status": node["status"],
            "cpuTimeMs": node["cpu_time_ms"], "peakCpu": node["peak_cpu"], "allocBytes": node["alloc_bytes"],
            "ports": ports.get(node["node_id"], [])})
    phases = [{"phase": phase["phase_num"], "status": phase["status"], "executionTimeMs": phase["exec_time_ms"],
               "memoryBytes": phase["memory_bytes"], "nodes": nodes.get(phase["phase_num"], [])}
              for phase in demo.rows("SELECT * FROM tracking_phase WHERE run_id = ? ORDER BY phase_num", (run["id"],))]
    return {"runId": run["id"], "status": run["status"], "executionTimeMs": run["duration_ms"], "phases": phases}


class Handler(BaseHTTPRequestHandler):
    server_version = "CloverDX-emulator/1.0"
    demo: Demo
    credentials: str  # "user:password"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: tests read stdout
        pass

    def reply(self, status: int, body: object, content_type: str = "application/json") -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type + ("; charset=UTF-8" if content_type.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status: int, message: str) -> None:
        self.reply(status, {"httpStatus": status, "errorMessage": message})

    def authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic ") or base64.b64decode(header[6:]).decode(errors="replace") != self.credentials:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="CloverDX Server"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        if not self.headers.get("X-Requested-By"):
            self.error(400, "CSRF protection: the X-Requested-By header is required")
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if url.path == "/clover/accessibilityTest.jsp":
            return self.reply(200, "<html><body>OK</body></html>", "text/html")
        if not self.authorised():
            return
        base = f"http://{self.headers.get('Host', 'localhost')}"
        if url.path == "/clover/simpleHttpApi/cluster_status":
            nodes = self.demo.rows("SELECT node_id, url, status FROM cluster_node ORDER BY node_id")
            return self.reply(200, "".join(f"{n['node_id']}|{n['url']}|0.3|{n['status']}\n" for n in nodes), "text/plain")
        if url.path in (f"{API}/executions", f"{API}/executions/"):
            return self.executions(query, base)
        match = re.fullmatch(rf"{API}/executions/(-?\d+)(/tracking|/log)?", url.path)
        if not match:
            return self.error(404, f"no such resource: {url.path}")
        runs = self.demo.rows("SELECT * FROM run_record WHERE id = ?", (int(match[1]),))
        if not runs:
            return self.error(404, f"Execution with runId {match[1]} not found")
        run = runs[0]
        if match[2] == "/tracking":
            return self.reply(200, tracking(self.demo, run))
        if match[2] == "/log":
            log = self.demo.directory / "cloverlogs" / "graph" / f"{run['id']}.log"
            if not log.exists():
                return self.error(404, f"no log for runId {run['id']}")
            return self.reply(200, log.read_text(encoding="utf-8", errors="replace"), "text/plain")
        return self.reply(200, execution(run, base))

    do_HEAD = do_GET

    def executions(self, query: dict[str, str], base: str) -> None:
        try:
            page_size = int(query.get("pageSize", "50"))
            start = int(query.get("startIndex", "0"))
        except ValueError:
            return self.error(400, "pageSize and startIndex must be integers")
        if not 1 <= page_size <= 1000 or start < 0:
            return self.error(400, "pageSize must be 1 to 1000 and startIndex at least 0")
        clauses, parameters = [], []
        for name, column in (("sandboxCode", "sandbox_code"), ("jobFile", "job_file")):
            if name in query:
                clauses.append(f"{column} = ?")
                parameters.append(query[name])
        if "status" in query:
            if query["status"] not in STATUSES:
                return self.error(400, f"unknown status {query['status']}")
            clauses.append("status = ?")
            parameters.append(query["status"])
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = self.demo.rows(f"SELECT count(*) AS n FROM run_record{where}", tuple(parameters))[0]["n"]
        rows = self.demo.rows(f"SELECT * FROM run_record{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                              (*parameters, page_size, start))
        self.reply(200, {"@self": f"{base}{self.path}", "@type": "ExecutionCollection", "@totalItems": total,
                         "@startIndex": start, "@pageItems": len(rows), "members": [execution(r, base) for r in rows]})

    def do_POST(self) -> None:  # noqa: N802
        if self.authorised():
            self.error(405, "the emulator is read-only: it does not start jobs")

    do_PUT = do_PATCH = do_DELETE = do_POST


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("demo", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", default="clover")
    parser.add_argument("--password", default="clover")
    arguments = parser.parse_args()
    Handler.demo = Demo(arguments.demo)
    Handler.credentials = f"{arguments.user}:{arguments.password}"
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/clover", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
