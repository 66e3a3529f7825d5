import CurlHTTP
import MCPProtocol
import Synchronization

/// One HTTP answer of an MCP server as it arrives: SSE events are decoded and delivered at once,
/// a JSON document is kept until the end (it is only complete then).
final class StreamingAnswer: Sendable {
    private let deliver: @Sendable (JSONValue) -> Void
    private let state = Mutex(State())

    private struct State {
        var decoder = ServerSentEventsDecoder()
        var isEventStream: Bool?
        var body: [UInt8] = []
        /// Everything delivered or parsed, for callers that look at the answer afterwards.
        var messages: [JSONValue] = []
        var tooLarge = false
    }

    /// The largest JSON answer (or SSE event) kept.
    static let maxDocumentBytes = 64 << 20

    init(deliver: @escaping @Sendable (JSONValue) -> Void) { self.deliver = deliver }

    /// The `HTTPBodyStream` of the request.
    var receive: HTTPBodyStream {
        { [self] _, headers, chunk in
            let ready = state.withLock { state -> [JSONValue] in
                if state.isEventStream == nil {
                    state.isEventStream = headers["Content-Type"]?.lowercased().contains("text/event-stream") == true
                }
                guard state.isEventStream == true else {
                    // A stream has no size limit in the HTTP client; a JSON answer this large is no MCP answer.
                    if state.body.count + chunk.count <= Self.maxDocumentBytes { state.body += chunk } else { state.tooLarge = true }
                    return []
                }
                let messages = state.decoder.feed(chunk)
                state.messages += messages
                return messages
            }
            ready.forEach(deliver)
        }
    }

    /// Ends the answer: delivers a JSON document or the stream's unterminated last event, and
    /// returns every message of the answer. A batch answer (an array) stays one message, as the
    /// client that sent the batch expects it.
    @discardableResult
    func finish() -> [JSONValue] {
        let (ready, all) = state.withLock { state -> ([JSONValue], [JSONValue]) in
            var ready: [JSONValue] = []
            if state.isEventStream == true {
                ready = state.decoder.finish()
            } else if !state.body.isEmpty, !state.tooLarge, let document = try? JSONValue.parse(state.body) {
                let isMessage = { (value: JSONValue) in value["jsonrpc"] != nil }
                if document.arrayValue?.contains(where: isMessage) ?? isMessage(document) { ready = [document] }
            }
            state.body = []
            state.messages += ready
            return (ready, state.messages)
        }
        ready.forEach(deliver)
        return all
    }
}
