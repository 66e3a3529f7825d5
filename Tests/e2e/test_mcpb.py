"""`cloverdx-mcp pack-mcpb`: a Claude Desktop extension whose manifest follows MCPB's manifest rules
(version 0.3: the required fields, server types, mcp_config and user_config shapes, written down
here from the MCPB specification) and whose command line, as a desktop app fills it in, really
starts the bridge."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
from mcp import Client, StdioServerParameters

from support import BIN, HELLO_TOOLS, ServerProcess, child_env, run_cli

# MCPB manifest 0.3 as the specification states it, for the fields a binary extension uses.
STRINGS = {"type": "array", "items": {"type": "string"}}
USER_CONFIG_ENTRY = {
    "type": "object", "required": ["type", "title", "description"], "additionalProperties": False,
    "properties": {
        "type": {"enum": ["string", "number", "boolean", "directory", "file"]}, "title": {"type": "string"},
        "description": {"type": "string"}, "required": {"type": "boolean"}, "sensitive": {"type": "boolean"},
        "multiple": {"type": "boolean"}, "min": {"type": "number"}, "max": {"type": "number"},
        "default": {"type": ["string", "number", "boolean", "array"]},
    },
}
MANIFEST_RULES = {
    "type": "object", "required": ["manifest_version", "name", "version", "description", "author", "server"],
    "properties": {
        "manifest_version": {"const": "0.3"}, "name": {"type": "string", "minLength": 1}, "version": {"type": "string"},
        "display_name": {"type": "string"}, "description": {"type": "string"}, "long_description": {"type": "string"},
        "author": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "email": {"type": "string"},
                                                                      "url": {"type": "string"}}},
        "license": {"type": "string"}, "keywords": STRINGS,
        "server": {
            "type": "object", "required": ["type", "entry_point", "mcp_config"],
            "properties": {
                "type": {"enum": ["python", "node", "binary"]}, "entry_point": {"type": "string"},
                "mcp_config": {"type": "object", "required": ["command"], "additionalProperties": False, "properties": {
                    "command": {"type": "string"}, "args": STRINGS,
                    "env": {"type": "object", "additionalProperties": {"type": "string"}},
                    "platform_overrides": {"type": "object"}}},
            },
        },
        "compatibility": {"type": "object", "properties": {"platforms": {"type": "array", "items": {"enum": ["darwin", "win32", "linux"]}}}},
        "user_config": {"type": "object", "additionalProperties": USER_CONFIG_ENTRY},
    },
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("mcpb") / "cloverdx.mcpb"
    result = run_cli(["pack-mcpb", "--output", str(output)], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(output)
    return output


def manifest_of(bundle: Path) -> dict[str, Any]:
    with zipfile.ZipFile(bundle) as archive:
        return json.loads(archive.read("manifest.json"))


def test_bundle_is_a_sound_zip_with_manifest_and_binary(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        assert archive.testzip() is None, "a CRC does not match"
        assert sorted(archive.namelist()) == ["manifest.json", "server/cloverdx-mcp"]
        binary = archive.getinfo("server/cloverdx-mcp")
        assert (binary.external_attr >> 16) & 0o111, "the binary must be executable"
        assert binary.compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("server/cloverdx-mcp") == BIN.read_bytes()


def test_manifest_follows_the_mcpb_rules(bundle: Path) -> None:
    manifest = manifest_of(bundle)
    jsonschema.Draft7Validator(MANIFEST_RULES).validate(manifest)
    assert manifest["manifest_version"] == "0.3"
    server = manifest["server"]
    assert server["type"] == "binary" and server["entry_point"] == "server/cloverdx-mcp"
    assert server["mcp_config"]["command"] == "${__dirname}/server/cloverdx-mcp"
    assert server["mcp_config"]["args"][:3] == ["bridge", "--url", "${user_config.url}"]
    assert "${user_config.log_path}" in server["mcp_config"]["args"]
    assert server["mcp_config"]["env"] == {"CLOVERDX_MCP_TOKEN": "${user_config.token}"}
    options = manifest["user_config"]
    assert options["url"]["type"] == "string" and options["url"]["required"] is True
    assert options["token"]["sensitive"] is True and options["token"]["required"] is False
    assert options["log_path"]["required"] is False
    assert manifest["compatibility"]["platforms"] == ["linux" if os.uname().sysname == "Linux" else "darwin"]


def substitute(value: str, values: dict[str, str]) -> str:
    for key, replacement in values.items():
        value = value.replace("${" + key + "}", replacement)
    return value


@pytest.mark.anyio
async def test_manifest_command_line_starts_the_bridge(bundle: Path, shared_server: ServerProcess, tmp_path: Path) -> None:
    directory = tmp_path / "installed"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(directory)
        for info in archive.infolist():  # zipfile drops permissions; a desktop app keeps them
            os.chmod(directory / info.filename, (info.external_attr >> 16) & 0o777)
    assert shared_server.url is not None
    log = tmp_path / "diagnostics.log"
    values = {"__dirname": str(directory), "user_config.url": shared_server.url, "user_config.token": "",
              "user_config.log_path": str(log)}
    config = manifest_of(bundle)["server"]["mcp_config"]
    command = substitute(config["command"], values)
    assert os.stat(command).st_mode & stat.S_IXUSR
    target = StdioServerParameters(command=command, args=[substitute(arg, values) for arg in config["args"]],
                                   env=child_env({k: substitute(v, values) for k, v in config["env"].items()}))
    with anyio.fail_after(30):
        async with Client(target, mode="legacy", read_timeout_seconds=20) as client:
            assert HELLO_TOOLS <= {tool.name for tool in (await client.list_tools()).tools}
            greet = await client.call_tool("hello_greet", {"name": "Ada"})
            assert greet.is_error is False
    assert "bearer token none" in log.read_text()
