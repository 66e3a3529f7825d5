import CurlHTTP
import Foundation
import Testing

/// A client allowed under http://127.0.0.1:<port>/clover/ of the shared local server.
func localClient(credentials: BasicCredentials? = nil, timeout: Duration = .seconds(30),
                 maxResponseBytes: Int = 8 << 20) async throws -> (HTTPClient, Int) {
    let port = await LocalHTTPServer.port
    let base = AllowedBase(URL(string: "http://127.0.0.1:\(port)/clover/")!, credentials: credentials)
    let client = try HTTPClient(configuration: .init(allowedBases: [base], version: "1.2.3", timeout: timeout,
                                                     maxResponseBytes: maxResponseBytes))
    return (client, port)
}

func local(_ port: Int, _ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

/// A key no other test uses, for the server's hit counters.
func uniqueKey() -> String { UUID().uuidString.lowercased() }

@Suite struct HTTPClientExchangeTests {
    @Test func getsJSONReply() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/json")))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(json?["status"] as? String == "ok")
        #expect(response.url == local(port, "/clover/json"))
        #expect(response.redirects == 0)
        #expect(response.totalTime > .zero && response.totalTime < .seconds(5))
    }

    @Test func sendsMethodHeadersBodyBasicAuthAndUserAgent() async throws {
        let (client, port) = try await localClient(credentials: BasicCredentials(user: "clover", password: "s3cret:x"))
        let payload = Array(#"{"query":"select 1","bytes":"é\u{1}"}"#.utf8)
        let response = try await client.send(HTTPRequest(
            method: .put, url: local(port, "/clover/echo"), headers: ["X-Trace": "abc", "Content-Type": "application/json"],
            body: payload))
        #expect(response.status == 200)
        let echo = try JSONDecoder().decode(LocalHTTPServer.Echo.self, from: Data(response.body))
        #expect(echo.method == "PUT")
        #expect(echo.body == String(decoding: payload, as: UTF8.self))
        #expect(echo.headers["authorization"] == ["Basic " + Data("clover:s3cret:x".utf8).base64EncodedString()])
        #expect(echo.headers["user-agent"] == ["cloverdx-mcp/1.2.3"])
        #expect(echo.headers["x-trace"] == ["abc"])
        #expect(echo.headers["content-type"] == ["application/json"])
        #expect(echo.headers["expect"] == nil)
    }

    @Test func bodyWithoutContentTypeIsNotLabelledAsForm() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(method: .post, url: local(port, "/clover/echo"), body: Array("a=1".utf8)))
        let echo = try JSONDecoder().decode(LocalHTTPServer.Echo.self, from: Data(response.body))
        #expect(echo.method == "POST")
        #expect(echo.body == "a=1")
        #expect(echo.headers["content-type"] == nil)
        #expect(echo.headers["authorization"] == nil)
    }

    @Test func configuredCredentialsReplaceCallersAuthorization() async throws {
        let (client, port) = try await localClient(credentials: BasicCredentials(user: "u", password: "p"))
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/echo"), headers: ["Authorization": "Bearer x"]))
        let echo = try JSONDecoder().decode(LocalHTTPServer.Echo.self, from: Data(response.body))
        #expect(echo.headers["authorization"] == ["Basic dTpw"])
    }

    @Test func responseHeadersAreMultiValuedAndCaseInsensitive() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/multi")))
        #expect(response.headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        #expect(response.headers["x-THING"] == "thing")
        #expect(response.text == "multi")
    }

    @Test(arguments: [404, 500, 503])
    func errorStatusesAreResponsesNotErrors(status: Int) async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/status/\(status)")))
        #expect(response.status == status)
        #expect(response.text == "status \(status)")
    }

    @Test func headRequestHasNoBody() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(method: .head, url: local(port, "/clover/json")))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }

    @Test func followsRedirectInsideBase() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/redirect?location=/clover/json")))
        #expect(response.status == 200)
        #expect(response.url == local(port, "/clover/json"))
        #expect(response.redirects == 1)
        #expect(response.text.contains("\"ok\""))
    }

    @Test func seeOtherAfterPostContinuesAsGetWithoutBody() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(method: .post, url: local(port, "/clover/redirect?location=/clover/echo"),
                                                         headers: ["Content-Type": "text/plain"], body: Array("payload".utf8)))
        let echo = try JSONDecoder().decode(LocalHTTPServer.Echo.self, from: Data(response.body))
        #expect(echo.method == "GET")
        #expect(echo.body == "")
        #expect(echo.headers["content-type"] == nil)
    }

    @Test func temporaryRedirectKeepsMethodAndBody() async throws {
        let (client, port) = try await localClient()
        let response = try await client.send(HTTPRequest(method: .post, url: local(port, "/clover/redirect?status=307&location=/clover/echo"),
                                                         body: Array("payload".utf8)))
        let echo = try JSONDecoder().decode(LocalHTTPServer.Echo.self, from: Data(response.body))
        #expect(echo.method == "POST")
        #expect(echo.body == "payload")
    }

    @Test func followsThreeRedirectsButNotFour() async throws {
        let (client, port) = try await localClient()
        let three = try await client.send(HTTPRequest(url: local(port, "/clover/chain/3")))
        #expect(three.status == 200)
        #expect(three.redirects == 3)
        #expect(three.text == "end of chain")
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/chain/4")))
        }
        #expect(error?.code == .tooManyRedirects)
        #expect(error?.location?.hasSuffix("/clover/chain/0") == true)
    }

    @Test func redirectToAnotherHostIsRefusedWithoutConnecting() async throws {
        let (client, port) = try await localClient()
        let key = uniqueKey()
        let elsewhere = "http://localhost:\(port)/clover/hit/\(key)"
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/redirect?location=\(elsewhere)")))
        }
        #expect(error?.code == .redirectRefused)
        #expect(error?.location == elsewhere)
        #expect(error?.description.contains(elsewhere) == true)
        #expect(LocalHTTPServer.hits(key) == 0)
    }

    @Test func redirectToAnotherPortIsRefused() async throws {
        let (client, port) = try await localClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/redirect?status=301&location=http://127.0.0.1:1/clover/json")))
        }
        #expect(error?.code == .redirectRefused)
        #expect(error?.location == "http://127.0.0.1:1/clover/json")
    }

    @Test func redirectOutOfBasePathIsRefused() async throws {
        let (client, port) = try await localClient()
        let key = uniqueKey()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/redirect?location=/admin/hit/\(key)")))
        }
        #expect(error?.code == .redirectRefused)
        #expect(LocalHTTPServer.hits(key) == 0)
    }

    @Test func slowReplyTimesOutQuickly() async throws {
        let (client, port) = try await localClient()
        let started = ContinuousClock.now
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/slow/\(uniqueKey())"), timeout: .milliseconds(300)))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timeout)
        #expect(error?.description.contains("300 ms") == true)
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(2))
    }

    @Test func endlessReplyStopsAtTheLimit() async throws {
        let (client, port) = try await localClient(maxResponseBytes: 256 << 10)
        let started = ContinuousClock.now
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/endless")))
        }
        #expect(error?.code == .tooLarge)
        #expect(error?.limit == 256 << 10)
        #expect(error?.description.contains("256 KiB") == true)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func declaredLengthOverTheLimitIsRefused() async throws {
        let (client, port) = try await localClient(maxResponseBytes: 1 << 20)
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/bytes/\(4 << 20)")))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() async throws {
        let limit = 100_000
        let (client, port) = try await localClient(maxResponseBytes: limit)
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/bytes/\(limit)")))
        #expect(response.body.count == limit)
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/bytes/\(limit + 1)")))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func cancellingTheTaskAbortsTheTransferPromptly() async throws {
        let (client, port) = try await localClient()
        let key = uniqueKey()
        let task = Task { try await client.send(HTTPRequest(url: local(port, "/clover/slow/\(key)"))) }
        // Cancel only once the request is on the server, so the abort hits a running transfer.
        let waitStarted = ContinuousClock.now
        while LocalHTTPServer.hits(key) == 0, ContinuousClock.now - waitStarted < .seconds(5) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(LocalHTTPServer.hits(key) == 1)
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        let elapsed = ContinuousClock.now - cancelled
        #expect(throws: CancellationError.self) { try result.get() }
        // curl_multi_wakeup makes this sub-millisecond; libcurl's own poll timers alone take ~200 ms.
        #expect(elapsed < .milliseconds(100), "took \(elapsed)")
    }

    @Test func cancelledBeforeStartSendsNothing() async throws {
        let (client, port) = try await localClient()
        let key = uniqueKey()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPRequest(url: local(port, "/clover/hit/\(key)")))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(LocalHTTPServer.hits(key) == 0)
    }

    @Test func concurrentRequestsEachGetTheirOwnTransfer() async throws {
        let (client, port) = try await localClient()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask { try await client.send(HTTPRequest(url: local(port, "/clover/status/\(200 + index)"))).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.sorted() == Array(200..<216))
    }

    @Test func refusedConnectionIsReported() async throws {
        let client = try HTTPClient(allowedBases: [URL(string: "http://127.0.0.1:1/")!], version: "1")
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: URL(string: "http://127.0.0.1:1/clover/json")!))
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("127.0.0.1:1") == true)
    }

    @Test func headerWithLineBreakIsRefused() async throws {
        let (client, port) = try await localClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: local(port, "/clover/echo"), headers: ["X-Evil": "a\r\nHost: evil"]))
        }
        #expect(error?.code == .invalidRequest)
    }
}
