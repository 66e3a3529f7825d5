import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPProtocol
import MCPTransport
import NIOCore
import PluginHost
import Testing
import TestSupport

/// The HTTP endpoint on a real socket, serving the C example plugin through the real registry.
struct EndpointHarness {
    let server: MCPServer

    init(pageSize: Int = 100) {
        let changes = ChangeHub()
        let registry = PluginRegistry(loader: BuiltPlugins.loader(), changes: changes, logger: BuiltPlugins.logger)
        registry.apply(PluginManifest(plugins: [
            BuiltPlugins.entry("echo-c", library: "EchoCPlugin"), BuiltPlugins.entry("hello-swift", library: "HelloSwiftPlugin"),
        ]))
        server = MCPServer(identity: ServerIdentity(name: "t", title: "T", version: "1", instructions: "i"), catalog: registry,
                           options: ServerOptions(pageSize: pageSize), changes: changes)
    }

    func run(maxBodyBytes: Int = 4096, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let endpoint = MCPHTTPEndpoint(server: server,
                                       options: HTTPTransportOptions(maxBodyBytes: maxBodyBytes, allowedOrigins: ["https://ok.example"]),
                                       logger: BuiltPlugins.logger)
        let app = Application(responder: endpoint, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: BuiltPlugins.logger)
        try await app.test(.live) { client in try await test(client) }
    }
}

let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
let versionHeader = HTTPField.Name("MCP-Protocol-Version")!
let methodHeader = HTTPField.Name("Mcp-Method")!

func body(_ json: JSONValue) -> ByteBuffer { ByteBuffer(bytes: json.serialized()) }
func parsed(_ response: TestResponse) throws -> JSONValue { try JSONValue.parse(response.body.readableBytesView) }

let jsonHeaders: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]

func initialize(_ client: some TestClientProtocol, version: String = "2025-11-25") async throws -> String {
    let response = try await client.execute(uri: "/mcp", method: .post, headers: jsonHeaders, body: body(
        ["jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "test", "version": "1"]]]))
    #expect(response.status == .ok)
    return try #require(response.headers[sessionHeader])
}

@Suite struct HTTPEndpointTests {
    let harness = EndpointHarness()

    @Test func sessionLifecycle() async throws {
        try await harness.run { client in
            let session = try await initialize(client)
            var headers = jsonHeaders
            headers[sessionHeader] = session
            let call = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: body(
                ["jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": ["name": "echo_arguments", "arguments": ["text": "hi"]]]))
            #expect(call.status == .ok)
            #expect(try parsed(call)["result"]?["structuredContent"]?["arguments"]?["text"] == "hi")
            let notification = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: body(
                ["jsonrpc": "2.0", "method": "notifications/initialized"]))
            #expect(notification.status == .accepted)
            #expect(try await client.execute(uri: "/mcp", method: .delete, headers: headers).status == .ok)
            let gone = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: body(["jsonrpc": "2.0", "id": 3, "method": "ping"]))
            #expect(gone.status == .notFound)
        }
    }

    @Test func requestWithoutSessionIsRefused() async throws {
        try await harness.run { client in
            let response = try await client.execute(uri: "/mcp", method: .post, headers: jsonHeaders, body: body(
                ["jsonrpc": "2.0", "id": 2, "method": "tools/list"]))
            #expect(response.status == .badRequest)
            #expect(try parsed(response)["error"]?["code"] == -32000)
        }
    }

    @Test func badBodiesGetJSONRPCErrors() async throws {
        try await harness.run(maxBodyBytes: 2048) { client in
            let malformed = try await client.execute(uri: "/mcp", method: .post, headers: jsonHeaders, body: ByteBuffer(string: "{nope"))
            #expect(malformed.status == .badRequest)
            #expect(try parsed(malformed)["error"]?["code"] == -32700)
            #expect(try parsed(malformed)["id"] == .null)
            let notRPC = try await client.execute(uri: "/mcp", method: .post, headers: jsonHeaders, body: ByteBuffer(string: #"{"hello":1}"#))
            #expect(try parsed(notRPC)["error"]?["code"] == -32600)
            let huge = try await client.execute(uri: "/mcp", method: .post, headers: jsonHeaders,
                                                body: ByteBuffer(string: #"{"x":""# + String(repeating: "a", count: 4096) + "\"}"))
            #expect(huge.status == .contentTooLarge)
            let wrongType = try await client.execute(uri: "/mcp", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{}"))
            #expect(wrongType.status == .unsupportedMediaType)
            let put = try await client.execute(uri: "/mcp", method: .put, headers: jsonHeaders)
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow]?.contains("POST") == true)
        }
    }

    @Test func checksOrigins() async throws {
        try await harness.run { client in
            var evil = jsonHeaders
            evil[.origin] = "https://evil.example"
            let refused = try await client.execute(uri: "/mcp", method: .post, headers: evil, body: body(["jsonrpc": "2.0", "id": 1, "method": "ping"]))
            #expect(refused.status == .forbidden)
            var good = jsonHeaders
            good[.origin] = "https://ok.example"
            good[.accessControlRequestHeaders] = "mcp-param-region, content-type"
            let preflight = try await client.execute(uri: "/mcp", method: .options, headers: good)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://ok.example")
            #expect(preflight.headers[.accessControlAllowHeaders] == "mcp-param-region, content-type")
        }
    }

    @Test func answersCloverDXsOwnPathToo() async throws {
        try await harness.run { client in
            let response = try await client.execute(uri: "/clover/mcp/mcp", method: .post, headers: jsonHeaders, body: body(
                ["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["protocolVersion": "2025-03-26", "capabilities": [:]]]))
            #expect(try parsed(response)["result"]?["protocolVersion"] == "2025-03-26")
            #expect(try await client.execute(uri: "/other", method: .post, headers: jsonHeaders).status == .notFound)
        }
    }

    @Test func batchesOnlyFor2025_03_26() async throws {
        try await harness.run { client in
            for (version, accepted) in [("2025-03-26", true), ("2025-06-18", false)] {
                var headers = jsonHeaders
                headers[sessionHeader] = try await initialize(client, version: version)
                let response = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: body([
                    ["jsonrpc": "2.0", "id": 1, "method": "ping"], ["jsonrpc": "2.0", "method": "notifications/initialized"],
                    ["jsonrpc": "2.0", "id": 2, "method": "tools/list"],
                ]))
                if accepted {
                    let replies = try parsed(response).arrayValue
                    #expect(replies?.count == 2)
                    #expect(replies?.last?["result"]?["tools"]?.arrayValue?.isEmpty == false)
                } else {
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test func streamsProgressAsServerSentEvents() async throws {
        try await harness.run { client in
            var headers = jsonHeaders
            headers[sessionHeader] = try await initialize(client)
            let response = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: body(
                ["jsonrpc": "2.0", "id": 7, "method": "tools/call",
                 "params": ["name": "hello_count", "arguments": ["to": 3], "_meta": ["progressToken": "p1"]]]))
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { $0.hasPrefix("event: message") }
            let messages = try events.map { try JSONValue.parse(String($0.dropFirst("event: message\ndata: ".count))) }
            #expect(messages.filter { $0["method"] == "notifications/progress" }.count == 3)
            #expect(messages.last?["id"] == 7)
            #expect(messages.last?["result"]?["content"]?.arrayValue?.first?["text"] == "Counted to 3.")
        }
    }
}

@Suite struct ModernHTTPTests {
    let harness = EndpointHarness()

    func modernRequest(_ method: String, _ params: JSONValue = [:], version: String = "2026-07-28") -> JSONValue {
        var params = params
        params["_meta"] = ["io.modelcontextprotocol/protocolVersion": .string(version), "io.modelcontextprotocol/clientCapabilities": [:]]
        return ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
    }

    func headers(_ method: String, version: String = "2026-07-28") -> HTTPFields {
        var headers = jsonHeaders
        headers[versionHeader] = version
        headers[methodHeader] = method
        return headers
    }

    @Test func servesToolsWithoutASession() async throws {
        try await harness.run { client in
            var headers = headers("tools/call")
            headers[HTTPField.Name("Mcp-Name")!] = "echo_arguments"
            let response = try await client.execute(uri: "/mcp", method: .post, headers: headers,
                                                     body: body(modernRequest("tools/call", ["name": "echo_arguments", "arguments": ["a": 1]])))
            #expect(response.status == .ok)
            #expect(response.headers[sessionHeader] == nil)
            let result = try parsed(response)["result"]
            #expect(result?["resultType"] == "complete")
            #expect(result?["structuredContent"]?["arguments"]?["a"] == 1)
        }
    }

    @Test func httpStatusesFollowThe2026Rules() async throws {
        try await harness.run { client in
            let unknown = try await client.execute(uri: "/mcp", method: .post, headers: headers("nope/nope"), body: body(modernRequest("nope/nope")))
            #expect(unknown.status == .notFound)
            #expect(try parsed(unknown)["error"]?["code"] == -32601)
            let mismatch = try await client.execute(uri: "/mcp", method: .post, headers: headers("tools/call"), body: body(modernRequest("tools/list")))
            #expect(mismatch.status == .badRequest)
            #expect(try parsed(mismatch)["error"]?["code"] == -32020)
            let unsupported = try await client.execute(uri: "/mcp", method: .post, headers: headers("tools/list", version: "2099-01-01"),
                                                       body: body(modernRequest("tools/list", version: "2099-01-01")))
            #expect(unsupported.status == .badRequest)
            #expect(try parsed(unsupported)["error"]?["code"] == -32022)
            let noMeta = try await client.execute(uri: "/mcp", method: .post, headers: headers("tools/list"),
                                                  body: body(["jsonrpc": "2.0", "id": 1, "method": "tools/list"]))
            #expect(noMeta.status == .badRequest)
            #expect(try parsed(noMeta)["error"]?["code"] == -32602)
            let get = try await client.execute(uri: "/mcp", method: .get, headers: headers("x"))
            #expect(get.status == .methodNotAllowed)
            let initialize = try await client.execute(uri: "/mcp", method: .post, headers: headers("initialize"), body: body(modernRequest("initialize")))
            #expect(initialize.status == .notFound)
        }
    }
}
