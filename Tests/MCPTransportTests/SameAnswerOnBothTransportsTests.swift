import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPProtocol
import MCPTransport
import Synchronization
import Testing
import TestSupport

/// One table of messages sent over HTTP and over stdio: the dispatcher decides batches, `initialize`
/// and the era once, so both transports must give the same answer to each.
@Suite struct SameAnswerOnBothTransportsTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        /// The revision the session was initialized with before `message` (nil: no initialize).
        let session: String?
        let message: String
        /// What the answer must be: nil for none (a notification: HTTP 202, nothing on stdout).
        let expect: @Sendable (JSONValue?) -> Bool
    }

    static let list = #"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#
    static let initialize = #"{"jsonrpc":"2.0","id":8,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}}"#
    static let modernList = #"{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#

    static func errorCode(_ code: Int64) -> @Sendable (JSONValue?) -> Bool {
        { $0?["error"]?["code"] == .int(code) && $0?["id"] == .null }
    }

    static let cases: [Case] = [
        Case(description: "a batch holding initialize is refused whole", session: "2025-03-26",
             message: "[\(list),\(initialize)]", expect: errorCode(-32600)),
        Case(description: "a batch holding a 2026-07-28 request is refused whole", session: "2025-03-26",
             message: "[\(list),\(modernList)]", expect: errorCode(-32600)),
        Case(description: "a 2025-03-26 session's batch is served in order", session: "2025-03-26",
             message: "[\(list),\(list.replacingOccurrences(of: "\"id\":7", with: "\"id\":10"))]",
             expect: { $0?.arrayValue?.compactMap { $0["id"]?.intValue } == [7, 10] }),
        Case(description: "a 2025-06-18 session has no batches", session: "2025-06-18",
             message: "[\(list)]", expect: errorCode(-32600)),
        Case(description: "an empty batch is an invalid request", session: "2025-03-26", message: "[]", expect: errorCode(-32600)),
        Case(description: "a batch of notifications gets no answer", session: "2025-03-26",
             message: #"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#, expect: { $0 == nil }),
        Case(description: "server/discover without _meta is a params error", session: nil,
             message: #"{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{}}"#,
             expect: { $0?["error"]?["code"] == -32602 && $0?["id"] == 3 }),
        Case(description: "not JSON-RPC is an invalid request", session: "2025-11-25",
             message: #"{"jsonrpc":"1.0","id":4,"method":"ping"}"#, expect: errorCode(-32600)),
    ]

    /// The answer to `message` over HTTP, in a session of `revision` when given.
    func overHTTP(_ message: String, session revision: String?) async throws -> JSONValue? {
        let answer = Answer()
        try await EndpointHarness().run { client in
            var headers = jsonHeaders
            if let revision { headers[sessionHeader] = try await MCPTransportTests.initialize(client, version: revision) }
            let response = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: message))
            answer.set(response.body.readableBytes == 0 ? Optional<JSONValue>.none : try JSONValue.parse(response.body.readableBytesView))
        }
        return answer.value
    }

    /// The answer to `message` over stdio, after an `initialize` of `revision` when given.
    func overStdio(_ message: String, session revision: String?) async throws -> JSONValue? {
        var lines = [message]
        if let revision {
            lines.insert(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\#(revision)","capabilities":{}}}"#, at: 0)
        }
        let replies = try await StdioTransportTests().exchange(lines)
        return replies.filter { $0["id"] != 1 || revision == nil }.last
    }

    @Test(arguments: cases)
    func bothTransportsAnswerAlike(_ test: Case) async throws {
        let http = try await overHTTP(test.message, session: test.session)
        let stdio = try await overStdio(test.message, session: test.session)
        #expect(test.expect(http), "HTTP: \(http?.jsonText ?? "no answer")")
        #expect(http == stdio, "stdio: \(stdio?.jsonText ?? "no answer")")
    }
}

/// A value set inside a test client's closure and read after it.
final class Answer: Sendable {
    private let stored = Mutex<JSONValue?>(nil)
    var value: JSONValue? { stored.withLock { $0 } }
    func set(_ value: JSONValue?) { stored.withLock { $0 = value } }
}
