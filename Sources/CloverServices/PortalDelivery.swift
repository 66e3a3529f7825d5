import CurlHTTP
import Foundation
import MCPProtocol

/// Sends one report to the CloverDX customer portal over libcurl: a JSON POST to
/// `clover.mcp.customer.portal.api.url` with the report's idempotency key and the portal token.
struct PortalDelivery: SupportChannel {
    let url: URL
    let token: String?
    let client: HTTPClient

    init(url: URL, token: String?, timeout: Duration, version: String) throws {
        self.url = url
        self.token = token
        client = try HTTPClient(configuration: .init(allowedBases: [AllowedBase(url)], version: version, timeout: timeout))
    }

    var destination: String {
        guard let host = url.host else { return url.absoluteString }
        return "\(url.scheme ?? "https")://\(host)\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }

    func send(_ record: SupportOutboxRecord) async -> SupportDelivery {
        var body = record.report
        body["reportId"] = .string(record.id)
        body["idempotencyKey"] = .string(record.idempotencyKey)
        var fields = [
            HTTPHeaders.Field(name: "Content-Type", value: "application/json"),
            HTTPHeaders.Field(name: "Idempotency-Key", value: record.idempotencyKey),
        ]
        if let token { fields.append(HTTPHeaders.Field(name: "Authorization", value: "Bearer \(token)")) }
        let request = HTTPRequest(method: .post, url: url, headers: HTTPHeaders(fields), body: body.serialized())
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch {
            return .retry("\(error)")
        }
        switch response.status {
        case 200..<300:
            let answer = try? JSONValue.parse(response.body)
            return .delivered(issueId: answer?["issueId"]?.stringValue)
        case 408, 425, 429, 500...:
            return .retry("the portal answered \(response.status): \(Self.excerpt(response.text))")
        default:
            return .rejected("the portal refused the report with \(response.status): \(Self.excerpt(response.text))")
        }
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
