import Foundation
import CloverMCPPluginABI
import MCPProtocol
import Testing
@testable import PluginHost
import TestSupport

/// "installation.info" as a test host offers it: enough for a plugin to show it reached the service.
struct NodeInfoService: HostService {
    let name = "installation.info"
    let grant = "installation.read"
    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        ["nodeId": "node01", "caller": .string(context.pluginID)]
    }
}

/// The growth rule: plugins built against the frozen version-1 header and against a newer one both
/// load on this host and use only what the other side has. Serialized: the C fixtures keep the last
/// handle their entry was given in a static, as C plugins do, so loads must not interleave.
@Suite(.serialized) struct ABICompatibilityTests {
    let loader = PluginLoader(searchDirectories: [BuiltPlugins.directory], logger: BuiltPlugins.logger,
                              configuration: { $0 == "clover.mcp.test.greeting" ? "Ahoj" : nil },
                              services: HostServiceDirectory([NodeInfoService()]))
    var registry: PluginRegistry { PluginRegistry(loader: loader, changes: ChangeHub(), logger: BuiltPlugins.logger) }

    @Test func aVersion1PluginLoadsWithItsSmallerDescriptor() throws {
        let plugin = try loader.load(BuiltPlugins.entry("abi-v1", library: "ABIv1TestPlugin"), manifestDirectory: nil)
        #expect(plugin.descriptorSize == PluginLoader.descriptorVersion1Size)
        #expect(plugin.descriptorSize < MemoryLayout<cdxmcp_plugin>.size)
        #expect(plugin.summary == nil)  // a 1.1 field it cannot have set, though other data follows its struct
        #expect(plugin.toolNames == ["v1_probe"])
    }

    @Test func aVersion1PluginCallsConfigurationAndAServiceOnThisHost() async throws {
        let registry = registry
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "abi-v1", library: "ABIv1TestPlugin", grants: ["installation.read"])]))
        let result = try await registry.gate.callTool(name: "v1_probe", arguments: [:], context: context())
        let probe = try #require(result["structuredContent"])
        #expect(probe["setting"] == "Ahoj")
        #expect(probe["serviceStatus"] == 0)
        #expect(probe["service"]?["nodeId"] == "node01")
        #expect(probe["service"]?["caller"] == "abi-v1")
        #expect(probe["hostTableBytes"]?.intValue == Int64(MemoryLayout<cdxmcp_host_api>.size))
    }

    @Test func aPluginFromANewerHeaderLoadsAndSeesOnlyWhatThisHostHas() async throws {
        let plugin = try loader.load(BuiltPlugins.entry("abi-future", library: "ABIFutureTestPlugin"), manifestDirectory: nil)
        #expect(plugin.descriptorSize > MemoryLayout<cdxmcp_plugin>.size)
        #expect(plugin.summary == "built against a newer header")
        let registry = registry
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "abi-future", library: "ABIFutureTestPlugin")]))
        let probe = try #require(try await registry.gate.callTool(name: "future_probe", arguments: [:], context: context())["structuredContent"])
        #expect(probe["hostHasSetLoadError"] == true)
        #expect(probe["hostHasFutureFunction"] == false)
        #expect(probe["pluginDescriptorBytes"]?.intValue == Int64(plugin.descriptorSize))
    }

    @Test func theHostTableStartsWithVersion1sLayout() {
        // What every plugin ever built reads: the same offsets forever (abi.c asserts the sizes too).
        #expect(MemoryLayout<cdxmcp_host_api>.offset(of: \.call_service) == 56)
        #expect(MemoryLayout<cdxmcp_host_api>.size > 64)
        #expect(PluginLoader.descriptorVersion1Size == 104)
    }
}

/// A plugin that breaks one rule is refused with its id and the reason; the rest of the set serves.
@Suite struct BadPluginTests {
    func refusal(_ mode: String) -> PluginLoadError? {
        do {
            _ = try BuiltPlugins.loader().load(
                BuiltPlugins.entry("misbehaving", library: "MisbehavingCTestPlugin", settings: ["mode": .string(mode)]), manifestDirectory: nil)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("small-descriptor", "descriptor is 16 bytes, smaller than ABI 1's 104"),
        ("null-descriptor", "returned no descriptor"),
        ("tools-not-json", "tools_json is not a JSON array"),
        ("bad-tool-name", "tool name \"list files\" breaks MCP's rule"),
        ("no-call-tool", "lists tools but has no call_tool entry point"),
        ("no-id", "descriptor has no id"),
        ("fail-with-reason", "status 1: the licence file /opt/acme/licence is missing"),
        ("fail-logged", "status 1: cannot start: no ACME_HOME"),
        ("fail-silently", "gave no reason"),
    ])
    func isRefusedWithTheReason(mode: String, reason: String) throws {
        let error = try #require(refusal(mode), "mode \(mode) loaded")
        #expect(error.description.hasPrefix("plugin \"misbehaving\" not loaded: "))
        #expect(error.reason.contains(reason), "\(error.reason)")
    }

    @Test func theOtherPluginsServe() {
        let registry = PluginRegistry(loader: BuiltPlugins.loader(), changes: ChangeHub(), logger: BuiltPlugins.logger)
        registry.apply(PluginManifest(plugins: [
            BuiltPlugins.entry("misbehaving", library: "MisbehavingCTestPlugin", settings: ["mode": "bad-tool-name"]),
            BuiltPlugins.entry("echo-c", library: "EchoCPlugin"),
        ]))
        #expect(registry.tools().map(\.name).contains("echo_arguments"))
        #expect(!registry.tools().map(\.name).contains("list files"))
    }
}
