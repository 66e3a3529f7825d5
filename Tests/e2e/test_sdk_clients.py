"""The official MCP Python SDK against the real server, over HTTP and stdio, in both eras."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters

from support import BIN, ECHO_TOOLS, FAULTY_TOOLS, HELLO_TOOLS, LATEST_LEGACY, MODERN, ServerFactory, child_env

pytestmark = pytest.mark.anyio

TRANSPORTS = ["http", "stdio"]
MODES = ["legacy", MODERN]


@pytest.fixture(scope="module")
def stdio_plugins(module_servers: ServerFactory):
    return module_servers.plugins_file(name="stdio-plugins.json")


@asynccontextmanager
async def connect(transport: str, mode: str, http_url: str, stdio_plugins, **kwargs: Any) -> AsyncIterator[Client]:
    if transport == "http":
        target: Any = http_url
    else:
        target = StdioServerParameters(command=str(BIN), args=["serve", "--stdio", "--plugins", str(stdio_plugins)],
                                       env=child_env(), cwd=str(stdio_plugins.parent))
    with anyio.fail_after(30):
        async with Client(target, mode=mode, read_timeout_seconds=20, **kwargs) as client:
            yield client


def expected_version(mode: str) -> str:
    return LATEST_LEGACY if mode == "legacy" else MODERN


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("mode", MODES)
async def test_tools(transport: str, mode: str, shared_server, stdio_plugins) -> None:
    async with connect(transport, mode, shared_server.url, stdio_plugins) as client:
        assert client.protocol_version == expected_version(mode)

        listed = await client.list_tools()
        names = [tool.name for tool in listed.tools]
        assert set(names) == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS
        assert len(names) == len(set(names)), "tools/list repeats a tool"
        greet_tool = next(tool for tool in listed.tools if tool.name == "hello_greet")
        assert greet_tool.input_schema["required"] == ["name"]
        assert greet_tool.output_schema is not None

        greet = await client.call_tool("hello_greet", {"name": "Ada"})
        assert greet.is_error is False
        assert [block.text for block in greet.content if block.type == "text"] == ["Hello, Ada!"]
        assert greet.structured_content == {"greeting": "Hello, Ada!", "name": "Ada"}

        arguments = {"text": "h\u00e9llo \"quoted\"\nline", "n": 3, "nested": {"list": [1, 2.5, None, True]}}
        echo = await client.call_tool("echo_arguments", arguments)
        assert echo.is_error is False
        assert echo.structured_content == {"arguments": arguments}
        assert json.loads(echo.content[0].text) == arguments


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("mode", MODES)
async def test_progress(transport: str, mode: str, shared_server, stdio_plugins) -> None:
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    async with connect(transport, mode, shared_server.url, stdio_plugins) as client:
        result = await client.call_tool("hello_count", {"to": 6, "delayMs": 15}, progress_callback=on_progress)
        assert result.is_error is False
        assert result.content[0].text == "Counted to 6."
        # Notifications may still be in the client's queue when the result is handed over.
        with anyio.fail_after(5):
            while len(updates) < 6:
                await anyio.sleep(0.02)

    values = [progress for progress, _, _ in updates]
    assert values == [1, 2, 3, 4, 5, 6], updates
    assert all(b > a for a, b in zip(values, values[1:])), f"progress must increase strictly: {values}"
    assert {total for _, total, _ in updates} == {6}
    assert updates[-1][2] == "counted 6"


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("mode", MODES)
async def test_resources_prompts_completion(transport: str, mode: str, shared_server, stdio_plugins) -> None:
    async with connect(transport, mode, shared_server.url, stdio_plugins) as client:
        resources = await client.list_resources()
        assert [str(resource.uri) for resource in resources.resources] == ["hello://about"]

        about = await client.read_resource("hello://about")
        assert len(about.contents) == 1
        assert str(about.contents[0].uri) == "hello://about"
        assert "PluginKit example" in about.contents[0].text

        templates = await client.list_resource_templates()
        assert [template.uri_template for template in templates.resource_templates] == ["hello://greeting/{name}"]
        greeting = await client.read_resource("hello://greeting/Grace%20Hopper")
        assert greeting.contents[0].text == "Hello, Grace Hopper!"

        prompts = await client.list_prompts()
        assert [prompt.name for prompt in prompts.prompts] == ["hello_introduce"]
        argument = prompts.prompts[0].arguments[0]
        assert (argument.name, argument.required) == ("name", True)

        prompt = await client.get_prompt("hello_introduce", {"name": "Ada"})
        assert prompt.description == "Introduce Ada"
        assert len(prompt.messages) == 1
        assert prompt.messages[0].role == "user"
        assert prompt.messages[0].content.text == "Write a two-sentence introduction of Ada."

        completion = await client.complete(types.PromptReference(type="ref/prompt", name="hello_introduce"),
                                           {"name": "name", "value": "A"})
        assert completion.completion.values == ["Ada", "Alan"]
        none = await client.complete(types.PromptReference(type="ref/prompt", name="hello_introduce"),
                                     {"name": "name", "value": "Zz"})
        assert none.completion.values == []


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("mode", MODES)
async def test_errors_reach_the_sdk(transport: str, mode: str, shared_server, stdio_plugins) -> None:
    """A failing tool is an isError result; an unknown tool a JSON-RPC -32602; unknown resources fail."""
    from mcp import MCPError

    async with connect(transport, mode, shared_server.url, stdio_plugins) as client:
        failed = await client.call_tool("faulty_throw", {})
        assert failed.is_error is True
        assert "faulty_throw failed on purpose" in failed.content[0].text

        with pytest.raises(MCPError) as unknown:
            await client.call_tool("no_such_tool", {})
        assert unknown.value.error.code == -32602

        with pytest.raises(MCPError) as missing:
            await client.read_resource("hello://nothing-here")
        assert missing.value.error.code == (-32002 if mode == "legacy" else -32602)

        # The server still serves after the errors.
        assert (await client.call_tool("hello_greet", {"name": "Bo"})).content[0].text == "Hello, Bo!"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_auto_mode_picks_2026(transport: str, shared_server, stdio_plugins) -> None:
    async with connect(transport, "auto", shared_server.url, stdio_plugins) as client:
        assert client.protocol_version == MODERN
        discover = client.session.discover_result
        assert discover is not None, "auto mode did not adopt a server/discover result"
        assert client.session.initialize_result is None
        assert MODERN in discover.supported_versions
        assert discover.capabilities.tools is not None and discover.capabilities.tools.list_changed is True
        result = await client.call_tool("hello_greet", {"name": "Auto"})
        assert result.structured_content == {"greeting": "Hello, Auto!", "name": "Auto"}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_legacy_initialize_result(transport: str, shared_server, stdio_plugins) -> None:
    async with connect(transport, "legacy", shared_server.url, stdio_plugins) as client:
        initialized = client.session.initialize_result
        assert initialized is not None
        assert initialized.protocol_version == LATEST_LEGACY
        assert initialized.server_info.name == "cloverdx-mcp"
        capabilities = initialized.capabilities
        assert capabilities.tools is not None and capabilities.tools.list_changed is True
        assert capabilities.completions is not None
