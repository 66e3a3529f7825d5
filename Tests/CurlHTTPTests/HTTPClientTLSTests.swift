import CurlHTTP
import Foundation
import Testing

@Suite struct HTTPClientTLSTests {
    @Test func selfSignedCertificateIsRefusedByDefaultAndTrustedWithItsCABundle() async throws {
        try await SelfSignedHTTPSServer.with { server in
            let base = AllowedBase(URL(string: "https://127.0.0.1:\(server.port)/")!)
            let url = URL(string: "https://127.0.0.1:\(server.port)/status")!

            let strict = try HTTPClient(configuration: .init(allowedBases: [base], version: "1"))
            let error = await #expect(throws: HTTPClientError.self) { try await strict.send(HTTPRequest(url: url)) }
            #expect(error?.code == .tlsFailed)
            #expect(error?.description.contains("CA bundle") == true)

            let trusting = try HTTPClient(configuration: .init(allowedBases: [base], version: "1", caBundlePath: server.certificatePath))
            let response = try await trusting.send(HTTPRequest(url: url))
            #expect(response.status == 200)
            #expect(response.text == #"{"tls":true}"#)
        }
    }

    @Test func certificateForAnotherNameIsRefusedEvenWhenTrusted() async throws {
        try await SelfSignedHTTPSServer.with { server in
            // The certificate names 127.0.0.1 only; "localhost" reaches the same server under a name it does not carry.
            let base = AllowedBase(URL(string: "https://localhost:\(server.port)/")!)
            let client = try HTTPClient(configuration: .init(allowedBases: [base], version: "1", caBundlePath: server.certificatePath))
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.send(HTTPRequest(url: URL(string: "https://localhost:\(server.port)/status")!))
            }
            #expect(error?.code == .tlsFailed)
        }
    }

    @Test func plainHTTPPortIsAHandshakeFailureNotACertificateOne() async throws {
        let port = await LocalHTTPServer.port
        let client = try HTTPClient(allowedBases: [URL(string: "https://127.0.0.1:\(port)/")!], version: "1")
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(url: URL(string: "https://127.0.0.1:\(port)/clover/json")!))
        }
        #expect(error?.code == .tlsFailed)
        #expect(error?.description.contains("serves HTTPS") == true)
    }
}
