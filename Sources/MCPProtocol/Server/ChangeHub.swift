import Synchronization

/// Fans catalog changes out to whoever listens: legacy GET streams, stdio, 2026 listen streams.
public final class ChangeHub: Sendable {
    public typealias Listener = @Sendable (CatalogChange) -> Void

    private let listeners = Mutex<[Int: Listener]>([:])
    private let nextToken = Atomic<Int>(0)

    public init() {}

    /// Registers a listener; keep the token to remove it.
    public func subscribe(_ listener: @escaping Listener) -> Int {
        let token = nextToken.wrappingAdd(1, ordering: .relaxed).newValue
        listeners.withLock { $0[token] = listener }
        return token
    }

    public func unsubscribe(_ token: Int) {
        _ = listeners.withLock { $0.removeValue(forKey: token) }
    }

    /// Tells every listener about `change`.
    public func publish(_ change: CatalogChange) {
        for listener in listeners.withLock({ Array($0.values) }) { listener(change) }
    }
}
