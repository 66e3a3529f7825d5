import MCPProtocol
import NIOCore

/// Server-sent event framing of MCP messages.
enum ServerSentEvents {
    static func message(_ message: JSONValue) -> ByteBuffer {
        var bytes = Array("event: message\ndata: ".utf8)
        message.write(to: &bytes)  // compact JSON has no newlines, so one data line suffices
        bytes.append(contentsOf: "\n\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    static let keepAlive = ByteBuffer(string: ":\n\n")
}
