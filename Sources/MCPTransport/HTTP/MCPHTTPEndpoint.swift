import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCPProtocol
import NIOCore
import ServiceLifecycle

/// The Streamable HTTP endpoint: every MCP revision on one URL, decided per request by the
/// protocol's dispatcher (`MCPServer.route`); this type only moves bytes and maps answers to HTTP
/// (docs/PROTOCOL.md, "Streamable HTTP").
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

    /// POST: the bytes go to the protocol's dispatcher; this only turns its answer into HTTP.
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
        let headers = request.headers
        let origin = MessageOrigin(
            principal: principal, sessions: HTTPSessionScope(server: server, sessionID: headers[Self.sessionHeader]),
            versionHeader: headers[ModernHeaders.protocolVersion].map(ModernHeaders.decode),
            checkModernHeaders: { rpc, version throws(MCPError) in try ModernHeaders.validate(headers, request: rpc, bodyVersion: version) })
        switch server.route(body.readableBytesView, from: origin) {
        case .answered(let reply):
            if let session = reply.session {
                logger.info("session \(session.id) opened: \(session.client.clientName) speaks \(session.revision)")
            }
            return respond(reply, principal: principal, path: request.uri.path)
        case .listen(let subscription):
            return listen(subscription)
        case .request(let pending):
            return await answer(pending, request: request, principal: principal)
        }
    }

    /// A request's reply: JSON, unless something is emitted before the reply and the client takes
    /// SSE; then an SSE stream of those messages and the reply.
    private func answer(_ pending: PendingRequest, request: Request, principal: Principal?) async -> Response {
        guard pending.mayEmit, Self.acceptsEventStream(request) else {
            return respond(await pending.serve({ _ in }, CancellationFlag()), principal: principal, path: request.uri.path)
        }
        let cancellation = CancellationFlag()
        // Bounded: a client that stops reading its stream holds at most this many events here (the
        // oldest progress and log notifications go first; the reply, always the newest, stays).
        let (events, continuation) = AsyncStream<StreamEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        Task {
            let reply = await pending.serve({ continuation.yield(.notification($0)) }, cancellation)
            continuation.yield(.reply(reply))
            continuation.finish()
        }
        var iterator = events.makeAsyncIterator()
        guard let first = await iterator.next() else { return Response(status: .accepted) }
        if case .reply(let reply) = first {
            return respond(reply, principal: principal, path: request.uri.path)
        }
        let cancelsOnDisconnect = pending.cancelsOnDisconnect
        return streamed(first: first, rest: events) {
            if cancelsOnDisconnect { cancellation.cancel() }
        }
    }

    /// A reply as HTTP: its status and message; a scope refusal becomes the authenticator's 403.
    private func respond(_ reply: Reply, principal: Principal?, path: String) -> Response {
        if let missing = reply.missingScopes, let authenticator, let principal, principal.scopes != nil {
            return authenticator.insufficientScope(principal, missing: missing, path: path)
        }
        guard let message = reply.message else { return Response(status: .accepted) }
        var response = Self.json(status: HTTPResponse.Status(code: reply.status), message)
        if let session = reply.session { response.headers[Self.sessionHeader] = session.id }
        return response
    }

    // MARK: - DELETE

    private func delete(_ request: Request, principal: Principal?) -> Response {
        guard let sessionID = request.headers[Self.sessionHeader] else {
            return Self.rpcError(status: .badRequest, MCPError(code: -32000, message: "Bad Request: no Mcp-Session-Id header"))
        }
        guard HTTPSessionScope(server: server, sessionID: sessionID).existing(for: principal) != nil,
              server.sessions.remove(id: sessionID) != nil else {
            return Self.rpcError(status: .notFound, MCPError(code: -32001, message: "Session not found"))
        }
        logger.info("session \(sessionID) closed by the client")
        return Response(status: .ok)
    }

    // MARK: - Helpers

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

    static func json(status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    static func rpcError(status: HTTPResponse.Status, _ error: MCPError, id: MCPProtocol.RequestID? = nil) -> Response {
        json(status: status, JSONRPCResponse.error(id: id, error))
    }
}
