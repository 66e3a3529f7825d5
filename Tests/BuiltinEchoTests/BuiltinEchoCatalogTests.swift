import MCPProtocol
import Testing
import BuiltinEcho
import PluginHost
import TestSupport

/// The built-in echo is the benchmark's reference for plugin-call overhead, so it must be the C
/// plugin's tool to the letter: the same tools/list entry and the same answers.
func context() -> MCPRequestContext {
    MCPRequestContext(client: ClientContext(revision: .v2025_11_25), progressToken: nil, emit: { _ in })
}

@Suite struct BuiltinEchoCatalogTests {
    let plugins: PluginRegistry
    let builtin: BuiltinEchoCatalog

    init() {
        plugins = PluginRegistry(loader: BuiltPlugins.loader(), changes: ChangeHub(), logger: BuiltPlugins.logger)
        plugins.apply(PluginManifest(plugins: [BuiltPlugins.entry("echo-c", library: "EchoCPlugin")]))
        let empty = PluginRegistry(loader: BuiltPlugins.loader(), changes: ChangeHub(), logger: BuiltPlugins.logger)
        builtin = BuiltinEchoCatalog(next: empty)
    }

    @Test func answersLikeTheCPlugin() async throws {
        let client = ClientContext(revision: .v2025_11_25)
        #expect(builtin.gate.listTools(for: client) == plugins.gate.listTools(for: client).filter { $0["name"] == "echo_arguments" })
        let cases: [JSONValue] = [["text": "hi"], [:], ["text": "a \"quoted\"\nline", "n": 3, "nested": ["x": [1, 2.5, nil, true]]], ["text": 7]]
        for arguments in cases {
            let fromPlugin = try await plugins.gate.callTool(name: "echo_arguments", arguments: arguments, context: context())
            let fromHost = try await builtin.gate.callTool(name: "echo_arguments", arguments: arguments, context: context())
            #expect(fromHost == fromPlugin)
        }
    }

    @Test func passesOtherToolsOnAndShadowsAPluginsEcho() async throws {
        let both = BuiltinEchoCatalog(next: plugins)
        #expect(both.gate.listTools(for: ClientContext(revision: .v2025_11_25)).compactMap { $0["name"]?.stringValue } == ["echo_arguments", "echo_host"])
        await #expect(throws: MCPError.self) {
            try await both.gate.callTool(name: "no_such_tool", arguments: [:], context: context())
        }
    }
}
