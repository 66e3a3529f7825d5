import Foundation
import Logging
import MCPProtocol
import MCPTransport
import PluginHost
import Testing
import TestSupport

/// The stdio transport over real pipes.
@Suite struct StdioTransportTests {
    /// Writes `lines` to the transport's stdin, closes it, and returns what it wrote to stdout.
    func exchange(_ lines: [String]) async throws -> [JSONValue] {
        let harness = EndpointHarness()
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        #expect(pipe(&input) == 0 && pipe(&output) == 0)
        let transport = StdioTransport(server: harness.server, input: input[0], output: output[1], logger: BuiltPlugins.logger)
        let text = lines.joined(separator: "\n") + "\n"
        _ = text.withCString { write(input[1], $0, strlen($0)) }
        close(input[1])
        await transport.run()
        close(output[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while case let count = read(output[0], &buffer, buffer.count), count > 0 { bytes += buffer[0..<count] }
        close(output[0])
        close(input[0])
        return try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    @Test func servesBothErasAndSurvivesGarbage() async throws {
        let replies = try await exchange([
            "this is not json",
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo_arguments","arguments":{"n":1}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"server/discover","params":{}}"#,
        ])
        let byID = Dictionary(replies.compactMap { reply in reply["id"].map { ($0.jsonText, reply) } }, uniquingKeysWith: { a, _ in a })
        #expect(byID["null"]?["error"]?["code"] == -32700)
        #expect(byID["1"]?["result"]?["protocolVersion"] == "2025-06-18")
        #expect(byID["2"]?["result"]?["structuredContent"]?["arguments"]?["n"] == 1)
        #expect(byID["3"]?["result"]?["supportedVersions"] == ["2026-07-28"])
        #expect(byID["4"]?["error"]?["code"] == -32602)
        #expect(replies.count == 5)
    }
}
