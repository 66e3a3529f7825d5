import Foundation
import Hummingbird
import Synchronization

/// A real Hummingbird server on 127.0.0.1 (kernel-chosen port) shared by the tests, started on
/// first use and left running until the test process exits.
enum LocalHTTPServer {
    static var port: Int {
        get async { await started.value }
    }

    /// How many requests reached `…/hit/<key>` (inside or outside the base), or 0.
    static func hits(_ key: String) -> Int { hitCounts.withLock { $0[key, default: 0] } }

    /// What `/clover/echo` answers: the request as the server saw it.
    struct Echo: ResponseEncodable, Decodable {
        var method: String
        var headers: [String: [String]]
        var body: String
    }

    private static let hitCounts = Mutex<[String: Int]>([:])

    private static let started = Task<Int, Never> {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? -1) })
        Task.detached { try? await app.run() }
        for await port in ports { return port }
        return -1
    }

    private static func count(_ key: String) { hitCounts.withLock { $0[key, default: 0] += 1 } }

    private static func router() -> Router<BasicRequestContext> {
        let router = Router()
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/clover/json", method: method) { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"],
                         body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok","items":[1,2,3]}"#)))
            }
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("/clover/echo", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                var headers: [String: [String]] = [:]
                for field in request.headers { headers[field.name.canonicalName, default: []].append(field.value) }
                return Echo(method: request.method.rawValue, headers: headers, body: String(buffer: body))
            }
        }
        router.get("/clover/multi") { _, _ in
            var headers: HTTPFields = [.contentType: "text/plain"]
            headers[values: .setCookie] = ["a=1", "b=2"]
            headers[values: .init("X-Thing")!] = ["thing"]
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "multi")))
        }
        router.get("/clover/status/:code") { _, context in
            let code = try context.parameters.require("code", as: Int.self)
            return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: "status \(code)")))
        }
        // Counts the arrival, then answers after ten seconds (tests time out or cancel long before).
        router.get("/clover/slow/:key") { _, context in
            count(try context.parameters.require("key"))
            try await Task.sleep(for: .seconds(10))
            return "late"
        }
        // Chunked and never ending: only the client's limit stops it.
        router.get("/clover/endless") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10)
                while true { try await writer.write(chunk) }
            })
        }
        // Exactly n bytes with a Content-Length.
        router.get("/clover/bytes/:n") { _, context in
            let size = try context.parameters.require("n", as: Int.self)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "y"), count: size)))
        }
        router.get("/clover/redirect") { request, _ in
            let location = request.uri.queryParameters.get("location") ?? "/"
            let status = request.uri.queryParameters.get("status", as: Int.self) ?? 302
            return Response(status: .init(code: status), headers: [.location: location])
        }
        router.post("/clover/redirect") { request, _ in
            let location = request.uri.queryParameters.get("location") ?? "/"
            let status = request.uri.queryParameters.get("status", as: Int.self) ?? 303
            return Response(status: .init(code: status), headers: [.location: location])
        }
        // /clover/chain/3 → /clover/chain/2 → … → /clover/chain/0 answers.
        router.get("/clover/chain/:n") { _, context in
            let remaining = try context.parameters.require("n", as: Int.self)
            guard remaining > 0 else { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "end of chain"))) }
            return Response(status: .found, headers: [.location: "/clover/chain/\(remaining - 1)"])
        }
        router.get("/clover/hit/:key") { _, context in
            count(try context.parameters.require("key"))
            return "hit"
        }
        router.get("/admin/hit/:key") { _, context in
            count(try context.parameters.require("key"))
            return "admin hit"
        }
        return router
    }
}
