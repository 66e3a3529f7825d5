import Foundation
import Synchronization

/// A handshake-era session (2024-11-05 … 2025-11-25): created by `initialize`, named by
/// `Mcp-Session-Id` on HTTP, one per process on stdio.
public final class LegacySession: Sendable {
    public let id: String
    public let revision: ProtocolRevision
    public let clientCapabilities: JSONValue
    public let clientInfo: JSONValue?
    /// The subject that opened the session, when the transport authenticates; nil otherwise.
    public let owner: String?
    private let state: Mutex<State>

    private struct State {
        var logLevel: MCPLogLevel?
        var initialized = false
        var lastSeen: ContinuousClock.Instant
        var streamSink: (@Sendable (JSONValue) -> Void)?
    }

    public init(id: String, revision: ProtocolRevision, clientCapabilities: JSONValue, clientInfo: JSONValue?, owner: String? = nil) {
        self.id = id
        self.owner = owner
        self.revision = revision
        self.clientCapabilities = clientCapabilities
        self.clientInfo = clientInfo
        self.state = Mutex(State(lastSeen: .now))
    }

    /// The client context for a request in this session.
    public var client: ClientContext {
        ClientContext(revision: revision, capabilities: clientCapabilities, clientInfo: clientInfo,
                      logLevel: state.withLock { $0.logLevel })
    }

    public var logLevel: MCPLogLevel? {
        get { state.withLock { $0.logLevel } }
        set { state.withLock { $0.logLevel = newValue } }
    }

    /// True once the client sent `notifications/initialized`.
    public var isInitialized: Bool { state.withLock { $0.initialized } }
    func markInitialized() { state.withLock { $0.initialized = true } }

    func touch() { state.withLock { $0.lastSeen = .now } }
    var lastSeen: ContinuousClock.Instant { state.withLock { $0.lastSeen } }

    /// Where notifications that belong to no request go (HTTP GET stream, stdout). One at a time:
    /// a second GET stream replaces the first.
    public func attachStream(_ sink: (@Sendable (JSONValue) -> Void)?) {
        state.withLock { $0.streamSink = sink }
    }

    /// Sends a notification on the session's stream, if it has one.
    public func sendOnStream(_ message: JSONValue) {
        state.withLock { $0.streamSink }?(message)
    }

    /// A new random session id: 128 bits as hex, within the visible-ASCII rule of the spec.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

/// The live handshake-era sessions. Idle sessions expire; the count is capped so that clients
/// that never DELETE cannot grow memory without bound.
public final class SessionStore: Sendable {
    private let sessions = Mutex<[String: LegacySession]>([:])
    public let idleTimeout: Duration
    public let capacity: Int

    public init(idleTimeout: Duration = .seconds(3600), capacity: Int = 10_000) {
        self.idleTimeout = idleTimeout
        self.capacity = capacity
    }

    public func add(_ session: LegacySession) {
        sessions.withLock { sessions in
            if sessions.count >= capacity {
                Self.evictIdle(&sessions, olderThan: idleTimeout)
                if sessions.count >= capacity, let oldest = sessions.values.min(by: { $0.lastSeen < $1.lastSeen }) {
                    sessions.removeValue(forKey: oldest.id)
                }
            }
            sessions[session.id] = session
        }
    }

    /// The session with this id, if it is still alive; marks it used.
    public func session(id: String) -> LegacySession? {
        let found = sessions.withLock { sessions -> LegacySession? in
            guard let session = sessions[id] else { return nil }
            if ContinuousClock.now - session.lastSeen > idleTimeout {
                sessions.removeValue(forKey: id)
                return nil
            }
            return session
        }
        found?.touch()
        return found
    }

    @discardableResult
    public func remove(id: String) -> LegacySession? {
        sessions.withLock { $0.removeValue(forKey: id) }
    }

    public var all: [LegacySession] { sessions.withLock { Array($0.values) } }
    public var count: Int { sessions.withLock { $0.count } }

    private static func evictIdle(_ sessions: inout [String: LegacySession], olderThan timeout: Duration) {
        let now = ContinuousClock.now
        sessions = sessions.filter { now - $0.value.lastSeen <= timeout }
    }
}
