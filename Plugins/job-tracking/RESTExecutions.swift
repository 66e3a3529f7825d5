import CloverPluginSupport
import Foundation
import PluginKit

/// CloverDX's REST API v1 execution resources (docs/CLOVERDX.md, "REST API v1 executions") through the host's `http.request`
/// (grant `http.cloverdx`): the newest-first list a page at a time, one execution, its tracking.
///
/// HTTP failures become tool errors that say what to check. They never hold credentials: the host
/// adds those to the request and the plugin never sees them.
struct RESTExecutions: Sendable {
    /// One `Execution` member; every field but the run ID may be missing.
    struct Member: Decodable, Sendable {
        struct JobError: Decodable, Sendable {
            let componentId: String?
            let componentType: String?
            let message: String?
            let exception: String?
        }

        let runId: Int64
        let sandboxCode: String?
        let jobFile: String?
        let jobType: String?
        let executionType: String?
        let status: String?
        let username: String?
        let nodeId: String?
        let parentRunId: Int64?
        let rootRunId: Int64?
        /// ISO 8601 with the server's offset, e.g. 2025-03-05T02:10:00.020+01:00.
        let submitTime: String?
        let startTime: String?
        let stopTime: String?
        /// Milliseconds.
        let duration: Int64?
        let jobError: JobError?
    }

    /// One page of `GET executions`.
    struct Page: Decodable, Sendable {
        let totalItems: Int64?
        let members: [Member]

        enum CodingKeys: String, CodingKey {
            case totalItems = "@totalItems"
            case members
        }
    }

    private struct ErrorBody: Decodable {
        let errorMessage: String?
    }

    static let collection = "api/rest/v1/executions"
    /// Each request's own time limit, below the host's plugin-call timeout (30 s by default), so a
    /// server that does not answer gets this source's message rather than a cancelled call.
    static let timeoutMs = 20_000
    /// Characters a query value keeps; the rest are percent-encoded (`&`, `=`, `+`, spaces, non-ASCII).
    private static let queryValueCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    let call: CallContext

    /// `pageSize` members from `startIndex` of the newest-first list, filtered by the server with
    /// `query` (`sandboxCode`, `jobFile`, `status`).
    func page(_ query: [(name: String, value: String)], startIndex: Int, pageSize: Int) throws -> Page {
        let parameters = [("pageSize", String(pageSize)), ("startIndex", String(startIndex))] + query.map { ($0.name, $0.value) }
        let path = Self.collection + "?" + parameters.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters) ?? value)"
        }.joined(separator: "&")
        guard let body = try get(path) else {
            throw ToolError.failed("the CloverDX REST API answered HTTP 404 for \(Self.collection): check that clover.mcp.sidecar.rest.url is the server's base URL, e.g. https://host:8443/clover")
        }
        return try decode(Page.self, body, path: path)
    }

    /// One execution; nil when the server has no run `runId`.
    func execution(_ runId: Int64) throws -> Member? {
        let path = "\(Self.collection)/\(runId)"
        return try get(path).map { try decode(Member.self, $0, path: path) }
    }

    /// One run's tracking; nil when the server has no run `runId`.
    func tracking(_ runId: Int64) throws -> RunTracking? {
        let path = "\(Self.collection)/\(runId)/tracking"
        return try get(path).map { try decode(RunTracking.self, $0, path: path) }
    }

    /// The body of a successful GET, nil for 404.
    private func get(_ path: String) throws -> Data? {
        let answer: HostServices.HTTPRequest.Answer
        do {
            answer = try call.http.request(.init(method: "GET", path: path, headers: ["Accept": "application/json"], timeoutMs: Self.timeoutMs))
        } catch let refused as ServiceRefused {
            switch refused.status {
            case cdxmcp_status(CDXMCP_UNSUPPORTED):
                throw ToolError.failed("""
                    no CloverDX REST API is configured: set clover.mcp.sidecar.rest.url (e.g. https://host:8443/clover) with \
                    clover.mcp.sidecar.rest.user and .rest.password, or read runs from the system database \
                    (clover.mcp.sidecar.jobs.source=database)
                    """)
            case cdxmcp_status(CDXMCP_DENIED):
                throw ToolError.failed(refused.message)
            default:
                let reason = refused.message.hasSuffix(".") ? refused.message : refused.message + "."
                throw ToolError.failed("the CloverDX REST API did not answer: \(reason) Runs can also come from the system database (clover.mcp.sidecar.jobs.source=database).")
            }
        }
        let status = answer.status
        let body = Data(answer.body.utf8)
        switch status {
        case 200..<300:
            return body
        case 404:
            return nil
        case 401:
            throw ToolError.failed("the CloverDX REST API refused the credentials (HTTP 401 Unauthorized): check clover.mcp.sidecar.rest.user and clover.mcp.sidecar.rest.password")
        case 403:
            throw ToolError.failed("the CloverDX REST API denied access (HTTP 403 Forbidden): the user in clover.mcp.sidecar.rest.user may not read executions")
        default:
            let detail = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.errorMessage ?? String(decoding: body.prefix(300), as: UTF8.self)
            throw ToolError.failed("the CloverDX REST API answered HTTP \(status) to GET \(path): \(detail)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: Data, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw ToolError.failed("the CloverDX REST API answered GET \(path) with JSON of an unexpected shape (\(error)); this sidecar reads the REST API of CloverDX 7")
        }
    }
}
