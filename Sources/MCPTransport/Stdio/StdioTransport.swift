import Foundation
import Logging
import MCPProtocol
import Synchronization

/// MCP over stdio: one JSON-RPC message per line on stdin, answers on stdout, logs on stderr only.
///
/// Each line goes to the protocol's dispatcher (`MCPServer.route`), which classifies every message
/// on its own: `_meta`-keyed requests are served statelessly, `initialize` (re)creates the process's
/// handshake session, other messages belong to that session (docs/PROTOCOL.md, "stdio").
/// Requests run concurrently, so a cancellation can reach a running call. At end of input the transport waits briefly for running calls and returns.
public final class StdioTransport: Sendable {
    public let server: MCPServer
    private let input: Int32
    private let output: StdoutWriter
    private let logger: Logger
    /// Lines longer than this are answered with a parse error and skipped.
    public let maxLineBytes: Int
    private let state = Mutex(State())
    /// Requests being served, so end of input can wait for them.
    private let running = Atomic<Int>(0)
    private static let scope = "stdio"

    private struct State {
        var session: LegacySession?
        var listens: [Int] = []
        var listenSubscriptions: [ListenSubscription] = []
    }

    public init(server: MCPServer, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                maxLineBytes: Int = 4 << 20, logger: Logger) {
        self.server = server
        self.input = input
        self.output = StdoutWriter(descriptor: output)
        self.maxLineBytes = maxLineBytes
        self.logger = logger
    }

    /// Serves until end of input.
    public func run() async {
        for await line in LineReader(descriptor: input, maxLineBytes: maxLineBytes).lines() {
            switch line {
            case .tooLong:
                output.write(JSONRPCResponse.error(id: nil, .invalidRequest("message longer than \(maxLineBytes) bytes")))
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                // Reading order decides which session a message belongs to; only serving runs concurrently.
                guard let work = dispatch(bytes) else { continue }
                running.add(1, ordering: .relaxed)
                Task {
                    if let reply = await work() { self.output.write(reply) }
                    self.running.subtract(1, ordering: .relaxed)
                }
            }
        }
        // End of input: running calls get a short grace; whatever still runs then is abandoned,
        // because the client expects the process to exit promptly.
        let deadline = ContinuousClock.now + .seconds(5)
        while running.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        endListens()
        if let session = state.withLock({ $0.session }) { server.sessions.remove(id: session.id) }
    }

    /// Reads one line: the dispatcher decides what it is; answers go out at once, requests are
    /// returned as work, bound to the session current at reading time.
    private func dispatch(_ bytes: [UInt8]) -> (@Sendable () async -> JSONValue?)? {
        switch server.route(bytes, from: MessageOrigin(principal: nil, sessions: sessionScope, connection: Self.scope)) {
        case .answered(let reply):
            if let session = reply.session { logger.info("stdio session: \(session.client.clientName) speaks \(session.revision)") }
            if let message = reply.message { output.write(message) }
            return nil
        case .listen(let subscription):
            startListen(subscription)
            return nil
        case .request(let pending):
            return { [output] in await pending.serve({ output.write($0) }, CancellationFlag()).message }
        }
    }

    /// The process's one handshake session: `initialize` replaces it; clients that skip `initialize`
    /// get one at the handshake default revision, as lax stdio clients expect (docs/PROTOCOL.md, "stdio").
    struct ProcessSession: SessionScope {
        let transport: StdioTransport

        func current(for principal: Principal?) -> Result<LegacySession, Refusal> {
            .success(transport.state.withLock { state in
                if let session = state.session { return session }
                let session = LegacySession(id: LegacySession.newID(), revision: .handshakeDefault,
                                            clientCapabilities: .emptyObject, clientInfo: nil)
                state.session = session
                return session
            })
        }

        func existing(for principal: Principal?) -> LegacySession? { transport.state.withLock { $0.session } }

        func opened(_ session: LegacySession) {
            session.attachStream { [output = transport.output] in output.write($0) }  // list changes go to stdout
            let previous = transport.state.withLock { state -> LegacySession? in
                defer { state.session = session }
                return state.session
            }
            if let previous { transport.server.sessions.remove(id: previous.id) }
        }
    }

    private var sessionScope: ProcessSession { ProcessSession(transport: self) }

    private func startListen(_ subscription: ListenSubscription) {
        let token = subscription.start { [output] in output.write($0) }
        state.withLock {
            $0.listens.append(token)
            $0.listenSubscriptions.append(subscription)
        }
    }

    /// Ends open listen subscriptions: the final result, then a cancel (the spec's two stdio signals).
    private func endListens() {
        let (tokens, subscriptions) = state.withLock { ($0.listens, $0.listenSubscriptions) }
        for token in tokens { server.changes.unsubscribe(token) }
        for subscription in subscriptions {
            output.write(subscription.finalResult())
            output.write(JSONRPCResponse.notification("notifications/cancelled", ["requestId": subscription.request.id.json]))
        }
    }
}

/// Writes whole messages to stdout, one per line, never interleaved.
public final class StdoutWriter: Sendable {
    private let descriptor: Int32
    private let lock = Mutex(())

    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Writes `message` and a newline in one piece.
    public func write(_ message: JSONValue) {
        var bytes = message.serialized()
        bytes.append(0x0A)
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // the client went away; nothing useful left to do with the message
                    }
                    offset += written
                }
            }
        }
    }
}

/// Reads newline-delimited lines from a file descriptor on its own thread (reads block).
public struct LineReader: Sendable {
    public enum Line: Sendable {
        case line([UInt8])
        case tooLong
    }

    let descriptor: Int32
    let maxLineBytes: Int

    public init(descriptor: Int32, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
    }

    /// The lines until end of input, without their newlines.
    public func lines() -> AsyncStream<Line> {
        let (stream, continuation) = AsyncStream<Line>.makeStream()
        let thread = Thread { [descriptor, maxLineBytes] in
            var pending: [UInt8] = []
            var discarding = false
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                var start = 0
                for index in 0..<count where buffer[index] == 0x0A {
                    if discarding {
                        discarding = false
                    } else {
                        pending.append(contentsOf: buffer[start..<index])
                        continuation.yield(.line(pending))
                    }
                    pending.removeAll(keepingCapacity: true)
                    start = index + 1
                }
                if !discarding {
                    pending.append(contentsOf: buffer[start..<count])
                    if pending.count > maxLineBytes {
                        continuation.yield(.tooLong)
                        pending.removeAll()
                        discarding = true
                    }
                }
            }
            if !pending.isEmpty && !discarding { continuation.yield(.line(pending)) }
            continuation.finish()
        }
        thread.name = "cloverdx-mcp stdin"
        thread.start()
        return stream
    }
}
