import CloverMCPPluginABI
import Foundation
import Logging
import MCPProtocol
import Synchronization

/// The worker process's side of an isolated plugin (`cloverdx-mcp plugin-worker`): it loads one
/// plugin with the ordinary loader and serves the host's calls over the socket it was given. The
/// plugin sees the same C ABI as in the host; configuration lookups and host-service calls are
/// asked of the host, which applies grants and confinement, so the worker holds no data of its own.
public enum PluginWorker {
    /// Serves until the host closes the socket; returns the process's exit status.
    public static func serve(socket descriptor: Int32, memoryLimitMB: Int?, logger: Logger) -> Int32 {
        if let memoryLimitMB {
            // RLIMIT_DATA counts the heap and private mappings (what a runaway allocation grows), not
            // address space merely reserved, so threads and the binary's own mappings do not trip it.
            var limit = rlimit(rlim_cur: rlim_t(memoryLimitMB) << 20, rlim_max: rlim_t(memoryLimitMB) << 20)
            if setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &limit) != 0 {
                logger.warning("plugin worker: cannot set its memory limit: \(String(cString: strerror(errno)))")
            }
        }
        let session = WorkerSession(channel: WorkerChannel(descriptor: descriptor), logger: logger)
        var reader = WorkerChannel.Reader(descriptor: descriptor)
        while true {
            let message: JSONValue
            do {
                message = try reader.next()
            } catch {
                // The host closed the socket (it stopped, or it is replacing this worker): nothing is left to do.
                return 0
            }
            session.handle(message)
        }
    }
}

/// One worker's state: the plugin once loaded, the calls running, and the questions asked of the host.
private final class WorkerSession: Sendable {
    let channel: WorkerChannel
    let logger: Logger
    private let plugin = Mutex<LoadedPlugin?>(nil)
    private let calls = Mutex<[Int64: CancellationFlag]>([:])
    private let replies = Mutex<[Int64: ReplySlot]>([:])
    private let nextSequence = Atomic<Int64>(1)
    private let pool = CallPool()

    init(channel: WorkerChannel, logger: Logger) {
        self.channel = channel
        self.logger = logger
    }

    /// Handles one message from the host, on the reading thread: anything that may block runs elsewhere.
    func handle(_ message: JSONValue) {
        switch message["t"]?.stringValue {
        case "load":
            // Loading asks the host for configuration, whose answers this thread must go on reading.
            Thread { self.load(message) }.start()
        case "call":
            start(message)
        case "cancel":
            if let id = message["id"]?.intValue { calls.withLock { $0[id] }?.cancel() }
        case "reply":
            if let sequence = message["seq"]?.intValue { replies.withLock { $0.removeValue(forKey: sequence) }?.fulfil(message) }
        default:
            logger.warning("plugin worker: ignoring a message of type \(message["t"]?.stringValue ?? "?")")
        }
    }

    /// Asks the host and waits for its reply; nil when the host is gone.
    func ask(_ question: JSONValue) -> JSONValue? {
        let sequence = nextSequence.add(1, ordering: .relaxed).oldValue
        let slot = ReplySlot()
        replies.withLock { $0[sequence] = slot }
        var message = question
        message["seq"] = .int(sequence)
        guard channel.send(message) else { return nil }
        return slot.wait()
    }

    private func load(_ message: JSONValue) {
        guard let library = message["library"]?.stringValue, let id = message["id"]?.stringValue else {
            channel.send(["t": "load-failed", "reason": "the host's load message names no library or id"])
            return
        }
        let loader = PluginLoader(searchDirectories: [], logger: logger, configuration: { [self] key in
            ask(["t": "config", "key": .string(key)])?["value"]?.stringValue
        })
        do throws(PluginLoadError) {
            let loaded = try loader.open(URL(fileURLWithPath: library), pluginID: id, settings: message["settings"] ?? .emptyObject)
            plugin.withLock { $0 = loaded }
            channel.send(["t": "ready", "offer": loaded.offer.json, "pid": .int(Int64(getpid()))])
        } catch {
            channel.send(["t": "load-failed", "reason": .string(error.reason)])
        }
    }

    private func start(_ message: JSONValue) {
        guard let id = message["id"]?.intValue else { return }
        guard let loaded = plugin.withLock({ $0 }), let request = PluginRequest(frame: message) else {
            channel.send(["t": "done", "id": .int(id), "status": .int(Int64(CDXMCP_FAILED)), "error": "the worker has no plugin loaded or could not read the call"])
            return
        }
        let cancellation = CancellationFlag()
        calls.withLock { $0[id] = cancellation }
        let client = ClientContext(revision: ProtocolRevision(message["revision"]?.stringValue ?? ProtocolRevision.latestHandshake.rawValue),
                                   logLevel: message["logLevel"]?.stringValue.flatMap(MCPLogLevel.init(name:)))
        let progressToken = message["progressToken"].flatMap { $0.isNull ? nil : $0 }
        let context = MCPRequestContext(client: client, progressToken: progressToken, cancellation: cancellation) { [channel] notification in
            channel.send(["t": "notify", "id": .int(id), "notification": notification])
        }
        let call = PluginCall(context: context, plugin: loaded.handle) { [self] service, serviceRequest in
            guard let reply = ask(["t": "service", "id": .int(id), "service": .string(service), "request": serviceRequest]) else {
                return (cdxmcp_status(CDXMCP_FAILED), ["error": "the host is gone"])
            }
            return (cdxmcp_status(truncatingIfNeeded: reply["status"]?.intValue ?? Int64(CDXMCP_FAILED)), reply["response"] ?? .emptyObject)
        }
        Task { [self] in
            // The host keeps the deadline; here a call runs until the plugin returns or the worker is stopped.
            let outcome = await pool.run(timeout: .seconds(366 * 86_400)) { loaded.runInProcess(request, call: call) }
            calls.withLock { _ = $0.removeValue(forKey: id) }
            guard case .finished(let status) = outcome else { return }
            channel.send(["t": "done", "id": .int(id), "status": .int(Int64(status)), "result": call.result ?? .null,
                          "error": call.errorMessage.map(JSONValue.string) ?? .null])
        }
    }
}

/// Where the reading thread leaves the host's reply to one question.
private final class ReplySlot: Sendable {
    private let value = Mutex<JSONValue?>(nil)
    private let arrived = DispatchSemaphore(value: 0)

    func fulfil(_ reply: JSONValue) {
        value.withLock { $0 = reply }
        arrived.signal()
    }

    func wait() -> JSONValue? {
        arrived.wait()
        return value.withLock { $0 }
    }
}
