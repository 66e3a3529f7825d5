import Foundation
import MCPProtocol
import RemoteMCP
import MCPTransport
import Synchronization

/// Relays an MCP client that speaks stdio (one JSON-RPC message per line) to a remote Streamable
/// HTTP server, for desktop apps that can only start servers as processes.
///
/// `initialize` and notifications are sent in reading order, so the session exists before anything
/// uses it; requests run concurrently, so a slow tool call does not hold up the others and a
/// cancellation can reach it. Every request gets an answer: the remote's, or a JSON-RPC error that
/// says why there is none (remote down, refused, expired session that could not be renewed).
public final class StdioBridge: Sendable {
    private let remote: RemoteMCPEndpoint
    private let log: BridgeLog
    private let input: Int32
    private let output: StdoutWriter
    /// Requests on their way, by id, so a 2026-07-28 cancellation can stop its HTTP transfer.
    private let running = Mutex([RequestID: Running]())

    private struct Running {
        let task: Task<Void, Never>
        /// Sent statelessly (2026-07-28): cancelled by closing its HTTP exchange, not by a notification.
        let modern: Bool
    }

    /// The session's GET stream, once opened.
    private let listener = Mutex<Task<Void, Never>?>(nil)
    /// Requests the client cancelled: their missing answers are expected, not errors.
    private let cancelled = Mutex(Set<RequestID>())

    public init(remote: RemoteMCPEndpoint, log: BridgeLog, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.remote = remote
        self.log = log
        self.input = input
        self.output = StdoutWriter(descriptor: output)
    }

    /// Relays until stdin ends, then lets running requests finish briefly and ends the remote session.
    public func run() async {
        log.write("relaying stdio to \(remote.url.absoluteString)")
        for await line in LineReader(descriptor: input, maxLineBytes: 16 << 20).lines() {
            switch line {
            case .tooLong:
                output.write(JSONRPCResponse.error(id: nil, .invalidRequest("message longer than 16 MiB")))
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                await accept(bytes)
            }
        }
        // The client expects a prompt exit after closing stdin: a short grace, then whatever runs is dropped.
        let deadline = ContinuousClock.now + .seconds(3)
        while !running.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        running.withLock { $0.values.forEach { $0.task.cancel() } }
        listener.withLock { $0?.cancel() }
        await remote.endSession(log: log.write)
        log.write("input ended; bridge stopped")
    }

    /// Opens the GET stream once a session exists: notifications outside calls (`list_changed`).
    private func startListening() {
        guard remote.sessionID != nil else { return }
        let output = output
        listener.withLock { listener in
            guard listener == nil else { return }
            listener = Task { [remote, log] in await remote.listen(log: log.write) { output.write($0) } }
        }
    }

    private func accept(_ bytes: [UInt8]) async {
        let message: JSONValue
        do {
            message = try JSONValue.parse(bytes)
        } catch {
            output.write(JSONRPCResponse.error(id: nil, .parseError(error.description)))
            return
        }
        // A 2025-03-26 batch goes through whole, and its answers come back as one array line.
        if case .array(let items) = message {
            let ids = items.compactMap { $0["method"] != nil ? $0["id"].flatMap(RequestID.init) : nil }
            await relay(message, answering: ids)
            return
        }
        let decoded: JSONRPCMessage
        do {
            decoded = try JSONRPCMessage.decode(message)
        } catch {
            output.write(JSONRPCResponse.error(id: message["id"].flatMap(RequestID.init), error))
            return
        }
        switch decoded {
        case .request(let request) where request.method == "initialize":
            await relay(message, answering: [request.id])
            log.write("initialize relayed; session \(remote.sessionID ?? "none")")
            startListening()
        case .request(let request):
            // Registered under the lock, so the task's own removal cannot come first.
            let modern = request.meta?[RemoteMCPEndpoint.modernVersionKey] != nil
            running.withLock { running in
                running[request.id] = Running(task: Task { [self] in
                    await relay(message, answering: [request.id])
                    self.running.withLock { _ = $0.removeValue(forKey: request.id) }
                }, modern: modern)
            }
        case .notification(let method, let params):
            if method == "notifications/cancelled", let id = params?["requestId"].flatMap(RequestID.init) {
                cancelled.withLock { _ = $0.insert(id) }
                // 2026-07-28 over HTTP cancels by closing the request's stream; older revisions by this notification.
                let modern = running.withLock { $0[id] }.map { running in
                    if running.modern { running.task.cancel() }
                    return running.modern
                }
                if modern == true { return }
            }
            await relay(message, answering: [])
        case .response:
            await relay(message, answering: [])
        }
    }

    /// Sends one message and writes the remote's answer lines as they arrive; requests without an
    /// answer get an error.
    private func relay(_ message: JSONValue, answering ids: [RequestID]) async {
        let answered = Mutex(Set<RequestID>())
        let output = output
        do {
            try await remote.send(message, log: log.write) { reply in
                output.write(reply)
                let replies = reply.arrayValue ?? [reply]
                let ids = replies.filter { $0["method"] == nil }.compactMap { $0["id"].flatMap(RequestID.init) }
                answered.withLock { $0.formUnion(ids) }
            }
            let cancelledIDs = cancelled.withLock { $0 }
            let answeredIDs = answered.withLock { $0 }
            for id in ids where !answeredIDs.contains(id) && !cancelledIDs.contains(id) {
                output.write(JSONRPCResponse.error(id: id, .internalError("\(remote.url.absoluteString) ended its answer without a response to this request")))
            }
        } catch is CancellationError {
            return
        } catch {
            let method = message["method"]?.stringValue ?? "message"
            log.write("\(method) failed: \(error)")
            let cancelledIDs = cancelled.withLock { $0 }
            let answeredIDs = answered.withLock { $0 }
            for id in ids where !cancelledIDs.contains(id) && !answeredIDs.contains(id) {
                output.write(JSONRPCResponse.error(id: id, .internalError("cloverdx-mcp bridge: \(error)")))
            }
        }
    }
}
