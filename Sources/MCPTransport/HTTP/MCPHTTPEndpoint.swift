import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCPProtocol
import NIOCore
import ServiceLifecycle

/// The Streamable HTTP endpoint: every MCP revision on one URL, decided per request (PROTOCOL.md §2, §6).
///
/// POST carries JSON-RPC; GET opens a handshake-era session's notification stream; DELETE ends a
/// session; OPTIONS answers CORS preflight. Everything else on the MCP paths is 405.
public struct MCPHTTPEndpoint: HTTPResponder {
    public typealias Context = BasicRequestContext

    public let server: MCPServer
    public let options: HTTPTransportOptions
    public let logger: Logger
    /// Checks every request but CORS preflight; nil serves everyone as the server's local principal.
    public let authenticator: (any RequestAuthenticator)?

    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    static let lastEventIDHeader = HTTPField.Name("Last-Event-ID")!

    public init(server: MCPServer, options: HTTPTransportOptions, logger: Logger, authenticator: (any RequestAuthenticator)? = nil) {
        self.server = server
        self.options = options
        self.logger = logger
        self.authenticator = authenticator
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard options.paths.contains(request.uri.path) else {
            return Self.json(status: .notFound, ["error": "not_found", "error_description": .string("MCP is served at \(options.paths.joined(separator: " and "))")])
        }
        let origin = request.headers[.origin]
        if let origin, !options.allows(origin: origin) {
            return Self.rpcError(status: .forbidden, .invalidRequest("origin \(origin) is not allowed; add it to clover.mcp.sidecar.http.allowed.origins"))
        }
        if options.requireLoopbackHost, let authority = request.head.authority, !Self.isLoopback(authority: authority) {
            return Self.rpcError(status: .forbidden, .invalidRequest("host \(authority) is not a loopback name; this server is bound to loopback"))
        }
        var principal: Principal?
        if request.method != .options, let authenticator {
            switch await authenticator.authenticate(request) {
            case .allowed(let caller): principal = caller
            case .refused(var refusal):
                if let origin { addCORS(&refusal.headers, origin: origin, request: request) }
                return refusal
            }
        }
        var response: Response
        switch request.method {
        case .post: response = try await post(request, principal: principal)
        case .get: response = get(request, principal: principal)
        case .delete: response = delete(request, principal: principal)
        case .options: response = Response(status: .noContent)
        default:
            response = Response(status: .methodNotAllowed, headers: [.allow: "POST, GET, DELETE, OPTIONS"])
        }
        if let origin { addCORS(&response.headers, origin: origin, request: request) }
        return response
    }

    // MARK: - POST

    private func post(_ request: Request, principal: Principal?) async throws -> Response {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            return Self.rpcError(status: .unsupportedMediaType, .invalidRequest("Content-Type must be application/json"))
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: options.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return Self.rpcError(status: .contentTooLarge, .invalidRequest("request body is larger than \(options.maxBodyBytes) bytes (clover.mcp.sidecar.http.max.body.bytes)"))
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(body.readableBytesView)
        } catch {
            return Self.rpcError(status: .badRequest, .parseError(error.description))
        }
        if case .array(let items) = json {
            return await batch(items, request: request, principal: principal)
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.decode(json)
        } catch {
            return Self.rpcError(status: .badRequest, error)
        }
        let headerVersion = request.headers[ModernHeaders.protocolVersion].map(ModernHeaders.decode)
        switch message {
        case .response:
            return Response(status: .accepted)
        case .notification(let method, let params):
            if params?["_meta"]?[ModernMetaKey.protocolVersion] != nil || headerVersion.map({ ProtocolRevision($0).isModern }) == true {
                return Response(status: .accepted)  // modern notifications over HTTP have nothing to act on (cancel = disconnect)
            }
            if let id = request.headers[Self.sessionHeader], let session = server.sessions.session(id: id), Self.owns(principal, session) {
                server.receive(notification: method, params: params, in: session)
            }
            return Response(status: .accepted)
        case .request(let rpc):
            if rpc.meta?[ModernMetaKey.protocolVersion] != nil {
                return await modern(rpc, request: request, principal: principal)
            }
            if rpc.method == "initialize" {
                return initialize(rpc, principal: principal)
            }
            if let headerVersion, ProtocolRevision(headerVersion).isModern {
                return Self.rpcError(status: .badRequest, .invalidParams("missing _meta: a \(headerVersion) request carries \(ModernMetaKey.protocolVersion) in params._meta"), id: rpc.id)
            }
            return await legacy(rpc, request: request, headerVersion: headerVersion, principal: principal)
        }
    }

    private func initialize(_ rpc: JSONRPCRequest, principal: Principal?) -> Response {
        do {
            let (session, result) = try server.initialize(rpc, owner: principal?.subject)
            logger.info("session \(session.id) opened: \(session.client.clientName) speaks \(session.revision)")
            var response = Self.json(status: .ok, JSONRPCResponse.result(id: rpc.id, result))
            response.headers[Self.sessionHeader] = session.id
            return response
        } catch {
            return Self.json(status: .ok, JSONRPCResponse.error(id: rpc.id, error))
        }
    }

    /// The session a handshake-era request names, or the error response to send instead.
    private func session(for request: Request, headerVersion: String?, id: MCPProtocol.RequestID?,
                         principal: Principal?) -> Result<LegacySession, ResponseBox> {
        guard let sessionID = request.headers[Self.sessionHeader] else {
            return .failure(ResponseBox(Self.rpcError(status: .badRequest, MCPError(code: -32000, message: "Bad Request: no Mcp-Session-Id header; send initialize first and repeat the session id it returns"), id: id)))
        }
        // Another subject's session is reported as unknown, so session ids cannot be borrowed.
        guard let session = server.sessions.session(id: sessionID), Self.owns(principal, session) else {
            return .failure(ResponseBox(Self.rpcError(status: .notFound, MCPError(code: -32001, message: "Session not found: it ended or expired; send initialize again"), id: id)))
        }
        if let headerVersion, !ProtocolRevision.handshakeEra.contains(ProtocolRevision(headerVersion)) {
            return .failure(ResponseBox(Self.rpcError(status: .badRequest, .invalidRequest("unsupported MCP-Protocol-Version \(headerVersion); supported: \(ProtocolRevision.all.map(\.rawValue).joined(separator: ", "))"), id: id)))
        }
        return .success(session)
    }

    private func legacy(_ rpc: JSONRPCRequest, request: Request, headerVersion: String?, principal: Principal?) async -> Response {
        let session: LegacySession
        switch self.session(for: request, headerVersion: headerVersion, id: rpc.id, principal: principal) {
        case .success(let found): session = found
        case .failure(let box): return box.response
        }
        if let refusal = scopeRefusal(rpc, principal: principal, path: request.uri.path) { return refusal }
        let context = session.client
        let wantsStream = (rpc.meta?["progressToken"] != nil || context.logLevel != nil) && Self.acceptsEventStream(request)
        if wantsStream {
            return streamed { emit in await server.serve(rpc, in: session, principal: principal, emit: emit) }
        }
        return Self.json(status: .ok, await server.serve(rpc, in: session, principal: principal, emit: { _ in }))
    }

    /// A `tools/call` of a tool the caller's scopes do not cover gets the HTTP refusal (403 with the
    /// scopes to ask for), so clients can step up; the catalog would only say "unknown tool".
    private func scopeRefusal(_ rpc: JSONRPCRequest, principal: Principal?, path: String) -> Response? {
        guard rpc.method == "tools/call", let authenticator, let principal, principal.scopes != nil,
              let name = rpc.params?["name"]?.stringValue else { return nil }
        let missing = principal.missing(server.catalog.requiredScopes(forTool: name))
        return missing.isEmpty ? nil : authenticator.insufficientScope(principal, missing: missing, path: path)
    }

    static func owns(_ principal: Principal?, _ session: LegacySession) -> Bool {
        session.owner == nil || session.owner == principal?.subject
    }

    private func modern(_ rpc: JSONRPCRequest, request: Request, principal: Principal?) async -> Response {
        var found: ClientContext
        do {
            if let meta = rpc.meta, meta[ModernMetaKey.clientCapabilities] != nil,
               let bodyVersion = meta[ModernMetaKey.protocolVersion]?.stringValue {
                try ModernHeaders.validate(request.headers, request: rpc, bodyVersion: bodyVersion)
            }
            found = try server.modernClient(for: rpc)
            found.principal = principal
        } catch {
            // Envelope and header errors are HTTP errors in 2026-07-28, whatever their JSON-RPC code.
            return Self.rpcError(status: error.code == -32601 ? .notFound : .badRequest, error, id: rpc.id)
        }
        let client = found
        if rpc.method == "subscriptions/listen" {
            return listen(rpc, client: client)
        }
        if let refusal = scopeRefusal(rpc, principal: principal, path: request.uri.path) { return refusal }
        let wantsStream = (rpc.meta?["progressToken"] != nil || client.logLevel != nil) && Self.acceptsEventStream(request)
        if wantsStream {
            let cancellation = CancellationFlag()
            return streamed(onDisconnect: { cancellation.cancel() }) { emit in
                await server.serveModern(rpc, client: client, scope: "http", emit: emit, cancellation: cancellation)
            }
        }
        let response = await server.serveModern(rpc, client: client, scope: "http", emit: { _ in })
        let status = response["error"]?["code"]?.intValue.map { MCPError(code: Int($0), message: "").modernHTTPStatus } ?? 200
        return Self.json(status: HTTPResponse.Status(code: status), response)
    }

    /// A 2025-03-26 batch: an array of requests and notifications in one POST.
    private func batch(_ items: [JSONValue], request: Request, principal: Principal?) async -> Response {
        guard !items.isEmpty else { return Self.rpcError(status: .badRequest, .invalidRequest("empty batch")) }
        let headerVersion = request.headers[ModernHeaders.protocolVersion].map(ModernHeaders.decode)
        let messages = items.map { item in Result { () throws(MCPError) in try JSONRPCMessage.decode(item) } }
        for case .success(let message) in messages {
            if case .request(let rpc) = message {
                if rpc.method == "initialize" {
                    return Self.rpcError(status: .badRequest, .invalidRequest("initialize must not be part of a batch"))
                }
                if rpc.meta?[ModernMetaKey.protocolVersion] != nil {
                    return Self.rpcError(status: .badRequest, .invalidRequest("batches do not exist in 2026-07-28; send one request per POST"))
                }
            }
        }
        let session: LegacySession
        switch self.session(for: request, headerVersion: headerVersion, id: nil, principal: principal) {
        case .success(let found): session = found
        case .failure(let box): return box.response
        }
        guard session.revision <= .v2025_03_26 else {
            return Self.rpcError(status: .badRequest, .invalidRequest("JSON-RPC batches were removed in 2025-06-18; this session speaks \(session.revision)"))
        }
        var responses: [JSONValue] = []
        for message in messages {
            switch message {
            case .failure(let error): responses.append(JSONRPCResponse.error(id: nil, error))
            case .success(.request(let rpc)): responses.append(await server.serve(rpc, in: session, principal: principal, emit: { _ in }))
            case .success(.notification(let method, let params)): server.receive(notification: method, params: params, in: session)
            case .success(.response): break
            }
        }
        return responses.isEmpty ? Response(status: .accepted) : Self.json(status: .ok, .array(responses))
    }

    // MARK: - Streams

    /// An SSE response: notifications emitted while `serve` runs, then its response, then the end.
    private func streamed(onDisconnect: @escaping @Sendable () -> Void = {},
                          _ serve: @escaping @Sendable (@escaping @Sendable (JSONValue) -> Void) async -> JSONValue) -> Response {
        let body = ResponseBody { writer in
            let (messages, continuation) = AsyncStream<JSONValue>.makeStream()
            let work = Task {
                let response = await serve { continuation.yield($0) }
                continuation.yield(response)
                continuation.finish()
            }
            do {
                for await message in messages {
                    try await writer.write(ServerSentEvents.message(message))
                }
                try await writer.finish(nil)
            } catch {
                onDisconnect()  // 2026-07-28: closing the stream cancels the request
                await work.value
                throw error
            }
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }

    /// GET: a handshake-era session's stream for notifications that belong to no request.
    private func get(_ request: Request, principal: Principal?) -> Response {
        if let version = request.headers[ModernHeaders.protocolVersion].map(ModernHeaders.decode), ProtocolRevision(version).isModern {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST"])
        }
        guard Self.acceptsEventStream(request) else {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST, DELETE"])
        }
        let session: LegacySession
        switch self.session(for: request, headerVersion: nil, id: nil, principal: principal) {
        case .success(let found): session = found
        case .failure(let box): return box.response
        }
        let keepAlive = options.keepAliveInterval
        let body = ResponseBody { writer in
            let (chunks, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(256))
            session.attachStream { continuation.yield(ServerSentEvents.message($0)) }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: keepAlive)
                    continuation.yield(ServerSentEvents.keepAlive)
                }
            }
            defer {
                ticker.cancel()
                session.attachStream(nil)
            }
            try await withGracefulShutdownHandler {
                for await chunk in chunks {
                    try await writer.write(chunk)
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }

    /// 2026-07-28 `subscriptions/listen`: acknowledge, then list-changed notifications until the
    /// client leaves or the server shuts down (then the final result).
    private func listen(_ rpc: JSONRPCRequest, client: ClientContext) -> Response {
        let subscription = ListenSubscription(request: rpc, server: server)
        let body = ResponseBody { writer in
            let (messages, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(256))
            let token = subscription.start { continuation.yield($0) }
            defer { server.changes.unsubscribe(token) }
            try await withGracefulShutdownHandler {
                for await message in messages {
                    try await writer.write(ServerSentEvents.message(message))
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.write(ServerSentEvents.message(subscription.finalResult()))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }

    // MARK: - DELETE

    private func delete(_ request: Request, principal: Principal?) -> Response {
        guard let sessionID = request.headers[Self.sessionHeader] else {
            return Self.rpcError(status: .badRequest, MCPError(code: -32000, message: "Bad Request: no Mcp-Session-Id header"))
        }
        guard let session = server.sessions.session(id: sessionID), Self.owns(principal, session),
              server.sessions.remove(id: sessionID) != nil else {
            return Self.rpcError(status: .notFound, MCPError(code: -32001, message: "Session not found"))
        }
        logger.info("session \(sessionID) closed by the client")
        return Response(status: .ok)
    }

    // MARK: - Helpers

    /// Boxes a Response so it can travel in a `Result` failure.
    struct ResponseBox: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    static let eventStreamHeaders: HTTPFields = [
        .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    /// Clients must accept both JSON and SSE, but some send only one, `*/*` or nothing: never 406.
    static func acceptsEventStream(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return true }
        return accept.contains("text/event-stream") || accept.contains("*/*")
    }

    static func isLoopback(authority: String) -> Bool {
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? ""
        }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private func addCORS(_ headers: inout HTTPFields, origin: String, request: Request) {
        headers[.accessControlAllowOrigin] = origin
        headers[.vary] = "Origin"
        headers[.accessControlExposeHeaders] = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Last-Event-Id"
        if request.method == .options {
            headers[.accessControlAllowMethods] = "POST, GET, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders]
                ?? "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID"
            headers[.accessControlMaxAge] = "600"
        }
    }

    static func json(status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    static func rpcError(status: HTTPResponse.Status, _ error: MCPError, id: MCPProtocol.RequestID? = nil) -> Response {
        json(status: status, JSONRPCResponse.error(id: id, error))
    }
}
