"""A stand-in for the CloverDX customer portal's issue API, for the support-issue tests.

Every POST is appended to a JSON-lines file (so the record survives the portal being stopped and
started again) and answered as docs/CLOVERDX.md, "Support portal" describes: {"issueId": "DEMO-1042", "status": "SUBMITTED"},
one issue per Idempotency-Key. It fails on demand: POST /_control {"mode": M, "times": N} makes the next
N report requests (all when N is absent) answer 500 ("fail"), wait 30 s ("slow"), drop the
connection without an answer ("reset") or refuse the report with 422 ("reject"); "ok" restores normal service.

Run: python portal_server.py --port PORT --log FILE  (prints "listening on PORT" when ready).
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Portal:
    def __init__(self, log: Path) -> None:
        self.log = log
        self.lock = threading.Lock()
        self.mode = "ok"
        self.times: int | None = None
        self.issues: dict[str, str] = {}
        # Keys answered before a restart keep their issue ids, as a real portal's would.
        for line in log.read_text().splitlines() if log.exists() else []:
            entry = json.loads(line)
            if entry.get("issueId"):
                self.issues.setdefault(entry["idempotencyKey"], entry["issueId"])

    def next_mode(self) -> str:
        with self.lock:
            mode = self.mode
            if mode != "ok" and self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "ok", None
            return mode

    def record(self, entry: dict) -> None:
        with self.lock, self.log.open("a") as out:
            out.write(json.dumps(entry) + "\n")


def handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path == "/_control":
                control = json.loads(body)
                with portal.lock:
                    portal.mode, portal.times = control["mode"], control.get("times")
                return self.answer(200, {"mode": portal.mode})
            mode = portal.next_mode()
            key = self.headers.get("Idempotency-Key") or ""
            entry = {"time": time.time(), "path": self.path, "idempotencyKey": key, "mode": mode,
                     "authorization": self.headers.get("Authorization"), "body": json.loads(body or b"null")}
            if mode == "reset":
                portal.record(entry)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                return
            if mode == "slow":
                portal.record(entry)
                time.sleep(30)
                return self.answer(504, {"error": "slow"})
            if mode == "fail":
                portal.record(entry)
                return self.answer(500, {"error": "portal failure on demand"})
            if mode == "reject":
                portal.record(entry)
                return self.answer(422, {"error": "product version not supported"})
            with portal.lock:
                issue = portal.issues.setdefault(key, f"DEMO-{1042 + len(portal.issues)}")
            entry["issueId"] = issue
            portal.record(entry)
            self.answer(200, {"issueId": issue, "status": "SUBMITTED"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    arguments = parser.parse_args()
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), handler(Portal(arguments.log)))
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
