import Foundation
import MCPProtocol
import Synchronization
import Testing
@testable import PluginHost
import TestSupport

/// Records which lists the registry announced as changed.
final class ChangeLog: Sendable {
    private let seen = Mutex<[CatalogChange]>([])
    var changes: [CatalogChange] { seen.withLock { $0 } }
    func record(_ change: CatalogChange) { seen.withLock { $0.append(change) } }
}

func context(_ revision: ProtocolRevision = .v2025_11_25, progressToken: JSONValue? = nil,
             emit: @escaping @Sendable (JSONValue) -> Void = { _ in }) -> MCPRequestContext {
    MCPRequestContext(client: ClientContext(revision: revision, logLevel: .debug), progressToken: progressToken, emit: emit)
}

@Suite struct PluginRegistryTests {
    let hub = ChangeHub()
    let log = ChangeLog()
    let registry: PluginRegistry

    init() {
        registry = PluginRegistry(loader: BuiltPlugins.loader(configuration: ["clover.mcp.sidecar.page.size": "7", "jdbc.password": "x"]),
                                  changes: hub, pool: CallPool(baseThreads: 2, maximumThreads: 8),
                                  defaultTimeout: .seconds(10), logger: BuiltPlugins.logger)
        _ = hub.subscribe { [log] in log.record($0) }
    }

    func manifest(_ entries: PluginEntry...) -> PluginManifest { PluginManifest(plugins: entries) }
    var hello: PluginEntry { BuiltPlugins.entry("hello-swift", library: "HelloSwiftPlugin") }
    var echo: PluginEntry { BuiltPlugins.entry("echo-c", library: "EchoCPlugin") }
    var faulty: PluginEntry { BuiltPlugins.entry("faulty", library: "FaultyTestPlugin", timeoutMs: 300) }

    func toolNames() -> [String] {
        registry.gate.listTools(for: ClientContext(revision: .v2025_11_25)).compactMap { $0["name"]?.stringValue }
    }

    @Test func callsToolsInBothExamplePlugins() async throws {
        registry.apply(manifest(hello, echo))
        #expect(toolNames() == ["hello_greet", "hello_count", "hello_node", "echo_arguments", "echo_host"])
        let greeting = try await registry.gate.callTool(name: "hello_greet", arguments: ["name": "Ada"], context: context())
        #expect(greeting["structuredContent"]?["greeting"] == "Hello, Ada!")
        let echoed = try await registry.gate.callTool(name: "echo_arguments", arguments: ["text": "a \"quoted\"\nline"], context: context())
        #expect(echoed["structuredContent"]?["arguments"]?["text"] == "a \"quoted\"\nline")
        #expect(echoed["isError"] == false)
    }

    @Test func invalidArgumentsBecomeAToolErrorTheModelCanRead() async throws {
        registry.apply(manifest(hello))
        let result = try await registry.gate.callTool(name: "hello_greet", arguments: ["name": 5], context: context())
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("\"name\" must be a string") == true)
        let missing = try await registry.gate.callTool(name: "hello_greet", arguments: [:], context: context())
        #expect(missing["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("\"name\" is required") == true)
    }

    @Test func toolsOfAPluginNeedItsScopes() async throws {
        var scoped = hello
        scoped.scopes = ["cloverdx.hello"]
        registry.apply(manifest(scoped, echo))
        let narrow = ClientContext(revision: .v2025_11_25, principal: Principal(subject: "bob", scopes: ["cloverdx.mcp"]))
        #expect(Set(registry.gate.listTools(for: narrow).compactMap { $0["name"]?.stringValue }) == ["echo_arguments", "echo_host"])
        #expect(registry.tool(named: "hello_greet")?.requiredScopes == ["cloverdx.hello"])
        let call = MCPRequestContext(client: narrow, progressToken: nil, emit: { _ in })
        await #expect(throws: InsufficientScope.self) { try await registry.gate.callTool(name: "hello_greet", arguments: ["name": "x"], context: call) }
        let wide = ClientContext(revision: .v2025_11_25, principal: Principal(subject: "bob", scopes: ["cloverdx.hello"]))
        #expect(registry.gate.listTools(for: wide).count == registry.gate.listTools(for: ClientContext(revision: .v2025_11_25)).count)
        #expect(registry.pluginScopes == ["cloverdx.hello"])
    }

    @Test func unknownToolIsInvalidParams() async {
        registry.apply(manifest(hello))
        await #expect(throws: MCPError.self) { try await registry.gate.callTool(name: "nope", arguments: [:], context: context()) }
    }

    @Test func aThrowingToolIsAnErrorResultAndTheHostStaysUp() async throws {
        registry.apply(manifest(faulty, echo))
        let result = try await registry.gate.callTool(name: "faulty_throw", arguments: [:], context: context())
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayValue?.first?["text"] == "faulty_throw failed on purpose")
        let after = try await registry.gate.callTool(name: "echo_arguments", arguments: [:], context: context())
        #expect(after["isError"] == false)
    }

    @Test func aHangingToolTimesOutAndOthersStillAnswer() async throws {
        registry.apply(manifest(faulty, echo))
        let started = ContinuousClock.now
        // Three hung calls, more than the pool's base threads: the pool grows so the host keeps answering.
        async let hung1 = registry.gate.callTool(name: "faulty_sleep", arguments: ["seconds": 20], context: context())
        async let hung2 = registry.gate.callTool(name: "faulty_sleep", arguments: ["seconds": 20], context: context())
        async let hung3 = registry.gate.callTool(name: "faulty_sleep", arguments: ["seconds": 20], context: context())
        let echo = try await registry.gate.callTool(name: "echo_arguments", arguments: [:], context: context())
        #expect(echo["isError"] == false)
        for result in try await [hung1, hung2, hung3] {
            #expect(result["isError"] == true)
            #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("did not finish within 300 ms") == true)
        }
        // Far below the 20 s the plugin sleeps, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func cancellationReachesThePlugin() async throws {
        registry.apply(manifest(BuiltPlugins.entry("faulty", library: "FaultyTestPlugin")))
        let request = context()
        let call = Task { try await registry.gate.callTool(name: "faulty_sleep", arguments: ["seconds": 5, "honourCancellation": true], context: request) }
        try await Task.sleep(for: .milliseconds(100))
        request.cancellation.cancel()
        let result = try await call.value
        #expect(result["content"]?.arrayValue?.first?["text"] == "cancelled")
    }

    @Test func relaysProgressFromThePlugin() async throws {
        registry.apply(manifest(hello))
        let seen = Mutex<[Double]>([])
        let request = context(progressToken: "t") { message in
            if let value = message["params"]?["progress"]?.doubleValue { seen.withLock { $0.append(value) } }
        }
        _ = try await registry.gate.callTool(name: "hello_count", arguments: ["to": 4], context: request)
        #expect(seen.withLock { $0 } == [1, 2, 3, 4])
    }

    @Test func pluginsReadConfigurationButNeverSecrets() async throws {
        registry.apply(manifest(faulty))
        let size = try await registry.gate.callTool(name: "faulty_config", arguments: ["key": "clover.mcp.sidecar.page.size"], context: context())
        #expect(size["content"]?.arrayValue?.first?["text"] == "7")
        let secret = try await registry.gate.callTool(name: "faulty_config", arguments: ["key": "jdbc.password"], context: context())
        #expect(secret["content"]?.arrayValue?.first?["text"] == "<unset>")
    }

    @Test func refusesAToolNameClash() {
        let twin = BuiltPlugins.entry("hello-twin", library: "HelloSwiftPlugin")
        let report = registry.apply(manifest(hello, twin, echo))
        #expect(report.active == ["hello-swift", "echo-c"])
        #expect(report.failed.map(\.pluginID) == ["hello-twin"])
        #expect(report.failed.first?.reason.contains("tool \"hello_greet\" is already provided by plugin \"hello-swift\"") == true)
    }

    @Test func skipsBrokenPluginsAndServesTheRest() {
        let report = registry.apply(manifest(BuiltPlugins.entry("future", library: "WrongABITestPlugin"), echo,
                                             BuiltPlugins.entry("plain", library: "NoEntryTestPlugin")))
        #expect(report.active == ["echo-c"])
        #expect(Set(report.failed.map(\.pluginID)) == ["future", "plain"])
        #expect(toolNames() == ["echo_arguments", "echo_host"])
    }

    @Test func disablingUnregistersAndAnnouncesTheChange() {
        registry.apply(manifest(hello, echo))
        var disabled = hello
        disabled.enabled = false
        let report = registry.apply(manifest(disabled, echo))
        #expect(report.disabled == ["hello-swift"])
        #expect(toolNames() == ["echo_arguments", "echo_host"])
        #expect(log.changes.contains(.tools) && log.changes.contains(.prompts) && log.changes.contains(.resources))
        let before = log.changes.count
        registry.apply(manifest(disabled, echo))  // nothing changed: nothing announced
        #expect(log.changes.count == before)
        registry.apply(manifest(hello, echo))  // enabled again: the loaded library is reused
        #expect(toolNames() == ["hello_greet", "hello_count", "hello_node", "echo_arguments", "echo_host"])
    }

    @Test func readsResourcesByURIAndTemplate() async throws {
        registry.apply(manifest(hello))
        let about = try await registry.readResource(uri: "hello://about", context: context())
        #expect(about["contents"]?.arrayValue?.first?["text"]?.stringValue?.contains("PluginKit example") == true)
        let greeting = try await registry.readResource(uri: "hello://greeting/Grace", context: context())
        #expect(greeting["contents"]?.arrayValue?.first?["text"] == "Hello, Grace!")
        await #expect(throws: ResourceNotFound.self) { try await registry.readResource(uri: "hello://other", context: context()) }
        await #expect(throws: ResourceNotFound.self) { try await registry.readResource(uri: "file:///etc/passwd", context: context()) }
    }

    @Test func rendersPromptsAndChecksRequiredArguments() async throws {
        registry.apply(manifest(hello))
        let prompt = try await registry.getPrompt(name: "hello_introduce", arguments: ["name": "Ada"], context: context())
        #expect(prompt["messages"]?.arrayValue?.first?["content"]?["text"]?.stringValue?.contains("Ada") == true)
        await #expect(throws: MCPError.self) { try await registry.getPrompt(name: "hello_introduce", arguments: [:], context: context()) }
        await #expect(throws: MCPError.self) { try await registry.getPrompt(name: "nope", arguments: [:], context: context()) }
    }

    @Test func completesPromptArguments() async throws {
        registry.apply(manifest(hello))
        let result = try await registry.complete(["ref": ["type": "ref/prompt", "name": "hello_introduce"], "argument": ["name": "name", "value": "a"]],
                                                 context: context())
        #expect(result["completion"]?["values"] == ["Ada", "Alan"])
    }
}

/// A host service for the tests: answers with what it was asked and who asked.
struct EchoService: HostService {
    let name = "test.echo"
    let grant = "test.read"
    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        if request["fail"] == true { throw ServiceError(.invalidArguments, "asked to fail") }
        return ["plugin": .string(context.pluginID), "request": request]
    }
}

/// A host service that tells which threads ran it: before and after a suspension, and a child task.
struct ThreadService: HostService {
    let name = "test.thread"
    let grant = "test.read"
    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        let before = currentThreadName()
        try await Task.sleep(for: .milliseconds(5))
        async let child = currentThreadName()
        let after = currentThreadName()
        return ["before": .string(before), "after": .string(after), "child": .string(await child)]
    }

    private func currentThreadName() -> String { Thread.current.name ?? "" }
}

@Suite struct HostServiceTests {
    let registry = PluginRegistry(
        loader: PluginLoader(searchDirectories: [BuiltPlugins.directory], logger: BuiltPlugins.logger,
                             services: HostServiceDirectory([EchoService(), ThreadService()])),
        changes: ChangeHub(), logger: BuiltPlugins.logger)

    func call(_ arguments: JSONValue) async throws -> JSONValue {
        try await registry.gate.callTool(name: "faulty_service", arguments: arguments, context: context())
    }

    @Test func grantedPluginGetsTheServiceAnswer() async throws {
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin", grants: ["test.read"])]))
        let result = try await call(["service": "test.echo", "request": ["q": 1]])
        #expect(result["structuredContent"]?["plugin"] == "faulty")
        #expect(result["structuredContent"]?["request"]?["q"] == 1)
    }

    @Test func servicesRunOnThePluginCallThreadNotSwiftsSharedPool() async throws {
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin", grants: ["test.read"])]))
        let threads = try await call(["service": "test.thread"])["structuredContent"]
        #expect(threads?["before"] == "plugin call")
        #expect(threads?["after"] == "plugin call")
        #expect(threads?["child"] == "plugin call")
    }

    @Test func pluginWithoutTheGrantIsRefused() async throws {
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin")]))
        let result = try await call(["service": "test.echo"])
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("no grant \"test.read\"") == true)
    }

    @Test func grantsFollowPluginsJSON() async throws {
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin", grants: ["test.read"])]))
        #expect(try await call(["service": "test.echo"])["isError"] == false)
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin")]))
        #expect(try await call(["service": "test.echo"])["isError"] == true)
    }

    @Test func unknownServiceAndServiceErrorsReachThePlugin() async throws {
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin", grants: ["test.read"])]))
        let unknown = try await call(["service": "files.read"])
        #expect(unknown["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("no host service \"files.read\"") == true)
        let failing = try await call(["service": "test.echo", "request": ["fail": true]])
        #expect(failing["content"]?.arrayValue?.first?["text"] == "asked to fail")
    }
}
