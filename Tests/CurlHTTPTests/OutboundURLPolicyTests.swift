import CurlHTTP
import Foundation
import Testing

/// Requests outside the allowed bases are refused before any connection: the local server's
/// hit counters stay at zero.
@Suite struct OutboundURLPolicyTests {
    private func expectRefused(_ text: String, key: String, code: HTTPClientError.Code = .notAllowed,
                               sourceLocation: SourceLocation = #_sourceLocation) async throws -> HTTPClientError? {
        let (client, _) = try await localClient()
        let url = try #require(URL(string: text), sourceLocation: sourceLocation)
        let error = await #expect(throws: HTTPClientError.self, sourceLocation: sourceLocation) {
            try await client.send(HTTPRequest(url: url))
        }
        #expect(error?.code == code, "\(error.map(String.init(describing:)) ?? "no error")", sourceLocation: sourceLocation)
        #expect(LocalHTTPServer.hits(key) == 0, sourceLocation: sourceLocation)
        return error
    }

    @Test func pathOutsideBaseIsRefusedBeforeConnecting() async throws {
        let port = await LocalHTTPServer.port, key = uniqueKey()
        let error = try await expectRefused("http://127.0.0.1:\(port)/admin/hit/\(key)", key: key)
        #expect(error?.description.contains("http://127.0.0.1:\(port)/clover/") == true)  // names the allowed base
        // The same path inside the base does reach the server: the counter works.
        let (client, _) = try await localClient()
        _ = try await client.send(HTTPRequest(url: local(port, "/clover/hit/\(key)")))
        #expect(LocalHTTPServer.hits(key) == 1)
    }

    @Test func otherHostIsRefusedWithoutResolvingIt() async throws {
        _ = try await expectRefused("http://cloverdx.invalid/clover/json", key: uniqueKey())
    }

    @Test func sameHostOtherPortOrSchemeIsRefused() async throws {
        let port = await LocalHTTPServer.port, key = uniqueKey()
        _ = try await expectRefused("http://127.0.0.1:\(port + 1)/clover/hit/\(key)", key: key)
        _ = try await expectRefused("https://127.0.0.1:\(port)/clover/hit/\(key)", key: key)
        _ = try await expectRefused("ftp://127.0.0.1:\(port)/clover/hit/\(key)", key: key)
        _ = try await expectRefused("file:///etc/passwd", key: key)
    }

    @Test func basePathIsMatchedBySegment() async throws {
        let port = await LocalHTTPServer.port, key = uniqueKey()
        _ = try await expectRefused("http://127.0.0.1:\(port)/cloverx/hit/\(key)", key: key)
        _ = try await expectRefused("http://127.0.0.1:\(port)/Clover/hit/\(key)", key: key)
    }

    @Test func userInfoTrickIsRefused() async throws {
        let port = await LocalHTTPServer.port, key = uniqueKey()
        // Reads as "127.0.0.1:<port>" but the host is localhost (same server under another name).
        _ = try await expectRefused("http://127.0.0.1:\(port)@localhost:\(port)/clover/hit/\(key)", key: key)
        _ = try await expectRefused("http://127.0.0.1@localhost:\(port)/clover/hit/\(key)", key: key)
        // Even on the allowed host, credentials come from the base's configuration only.
        _ = try await expectRefused("http://admin@127.0.0.1:\(port)/clover/hit/\(key)", key: key)
    }

    @Test func passwordInRefusedURLIsMasked() async throws {
        let port = await LocalHTTPServer.port, key = uniqueKey()
        let error = try await expectRefused("http://admin:hunter2@127.0.0.1:\(port)/clover/hit/\(key)", key: key)
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.url?.contains("admin:***@") == true)
    }

    @Test(arguments: ["/clover/../admin/hit/", "/clover/./../admin/hit/", "/clover/%2e%2e/admin/hit/", "/clover/%2E%2e/admin/hit/",
                      "/clover/..;/admin/hit/", "/clover/.%2e;x=1/admin/hit/", "/clover/..%2Fadmin/hit/", "/clover/..%5cadmin/hit/"])
    func dotSegmentEscapeIsRefused(path: String) async throws {
        let port = await LocalHTTPServer.port, key = uniqueKey()
        _ = try await expectRefused("http://127.0.0.1:\(port)\(path)\(key)", key: key)
    }

    @Test func dotSegmentsThatStayInsideAreResolvedAndAllowed() async throws {
        let (client, port) = try await localClient()
        let key = uniqueKey()
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/x/../hit/\(key)")))
        #expect(response.status == 200)
        #expect(response.url == local(port, "/clover/hit/\(key)"))
        #expect(LocalHTTPServer.hits(key) == 1)
    }

    @Test func longestMatchingBaseSuppliesCredentials() async throws {
        let port = await LocalHTTPServer.port
        let client = try HTTPClient(configuration: .init(allowedBases: [
            AllowedBase(URL(string: "http://127.0.0.1:\(port)/")!, credentials: BasicCredentials(user: "outer", password: "o")),
            AllowedBase(URL(string: "http://127.0.0.1:\(port)/clover")!, credentials: BasicCredentials(user: "inner", password: "i")),
        ], version: "1"))
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/echo")))
        let echo = try JSONDecoder().decode(LocalHTTPServer.Echo.self, from: Data(response.body))
        #expect(echo.headers["authorization"] == ["Basic " + Data("inner:i".utf8).base64EncodedString()])
    }

    @Test(arguments: ["ftp://cdx01/clover/", "https://user:pw@cdx01/clover/", "https://cdx01/clover/?a=b", "cdx01/clover", "file:///tmp/"])
    func unusableBaseIsAConfigurationError(base: String) throws {
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient(allowedBases: [URL(string: base)!], version: "1")
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.description.contains("pw") == false)
    }

    @Test func missingCABundleIsAConfigurationError() throws {
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient(configuration: .init(allowedBases: [AllowedBase(URL(string: "https://cdx01/")!)], version: "1",
                                                caBundlePath: "/nonexistent/ca.pem"))
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.description.contains("/nonexistent/ca.pem") == true)
    }
}
