"""Support issues end to end: report_support_issue previews, then sends on confirmation through the
host's durable outbox to a local stand-in portal (portal_server.py) that records every request and
fails on demand; delivery survives portal failures and a kill -9 of the host, is paced by the rate
limit across clients, and read-only mode hides the tool."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from mcp import Client

from support import ServerFactory, ServerProcess, wait_until

PORTAL_SCRIPT = Path(__file__).with_name("portal_server.py")


class Portal:
    """portal_server.py as a subprocess on a fixed port, so it can go down and come back."""

    def __init__(self, directory: Path) -> None:
        self.log = directory / "portal-requests.jsonl"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api/issues"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(PORTAL_SCRIPT), "--port", str(self.port), "--log", str(self.log)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and "listening" in self.proc.stdout.readline()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def control(self, mode: str, times: int | None = None) -> None:
        httpx.post(f"http://127.0.0.1:{self.port}/_control", json={"mode": mode, "times": times}).raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def delivered(self) -> list[dict[str, Any]]:
        """Requests the portal took (answered with an issue id)."""
        return [request for request in self.requests() if request.get("issueId")]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    portal = Portal(tmp_path)
    portal.start()
    try:
        yield portal
    finally:
        portal.stop()


def start_host(servers: ServerFactory, demo: Path, portal: Portal, outbox: Path, *, rate_ms: int = 100,
               extra_env: dict[str, str] | None = None, **settings: str) -> ServerProcess:
    env = {"CLOVER_MCP_CUSTOMER_PORTAL_API_URL": portal.url, "CLOVER_MCP_CUSTOMER_PORTAL_API_TOKEN": "portal-secret",
           "CLOVER_MCP_CUSTOMER_PORTAL_RATE_LIMIT": str(rate_ms), "CLOVER_MCP_SIDECAR_SUPPORT_OUTBOX_DIR": str(outbox),
           "CLOVER_MCP_SIDECAR_SUPPORT_RETRY_MS": "200", "CLOVER_MCP_SIDECAR_SUPPORT_TIMEOUT_MS": "2000"}
    env.update({"CLOVER_MCP_" + key.upper(): value for key, value in settings.items()})
    env.update(extra_env or {})
    return servers.demo(demo, "support-issue", env=env)


async def call(url: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with Client(url, mode="2026-07-28") as client:
        return await client.call_tool(tool, arguments)


def failed_run(demo: Path) -> tuple[int, str]:
    """A run that ended in ERROR with its error message, read from the demo's database."""
    with sqlite3.connect(demo / "data" / "clover-system.db") as db:
        run_id, message = db.execute(
            "SELECT id, error_message FROM run_record WHERE status = 'ERROR' AND error_message IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    return run_id, message


def server_version(demo: Path) -> str:
    """The version the demo's Core or Worker logged when it started, from all.log and its archives."""
    logs = demo / "cloverlogs"
    text = "".join(gzip.decompress(path.read_bytes()).decode(errors="replace") for path in sorted(logs.glob("all.*.gz")))
    text += (logs / "all.log").read_text(errors="replace")
    return re.findall(r"CloverDX (?:Server|Worker) (\S+) \(build [^)]+\) starting", text)[-1]


@pytest.mark.anyio
async def test_preview_then_confirm_sends_exactly_the_preview_once(servers: ServerFactory, demo_sqlite: Path,
                                                                   portal: Portal, tmp_path: Path) -> None:
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox")
    run_id, message = failed_run(demo_sqlite)
    arguments = {"summary": "Nightly load fails", "description": "Since Monday.", "severity": "high", "runIds": [run_id]}

    preview = await call(host.url, "report_support_issue", arguments)
    assert not preview.is_error, preview.content[0].text
    data = preview.structured_content
    assert data["mode"] == "preview" and "PREVIEW: nothing has been sent" in preview.content[0].text
    evidence = data["report"]["evidence"]
    assert [run["runId"] for run in evidence["runs"]] == [run_id]
    assert evidence["runs"][0]["status"] == "ERROR" and evidence["runs"][0]["errorMessage"] == message
    assert evidence["server"]["cloverdxVersion"].startswith(server_version(demo_sqlite))
    assert data["destination"].endswith("/api/issues")
    time.sleep(0.5)
    assert portal.requests() == [], "a preview must not reach the portal"

    sent = await call(host.url, "report_support_issue", {**arguments, "confirm": True})
    assert not sent.is_error, sent.content[0].text
    outbox = sent.structured_content["outbox"]
    assert sent.structured_content["mode"] == "submitted" and outbox["state"] in ("queued", "sending", "sent")
    wait_until(lambda: portal.delivered(), timeout=10, message="the report never reached the portal")
    [request] = portal.requests()
    assert request["idempotencyKey"] == data["idempotencyKey"] == sent.structured_content["idempotencyKey"]
    assert request["authorization"] == "Bearer portal-secret"
    body = request["body"]
    assert body["summary"] == "Nightly load fails" and body["severity"] == "high"
    assert body["evidence"] == evidence, "the portal must get exactly what the preview showed"
    assert body["reportId"] == outbox["id"]

    # Confirming again is the same report: not sent twice.
    again = await call(host.url, "report_support_issue", {**arguments, "confirm": True})
    assert again.structured_content["duplicate"] is True and "not sent twice" in again.content[0].text
    status = await call(host.url, "support_issue_status", {"id": outbox["id"]})
    [report] = status.structured_content["reports"]
    assert report["state"] == "sent" and report["issueId"] == request["issueId"]
    time.sleep(0.5)
    assert len(portal.requests()) == 1
    # The outbox file was written before sending and records the outcome.
    stored = json.loads((tmp_path / "outbox" / f"{outbox['id']}.json").read_text())
    assert stored["state"] == "sent" and stored["report"]["summary"] == "Nightly load fails"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["fail", "reset", "slow"])
async def test_portal_failures_are_retried_and_delivered_once(servers: ServerFactory, demo_sqlite: Path, portal: Portal,
                                                              tmp_path: Path, mode: str) -> None:
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox")
    portal.control(mode, times=2)
    sent = await call(host.url, "report_support_issue", {"summary": f"Portal {mode} test", "confirm": True})
    assert not sent.is_error, sent.content[0].text
    wait_until(lambda: portal.delivered(), timeout=30, message=f"not delivered after the portal's {mode}")
    requests = portal.requests()
    assert [r["mode"] for r in requests] == [mode, mode, "ok"]
    assert {r["idempotencyKey"] for r in requests} == {sent.structured_content["idempotencyKey"]}
    status = await call(host.url, "support_issue_status", {})
    [report] = status.structured_content["reports"]
    assert report["state"] == "sent" and report["attempts"] == 3


@pytest.mark.anyio
async def test_a_report_the_portal_refuses_is_failed_not_retried(servers: ServerFactory, demo_sqlite: Path, portal: Portal,
                                                                 tmp_path: Path) -> None:
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox")
    portal.control("reject")
    sent = await call(host.url, "report_support_issue", {"summary": "Refused by the portal", "confirm": True})
    report_id = sent.structured_content["outbox"]["id"]
    host.wait_for_stderr(f"support report {report_id} refused", timeout=10)
    time.sleep(1)
    assert len(portal.requests()) == 1, "a 4xx answer is final: retrying would not help"
    [report] = (await call(host.url, "support_issue_status", {"id": report_id})).structured_content["reports"]
    assert report["state"] == "failed" and "422" in report["lastError"] and "not supported" in report["lastError"]


@pytest.mark.anyio
async def test_report_survives_kill_9_and_is_delivered_after_restart(servers: ServerFactory, demo_sqlite: Path,
                                                                     portal: Portal, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    portal.stop()  # the portal is down: the report is accepted but cannot go
    host = start_host(servers, demo_sqlite, portal, outbox)
    sent = await call(host.url, "report_support_issue", {"summary": "Survives a crash", "confirm": True})
    assert not sent.is_error, sent.content[0].text
    report_id = sent.structured_content["outbox"]["id"]
    host.wait_for_stderr(f"support report {report_id} not delivered", timeout=10)
    host.signal(signal.SIGKILL)
    host.wait_exit(timeout=10)

    portal.start()
    time.sleep(0.5)
    assert portal.requests() == [], "nothing may be sent while the host is down"
    restarted = start_host(servers, demo_sqlite, portal, outbox)
    wait_until(lambda: portal.delivered(), timeout=15, message="the report was lost across kill -9")
    time.sleep(1)
    [request] = portal.requests()
    assert request["body"]["summary"] == "Survives a crash" and request["body"]["reportId"] == report_id
    status = await call(restarted.url, "support_issue_status", {"id": report_id})
    assert status.structured_content["reports"][0]["state"] == "sent"


@pytest.mark.anyio
async def test_two_clients_within_the_rate_limit(servers: ServerFactory, demo_sqlite: Path, portal: Portal, tmp_path: Path) -> None:
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox", rate_ms=60_000)
    first, second = await asyncio.gather(
        call(host.url, "report_support_issue", {"summary": "First client's problem", "confirm": True}),
        call(host.url, "report_support_issue", {"summary": "Second client's problem", "confirm": True}))
    assert not first.is_error and not second.is_error
    wait_until(lambda: portal.delivered(), timeout=10, message="neither report was sent")
    time.sleep(1.5)
    assert len(portal.requests()) == 1, "the rate limit allows one portal call per minute"
    status = (await call(host.url, "support_issue_status", {})).structured_content["reports"]
    states = {report["summary"]: report for report in status}
    sent = [r for r in states.values() if r["state"] == "sent"]
    queued = [r for r in states.values() if r["state"] == "queued"]
    assert len(sent) == 1 and len(queued) == 1
    when = datetime.fromisoformat(queued[0]["expectedSendAt"].replace("Z", "+00:00"))
    gone = datetime.fromisoformat(sent[0]["sentAt"].replace("Z", "+00:00"))
    assert 55 <= (when - gone).total_seconds() <= 61, (queued[0], sent[0])
    text = (await call(host.url, "support_issue_status", {})).content[0].text
    assert "queued" in text and "sent" in text


@pytest.mark.anyio
async def test_read_only_mode_hides_and_refuses_the_write_tool(servers: ServerFactory, demo_sqlite: Path,
                                                               portal: Portal, tmp_path: Path) -> None:
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox", read_only="true")
    async with Client(host.url, mode="2026-07-28") as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert "support_issue_status" in names and "report_support_issue" not in names
        refused = await client.call_tool("report_support_issue", {"summary": "x", "confirm": True})
    assert refused.is_error and "read-only" in refused.content[0].text
    assert "clover.mcp.tools.individual.enabled=report_support_issue" in refused.content[0].text
    # Individual settings win over read-only.
    allowed = start_host(servers, demo_sqlite, portal, tmp_path / "outbox2", read_only="true",
                         tools_individual_enabled="report_support_issue", tools_individual_disabled="support_issue_status")
    async with Client(allowed.url, mode="2026-07-28") as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert "report_support_issue" in names and "support_issue_status" not in names
    time.sleep(0.3)
    assert portal.requests() == []


@pytest.mark.anyio
async def test_bad_input_is_refused_clearly(servers: ServerFactory, demo_sqlite: Path, portal: Portal, tmp_path: Path) -> None:
    # A larger body limit, so the 10 MB description reaches the tool's own check.
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox", sidecar_http_max_body_bytes=str(32 << 20))
    cases = [
        ({"description": "no summary"}, "summary"),
        ({"summary": "   ", "confirm": True}, "summary"),
        ({"summary": "huge", "description": "x" * (10 << 20)}, "65536"),
        ({"summary": "s", "severity": "apocalyptic"}, '"severity" must be one of "low", "medium", "high", "critical"'),
        ({"summary": "s", "runIds": [987654321]}, "run 987654321 does not exist"),
        ({"summary": "s", "dryRun": False}, "confirm"),
        ({"summary": "s", "from": "yesterday-ish"}, "Accepted"),
    ]
    for arguments, expected in cases:
        result = await call(host.url, "report_support_issue", arguments)
        assert result.is_error, arguments.keys()
        assert expected in result.content[0].text, result.content[0].text[:300]
    missing = await call(host.url, "support_issue_status", {"id": "R-nope"})
    assert missing.is_error and "no support report" in missing.content[0].text
    assert portal.requests() == []


@pytest.mark.anyio
async def test_an_outbox_that_cannot_be_written_refuses_the_report(servers: ServerFactory, demo_sqlite: Path,
                                                                   portal: Portal, tmp_path: Path) -> None:
    """The path a full disk takes: the write fails, so the report is not accepted (and the user is told),
    rather than accepted and lost. Here the outbox folder is replaced by a file after the start."""
    outbox = tmp_path / "outbox"
    host = start_host(servers, demo_sqlite, portal, outbox)
    outbox.rmdir()
    outbox.write_text("not a folder")
    result = await call(host.url, "report_support_issue", {"summary": "Disk trouble", "confirm": True})
    assert result.is_error
    assert "could not be stored in the outbox, so it was not accepted" in result.content[0].text
    status = await call(host.url, "support_issue_status", {})
    assert status.structured_content["reports"] == []
    time.sleep(0.5)
    assert portal.requests() == []


@pytest.mark.anyio
async def test_support_package_holds_masked_configuration_and_newest_logs_within_the_cap(
        servers: ServerFactory, demo_sqlite: Path, portal: Portal, tmp_path: Path) -> None:
    cap = 3_000_000
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox", sidecar_support_package_max_bytes=str(cap))
    preview = await call(host.url, "report_support_issue", {"summary": "Package please", "attachSupportPackage": True})
    assert not preview.is_error, preview.content[0].text
    package = preview.structured_content["report"]["supportPackage"]
    path = Path(package["location"])
    assert path.parent == tmp_path / "outbox" / "packages" and path.stat().st_size == package["bytes"] <= cap
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        configuration = archive.read("configuration.properties").decode()
    assert names == package["files"] and names[0] == "configuration.properties"
    # Secrets masked: the portal token (from the environment) and the demo's passwords never appear.
    assert "portal-secret" not in configuration and "clover.mcp.customer.portal.api.token=*****" in configuration
    assert all(line.endswith("=*****") for line in configuration.splitlines() if "password" in line.split("=")[0])
    # Newest first, and what the cap left out is counted.
    folders = {"cloverlogs": demo_sqlite / "cloverlogs", "tomcatlogs": demo_sqlite / "tomcatlogs"}
    mtimes = [(folders[name.split("/")[0]] / name.split("/")[1]).stat().st_mtime for name in names[1:]]
    assert mtimes == sorted(mtimes, reverse=True)
    every = [p for folder in folders.values() for p in folder.iterdir() if p.is_file()]
    assert package["omittedFiles"] == len(every) - len(names[1:]) > 0

    sent = await call(host.url, "report_support_issue", {"summary": "Package please", "attachSupportPackage": True, "confirm": True})
    wait_until(lambda: portal.delivered(), timeout=10, message="not delivered")
    assert portal.requests()[0]["body"]["supportPackage"] == package
    assert not sent.is_error


@pytest.mark.anyio
async def test_email_goes_through_smtp_and_waits_while_the_server_is_down(servers: ServerFactory, demo_sqlite: Path,
                                                                         portal: Portal, tmp_path: Path) -> None:
    """With clover.mcp.support.email set, reports go by e-mail through CloverDX's SMTP settings (here a local
    sink, down at first): queued, retried, delivered once when the mail server is back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mails = tmp_path / "mails.jsonl"
    # CloverDX's own SMTP keys, set the Docker way (an environment variable named clover.<key>).
    smtp = {"clover.email.smtp.host": "127.0.0.1", "clover.email.smtp.port": str(port), "clover.email.smtp.username": ""}
    host = start_host(servers, demo_sqlite, portal, tmp_path / "outbox", extra_env=smtp, support_email="support@example.com",
                      sidecar_support_email_from="ops@example.com")
    sent = await call(host.url, "report_support_issue", {"summary": "Mail me", "description": "line one\n.\nline three",
                                                         "confirm": True})
    assert not sent.is_error, sent.content[0].text
    assert sent.structured_content["destination"] == "mailto:support@example.com"
    report_id = sent.structured_content["outbox"]["id"]
    host.wait_for_stderr(f"support report {report_id} not delivered", timeout=10)

    sink = subprocess.Popen([sys.executable, str(Path(__file__).with_name("smtp_sink.py")), "--port", str(port), "--log", str(mails)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout is not None and "listening" in sink.stdout.readline()
        wait_until(lambda: mails.exists() and mails.read_text().strip(), timeout=15, message="the e-mail never arrived")
        time.sleep(1)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    [mail] = [json.loads(line) for line in mails.read_text().splitlines()]
    assert mail["from"] == "<ops@example.com>" and mail["to"] == ["<support@example.com>"]
    assert "Subject: [CloverDX support] medium: Mail me" in mail["data"]
    assert f"Message-ID: <{sent.structured_content['idempotencyKey']}@cloverdx-mcp>" in mail["data"]
    assert "line one\r\n.\r\nline three" in mail["data"]
    [report] = (await call(host.url, "support_issue_status", {"id": report_id})).structured_content["reports"]
    assert report["state"] == "sent"
    assert portal.requests() == [], "with e-mail set, the portal is not used"


@pytest.mark.anyio
async def test_fifty_queued_reports_survive_kill_9_and_each_is_delivered_once(servers: ServerFactory, demo_sqlite: Path,
                                                                               portal: Portal, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    portal.stop()
    host = start_host(servers, demo_sqlite, portal, outbox, rate_ms=10)
    report_ids = []
    async with Client(host.url, mode="2026-07-28") as client:
        for number in range(50):
            sent = await client.call_tool("report_support_issue", {"summary": f"Queued report {number}", "confirm": True})
            assert not sent.is_error, sent.content[0].text
            report_ids.append(sent.structured_content["outbox"]["id"])
    assert len(set(report_ids)) == 50
    host.signal(signal.SIGKILL)
    host.wait_exit(timeout=10)

    portal.start()
    restarted = start_host(servers, demo_sqlite, portal, outbox, rate_ms=10)
    wait_until(lambda: len(portal.delivered()) >= 50, timeout=60, message="not every queued report was delivered after kill -9")
    time.sleep(1.5)  # anything sent twice would arrive now
    delivered = [request["body"]["reportId"] for request in portal.delivered()]
    assert sorted(delivered) == sorted(report_ids), "each report exactly once at the portal"
    assert len(portal.requests()) == 50, "no report was sent a second time, not even to be refused"
    for report_id in (report_ids[0], report_ids[-1]):
        status = await call(restarted.url, "support_issue_status", {"id": report_id})
        assert status.structured_content["reports"][0]["state"] == "sent"


@pytest.mark.anyio
async def test_a_full_disk_under_the_outbox_refuses_one_report_and_loses_none(servers: ServerFactory, demo_sqlite: Path,
                                                                              portal: Portal, tmp_path: Path) -> None:
    """A real full file system (a small tmpfs), not a stand-in: the report that does not fit is refused
    and said so, the one already queued stays whole, and once there is room again reports go as before."""
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(outbox)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        portal.stop()
        host = start_host(servers, demo_sqlite, portal, outbox, rate_ms=10)
        first = await call(host.url, "report_support_issue", {"summary": "Before the disk filled", "confirm": True})
        assert not first.is_error, first.content[0].text
        filler = outbox / "filler"
        with filler.open("wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError:
                pass  # ENOSPC: the file system is full
        refused = await call(host.url, "report_support_issue", {"summary": "While the disk is full", "confirm": True})
        assert refused.is_error
        assert "could not be stored in the outbox, so it was not accepted" in refused.content[0].text, refused.content[0].text
        filler.unlink()
        third = await call(host.url, "report_support_issue", {"summary": "After space came back", "confirm": True})
        assert not third.is_error, third.content[0].text

        portal.start()
        wait_until(lambda: len(portal.delivered()) >= 2, timeout=20, message="the queued reports were not delivered")
        time.sleep(1)
        summaries = sorted(request["body"]["summary"] for request in portal.requests())
        assert summaries == ["After space came back", "Before the disk filled"]
    finally:
        servers.stop_all()
        subprocess.run(["umount", "-l", str(outbox)], capture_output=True)
