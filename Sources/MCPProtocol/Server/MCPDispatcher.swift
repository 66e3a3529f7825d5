/// Where handshake-era sessions live on one transport: HTTP names them by `Mcp-Session-Id`, stdio
/// has one per process. The dispatcher asks; the transport only knows where to look.
public protocol SessionScope: Sendable {
    /// The session un-keyed requests belong to, or the refusal to answer with.
    func current(for principal: Principal?) -> Result<LegacySession, Refusal>
    /// The session notifications belong to, if there is one (none is created for them).
    func existing(for principal: Principal?) -> LegacySession?
    /// `initialize` opened `session`.
    func opened(_ session: LegacySession)
}

/// An answer the dispatcher gives without serving anything: the error, and the HTTP status it goes with.
public struct Refusal: Error, Sendable {
    public let error: MCPError
    public let status: Int

    public init(_ error: MCPError, status: Int = 400) {
        self.error = error
        self.status = status
    }
}

/// Where one incoming message came from: what the transport knows that the protocol rules need.
public struct MessageOrigin: Sendable {
    /// Who sent it; nil for the server's local principal.
    public var principal: Principal?
    /// The handshake sessions of this transport.
    public var sessions: any SessionScope
    /// The `MCP-Protocol-Version` header (HTTP), decoded; nil where there is none.
    public var versionHeader: String?
    /// Names the connection 2026-07-28 requests run on, when `notifications/cancelled` can reach
    /// them there (stdio); nil where closing the exchange cancels instead (HTTP).
    public var connection: String?
    /// Checks transport headers of a 2026-07-28 request against its body (HTTP); nil for none.
    public var checkModernHeaders: (@Sendable (JSONRPCRequest, String) throws(MCPError) -> Void)?

    public init(principal: Principal?, sessions: any SessionScope, versionHeader: String? = nil, connection: String? = nil,
                checkModernHeaders: (@Sendable (JSONRPCRequest, String) throws(MCPError) -> Void)? = nil) {
        self.principal = principal
        self.sessions = sessions
        self.versionHeader = versionHeader
        self.connection = connection
        self.checkModernHeaders = checkModernHeaders
    }
}

/// What a transport sends back for one message.
public struct Reply: Sendable {
    /// The message to send; nil when there is none (a notification: HTTP 202, stdio nothing).
    public var message: JSONValue?
    /// The HTTP status it goes with (stdio ignores it).
    public var status: Int
    /// The session this reply opened (`initialize`), whose id HTTP sends in `Mcp-Session-Id`.
    public var session: LegacySession?
    /// Set when the caller lacked these scopes for the tool it called: HTTP with OAuth answers 403.
    public var missingScopes: [String]?

    public init(message: JSONValue?, status: Int = 200, session: LegacySession? = nil, missingScopes: [String]? = nil) {
        self.message = message
        self.status = status
        self.session = session
        self.missingScopes = missingScopes
    }

    static let accepted = Reply(message: nil, status: 202)

    static func refused(_ refusal: Refusal, id: RequestID? = nil) -> Reply {
        Reply(message: JSONRPCResponse.error(id: id, refusal.error), status: refusal.status)
    }
}

/// A request to serve. `serve` runs it; whatever it emits before returning (progress, log messages)
/// belongs to it, so HTTP may stream it.
public struct PendingRequest: Sendable {
    /// Whether anything can be emitted before the reply (progress asked for, or a log level set).
    public let mayEmit: Bool
    /// 2026-07-28: closing the exchange cancels the request.
    public let cancelsOnDisconnect: Bool
    public let serve: @Sendable (_ emit: @escaping @Sendable (JSONValue) -> Void, _ cancellation: CancellationFlag) async -> Reply
}

/// How to handle one incoming message, decided by the protocol's rules alone.
public enum Route: Sendable {
    /// Answered already: send `Reply`.
    case answered(Reply)
    /// Serve it, then send what `serve` returns.
    case request(PendingRequest)
    /// A 2026-07-28 `subscriptions/listen`: acknowledge, then list changes until either side ends it.
    case listen(ListenSubscription)
}

extension MCPServer {
    /// Decides what one incoming POST body or stdin line is and how it is served: the era (a
    /// 2026-07-28 `_meta` claim, `initialize`, or the transport's session), the batch rules and the
    /// `initialize` rules (docs/PROTOCOL.md, "Choosing the era per message"). The same bytes get the
    /// same answer on every transport. Runs synchronously, so a transport that reads in order binds
    /// each message to the session current when it was read.
    public func route(_ bytes: some Collection<UInt8>, from origin: MessageOrigin) -> Route {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            return .answered(.refused(Refusal(.parseError(error.description))))
        }
        if case .array(let items) = json {
            return routeBatch(items, from: origin)
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.decode(json)
        } catch {
            return .answered(.refused(Refusal(error)))
        }
        switch message {
        case .response:
            return .answered(.accepted)
        case .notification(let method, let params):
            receive(method, params, from: origin)
            return .answered(.accepted)
        case .request(let rpc):
            return routeRequest(rpc, from: origin)
        }
    }

    private func claimsModern(_ params: JSONValue?) -> Bool {
        params?["_meta"]?[ModernMetaKey.protocolVersion] != nil
    }

    private func routeRequest(_ rpc: JSONRPCRequest, from origin: MessageOrigin) -> Route {
        // Methods only 2026-07-28 has are modern even without `_meta` (they then fail its check).
        if claimsModern(rpc.params) || rpc.method == "server/discover" || rpc.method == "subscriptions/listen" {
            return routeModern(rpc, from: origin)
        }
        if rpc.method == "initialize" {
            do {
                let (session, result) = try initialize(rpc, owner: origin.principal?.subject)
                origin.sessions.opened(session)
                return .answered(Reply(message: JSONRPCResponse.result(id: rpc.id, result), session: session))
            } catch {
                return .answered(Reply(message: JSONRPCResponse.error(id: rpc.id, error)))
            }
        }
        if let header = origin.versionHeader, ProtocolRevision(header).isModern {
            return .answered(.refused(Refusal(.invalidParams("missing _meta: a \(header) request carries \(ModernMetaKey.protocolVersion) in params._meta")), id: rpc.id))
        }
        let session: LegacySession
        switch legacySession(origin) {
        case .success(let found): session = found
        case .failure(let refusal): return .answered(.refused(refusal, id: rpc.id))
        }
        let principal = origin.principal
        return .request(PendingRequest(mayEmit: rpc.meta?["progressToken"] != nil || session.logLevel != nil, cancelsOnDisconnect: false) { emit, _ in
            await self.serve(rpc, in: session, principal: principal, emit: emit)
        })
    }

    /// The session of a handshake-era message, checked against the version header it came with.
    private func legacySession(_ origin: MessageOrigin) -> Result<LegacySession, Refusal> {
        if let header = origin.versionHeader, !ProtocolRevision.handshakeEra.contains(ProtocolRevision(header)) {
            return .failure(Refusal(.invalidRequest("unsupported MCP-Protocol-Version \(header); supported: \(ProtocolRevision.all.map(\.rawValue).joined(separator: ", "))")))
        }
        return origin.sessions.current(for: origin.principal)
    }

    private func routeModern(_ rpc: JSONRPCRequest, from origin: MessageOrigin) -> Route {
        var client: ClientContext
        do {
            if let check = origin.checkModernHeaders, let meta = rpc.meta, meta[ModernMetaKey.clientCapabilities] != nil,
               let bodyVersion = meta[ModernMetaKey.protocolVersion]?.stringValue {
                try check(rpc, bodyVersion)
            }
            client = try modernClient(for: rpc)
        } catch {
            // Envelope and header errors are HTTP errors in 2026-07-28, whatever their JSON-RPC code.
            return .answered(.refused(Refusal(error, status: error.code == -32601 ? 404 : 400), id: rpc.id))
        }
        client.principal = origin.principal
        if rpc.method == "subscriptions/listen" {
            return .listen(ListenSubscription(request: rpc, server: self))
        }
        let connection = origin.connection
        let mayEmit = rpc.meta?["progressToken"] != nil || client.logLevel != nil
        return .request(PendingRequest(mayEmit: mayEmit, cancelsOnDisconnect: true) { [client] emit, cancellation in
            await self.serveModern(rpc, client: client, scope: connection ?? LegacySession.newID(), emit: emit, cancellation: cancellation)
        })
    }

    /// A 2025-03-26 batch: served in order, answered with one array. Refused whole when it holds
    /// `initialize` or a 2026-07-28 request, or when the session speaks a revision without batches.
    private func routeBatch(_ items: [JSONValue], from origin: MessageOrigin) -> Route {
        guard !items.isEmpty else { return .answered(.refused(Refusal(.invalidRequest("empty batch")))) }
        let messages = items.map { item in Result { () throws(MCPError) in try JSONRPCMessage.decode(item) } }
        for case .success(let message) in messages {
            let params: JSONValue?
            switch message {
            case .request(let rpc) where rpc.method == "initialize":
                return .answered(.refused(Refusal(.invalidRequest("initialize must not be part of a batch"))))
            case .request(let rpc): params = rpc.params
            case .notification(_, let notificationParams): params = notificationParams
            case .response: continue
            }
            if claimsModern(params) {
                return .answered(.refused(Refusal(.invalidRequest("batches do not exist in 2026-07-28; send one request per message"))))
            }
        }
        let session: LegacySession
        switch legacySession(origin) {
        case .success(let found): session = found
        case .failure(let refusal): return .answered(.refused(refusal))
        }
        guard session.revision <= .v2025_03_26 else {
            return .answered(.refused(Refusal(.invalidRequest("JSON-RPC batches were removed in 2025-06-18; this session speaks \(session.revision)"))))
        }
        let principal = origin.principal
        return .request(PendingRequest(mayEmit: false, cancelsOnDisconnect: false) { _, _ in
            var responses: [JSONValue] = []
            for message in messages {
                switch message {
                case .failure(let error): responses.append(JSONRPCResponse.error(id: nil, error))
                case .success(.request(let rpc)):
                    if let response = await self.serve(rpc, in: session, principal: principal, emit: { _ in }).message {
                        responses.append(response)
                    }
                case .success(.notification(let method, let params)): self.receive(notification: method, params: params, in: session)
                case .success(.response): break
                }
            }
            return responses.isEmpty ? .accepted : Reply(message: .array(responses))
        })
    }

    /// A notification: `initialized` and `cancelled` for the session or connection it belongs to.
    private func receive(_ method: String, _ params: JSONValue?, from origin: MessageOrigin) {
        let modern = claimsModern(params) || origin.versionHeader.map { ProtocolRevision($0).isModern } == true
        if !modern, let session = origin.sessions.existing(for: origin.principal) {
            receive(notification: method, params: params, in: session)
        }
        if let connection = origin.connection {
            receiveModern(notification: method, params: params, scope: connection)
        }
    }
}
