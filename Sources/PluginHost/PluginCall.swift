import CloverMCPPluginABI
import Foundation
import Logging
import MCPProtocol
import Synchronization

/// One call into a plugin in progress. The plugin sees it as `cdxmcp_call *`; it collects the result
/// the plugin hands back and relays progress and log lines to the MCP request.
final class PluginCall: Sendable {
    let context: RequestContext?
    private let state = Mutex(State())

    private struct State {
        var result: JSONValue?
        var resultError: String?
        var errorMessage: String?
        var abandoned = false
    }

    init(context: RequestContext?) {
        self.context = context
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
        let parsed = try? JSONValue.parse(bytes)
        return state.withLock { state in
            guard !state.abandoned else { return true }
            guard let parsed, parsed.objectValue != nil else {
                state.resultError = "the plugin handed back a result that is not a JSON object"
                return false
            }
            state.result = parsed
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
