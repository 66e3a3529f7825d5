import MCPProtocol

/// Reads JSON-RPC messages out of a `text/event-stream` body, fed in chunks as they arrive.
///
/// Each event's `data:` lines joined by newlines form one message. Events without data (the
/// priming event of 2025-11-25 servers, comments, `retry:`) carry nothing to relay.
struct ServerSentEventsDecoder {
    private var pending: [UInt8] = []
    private var data: [String] = []

    /// The messages completed by `chunk`.
    mutating func feed(_ chunk: [UInt8]) -> [JSONValue] {
        pending += chunk
        var messages: [JSONValue] = []
        var start = 0
        for index in pending.indices where pending[index] == 0x0A {
            var end = index
            if end > start && pending[end - 1] == 0x0D { end -= 1 }
            if let message = line(String(decoding: pending[start..<end], as: UTF8.self)) { messages.append(message) }
            start = index + 1
        }
        pending.removeFirst(start)
        // A line that never ends is no event; drop it rather than hold it without bound.
        if pending.count > StreamingAnswer.maxDocumentBytes { pending.removeAll() }
        return messages
    }

    /// The last event, when the stream ended without its blank line.
    mutating func finish() -> [JSONValue] {
        var messages = feed([0x0A])
        if let last = dispatch() { messages.append(last) }
        return messages
    }

    private mutating func line(_ text: String) -> JSONValue? {
        if text.isEmpty { return dispatch() }
        if text.hasPrefix("data:") {
            var value = text.dropFirst(5)
            if value.first == " " { value = value.dropFirst() }
            data.append(String(value))
        }
        return nil
    }

    private mutating func dispatch() -> JSONValue? {
        defer { data.removeAll() }
        guard !data.isEmpty else { return nil }
        return try? JSONValue.parse(data.joined(separator: "\n"))
    }
}
