import Foundation

/// Who the server says it is, in `initialize` and `server/discover`.
public struct ServerIdentity: Sendable {
    public var name: String
    public var title: String
    public var version: String
    public var instructions: String

    public init(name: String, title: String, version: String, instructions: String) {
        self.name = name
        self.title = title
        self.version = version
        self.instructions = instructions
    }

    func serverInfo(for revision: ProtocolRevision) -> JSONValue {
        var info: JSONValue = ["name": .string(name), "version": .string(version)]
        if revision >= .v2025_06_18 { info["title"] = .string(title) }
        return info
    }
}

/// Tunables of the protocol layer.
public struct ServerOptions: Sendable {
    /// Items per page of `tools/list` and the other lists.
    public var pageSize: Int
    /// `ttlMs` of 2026-07-28 list results. Lists change when plugins are reloaded, so it is short.
    public var listTTLMilliseconds: Int
    /// `ttlMs` of `server/discover`.
    public var discoverTTLMilliseconds: Int
    /// `cacheScope` of list results: "public" while no caller-specific filtering applies.
    public var cacheScope: String
    /// Who requests run as when the transport names nobody (stdio, HTTP without authentication).
    public var localPrincipal: Principal?

    public init(pageSize: Int = 100, listTTLMilliseconds: Int = 60_000, discoverTTLMilliseconds: Int = 600_000,
                cacheScope: String = "public", localPrincipal: Principal? = nil) {
        self.pageSize = max(1, pageSize)
        self.listTTLMilliseconds = listTTLMilliseconds
        self.discoverTTLMilliseconds = discoverTTLMilliseconds
        self.cacheScope = cacheScope
        self.localPrincipal = localPrincipal
    }
}

/// The MCP protocol engine: serves requests of every revision against a catalog. Transports hand it
/// each message's bytes (`route(_:from:)`, in MCPDispatcher.swift) and send what it answers; tools
/// are served only through `tools`, the gate.
public final class MCPServer: Sendable {
    public let identity: ServerIdentity
    public let options: ServerOptions
    public let catalog: any MCPCatalog
    /// The one gate every `tools/list` and `tools/call` passes.
    public let tools: ToolGate
    public let sessions: SessionStore
    public let changes: ChangeHub
    public let inFlight: InFlightRequests

    /// - Parameters:
    ///   - governance: the operator's tool switches, applied by the gate to every catalog's tools.
    ///   - audit: where the gate writes its line per tool call.
    public init(identity: ServerIdentity, catalog: any MCPCatalog, governance: ToolGovernance = .open,
                audit: ToolCallAudit = ToolCallAudit(), options: ServerOptions = ServerOptions(),
                sessions: SessionStore = SessionStore(), changes: ChangeHub = ChangeHub()) {
        self.identity = identity
        self.catalog = catalog
        self.tools = ToolGate(catalog: catalog, governance: governance, audit: audit)
        self.options = options
        self.sessions = sessions
        self.changes = changes
        self.inFlight = InFlightRequests()
        // Handshake-era sessions hear about list changes on their stream (HTTP GET, stdout) once initialized.
        _ = changes.subscribe { [sessions] change in
            let notification = JSONRPCResponse.notification(change.notificationMethod, .emptyObject)
            for session in sessions.all where session.isInitialized {
                session.sendOnStream(notification)
            }
        }
    }

    // MARK: - Handshake era (2024-11-05 … 2025-11-25)

    /// Answers `initialize`: negotiates the revision and opens a session (registered in `sessions`).
    /// - Parameter owner: the subject that opened it; later requests of another subject do not find it.
    func initialize(_ request: JSONRPCRequest, owner: String? = nil) throws(MCPError) -> (session: LegacySession, result: JSONValue) {
        guard let params = request.params, params.objectValue != nil else {
            throw .invalidParams("initialize needs params with protocolVersion, capabilities and clientInfo")
        }
        guard let requested = params["protocolVersion"]?.stringValue else {
            throw .invalidParams("initialize needs a string \"protocolVersion\"")
        }
        // Echo a revision we speak; otherwise offer our latest handshake revision and let the client decide.
        let requestedRevision = ProtocolRevision(requested)
        let revision = ProtocolRevision.handshakeEra.contains(requestedRevision) ? requestedRevision : .latestHandshake
        let session = LegacySession(
            id: LegacySession.newID(), revision: revision,
            clientCapabilities: params["capabilities"] ?? .emptyObject, clientInfo: params["clientInfo"], owner: owner)
        sessions.add(session)

        var capabilities: JSONValue = [
            "tools": ["listChanged": true],
            "resources": ["listChanged": true],
            "prompts": ["listChanged": true],
            "logging": .emptyObject,
        ]
        if revision >= .v2025_03_26 { capabilities["completions"] = .emptyObject }
        let result: JSONValue = [
            "protocolVersion": .string(revision.rawValue),
            "capabilities": capabilities,
            "serverInfo": identity.serverInfo(for: revision),
            "instructions": .string(identity.instructions),
        ]
        return (session, result)
    }

    /// Serves one request of an initialized (or initializing) session and returns the response.
    /// - Parameters:
    ///   - principal: who sent this request (HTTP checks the token on every request); nil for `options.localPrincipal`.
    ///   - emit: where notifications tied to this request go (progress, log messages).
    func serve(_ request: JSONRPCRequest, in session: LegacySession, principal: Principal? = nil,
               emit: @escaping @Sendable (JSONValue) -> Void) async -> Reply {
        var client = session.client
        client.principal = principal ?? options.localPrincipal
        let context = MCPRequestContext(client: client, progressToken: request.meta?["progressToken"], emit: emit)
        inFlight.begin(scope: session.id, id: request.id, flag: context.cancellation)
        defer {
            context.finish()
            inFlight.end(scope: session.id, id: request.id)
        }
        do {
            let result: JSONValue
            switch request.method {
            case "ping":
                result = .emptyObject
            case "logging/setLevel":
                guard let name = request.params?["level"]?.stringValue, let level = MCPLogLevel(name: name) else {
                    throw MCPError.invalidParams("\"level\" must be one of \(MCPLogLevel.allCases.map(\.name).joined(separator: ", "))")
                }
                session.logLevel = level
                result = .emptyObject
            default:
                result = try await perform(request, context: context)
            }
            return Reply(message: JSONRPCResponse.result(id: request.id, result))
        } catch {
            return errorReply(error, id: request.id, revision: session.revision)
        }
    }

    /// Takes a handshake-era notification: `initialized`, `cancelled`; others are ignored, as JSON-RPC asks.
    func receive(notification method: String, params: JSONValue?, in session: LegacySession) {
        switch method {
        case "notifications/initialized":
            session.markInitialized()
        case "notifications/cancelled":
            if let id = params?["requestId"].flatMap(RequestID.init) {
                inFlight.cancel(scope: session.id, id: id)
            }
        default:
            break
        }
    }

    // MARK: - Stateless era (2026-07-28)

    /// Reads and checks a 2026-07-28 request's `_meta`: the client context it describes.
    func modernClient(for request: JSONRPCRequest) throws(MCPError) -> ClientContext {
        guard let meta = request.meta, meta.objectValue != nil else {
            throw .invalidParams("missing _meta: 2026-07-28 requests carry \(ModernMetaKey.protocolVersion) and \(ModernMetaKey.clientCapabilities) in params._meta")
        }
        return try Self.modernClient(meta: meta)
    }

    static func modernClient(meta: JSONValue) throws(MCPError) -> ClientContext {
        guard let version = meta[ModernMetaKey.protocolVersion]?.stringValue else {
            throw .invalidParams("missing _meta[\"\(ModernMetaKey.protocolVersion)\"]")
        }
        let revision = ProtocolRevision(version)
        guard ProtocolRevision.modernEra.contains(revision) else {
            throw .unsupportedProtocolVersion(requested: version, supported: ProtocolRevision.all)
        }
        guard let capabilities = meta[ModernMetaKey.clientCapabilities], capabilities.objectValue != nil else {
            throw .invalidParams("missing _meta[\"\(ModernMetaKey.clientCapabilities)\"] (send {} when the client has none)")
        }
        var logLevel: MCPLogLevel?
        if let levelValue = meta[ModernMetaKey.logLevel] {
            guard let name = levelValue.stringValue, let level = MCPLogLevel(name: name) else {
                throw .invalidParams("_meta[\"\(ModernMetaKey.logLevel)\"] must be one of \(MCPLogLevel.allCases.map(\.name).joined(separator: ", "))")
            }
            logLevel = level
        }
        return ClientContext(revision: revision, capabilities: capabilities, clientInfo: meta[ModernMetaKey.clientInfo], logLevel: logLevel)
    }

    /// Serves one 2026-07-28 request and returns the response.
    /// - Parameters:
    ///   - scope: names the connection, so `notifications/cancelled` on stdio can find the request.
    ///   - emit: where notifications tied to this request go.
    func serveModern(_ request: JSONRPCRequest, client: ClientContext, scope: String,
                     emit: @escaping @Sendable (JSONValue) -> Void,
                     cancellation: CancellationFlag = CancellationFlag()) async -> Reply {
        var client = client
        if client.principal == nil { client.principal = options.localPrincipal }
        let context = MCPRequestContext(client: client, progressToken: request.meta?["progressToken"],
                                     cancellation: cancellation, emit: emit)
        inFlight.begin(scope: scope, id: request.id, flag: cancellation)
        defer {
            context.finish()
            inFlight.end(scope: scope, id: request.id)
        }
        do {
            var result: JSONValue
            switch request.method {
            case "server/discover":
                result = discoverResult()
            case "initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe":
                throw MCPError.methodNotFound(request.method, "removed in 2026-07-28")
            default:
                result = try await perform(request, context: context)
            }
            result["resultType"] = "complete"
            var meta = result["_meta"] ?? .emptyObject
            meta[ModernMetaKey.serverInfo] = identity.serverInfo(for: client.revision)
            result["_meta"] = meta
            return Reply(message: JSONRPCResponse.result(id: request.id, result))
        } catch {
            return errorReply(error, id: request.id, revision: client.revision)
        }
    }

    /// Takes a 2026-07-28 notification (stdio `notifications/cancelled`).
    func receiveModern(notification method: String, params: JSONValue?, scope: String) {
        if method == "notifications/cancelled", let id = params?["requestId"].flatMap(RequestID.init) {
            inFlight.cancel(scope: scope, id: id)
        }
    }

    /// The `server/discover` result: what a 2026-07-28 client needs before its first call.
    func discoverResult() -> JSONValue {
        [
            "supportedVersions": .array(ProtocolRevision.modernEra.map { .string($0.rawValue) }),
            "capabilities": [
                "tools": ["listChanged": true],
                "resources": ["listChanged": true],
                "prompts": ["listChanged": true],
                "completions": .emptyObject,
            ],
            "serverInfo": identity.serverInfo(for: .v2026_07_28),
            "instructions": .string(identity.instructions),
            "ttlMs": .int(Int64(options.discoverTTLMilliseconds)),
            "cacheScope": "public",
        ]
    }

    // MARK: - Methods both eras share

    private func perform(_ request: JSONRPCRequest, context: MCPRequestContext) async throws -> JSONValue {
        let revision = context.client.revision
        let params = request.params ?? .emptyObject
        switch request.method {
        case "tools/list":
            let tools = self.tools.listTools(for: context.client).map { RevisionShaping.tool($0, for: revision) }
            return try listResult(key: "tools", items: tools, cursor: params["cursor"], revision: revision)
        case "tools/call":
            guard let name = params["name"]?.stringValue else { throw MCPError.invalidParams("tools/call needs a string \"name\"") }
            let arguments = params["arguments"] ?? .emptyObject
            guard arguments.objectValue != nil else { throw MCPError.invalidParams("\"arguments\" must be an object") }
            let result = try await tools.callTool(name: name, arguments: arguments, context: context)
            return RevisionShaping.toolResult(result, for: revision)
        case "resources/list":
            let resources = catalog.listResources(for: context.client).map { RevisionShaping.listed($0, for: revision) }
            return try listResult(key: "resources", items: resources, cursor: params["cursor"], revision: revision)
        case "resources/templates/list":
            let templates = catalog.listResourceTemplates(for: context.client).map { RevisionShaping.listed($0, for: revision) }
            return try listResult(key: "resourceTemplates", items: templates, cursor: params["cursor"], revision: revision)
        case "resources/read":
            guard let uri = params["uri"]?.stringValue else { throw MCPError.invalidParams("resources/read needs a string \"uri\"") }
            var result = try await catalog.readResource(uri: uri, context: context)
            if revision.isModern {
                result["ttlMs"] = 0  // log contents change all the time: never reuse
                result["cacheScope"] = "private"
            }
            return result
        case "prompts/list":
            let prompts = catalog.listPrompts(for: context.client).map { RevisionShaping.listed($0, for: revision) }
            return try listResult(key: "prompts", items: prompts, cursor: params["cursor"], revision: revision)
        case "prompts/get":
            guard let name = params["name"]?.stringValue else { throw MCPError.invalidParams("prompts/get needs a string \"name\"") }
            let arguments = params["arguments"] ?? .emptyObject
            guard let members = arguments.objectValue, members.values.allSatisfy({ $0.stringValue != nil }) else {
                throw MCPError.invalidParams("prompt \"arguments\" must be an object of strings")
            }
            return try await catalog.getPrompt(name: name, arguments: arguments, context: context)
        case "completion/complete":
            guard let ref = params["ref"], ref["type"]?.stringValue != nil else {
                throw MCPError.invalidParams("completion/complete needs \"ref\" with a \"type\"")
            }
            guard params["argument"]?["name"]?.stringValue != nil else {
                throw MCPError.invalidParams("completion/complete needs \"argument\" with a \"name\"")
            }
            return try await catalog.complete(params, context: context)
        default:
            throw MCPError.methodNotFound(request.method)
        }
    }

    /// One page of a list, with `nextCursor` when more follow and the caching fields of 2026-07-28.
    private func listResult(key: String, items: [JSONValue], cursor: JSONValue?, revision: ProtocolRevision) throws(MCPError) -> JSONValue {
        let page = try Pagination.page(of: items, cursor: cursor, kind: key, pageSize: options.pageSize)
        var result: JSONValue = [key: .array(page.items)]
        if let next = page.nextCursor { result["nextCursor"] = .string(next) }
        if revision.isModern {
            result["ttlMs"] = .int(Int64(options.listTTLMilliseconds))
            result["cacheScope"] = .string(options.cacheScope)
        }
        return result
    }

    /// Turns whatever a handler threw into the JSON-RPC error for `revision`: the one place a
    /// failure becomes a protocol error.
    func mcpError(from error: any Error, revision: ProtocolRevision) -> MCPError {
        switch error {
        case let error as MCPError: return error
        case let error as ResourceNotFound: return error.mcpError(for: revision)
        case let error as InsufficientScope: return .unknownTool(error.tool)
        default: return .internalError(String(describing: error))
        }
    }

    /// The reply to a request that failed; 2026-07-28 errors carry their own HTTP status.
    private func errorReply(_ error: any Error, id: RequestID, revision: ProtocolRevision) -> Reply {
        let mcpError = mcpError(from: error, revision: revision)
        return Reply(message: JSONRPCResponse.error(id: id, mcpError), status: revision.isModern ? mcpError.modernHTTPStatus : 200,
                     missingScopes: (error as? InsufficientScope)?.missing)
    }
}
