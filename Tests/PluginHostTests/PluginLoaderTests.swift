import Foundation
import MCPProtocol
import Testing
@testable import PluginHost
import TestSupport

@Suite struct PluginLoaderTests {
    let loader = BuiltPlugins.loader(configuration: ["clover.mcp.sidecar.page.size": "7", "jdbc.password": "hunter2"])

    @Test func loadsTheSwiftExampleThroughTheABI() throws {
        let plugin = try loader.load(BuiltPlugins.entry("hello-swift", library: "HelloSwiftPlugin"), manifestDirectory: nil)
        #expect(plugin.version == "1.0.0")
        #expect(plugin.toolNames == ["hello_greet", "hello_count", "hello_node"])
        #expect(plugin.prompts.count == 1 && plugin.resources.count == 1 && plugin.resourceTemplates.count == 1)
        let greet = try #require(plugin.tools.first)
        #expect(greet["annotations"]?["readOnlyHint"] == true)
        #expect(greet["outputSchema"]?["type"] == "object")
    }

    @Test func loadsTheCExampleBuiltFromTheHeaderAlone() throws {
        let plugin = try loader.load(BuiltPlugins.entry("echo-c", library: "EchoCPlugin"), manifestDirectory: nil)
        #expect(plugin.toolNames == ["echo_arguments", "echo_host"])
        #expect(!plugin.isSerial)
    }

    @Test func refusesAPluginBuiltForAnotherABI() {
        do {
            _ = try loader.load(BuiltPlugins.entry("future", library: "WrongABITestPlugin"), manifestDirectory: nil)
            Issue.record("loaded a plugin built for ABI 2")
        } catch {
            #expect(error.reason.contains("built for ABI 2"))
            #expect(error.reason.contains("rebuild it against CloverMCPPluginABI 1"))
        }
    }

    @Test func refusesALibraryWithoutTheEntrySymbol() {
        do {
            _ = try loader.load(BuiltPlugins.entry("plain", library: "NoEntryTestPlugin"), manifestDirectory: nil)
            Issue.record("loaded a library without an entry")
        } catch {
            #expect(error.reason.contains("exports no cdxmcp_plugin_entry_v1"))
        }
    }

    @Test func reportsWhyAnEntryFailed() {
        do {
            _ = try loader.load(BuiltPlugins.entry("faulty", library: "FaultyTestPlugin", settings: ["failEntry": true]), manifestDirectory: nil)
            Issue.record("entry should have failed")
        } catch {
            #expect(error.reason.contains("entry point failed"))
            #expect(error.reason.contains("failEntry"))
        }
    }

    @Test func namesTheFoldersItSearched() {
        do {
            _ = try loader.load(BuiltPlugins.entry("missing", library: "DoesNotExist"), manifestDirectory: nil)
            Issue.record("found a library that does not exist")
        } catch {
            #expect(error.reason.contains("libDoesNotExist.so not found in"))
        }
    }

    @Test func checksTheConfiguredSHA256() throws {
        let url = URL(fileURLWithPath: BuiltPlugins.path("EchoCPlugin"))
        let actual = try PluginLoader.sha256(of: url, pluginID: "echo-c")
        #expect(actual.count == 64)
        _ = try loader.load(BuiltPlugins.entry("echo-c", library: "EchoCPlugin", sha256: actual), manifestDirectory: nil)
        let wrong = String(repeating: "0", count: 64)
        #expect(throws: PluginLoadError.self) {
            try loader.load(BuiltPlugins.entry("echo-c", library: "EchoCPlugin", sha256: wrong), manifestDirectory: nil)
        }
    }

    @Test func resolvesPathsRelativeToPluginsJSON() throws {
        let entry = PluginEntry(id: "echo-c", library: nil, path: "libEchoCPlugin.so", enabled: true, settings: [:],
                                sha256: nil, grants: [], timeoutMilliseconds: nil)
        let url = try loader.resolve(entry, manifestDirectory: BuiltPlugins.directory)
        #expect(url.path == BuiltPlugins.path("EchoCPlugin"))
    }

    @Test func toolNamesFollowTheMCPRule() {
        #expect(ToolDefinitionCheck.isValidToolName("server_logs.search-2"))
        #expect(!ToolDefinitionCheck.isValidToolName(""))
        #expect(!ToolDefinitionCheck.isValidToolName("has space"))
        #expect(!ToolDefinitionCheck.isValidToolName("é"))
        #expect(!ToolDefinitionCheck.isValidToolName(String(repeating: "a", count: 129)))
        #expect(ToolDefinitionCheck.problem(tools: [["name": "a", "inputSchema": ["type": "string"]]], callable: true) != nil)
        #expect(ToolDefinitionCheck.problem(tools: [["name": "a", "inputSchema": ["type": "object"]]], callable: false) != nil)
        #expect(ToolDefinitionCheck.problem(tools: [["name": "a", "inputSchema": ["type": "object"]], ["name": "a", "inputSchema": ["type": "object"]]], callable: true) != nil)
    }
}
