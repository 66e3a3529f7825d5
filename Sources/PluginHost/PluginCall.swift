import CloverMCPPluginABI
import Foundation
import Logging
import MCPProtocol
import Synchronization

/// One call into a plugin in progress. The plugin sees it as `cdxmcp_call *`; it collects the result
/// the plugin hands back and relays progress and log lines to the MCP request.
final class PluginCall: Sendable {
    let context: MCPRequestContext?
    let plugin: PluginBinding
    /// Where host-service calls go instead of this process's services: set in a plugin worker, which
    /// asks the host for each one (grants and confinement are the host's).
    let serviceRoute: (@Sendable (String, JSONValue) -> (cdxmcp_status, JSONValue))?
    private let state = Mutex(State())

    private struct State {
        var result: JSONValue?
        var resultError: String?
        var errorMessage: String?
        var abandoned = false
        /// Service responses handed to the plugin; freed when the call ends.
        var kept: [KeptBuffer] = []
    }

    init(context: MCPRequestContext?, plugin: PluginBinding,
         serviceRoute: (@Sendable (String, JSONValue) -> (cdxmcp_status, JSONValue))? = nil) {
        self.context = context
        self.plugin = plugin
        self.serviceRoute = serviceRoute
    }

    deinit {
        state.withLock { state in for kept in state.kept { kept.buffer.deallocate() } }
    }

    /// Copies `bytes` into memory the plugin may read until the call ends.
    func keep(_ bytes: [UInt8]) -> (pointer: UnsafePointer<CChar>, count: Int) {
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { _ = buffer.initialize(fromContentsOf: $0) }
        }
        let kept = KeptBuffer(buffer: buffer)
        state.withLock { $0.kept.append(kept) }
        return (UnsafePointer(buffer.baseAddress!), bytes.count)
    }

    /// Runs a host service for the plugin, blocking this plugin-call thread until it answers.
    func callService(_ name: String, _ requestBytes: [UInt8]) -> (cdxmcp_status, JSONValue) {
        guard let request = try? JSONValue.parse(requestBytes), request.objectValue != nil else {
            return Self.refuse(CDXMCP_INVALID_ARGUMENTS, "the request to \(name) must be a JSON object")
        }
        if let serviceRoute { return serviceRoute(name, request) }
        return callService(name, request: request)
    }

    private static func refuse(_ status: Int, _ message: String) -> (cdxmcp_status, JSONValue) {
        (cdxmcp_status(status), ["error": .string(message)])
    }

    /// Runs a host service of this process, after checking the plugin's grant for it.
    func callService(_ name: String, request: JSONValue) -> (cdxmcp_status, JSONValue) {
        let refuse = Self.refuse
        guard request.objectValue != nil else { return refuse(CDXMCP_INVALID_ARGUMENTS, "the request to \(name) must be a JSON object") }
        guard let service = plugin.services[name] else {
            return refuse(CDXMCP_UNSUPPORTED, "no host service \"\(name)\"; services: \(plugin.services.names.joined(separator: ", "))")
        }
        guard plugin.grants.withLock({ $0.contains(service.grant) }) else {
            return refuse(CDXMCP_DENIED, "plugin \"\(plugin.pluginID)\" has no grant \"\(service.grant)\" for \(name); add it to the plugin's \"grants\" in plugins.json")
        }
        let started = ContinuousClock.now
        if service.isHeavy {
            switch plugin.services.heavyCalls.enter(isCancelled: { isCancelled }) {
            case .admitted:
                break
            case .busy(let seconds):
                return refuse(CDXMCP_FAILED, "busy: \(plugin.services.heavyCalls.settings.maxRunning) heavy calls (SQL, log scans) are already running; retry in \(seconds) s")
            case .cancelled:
                return refuse(CDXMCP_CANCELLED, "the call was cancelled while it waited for a place among the heavy calls")
            }
        }
        defer { if service.isHeavy { plugin.services.heavyCalls.leave(after: ContinuousClock.now - started) } }
        let context = ServiceContext(pluginID: plugin.pluginID, request: self.context)
        let outcome = Mutex<Result<JSONValue, any Error>?>(nil)
        // The service runs on this plugin-call thread (see CallingThreadExecutor for why).
        let executor = CallingThreadExecutor()
        Task(executorPreference: executor) {
            let result: Result<JSONValue, any Error>
            do {
                result = .success(try await service.handle(request, context: context))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            executor.wake()
        }
        executor.drain { outcome.withLock { $0 != nil } }
        switch outcome.withLock({ $0 })! {
        case .success(let response):
            return (cdxmcp_status(CDXMCP_OK), response)
        case .failure(let error as ServiceError):
            switch error.kind {
            case .invalidArguments: return refuse(CDXMCP_INVALID_ARGUMENTS, error.message)
            case .notFound: return refuse(CDXMCP_NOT_FOUND, error.message)
            case .failed: return refuse(CDXMCP_FAILED, error.message)
            }
        case .failure(let error):
            return refuse(CDXMCP_FAILED, "\(name) failed: \(error)")
        }
    }

    var isCancelled: Bool {
        (context?.cancellation.isCancelled ?? false) || state.withLock { $0.abandoned }
    }

    /// The host gave up on this call (timeout): later results are dropped, the plugin sees cancellation.
    func abandon() {
        state.withLock { $0.abandoned = true }
        context?.cancellation.cancel()
    }

    func setResult(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Bytes that are not JSON are refused like JSON that is not an object.
        setResult((try? JSONValue.parse(bytes)) ?? .null)
    }

    /// Takes a result (parsed, or sent back by a worker); false when it is not a JSON object.
    func setResult(_ value: JSONValue) -> Bool {
        state.withLock { state in
            guard !state.abandoned else { return true }
            guard value.objectValue != nil else {
                state.resultError = "the plugin handed back a result that is not a JSON object"
                return false
            }
            state.result = value
            state.resultError = nil
            return true
        }
    }

    func setError(_ message: String) {
        state.withLock { $0.errorMessage = message }
    }

    var result: JSONValue? { state.withLock { $0.result } }
    var errorMessage: String? { state.withLock { $0.errorMessage ?? $0.resultError } }
}

/// Memory handed to a plugin for the length of one call; only the call that made it frees it.
struct KeptBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<CChar>
}
