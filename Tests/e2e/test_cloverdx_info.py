"""The cloverdx-info plugin on the demo installation: cloverdx_info checked against the demo's system
database on SQLite and on PostgreSQL; sandbox_list_files and sandbox_read_file against the demo's
sandbox folders, and every way out of a sandbox refused."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from support import ServerFactory, ServerProcess, repo_entries

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]


def sqlite_db(demo: Path) -> sqlite3.Connection:
    """The demo's SQLite system database, read-only (a PostgreSQL demo keeps it: it is the source of the load)."""
    db = sqlite3.connect(f"file:{demo / 'data' / 'clover-system.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


async def call(url: str, tool: str, arguments: dict[str, Any]) -> tuple[bool, dict[str, Any] | None, str]:
    async with Client(url, mode="2026-07-28") as client:
        result = await client.call_tool(tool, arguments)
    return bool(result.is_error), result.structured_content, result.content[0].text


async def ok(url: str, tool: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], str]:
    failed, structured, text = await call(url, tool, arguments)
    assert not failed, f"{tool} {arguments}: {text}"
    assert structured is not None
    return structured, text


async def refused(url: str, tool: str, arguments: dict[str, Any]) -> str:
    failed, _, text = await call(url, tool, arguments)
    assert failed, f"{tool} {arguments} was not refused: {text[:200]}"
    return text


def disk_files(folder: Path) -> dict[str, int]:
    """Sandbox-relative path → size of every regular file below `folder`."""
    return {path.relative_to(folder).as_posix(): path.stat().st_size for path in folder.rglob("*") if path.is_file()}


# --------------------------------------------------------------------------------------------------
# cloverdx_info, on both engines


@pytest.fixture(scope="module")
def info_server(module_servers: ServerFactory, demo_any: Path) -> ServerProcess:
    return module_servers.demo(demo_any, "cloverdx-info")


async def test_info_lists_sandboxes_and_what_runs_jobs(info_server: ServerProcess, demo_any: Path) -> None:
    info, text = await ok(info_server.url, "cloverdx_info", {})
    db = sqlite_db(demo_any)
    sandboxes = db.execute("SELECT code, name, type, owner FROM sandbox ORDER BY code").fetchall()
    assert info["sandboxes"]["source"] == "database"
    assert [(s["code"], s["name"], s["type"], s["owner"]) for s in info["sandboxes"]["sandboxes"]] == [tuple(row) for row in sandboxes]
    assert all(s["exists"] for s in info["sandboxes"]["sandboxes"])
    for key, table, trigger in (("schedules", "schedule", "cron_expression"),
                                ("eventListeners", "event_listener", "event_type || ' ' || event_source"),
                                ("dataServices", "data_service_endpoint", "http_method || ' ' || url_path")):
        rows = db.execute(f"SELECT t.id, t.name, t.enabled, {trigger} AS trig, r.status FROM {table} t "
                          f"LEFT JOIN run_record r ON r.id = t.last_run_id ORDER BY t.id").fetchall()
        got = [(j["id"], j["name"], j["enabled"], j["trigger"], j.get("lastRunStatus")) for j in info[key]]
        assert got == [(r["id"], r["name"], bool(r["enabled"]), r["trig"], r["status"]) for r in rows], key
    assert any(item["section"] == "license" for item in info["unavailable"])
    assert "Schedules (" in text and "Sandboxes (" in text


async def test_info_lists_users_without_emails(info_server: ServerProcess, demo_any: Path) -> None:
    info, text = await ok(info_server.url, "cloverdx_info", {"section": "users"})
    assert set(info) == {"users", "unavailable", "notes"}
    db = sqlite_db(demo_any)
    users = db.execute("SELECT username, domain, disabled FROM clover_user ORDER BY username").fetchall()
    assert [(u["username"], u["domain"], u["disabled"]) for u in info["users"]["users"]] == \
        [(u["username"], u["domain"], bool(u["disabled"])) for u in users]
    members: dict[str, list[str]] = {}
    for row in db.execute("SELECT username, group_code FROM user_group_member ORDER BY username, group_code"):
        members.setdefault(row["username"], []).append(row["group_code"])
    assert {u["username"]: u["groups"] for u in info["users"]["users"]} == {u["username"]: members.get(u["username"], []) for u in users}
    emails = [row[0] for row in db.execute("SELECT email FROM clover_user WHERE email IS NOT NULL")]
    dumped = json.dumps(info) + text
    assert emails and not any(email in dumped for email in emails) and "email" not in dumped


async def test_info_refuses_an_unknown_section(info_server: ServerProcess) -> None:
    message = await refused(info_server.url, "cloverdx_info", {"section": "licence"})
    assert "section" in message and "schedules" in message


# --------------------------------------------------------------------------------------------------
# Sandbox files, on the SQLite demo


@pytest.fixture(scope="module")
def files_server(module_servers: ServerFactory, demo_sqlite: Path) -> ServerProcess:
    return module_servers.demo(demo_sqlite, "cloverdx-info")


async def test_lists_a_sandbox_as_on_disk(files_server: ServerProcess, demo_sqlite: Path) -> None:
    expected = disk_files(demo_sqlite / "sandboxes" / "dwh")
    listed, text = await ok(files_server.url, "sandbox_list_files", {"sandbox": "dwh", "limit": 5000})
    assert {f["path"]: f["bytes"] for f in listed["files"]} == expected
    assert [f["path"] for f in listed["files"]] == sorted(expected) and listed["total"] == len(expected)
    graphs, _ = await ok(files_server.url, "sandbox_list_files", {"sandbox": "dwh", "pattern": "*.GRF"})
    assert [f["path"] for f in graphs["files"]] == sorted(p for p in expected if p.endswith(".grf"))
    first, text = await ok(files_server.url, "sandbox_list_files", {"sandbox": "dwh", "limit": 3})
    second, _ = await ok(files_server.url, "sandbox_list_files", {"sandbox": "dwh", "limit": 3, "cursor": first["nextCursor"]})
    assert [f["path"] for f in first["files"] + second["files"]] == sorted(expected)[:6]
    assert first["nextCursor"] in text


async def test_reads_a_graph_as_on_disk(files_server: ServerProcess, demo_sqlite: Path) -> None:
    path = demo_sqlite / "sandboxes" / "dwh" / "graph" / "LoadOrders.grf"
    read, text = await ok(files_server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "graph/LoadOrders.grf"})
    assert read["text"] == path.read_text(encoding="utf-8") == text
    assert read["bytes"] == path.stat().st_size and not read["truncated"]
    head, head_text = await ok(files_server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "graph/LoadOrders.grf", "maxBytes": 100})
    rest, _ = await ok(files_server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "graph/LoadOrders.grf", "offset": head["nextOffset"]})
    assert head["truncated"] and head["text"] + rest["text"] == read["text"] and f"offset {head['nextOffset']}" in head_text


async def test_secrets_in_connection_files_are_masked(files_server: ServerProcess, demo_sqlite: Path) -> None:
    """A connection file's URL and user are what a diagnosis needs; its password never leaves the host."""
    on_disk = (demo_sqlite / "sandboxes" / "dwh" / "conn" / "DWH.cfg").read_text()
    secrets = [line.split("=", 1)[1] for line in on_disk.splitlines() if line.startswith("password=")]
    assert secrets, "the demo's connection file should hold a password"
    read, text = await ok(files_server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "conn/DWH.cfg"})
    assert read["maskedSecrets"] == len(secrets) and "password=*****" in read["text"]
    assert not any(secret in read["text"] or secret in text for secret in secrets)
    unmasked = [line for line in on_disk.splitlines() if not line.startswith("password=")]
    assert unmasked == [line for line in read["text"].splitlines() if not line.startswith("password=")]


@pytest.mark.parametrize(("arguments", "says"), [
    ({"sandbox": "dwh", "path": "../crm/workspace.prm"}, '".."'),
    ({"sandbox": "dwh", "path": "graph/../../crm/workspace.prm"}, '".."'),
    ({"sandbox": "dwh", "path": "/etc/passwd"}, "absolute"),
    ({"sandbox": "nope", "path": "workspace.prm"}, 'no sandbox "nope"'),
    ({"sandbox": "../dwh", "path": "workspace.prm"}, "not a sandbox code"),
    ({"sandbox": "dwh", "path": "graph/LoadOrders.grf\u0000.txt"}, "NUL"),
    ({"sandbox": "dwh", "path": "graph/Missing.grf"}, "has no graph/Missing.grf"),
])
async def test_bad_paths_and_sandboxes_are_refused(files_server: ServerProcess, arguments: dict[str, str], says: str) -> None:
    message = await refused(files_server.url, "sandbox_read_file", arguments)
    assert says in message


async def test_unknown_sandbox_names_the_sandboxes(files_server: ServerProcess) -> None:
    message = await refused(files_server.url, "sandbox_list_files", {"sandbox": "nope"})
    assert "crm, dwh, reporting" in message


async def test_denied_files_are_hidden(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    config = tmp_path / "clover.properties"
    config.write_text((demo_sqlite / "conf" / "clover.properties").read_text() + "\nclover.mcp.sandbox.deniedFiles=*.prm\n")
    server = servers.http(repo_entries("cloverdx-info"), extra_args=["--config", str(config)])
    message = await refused(server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "workspace.prm"})
    assert "deniedFiles" in message and "*.prm" in message
    listed, _ = await ok(server.url, "sandbox_list_files", {"sandbox": "dwh"})
    assert listed["files"] and not any(f["path"].endswith(".prm") for f in listed["files"])


async def test_denied_files_by_environment(servers: ServerFactory, demo_sqlite: Path) -> None:
    server = servers.demo(demo_sqlite, "cloverdx-info", env={"CLOVER_MCP_SANDBOX_DENIEDFILES": "conn/*"})
    message = await refused(server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "conn/DWH.cfg"})
    assert "deniedFiles" in message


async def test_a_symlink_out_of_the_sandbox_is_refused(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    copy = tmp_path / "clover"
    shutil.copytree(demo_sqlite, copy, symlinks=True)
    properties = copy / "conf" / "clover.properties"
    properties.write_text(properties.read_text().replace(str(demo_sqlite), str(copy)))
    with sqlite3.connect(copy / "data" / "clover-system.db") as db:
        db.execute("UPDATE sandbox SET root_path = replace(root_path, ?, ?)", (str(demo_sqlite), str(copy)))
    outside = tmp_path / "outside.txt"
    outside.write_text("not for agents\n")
    os.symlink(outside, copy / "sandboxes" / "dwh" / "graph" / "escape.grf")
    os.symlink(tmp_path, copy / "sandboxes" / "dwh" / "escape-folder")
    os.symlink("LoadOrders.grf", copy / "sandboxes" / "dwh" / "graph" / "alias.grf")
    server = servers.demo(copy, "cloverdx-info")
    for path in ("graph/escape.grf", "escape-folder/outside.txt"):
        message = await refused(server.url, "sandbox_read_file", {"sandbox": "dwh", "path": path})
        assert "outside the sandbox" in message and "not for agents" not in message
    alias, _ = await ok(server.url, "sandbox_read_file", {"sandbox": "dwh", "path": "graph/alias.grf"})
    assert alias["text"] == (copy / "sandboxes" / "dwh" / "graph" / "LoadOrders.grf").read_text()
    listed, _ = await ok(server.url, "sandbox_list_files", {"sandbox": "dwh"})
    paths = {f["path"] for f in listed["files"]}
    assert "graph/alias.grf" in paths and "graph/escape.grf" not in paths and not any(p.startswith("escape-folder") for p in paths)
