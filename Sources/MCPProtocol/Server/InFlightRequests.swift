import Synchronization

/// Requests being served, so `notifications/cancelled` can reach them. Keyed by a scope (a
/// session id, or one stdio connection) and the client's request id.
public final class InFlightRequests: Sendable {
    private struct Key: Hashable { let scope: String; let id: RequestID }
    private let flags = Mutex<[Key: CancellationFlag]>([:])

    public init() {}

    func begin(scope: String, id: RequestID, flag: CancellationFlag) {
        flags.withLock { $0[Key(scope: scope, id: id)] = flag }
    }

    func end(scope: String, id: RequestID) {
        _ = flags.withLock { $0.removeValue(forKey: Key(scope: scope, id: id)) }
    }

    /// Cancels the request if it is still running; unknown or finished ids are ignored, as the spec says.
    func cancel(scope: String, id: RequestID) {
        flags.withLock { $0[Key(scope: scope, id: id)] }?.cancel()
    }

    /// Cancels every running request: the server is shutting down.
    public func cancelAll() {
        for flag in flags.withLock({ Array($0.values) }) { flag.cancel() }
    }

    public var count: Int { flags.withLock { $0.count } }
}
