"""Pins what every CloverDX tool group offers an agent: each tool's name, title, description, schemas
and annotations, one JSON file per tool under snapshots/tools/. A change to any of them is a change of
the product's interface and must be deliberate: rerun with UPDATE_SNAPSHOTS=1 to accept it, and
review the diff of the snapshot files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mcp import Client

from support import ServerFactory, repo_entries

SNAPSHOTS = Path(__file__).parent / "snapshots" / "tools"
PINNED_FIELDS = ("name", "title", "description", "inputSchema", "outputSchema", "annotations")
EXAMPLE_PLUGINS = {"hello-swift", "echo-c"}


async def all_tools(url: str) -> list[dict]:
    async with Client(url, mode="2026-07-28") as client:
        tools, cursor = [], None
        while True:
            page = await client.list_tools(cursor=cursor) if cursor else await client.list_tools()
            tools += [tool.model_dump(by_alias=True, exclude_none=True) for tool in page.tools]
            cursor = page.next_cursor
            if not cursor:
                return tools


@pytest.mark.anyio
async def test_every_tool_matches_its_snapshot(servers: ServerFactory) -> None:
    entries = [entry for entry in repo_entries() if entry["id"] not in EXAMPLE_PLUGINS]
    server = servers.http(entries)
    tools = {tool["name"]: {field: tool[field] for field in PINNED_FIELDS if field in tool} for tool in await all_tools(server.url)}
    assert tools, "the CloverDX plugins offer no tools"

    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        for stale in SNAPSHOTS.glob("*.json"):
            stale.unlink()
        for name, tool in tools.items():
            (SNAPSHOTS / f"{name}.json").write_text(json.dumps(tool, indent=2, sort_keys=True) + "\n")

    pinned = {path.stem: json.loads(path.read_text()) for path in SNAPSHOTS.glob("*.json")}
    assert sorted(tools) == sorted(pinned), "tools added or removed: rerun with UPDATE_SNAPSHOTS=1 and review the snapshot diff"
    changed = [name for name in tools if tools[name] != pinned[name]]
    assert not changed, f"tools whose interface changed: {changed}; rerun with UPDATE_SNAPSHOTS=1 and review the diff"


@pytest.mark.anyio
async def test_every_tool_is_described_for_an_agent(servers: ServerFactory) -> None:
    """What the snapshots cannot say: every tool is read-only (or says what it changes), describes
    itself, refuses unknown arguments and promises structured output."""
    server = servers.http([entry for entry in repo_entries() if entry["id"] not in EXAMPLE_PLUGINS])
    for tool in await all_tools(server.url):
        name = tool["name"]
        assert len(tool.get("description", "")) >= 40, f"{name}: description too short to guide an agent"
        assert tool.get("title"), f"{name}: no title"
        assert tool["inputSchema"].get("additionalProperties") is False, f"{name}: inputSchema accepts unknown arguments"
        assert tool.get("outputSchema", {}).get("type") == "object", f"{name}: no outputSchema"
        annotations = tool.get("annotations", {})
        assert "readOnlyHint" in annotations and "openWorldHint" in annotations, f"{name}: annotations missing"
