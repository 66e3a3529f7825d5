"""Helpers of the tests of the job-tracking and system-db plugins, which read the system database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from mcp import Client


def sqlite_copy(demo: Path) -> sqlite3.Connection:
    """The demo's SQLite system database, read-only. A demo loaded into PostgreSQL keeps it: it is the
    source of the load, so it holds the very rows the PostgreSQL server serves."""
    connection = sqlite3.connect(f"file:{demo / 'data' / 'clover-system.db'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def sqlite_twin_config(demo: Path, directory: Path) -> Path:
    """A clover.properties for `demo` whose system database is the demo's SQLite file, whatever
    engine the demo's own clover.properties names: the same rows on the other engine."""
    lines = [line for line in (demo / "conf" / "clover.properties").read_text().splitlines()
             if not line.startswith(("jdbc.url=", "jdbc.username=", "jdbc.password=", "jdbc.driverClassName="))]
    lines.append(f"jdbc.url=jdbc:sqlite:{demo / 'data' / 'clover-system.db'}")
    twin = directory / "clover-sqlite-twin.properties"
    twin.write_text("\n".join(lines) + "\n")
    return twin


async def call_ok(client: Client, tool: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Calls a tool that must succeed; returns its structuredContent and text."""
    result = await client.call_tool(tool, arguments)
    text = result.content[0].text if result.content else ""
    assert not result.is_error, f"{tool} {arguments} failed: {text}"
    assert result.structured_content is not None, f"{tool} returned no structuredContent"
    return result.structured_content, text


async def call_error(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    """Calls a tool that must fail; returns its error text."""
    result = await client.call_tool(tool, arguments)
    text = result.content[0].text if result.content else ""
    assert result.is_error, f"{tool} {arguments} should have failed, returned: {text[:300]}"
    return text


def without(value: Any, key: str) -> Any:
    """`value` with every `key` member removed, at any depth (e.g. elapsedMs, which differs per call)."""
    if isinstance(value, dict):
        return {k: without(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [without(v, key) for v in value]
    return value
