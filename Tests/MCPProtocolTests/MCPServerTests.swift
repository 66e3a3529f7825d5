import Synchronization
import Testing
@testable import MCPProtocol

/// A catalog with fixed lists, so the protocol layer is tested on its own; the plugin registry has its own tests.
struct FixedCatalog: MCPCatalog {
    var definitions: [JSONValue] = [
        ["name": "alpha", "title": "Alpha", "description": "a", "inputSchema": ["type": "object"],
         "outputSchema": ["type": "object"], "annotations": ["readOnlyHint": true], "icons": []],
        ["name": "beta", "description": "b", "inputSchema": ["type": "object"]],
        ["name": "gamma", "description": "c", "inputSchema": ["type": "object"]],
    ]

    func tools() -> [CatalogTool] { definitions.map { CatalogTool(definition: $0, provider: "fixed") } }
    func tool(named name: String) -> CatalogTool? { tools().first { $0.name == name } }

    func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult {
        ToolCallResult(try await run(tool.name, context: context))
    }

    private func run(_ name: String, context: MCPRequestContext) async throws -> JSONValue {
        context.reportProgress(1, total: 2)
        context.reportProgress(1, total: 2)  // not growing: must be dropped
        context.reportProgress(2, total: 2, message: "done")
        context.log(.warning, logger: "test", "a warning")
        context.log(.debug, logger: "test", "a debug line")
        if name == "gamma" {
            while !context.cancellation.isCancelled { try await Task.sleep(for: .milliseconds(5)) }
            return ["content": [["type": "text", "text": "cancelled"]]]
        }
        return ["content": [["type": "text", "text": .string("ran \(name)")], ["type": "resource_link", "uri": "x://1", "name": "one"]],
                "structuredContent": ["ok": true], "isError": false]
    }

    func listResources(for client: ClientContext) -> [JSONValue] { [["uri": "x://1", "name": "one", "title": "One"]] }
    func listResourceTemplates(for client: ClientContext) -> [JSONValue] { [] }
    func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue {
        guard uri == "x://1" else { throw ResourceNotFound(uri: uri) }
        return ["contents": [["uri": "x://1", "text": "one"]]]
    }
    func listPrompts(for client: ClientContext) -> [JSONValue] { [] }
    func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        throw MCPError.invalidParams("unknown prompt \(name)")
    }
    func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        ["completion": ["values": ["a"]]]
    }
}

extension Reply {
    /// The reply's message member `key`, so tests read replies as the JSON they carry.
    subscript(key: String) -> JSONValue? { message?[key] }
}

/// Collects what the server emits for a request.
final class Emitted: Sendable {
    private let messages = Mutex<[JSONValue]>([])
    var all: [JSONValue] { messages.withLock { $0 } }
    func append(_ message: JSONValue) { messages.withLock { $0.append(message) } }
    func methods() -> [String] { all.compactMap { $0["method"]?.stringValue } }
}

func request(_ id: Int64, _ method: String, _ params: JSONValue? = nil) -> JSONRPCRequest {
    JSONRPCRequest(id: .int(id), method: method, params: params)
}

func modernMeta(_ version: String = "2026-07-28", extra: JSONValue = .emptyObject) -> JSONValue {
    var meta: JSONValue = [ModernMetaKey.protocolVersion: .string(version), ModernMetaKey.clientCapabilities: .emptyObject]
    for (key, value) in extra.objectValue ?? [:] { meta[key] = value }
    return meta
}

@Suite struct HandshakeEraTests {
    let server = MCPServer(identity: ServerIdentity(name: "t", title: "T", version: "1", instructions: "i"),
                           catalog: FixedCatalog(), options: ServerOptions(pageSize: 2))

    func open(_ version: String) throws -> LegacySession {
        try server.initialize(request(1, "initialize", ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "c", "version": "1"]])).session
    }

    @Test(arguments: ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])
    func echoesSupportedRevision(_ version: String) throws {
        let (session, result) = try server.initialize(request(1, "initialize", ["protocolVersion": .string(version), "capabilities": [:]]))
        #expect(result["protocolVersion"] == .string(version))
        #expect(session.revision.rawValue == version)
        #expect((result["capabilities"]?["completions"] != nil) == (version >= "2025-03-26"))
        #expect((result["serverInfo"]?["title"] != nil) == (version >= "2025-06-18"))
    }

    @Test(arguments: ["1999-01-01", "2026-07-28", "2030-01-01"])
    func answersUnknownRevisionWithLatestHandshake(_ version: String) throws {
        let result = try server.initialize(request(1, "initialize", ["protocolVersion": .string(version)])).result
        #expect(result["protocolVersion"] == "2025-11-25")
    }

    @Test func refusesInitializeWithoutVersion() {
        #expect(throws: MCPError.self) { try server.initialize(request(1, "initialize", ["capabilities": [:]])) }
    }

    @Test func shapesToolsForOldClients() async throws {
        let old = try open("2024-11-05")
        let response = await server.serve(request(2, "tools/list"), in: old, emit: { _ in })
        let alpha = try #require(response["result"]?["tools"]?.arrayValue?.first)
        #expect(alpha["annotations"] == nil && alpha["title"] == nil && alpha["outputSchema"] == nil && alpha["icons"] == nil)
        let new = try open("2025-11-25")
        let full = await server.serve(request(2, "tools/list"), in: new, emit: { _ in })
        let alpha2 = try #require(full["result"]?["tools"]?.arrayValue?.first)
        #expect(alpha2["annotations"] != nil && alpha2["title"] != nil && alpha2["outputSchema"] != nil)
    }

    @Test func keepsStructuredResultsAsTextForOldClients() async throws {
        let old = try open("2025-03-26")
        let response = await server.serve(request(2, "tools/call", ["name": "alpha"]), in: old, emit: { _ in })
        let result = try #require(response["result"])
        #expect(result["structuredContent"] == nil)
        let types = result["content"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        #expect(types == ["text", "text"])  // resource_link became text
        let new = try open("2025-06-18")
        let modernResult = await server.serve(request(2, "tools/call", ["name": "alpha"]), in: new, emit: { _ in })
        #expect(modernResult["result"]?["structuredContent"] == ["ok": true])
    }

    @Test func pagesToolsWithOpaqueCursors() async throws {
        let session = try open("2025-11-25")
        let first = await server.serve(request(2, "tools/list"), in: session, emit: { _ in })
        #expect(first["result"]?["tools"]?.arrayValue?.count == 2)
        let cursor = try #require(first["result"]?["nextCursor"])
        let second = await server.serve(request(3, "tools/list", ["cursor": cursor]), in: session, emit: { _ in })
        #expect(second["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["gamma"])
        #expect(second["result"]?["nextCursor"] == nil)
        let bad = await server.serve(request(4, "tools/list", ["cursor": "bm9wZQ=="]), in: session, emit: { _ in })
        #expect(bad["error"]?["code"] == -32602)
        // A cursor from another list is refused too.
        let foreign = await server.serve(request(5, "resources/list", ["cursor": cursor]), in: session, emit: { _ in })
        #expect(foreign["error"]?["code"] == -32602)
    }

    @Test func unknownMethodAndBadParamsGetTheirCodes() async throws {
        let session = try open("2025-11-25")
        #expect(await server.serve(request(2, "nope/nope"), in: session, emit: { _ in })["error"]?["code"] == -32601)
        #expect(await server.serve(request(3, "tools/call", ["arguments": [:]]), in: session, emit: { _ in })["error"]?["code"] == -32602)
        #expect(await server.serve(request(4, "tools/call", ["name": "zeta"]), in: session, emit: { _ in })["error"]?["code"] == -32602)
        #expect(await server.serve(request(5, "tools/call", ["name": "alpha", "arguments": [1]]), in: session, emit: { _ in })["error"]?["code"] == -32602)
        #expect(await server.serve(request(6, "logging/setLevel", ["level": "loud"]), in: session, emit: { _ in })["error"]?["code"] == -32602)
        #expect(await server.serve(request(7, "ping"), in: session, emit: { _ in })["result"] == .emptyObject)
    }

    @Test func resourceNotFoundIsMinus32002() async throws {
        let session = try open("2025-11-25")
        let response = await server.serve(request(2, "resources/read", ["uri": "x://2"]), in: session, emit: { _ in })
        #expect(response["error"]?["code"] == -32002)
    }

    @Test func sendsGrowingProgressAndLogsAtTheSessionLevel() async throws {
        let session = try open("2025-11-25")
        _ = await server.serve(request(2, "logging/setLevel", ["level": "info"]), in: session, emit: { _ in })
        let emitted = Emitted()
        _ = await server.serve(request(3, "tools/call", ["name": "alpha", "_meta": ["progressToken": "p"]]), in: session,
                               emit: emitted.append)
        let progress = emitted.all.filter { $0["method"] == "notifications/progress" }.compactMap { $0["params"]?["progress"]?.doubleValue }
        #expect(progress == [1, 2])
        let logs = emitted.all.filter { $0["method"] == "notifications/message" }
        #expect(logs.count == 1 && logs.first?["params"]?["level"] == "warning")
    }

    @Test func cancellationReachesTheRunningRequest() async throws {
        let session = try open("2025-11-25")
        let call = Task { await server.serve(request(9, "tools/call", ["name": "gamma"]), in: session, emit: { _ in }) }
        while server.inFlight.count == 0 { try await Task.sleep(for: .milliseconds(2)) }
        server.receive(notification: "notifications/cancelled", params: ["requestId": 9, "reason": "user"], in: session)
        let response = await call.value
        #expect(response["result"]?["content"]?.arrayValue?.first?["text"] == "cancelled")
        #expect(server.inFlight.count == 0)
    }
}

@Suite struct StatelessEraTests {
    let server = MCPServer(identity: ServerIdentity(name: "t", title: "T", version: "1", instructions: "i"),
                           catalog: FixedCatalog(), options: ServerOptions(pageSize: 10))

    func serve(_ method: String, _ params: JSONValue = .emptyObject, meta: JSONValue = modernMeta()) async throws -> JSONValue {
        var params = params
        params["_meta"] = meta
        let rpc = request(1, method, params)
        let client = try server.modernClient(for: rpc)
        return await server.serveModern(rpc, client: client, scope: "test", emit: { _ in }).message ?? .null
    }

    @Test func discoverListsModernVersionsAndCapabilities() async throws {
        let result = try #require(try await serve("server/discover")["result"])
        #expect(result["supportedVersions"] == ["2026-07-28"])
        #expect(result["resultType"] == "complete")
        #expect(result["_meta"]?[ModernMetaKey.serverInfo]?["name"] == "t")
        #expect(result["ttlMs"]?.intValue != nil && result["cacheScope"] == "public")
    }

    @Test func listsCarryCachingHints() async throws {
        let result = try #require(try await serve("tools/list")["result"])
        #expect(result["tools"]?.arrayValue?.count == 3)
        #expect(result["ttlMs"]?.intValue ?? -1 >= 0)
        #expect(result["cacheScope"] == "public")
        #expect(result["resultType"] == "complete")
    }

    @Test(arguments: ["initialize", "ping", "logging/setLevel", "resources/subscribe"])
    func removedMethodsAreNotFound(_ method: String) async throws {
        let response = try await serve(method)
        #expect(response["error"]?["code"] == -32601)
        #expect(MCPError(code: -32601, message: "").modernHTTPStatus == 404)
    }

    @Test func unknownResourceIsInvalidParams() async throws {
        #expect(try await serve("resources/read", ["uri": "x://9"])["error"]?["code"] == -32602)
    }

    @Test func rejectsMissingOrUnsupportedEnvelope() throws {
        #expect(throws: MCPError.self) { try server.modernClient(for: request(1, "tools/list")) }
        do {
            _ = try server.modernClient(for: request(1, "tools/list", ["_meta": modernMeta("2099-01-01")]))
            Issue.record("accepted an unsupported version")
        } catch {
            #expect(error.code == -32022)
            #expect(error.data?["supported"]?.arrayValue?.contains("2026-07-28") == true)
            #expect(error.data?["requested"] == "2099-01-01")
        }
        let noCapabilities: JSONValue = [ModernMetaKey.protocolVersion: "2026-07-28"]
        #expect(throws: MCPError.self) { try server.modernClient(for: request(1, "tools/list", ["_meta": noCapabilities])) }
        let badLevel = modernMeta(extra: [ModernMetaKey.logLevel: "shout"])
        #expect(throws: MCPError.self) { try server.modernClient(for: request(1, "tools/list", ["_meta": badLevel])) }
    }

    @Test func logsOnlyWhenTheRequestOptsIn() async throws {
        let quiet = Emitted()
        let rpc = request(1, "tools/call", ["name": "alpha", "_meta": modernMeta()])
        _ = await server.serveModern(rpc, client: try server.modernClient(for: rpc), scope: "t", emit: quiet.append)
        #expect(!quiet.methods().contains("notifications/message"))
        let loud = Emitted()
        let rpc2 = request(2, "tools/call", ["name": "alpha", "_meta": modernMeta(extra: [ModernMetaKey.logLevel: "debug"])])
        _ = await server.serveModern(rpc2, client: try server.modernClient(for: rpc2), scope: "t", emit: loud.append)
        #expect(loud.methods().filter { $0 == "notifications/message" }.count == 2)
    }
}

@Suite struct JSONRPCMessageTests {
    @Test func classifiesMessages() throws {
        guard case .request(let rpc) = try JSONRPCMessage.decode(["jsonrpc": "2.0", "id": "a", "method": "m"]) else {
            Issue.record("not a request"); return
        }
        #expect(rpc.id == .string("a"))
        guard case .notification = try JSONRPCMessage.decode(["jsonrpc": "2.0", "method": "n"]) else {
            Issue.record("not a notification"); return
        }
        guard case .response = try JSONRPCMessage.decode(["jsonrpc": "2.0", "id": 1, "result": [:]]) else {
            Issue.record("not a response"); return
        }
    }

    @Test(arguments: [
        JSONValue.array([]), ["id": 1, "method": "m"], ["jsonrpc": "1.0", "id": 1, "method": "m"],
        ["jsonrpc": "2.0", "id": .null, "method": "m"], ["jsonrpc": "2.0", "id": [1], "method": "m"],
        ["jsonrpc": "2.0", "id": 1, "method": 5], ["jsonrpc": "2.0", "id": 1, "method": "m", "params": "x"],
        ["jsonrpc": "2.0", "id": 1],
    ])
    func rejectsWhatIsNotJSONRPC(_ value: JSONValue) {
        #expect(throws: MCPError.self) { try JSONRPCMessage.decode(value) }
        do { _ = try JSONRPCMessage.decode(value) } catch { #expect(error.code == -32600) }
    }
}
