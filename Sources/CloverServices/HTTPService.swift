import CurlHTTP
import enum CloverServiceContract.HostServices
import Foundation
import MCPProtocol
import PluginHost

/// "http.request": calls CloverDX's REST API at the configured base URL. Plugins give a path, never
/// a host, so they can reach only what the operator configured.
struct CloverDXHTTPService: HostService {
    let name = HostServices.HTTPRequest.name
    let grant = HostServices.HTTPRequest.grant
    let baseURL: URL
    let client: HTTPClient

    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        guard let path = request["path"]?.stringValue, !path.contains("://") else {
            throw ServiceError(.invalidArguments, "\"path\" is required and is relative to the CloverDX base URL, e.g. api/rest/v1/executions")
        }
        let method = request["method"]?.stringValue?.uppercased() ?? "GET"
        guard ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw ServiceError(.invalidArguments, "\"method\" must be GET, HEAD, POST, PUT, PATCH or DELETE")
        }
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let base = baseURL.absoluteString.hasSuffix("/") ? baseURL.absoluteString : baseURL.absoluteString + "/"
        guard let url = URL(string: base + trimmed) else { throw ServiceError(.invalidArguments, "\"path\" is not a valid URL path") }
        var headers = HTTPHeaders(["X-Requested-By": "cloverdx-mcp"].map { HTTPHeaders.Field(name: $0.key, value: $0.value) })
        for (key, value) in request["headers"]?.objectValue ?? [:] {
            if let text = value.stringValue { headers = HTTPHeaders(headers.fields + [HTTPHeaders.Field(name: key, value: text)]) }
        }
        let body = Array((request["body"]?.stringValue ?? "").utf8)
        let outgoing = HTTPRequest(method: HTTPMethod(rawValue: method), url: url, headers: headers, body: body,
                                   timeout: request["timeoutMs"]?.intValue.map { .milliseconds($0) })
        let response: HTTPResponse
        do {
            response = try await client.send(outgoing)
        } catch let error as HTTPClientError {
            throw ServiceError(.failed, error.description)
        }
        var responseHeaders: JSONValue = .emptyObject
        for field in response.headers.fields { responseHeaders[field.name.lowercased()] = .string(field.value) }
        return ["status": .int(Int64(response.status)), "headers": responseHeaders,
                "body": .string(String(decoding: response.body, as: UTF8.self))]
    }
}
