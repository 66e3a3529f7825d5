import CloverMCPPluginABI
import Foundation
import Logging
import MCPProtocol
import Synchronization

/// How an isolated plugin's worker has fared, for `plugins list` and the log.
public struct PluginWorkerStatus: Sendable, Equatable {
    /// The worker serving now; nil while it is being restarted.
    public var pid: Int32?
    public var restarts: Int
    /// What ended the last worker, and when.
    public var lastCrash: String?
    public var lastCrashAt: Date?
    public var memoryLimitMB: Int?
}

/// The host's side of an isolated plugin: its worker process, the calls in flight there, and the
/// restarts after a crash. A call is a `call` frame and its `done`; while it runs, the worker may
/// ask for configuration and host services, which this side answers with the plugin's own binding
/// (its grants, its private keys), and send progress and log notifications for the request.
///
/// A worker that dies (a crash, the memory limit, or a kill because a call ignored cancellation
/// past its timeout) fails only the calls it was running, with a message saying what happened; a
/// new worker is started at once the first time, then with a backoff while it keeps failing.
final class PluginWorkerClient: Sendable {
    struct Spec: Sendable {
        let pluginID: String
        let library: URL
        let settings: JSONValue
        let memoryLimitMB: Int?
        let executable: URL
        let logLevel: Logger.Level
        /// Told of every start, crash and restart (the server's `WorkerStatusFile`).
        let onStatusChange: (@Sendable (String, PluginWorkerStatus) -> Void)?
    }

    let spec: Spec
    let binding: PluginBinding
    let logger: Logger
    private let state = Mutex(State())
    private let watchWakeup = DispatchSemaphore(value: 0)

    /// How long a call may go on ignoring cancellation after its timeout before its worker is killed.
    static let cancellationGrace: Duration = .seconds(2)
    /// How often running calls are checked for cancellation, deadlines and memory.
    static let watchInterval: Duration = .milliseconds(25)
    /// A worker that ran this long without a crash starts the backoff again from nothing.
    static let stableAfter: Duration = .seconds(60)

    private final class Pending: @unchecked Sendable {
        // Guarded by the client's state lock.
        var continuation: CheckedContinuation<PluginCallOutcome, Never>?
        let call: PluginCall
        let subject: String
        let timeout: Duration
        let deadline: ContinuousClock.Instant
        let worker: WorkerProcess
        var cancelSent = false
        var timedOutAt: ContinuousClock.Instant?

        init(call: PluginCall, subject: String, timeout: Duration, worker: WorkerProcess) {
            self.call = call
            self.subject = subject
            self.timeout = timeout
            self.deadline = .now + timeout
            self.worker = worker
        }
    }

    private struct State {
        var worker: WorkerProcess?
        var pending: [Int64: Pending] = [:]
        var nextID: Int64 = 1
        var status = PluginWorkerStatus(restarts: 0)
        var consecutiveCrashes = 0
        /// Why the host killed a worker, by pid, for the message its calls get.
        var killCauses: [pid_t: String] = [:]
        /// Why the worker was stopped for good, once it was; calls still running are told.
        var stopReason: String?
        var stopped: Bool { stopReason != nil }
    }

    private init(spec: Spec, binding: PluginBinding, logger: Logger) {
        self.spec = spec
        self.binding = binding
        self.logger = logger
    }

    /// Starts the plugin's worker and waits until its plugin is loaded.
    static func start(_ spec: Spec, binding: PluginBinding, logger: Logger) throws(WorkerStartError) -> (PluginWorkerClient, PluginOffer) {
        let client = PluginWorkerClient(spec: spec, binding: binding, logger: logger)
        let offer = try client.launch()
        let watcher = Thread { client.watch() }
        watcher.name = "plugin worker watch"
        watcher.start()
        client.announceStatus()
        return (client, offer)
    }

    var status: PluginWorkerStatus {
        state.withLock { state in
            var status = state.status
            status.pid = state.worker?.pid
            status.memoryLimitMB = spec.memoryLimitMB
            return status
        }
    }

    private func announceStatus() {
        spec.onStatusChange?(spec.pluginID, status)
    }

    /// Stops the worker for good; calls still running fail with `reason`.
    func stop(because reason: String) {
        let worker = state.withLock { state -> WorkerProcess? in
            state.stopReason = state.stopReason ?? reason
            return state.worker
        }
        worker?.kill()
    }

    // MARK: - Starting a worker

    /// Spawns a worker, hands it the plugin and answers its configuration questions until it says
    /// it is ready; then reads its messages on a thread of its own.
    private func launch() throws(WorkerStartError) -> PluginOffer {
        var arguments = ["plugin-worker", "--socket", "3", "--log-level", spec.logLevel.rawValue]
        if let limit = spec.memoryLimitMB { arguments += ["--memory-limit-mb", String(limit)] }
        let worker = try WorkerProcess.spawn(executable: spec.executable.path, arguments: arguments)
        worker.channel.send(["t": "load", "library": .string(spec.library.path), "id": .string(spec.pluginID), "settings": spec.settings])
        var reader = WorkerChannel.Reader(descriptor: worker.channel.descriptor)
        func fail(_ reason: String) -> WorkerStartError {
            worker.kill()
            let (status, _) = worker.reap()
            return WorkerStartError(reason.isEmpty ? "its worker \(WorkerProcess.describe(status)) while loading it"
                + (worker.lastWords(within: .seconds(5)).map { ": \($0)" } ?? "") : reason)
        }
        while true {
            let message: JSONValue
            do {
                message = try reader.next()
            } catch {
                throw fail("")
            }
            switch message["t"]?.stringValue {
            case "config":
                answerConfiguration(message, on: worker)
            case "ready":
                let offer: PluginOffer
                do {
                    offer = try PluginOffer(json: message["offer"] ?? .null)
                } catch {
                    throw fail(error.description)
                }
                state.withLock { $0.worker = worker }
                let handshakeReader = reader
                let thread = Thread { [self] in serve(worker, reader: handshakeReader) }
                thread.name = "plugin worker \(spec.pluginID)"
                thread.start()
                return offer
            case "load-failed":
                throw fail(message["reason"]?.stringValue ?? "its worker could not load it")
            default:
                throw fail("its worker sent \(message["t"]?.stringValue ?? "?") before it was ready")
            }
        }
    }

    private func answerConfiguration(_ message: JSONValue, on worker: WorkerProcess) {
        let value = message["key"]?.stringValue.flatMap(binding.visibleConfiguration)
        worker.channel.send(["t": "reply", "seq": message["seq"] ?? .null, "value": value.map(JSONValue.string) ?? .null])
    }

    // MARK: - Calls

    /// Runs `request` in the worker and waits for its answer, its timeout, or the worker's end.
    func run(_ request: PluginRequest, call: PluginCall, timeout: Duration) async -> PluginCallOutcome {
        let deadline = ContinuousClock.now + timeout
        // A worker being restarted after a crash comes back within its backoff; wait for it, in time.
        while state.withLock({ $0.worker == nil && !$0.stopped }) {
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                let crash = status.lastCrash.map { " (its last worker \($0))" } ?? ""
                return .workerFailed("plugin \"\(spec.pluginID)\" is being restarted\(crash); try again in a few seconds")
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let idHolder = Mutex<Int64?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let frame = state.withLock { state -> (WorkerProcess, JSONValue)? in
                    guard let worker = state.worker, !state.stopped else { return nil }
                    let id = state.nextID
                    state.nextID += 1
                    let pending = Pending(call: call, subject: request.subject, timeout: timeout, worker: worker)
                    pending.continuation = continuation
                    state.pending[id] = pending
                    idHolder.withLock { $0 = id }
                    var frame = request.frameFields
                    frame["t"] = "call"
                    frame["id"] = .int(id)
                    if let context = call.context {
                        frame["revision"] = .string(context.client.revision.rawValue)
                        if let level = context.client.logLevel { frame["logLevel"] = .string(level.name) }
                        if let token = context.progressToken { frame["progressToken"] = token }
                    }
                    return (worker, frame)
                }
                guard let (worker, frame) = frame else {
                    let reason = state.withLock { $0.stopReason } ?? "it is not running"
                    continuation.resume(returning: .workerFailed("plugin \"\(spec.pluginID)\" has stopped: \(reason)"))
                    return
                }
                // A worker gone before the frame is read fails the call when its end is noticed.
                worker.channel.send(frame)
                watchWakeup.signal()
                if Task.isCancelled { abandon(idHolder.withLock { $0 }) }
            }
        } onCancel: {
            abandon(idHolder.withLock { $0 })
        }
    }

    /// The waiting request went away (shutdown): answer it now, tell the worker to stop the call.
    private func abandon(_ id: Int64?) {
        guard let id else { return }
        let (continuation, worker) = state.withLock { state -> (CheckedContinuation<PluginCallOutcome, Never>?, WorkerProcess?) in
            guard let pending = state.pending[id] else { return (nil, nil) }
            pending.cancelSent = true
            return (pending.continuation.take(), pending.worker)
        }
        continuation?.resume(returning: .abandoned)
        worker?.channel.send(["t": "cancel", "id": .int(id)])
    }

    // MARK: - Reading the worker's messages

    private func serve(_ worker: WorkerProcess, reader: WorkerChannel.Reader) {
        var reader = reader
        var problem: String?
        while true {
            let message: JSONValue
            do {
                message = try reader.next()
            } catch {
                if error.description != "the end of the stream" { problem = "sent \(error.description)" }
                break
            }
            switch message["t"]?.stringValue {
            case "done": finish(message)
            case "notify": relay(message)
            case "service": serveService(message, on: worker)
            case "config": answerConfiguration(message, on: worker)
            default: problem = "sent a message of unknown type \"\(message["t"]?.stringValue ?? "?")\""
            }
            if problem != nil { break }
        }
        if let problem {
            state.withLock { $0.killCauses[worker.pid] = "was stopped because its worker \(problem)" }
            worker.kill()
        }
        ended(worker)
    }

    private func finish(_ message: JSONValue) {
        guard let id = message["id"]?.intValue else { return }
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        if let error = message["error"]?.stringValue { pending.call.setError(error) }
        // A result that is not an object is recorded as the call's error by setResult itself.
        if let result = message["result"], !result.isNull { _ = pending.call.setResult(result) }
        let status = cdxmcp_status(truncatingIfNeeded: message["status"]?.intValue ?? Int64(CDXMCP_FAILED))
        state.withLock { _ in pending.continuation.take() }?.resume(returning: .finished(status, pending.call))
    }

    /// Passes a progress or log notification of a running call on to its request.
    private func relay(_ message: JSONValue) {
        guard let id = message["id"]?.intValue, let notification = message["notification"],
              let context = state.withLock({ $0.pending[id]?.call.context }) else { return }
        let params = notification["params"] ?? .emptyObject
        switch notification["method"]?.stringValue {
        case "notifications/progress":
            guard let progress = params["progress"]?.doubleValue else { return }
            context.reportProgress(progress, total: params["total"]?.doubleValue, message: params["message"]?.stringValue)
        case "notifications/message":
            guard let level = params["level"]?.stringValue.flatMap(MCPLogLevel.init(name:)) else { return }
            context.log(level, logger: spec.pluginID, params["data"] ?? .null)
        default:
            break
        }
    }

    /// Runs a host service the plugin asked for, with the plugin's grants, on a thread of its own
    /// (services block), and sends the answer back.
    private func serveService(_ message: JSONValue, on worker: WorkerProcess) {
        let sequence = message["seq"] ?? .null
        guard let id = message["id"]?.intValue, let name = message["service"]?.stringValue,
              let call = state.withLock({ $0.pending[id]?.call }) else {
            worker.channel.send(["t": "reply", "seq": sequence, "status": .int(Int64(CDXMCP_CANCELLED)),
                                 "response": ["error": "the call that asked is no longer running"]])
            return
        }
        let request = message["request"] ?? .null
        let thread = Thread {
            let (status, response) = call.callService(name, request: request)
            worker.channel.send(["t": "reply", "seq": sequence, "status": .int(Int64(status)), "response": response])
        }
        thread.stackSize = 8 << 20  // as the call pool's threads: services parse and match recursively
        thread.start()
    }

    // MARK: - A worker's end

    /// The worker's socket closed: reap it, fail its calls with what happened, start another.
    private func ended(_ worker: WorkerProcess) {
        let (status, peakBytes) = worker.reap()
        var cause = state.withLock { $0.killCauses.removeValue(forKey: worker.pid) } ?? WorkerProcess.describe(status)
        var detail = ""
        if cause.hasPrefix("crashed") {
            // An allocation refused by the limit ends a plugin with a signal too: say so when it was close.
            if let limit = spec.memoryLimitMB, peakBytes >> 20 >= limit * 3 / 4 {
                cause += " at a peak of \(peakBytes >> 20) MB, near its memory limit of \(limit) MB (memoryLimitMB)"
            }
            if let words = worker.lastWords(within: .seconds(2)) { detail = " (its last words: \(words))" }
        }
        let lived = ContinuousClock.now - worker.started
        let (failed, stopReason, delay) = state.withLock { state -> ([Pending], String?, Duration) in
            let failed = state.pending.filter { $0.value.worker === worker }
            for id in failed.keys { state.pending.removeValue(forKey: id) }
            if state.worker === worker { state.worker = nil }
            if !state.stopped {  // a worker stopped on purpose did not crash
                state.status.lastCrash = cause
                state.status.lastCrashAt = Date()
                state.consecutiveCrashes = lived >= Self.stableAfter ? 1 : state.consecutiveCrashes + 1
            }
            return (Array(failed.values), state.stopReason, Self.backoff(afterCrashes: state.consecutiveCrashes))
        }
        for pending in failed {
            let continuation = state.withLock { _ in pending.continuation.take() }
            continuation?.resume(returning: .workerFailed(stopReason.map { "plugin \"\(spec.pluginID)\" has stopped: \($0)" }
                ?? "plugin \"\(spec.pluginID)\" \(cause) while running \(pending.subject)\(detail); the server and the other plugins go on, and the plugin is restarted: try again, or try a narrower request"))
        }
        guard stopReason == nil else { return }
        announceStatus()
        logger.error("plugin \"\(spec.pluginID)\": worker \(worker.pid) \(cause)\(detail); restarting it\(delay > .zero ? " in \(delay.spoken)" : "")")
        let thread = Thread { [self] in restart(after: delay) }
        thread.name = "plugin worker restart"
        thread.start()
    }

    /// No wait after the first crash; then 0.25 s, doubling to at most 30 s while crashes repeat.
    static func backoff(afterCrashes crashes: Int) -> Duration {
        guard crashes > 1 else { return .zero }
        return .milliseconds(min(30_000, 250 << min(crashes - 2, 7)))
    }

    private func restart(after delay: Duration) {
        var delay = delay
        while !state.withLock({ $0.stopped }) {
            if delay > .zero { Thread.sleep(forTimeInterval: delay.seconds) }
            do {
                let offer = try launch()
                state.withLock { $0.status.restarts += 1 }
                announceStatus()
                logger.notice("plugin \"\(spec.pluginID)\": worker restarted (\(offer.tools.count) tools)")
                return
            } catch {
                let crashes = state.withLock { state -> Int in
                    state.status.lastCrash = "could not be restarted: \(error.description)"
                    state.status.lastCrashAt = Date()
                    state.consecutiveCrashes += 1
                    return state.consecutiveCrashes
                }
                delay = Self.backoff(afterCrashes: crashes)
                announceStatus()
                logger.error("plugin \"\(spec.pluginID)\": worker could not be restarted: \(error.description); trying again in \(delay.spoken)")
            }
        }
    }

    // MARK: - Watching running calls

    /// While calls run: passes cancellations on, answers calls whose deadline passed, and kills a
    /// worker whose call ignored cancellation past the grace, or that uses more than its memory limit.
    private func watch() {
        while true {
            let idle = state.withLock { $0.pending.isEmpty }
            if idle {
                _ = watchWakeup.wait(timeout: .now() + 1)
                continue
            }
            Thread.sleep(forTimeInterval: 0.025)
            let now = ContinuousClock.now
            var cancels: [(Int64, WorkerProcess)] = []
            var expired: [(CheckedContinuation<PluginCallOutcome, Never>, PluginCall)] = []
            var kills: [(WorkerProcess, String)] = []
            let current = state.withLock { state -> WorkerProcess? in
                for (id, pending) in state.pending {
                    if !pending.cancelSent, pending.call.context?.cancellation.isCancelled == true {
                        pending.cancelSent = true
                        cancels.append((id, pending.worker))
                    }
                    if pending.timedOutAt == nil, now >= pending.deadline {
                        pending.timedOutAt = now
                        if let continuation = pending.continuation.take() { expired.append((continuation, pending.call)) }
                        if !pending.cancelSent {
                            pending.cancelSent = true
                            cancels.append((id, pending.worker))
                        }
                    }
                    if let timedOutAt = pending.timedOutAt, now - timedOutAt >= Self.cancellationGrace,
                       state.killCauses[pending.worker.pid] == nil {
                        let cause = "was stopped because \(pending.subject) went on \(Self.cancellationGrace.spoken) past its timeout of \(pending.timeout.spoken), ignoring cancellation"
                        state.killCauses[pending.worker.pid] = cause
                        kills.append((pending.worker, cause))
                    }
                }
                return state.worker
            }
            for (continuation, call) in expired {
                call.abandon()
                continuation.resume(returning: .timedOut)
            }
            for (id, worker) in cancels { worker.channel.send(["t": "cancel", "id": .int(id)]) }
            if let current, let limit = spec.memoryLimitMB, let resident = current.residentBytes, resident > limit << 20 {
                let cause = "was stopped because it used \(resident >> 20) MB, over its memory limit of \(limit) MB (memoryLimitMB)"
                let first = state.withLock { state -> Bool in
                    guard state.killCauses[current.pid] == nil else { return false }
                    state.killCauses[current.pid] = cause
                    return true
                }
                if first { kills.append((current, cause)) }
            }
            // ended() logs why, when the worker's socket closes.
            for (worker, _) in kills { worker.kill() }
        }
    }
}
