import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MCPProtocol
import MCPProxy
import MCPTransport
import PluginHost
import RemoteMCP
import Synchronization
import Testing
import TestSupport

/// Tools of a remote MCP server for the proxy to merge: one that only reads and takes an integer,
/// one that writes, and one whose name a local plugin also uses. Counts the calls that reach it.
final class RemoteTools: MCPCatalog {
    let calls = Atomic<Int>(0)
    let definitions: [JSONValue] = [
        ["name": "remote_read", "description": "reads", "annotations": ["readOnlyHint": true],
         "inputSchema": ["type": "object", "properties": ["n": ["type": "integer"]], "required": ["n"]]],
        ["name": "remote_write", "description": "writes", "inputSchema": ["type": "object"]],
        ["name": "echo_arguments", "description": "the remote's echo", "annotations": ["readOnlyHint": true], "inputSchema": ["type": "object"]],
    ]

    func tools() -> [CatalogTool] { definitions.map { CatalogTool(definition: $0, provider: "remote-test") } }
    func tool(named name: String) -> CatalogTool? { tools().first { $0.name == name } }
    func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult {
        calls.add(1, ordering: .relaxed)
        return ToolCallResult(["content": [["type": "text", "text": .string("remote ran \(tool.name)")]]])
    }
    func listResources(for client: ClientContext) -> [JSONValue] { [] }
    func listResourceTemplates(for client: ClientContext) -> [JSONValue] { [] }
    func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue { throw ResourceNotFound(uri: uri) }
    func listPrompts(for client: ClientContext) -> [JSONValue] { [] }
    func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        throw MCPError.invalidParams("no prompts")
    }
    func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue { [:] }
}

/// Keeps the audit lines a logger writes.
final class AuditLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    func about(_ tool: String) -> [String] { all.filter { $0.contains("tool=\(tool) ") } }

    var logger: Logger {
        Logger(label: "audit") { _ in CapturingHandler(sink: self) }
    }

    struct CapturingHandler: LogHandler {
        let sink: AuditLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            sink.append(message.description)
        }
    }
}

/// The gate is applied once, in the server, to whatever catalog it serves: a plugin's tool and a
/// proxied tool meet the same scope rule, read-only switch, argument check and audit line.
@Suite struct ToolGateAcrossCatalogsTests {
    @Test func pluginAndProxiedToolsPassTheSameGate() async throws {
        let remoteTools = RemoteTools()
        let remoteServer = MCPServer(identity: ServerIdentity(name: "remote", title: "R", version: "1", instructions: ""), catalog: remoteTools)
        let endpoint = MCPHTTPEndpoint(server: remoteServer, options: HTTPTransportOptions(), logger: BuiltPlugins.logger)
        let app = Application(responder: endpoint, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: BuiltPlugins.logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let changes = ChangeHub()
            let remote = RemoteCatalog(
                endpoint: try RemoteMCPEndpoint(url: URL(string: "http://127.0.0.1:\(port)/mcp")!, timeout: .seconds(10), version: "test"),
                changes: changes, log: { _ in })
            let connection = Task { await remote.run() }
            defer { connection.cancel() }
            while remote.tools().isEmpty { try await Task.sleep(for: .milliseconds(10)) }

            let registry = PluginRegistry(loader: BuiltPlugins.loader(), changes: changes, logger: BuiltPlugins.logger)
            var echo = BuiltPlugins.entry("echo-c", library: "EchoCPlugin")
            echo.scopes = ["cloverdx.echo"]
            registry.apply(PluginManifest(plugins: [
                echo, BuiltPlugins.entry("hello-swift", library: "HelloSwiftPlugin"),
                BuiltPlugins.entry("support-issue", library: "SupportIssuePlugin"),
            ]))
            let audit = AuditLines()
            let server = MCPServer(identity: ServerIdentity(name: "t", title: "T", version: "1", instructions: ""),
                                   catalog: CompositeCatalog(local: registry, remote: remote),
                                   governance: ToolGovernance(readOnly: true, enabled: [], disabled: []),
                                   audit: ToolCallAudit(logger: audit.logger), changes: changes)
            let caller = ClientContext(revision: .v2025_11_25, principal: Principal(subject: "ann", scopes: ["cloverdx.other"]))
            func call(_ name: String, _ arguments: JSONValue) async throws -> JSONValue {
                try await server.tools.callTool(name: name, arguments: arguments, context: MCPRequestContext(client: caller, progressToken: nil, emit: { _ in }))
            }

            // Scopes: the local echo is hidden from this caller, and the remote's echo of the same name does not stand in.
            let listed = Set(server.tools.listTools(for: caller).compactMap { $0["name"]?.stringValue })
            #expect(listed == ["hello_greet", "hello_count", "hello_node", "support_issue_status", "remote_read"])
            await #expect(throws: InsufficientScope.self) { try await call("echo_arguments", [:]) }

            // Read-only mode: the plugin's write tool and the proxied one are refused alike, naming the setting.
            for name in ["report_support_issue", "remote_write"] {
                let refused = try await call(name, [:])
                #expect(refused["isError"] == true)
                #expect(refused["content"]?[0]?["text"]?.stringValue?.contains("clover.mcp.read.only") == true, "\(name)")
            }

            // Arguments are checked against the schema before either side runs.
            let badPlugin = try await call("hello_greet", ["name": 5])
            let badRemote = try await call("remote_read", ["n": "five"])
            #expect(badPlugin["isError"] == true && badRemote["isError"] == true)
            #expect(badRemote["content"]?[0]?["text"]?.stringValue?.contains("\"n\"") == true)
            #expect(remoteTools.calls.load(ordering: .relaxed) == 0)

            let good = try await call("remote_read", ["n": 1])
            #expect(good["content"]?[0]?["text"] == "remote ran remote_read")
            #expect(remoteTools.calls.load(ordering: .relaxed) == 1)

            // One audit line per call, naming who served it and how it ended.
            let expected: [(String, String, String)] = [
                ("echo_arguments", "echo-c", "denied"), ("report_support_issue", "support-issue", "denied"),
                ("remote_write", "remote", "denied"), ("hello_greet", "hello-swift", "tool_error"),
            ]
            for (tool, provider, outcome) in expected {
                let lines = audit.about(tool)
                #expect(lines.count == 1, "\(tool): \(lines)")
                #expect(lines.first?.contains("plugin=\(provider) outcome=\(outcome)") == true, "\(tool): \(lines)")
            }
            #expect(audit.about("remote_read").map { $0.contains("outcome=tool_error") } == [true, false])
        }
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
