import Foundation
@testable import RemoteMCP
import MCPProtocol
import Testing

@Suite struct ServerSentEventsDecoderTests {
    @Test func eventsSplitAcrossChunksComeOutWhole() {
        var decoder = ServerSentEventsDecoder()
        #expect(decoder.feed(Array("event: message\r\nid: 1\r\ndata: {\"jsonrpc\":".utf8)).isEmpty)
        let messages = decoder.feed(Array("\"2.0\",\"id\":1,\"result\":{}}\r\n\r\n".utf8))
        #expect(messages == [["jsonrpc": "2.0", "id": 1, "result": .emptyObject]])
    }

    @Test func primingEventsCommentsAndRetryCarryNothing() {
        var decoder = ServerSentEventsDecoder()
        #expect(decoder.feed(Array("id: 0\ndata:\n\n: keep-alive\n\nretry: 500\n\n".utf8)).isEmpty)
    }

    @Test func multiLineDataIsJoinedWithNewlines() {
        var decoder = ServerSentEventsDecoder()
        let messages = decoder.feed(Array("data: {\"a\":\ndata: [1,\ndata: 2]}\n\n".utf8))
        #expect(messages == [["a": [1, 2]]])
    }

    @Test func unterminatedLastEventIsReadAtTheEnd() {
        var decoder = ServerSentEventsDecoder()
        #expect(decoder.feed(Array("data: {\"x\":1}".utf8)).isEmpty)
        #expect(decoder.finish() == [["x": 1]])
    }
}

@Suite struct RemoteMCPEndpointHeaderTests {
    @Test func plainNamesTravelAsIsOthersBase64() {
        #expect(RemoteMCPEndpoint.headerValue("hello_greet") == "hello_greet")
        #expect(RemoteMCPEndpoint.headerValue("héllo") == "=?base64?aMOpbGxv?=")
        #expect(RemoteMCPEndpoint.headerValue(" padded") == "=?base64?IHBhZGRlZA==?=")
    }

    @Test func refusesURLsThatAreNotHTTP() {
        #expect(throws: RemoteMCPError.self) {
            try RemoteMCPEndpoint(url: URL(string: "file:///etc/passwd")!, timeout: .seconds(1), version: "1")
        }
    }
}
