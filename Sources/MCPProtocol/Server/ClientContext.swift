import Synchronization

/// What the server knows about the client behind one request.
public struct ClientContext: Sendable {
    /// The revision this request is served in.
    public var revision: ProtocolRevision
    /// The client's declared capabilities (`{}` when none).
    public var capabilities: JSONValue
    /// `clientInfo` as the client sent it, if it did.
    public var clientInfo: JSONValue?
    /// Log notifications at or above this level go to the client; nil sends none.
    public var logLevel: MCPLogLevel?
    /// Who the request runs as; nil on a transport that trusts its caller and was told nothing else.
    public var principal: Principal?

    public init(revision: ProtocolRevision, capabilities: JSONValue = .emptyObject, clientInfo: JSONValue? = nil, logLevel: MCPLogLevel? = nil,
                principal: Principal? = nil) {
        self.revision = revision
        self.capabilities = capabilities
        self.clientInfo = clientInfo
        self.logLevel = logLevel
        self.principal = principal
    }

    /// The client's name for logs: `clientInfo.name`, or "unknown".
    public var clientName: String { clientInfo?["name"]?.stringValue ?? "unknown" }
}

/// A flag that a request has been cancelled: by the client, a disconnect or a timeout.
public final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)
    public init() {}
    public var isCancelled: Bool { state.load(ordering: .acquiring) }
    public func cancel() { state.store(true, ordering: .releasing) }
}

/// One request being served: who asked, how to tell them about progress and logs, whether to stop.
public final class MCPRequestContext: Sendable {
    public let client: ClientContext
    public let progressToken: JSONValue?
    public let cancellation: CancellationFlag
    private let emit: @Sendable (JSONValue) -> Void
    private let state = Mutex(State())

    private struct State {
        var lastProgress: Double = -.infinity
        var finished = false
    }

    /// - Parameter emit: delivers a notification that belongs to this request (its SSE stream, stdout).
    public init(client: ClientContext, progressToken: JSONValue?, cancellation: CancellationFlag = CancellationFlag(),
                emit: @escaping @Sendable (JSONValue) -> Void) {
        self.client = client
        self.progressToken = progressToken
        self.cancellation = cancellation
        self.emit = emit
    }

    /// Sends `notifications/progress` if the client asked for progress. Values that do not grow are
    /// dropped, since the protocol requires progress to increase.
    public func reportProgress(_ progress: Double, total: Double? = nil, message: String? = nil) {
        guard let progressToken else { return }
        let send = state.withLock { state -> Bool in
            guard !state.finished, progress > state.lastProgress else { return false }
            state.lastProgress = progress
            return true
        }
        guard send else { return }
        var params: JSONValue = ["progressToken": progressToken, "progress": .double(progress)]
        if let total, total > 0 { params["total"] = .double(total) }
        if let message, client.revision >= .v2025_03_26 { params["message"] = .string(message) }
        emit(JSONRPCResponse.notification("notifications/progress", params))
    }

    /// Whether the client's log level lets `level` through, so callers can skip building the message.
    public func wants(_ level: MCPLogLevel) -> Bool {
        guard let minimum = client.logLevel else { return false }
        return level >= minimum
    }

    /// Sends `notifications/message` if the client's log level lets `level` through.
    public func log(_ level: MCPLogLevel, logger: String?, _ data: JSONValue) {
        guard wants(level) else { return }
        guard !state.withLock({ $0.finished }) else { return }
        var params: JSONValue = ["level": .string(level.name), "data": data]
        if let logger { params["logger"] = .string(logger) }
        emit(JSONRPCResponse.notification("notifications/message", params))
    }

    /// After the response is written nothing more may be sent for this request.
    public func finish() {
        state.withLock { $0.finished = true }
    }
}
