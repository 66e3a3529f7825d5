import CurlHTTP
import Foundation
import MCPProtocol
import Synchronization

/// A Streamable HTTP MCP server as one client sees it: the session the remote minted at
/// `initialize`, the revision it negotiated, and the headers each revision expects (docs/PROTOCOL.md, "Streamable HTTP").
///
/// Each message is one POST; an SSE answer is read as it arrives, so progress, logs and requests
/// the server sends during a call are delivered at once. `listen` holds the session's GET stream
/// for notifications outside any call (`list_changed`).
public final class RemoteMCPEndpoint: Sendable {
    /// The MCP endpoint, e.g. `https://cdx.example.com/clover/mcp/mcp`.
    public let url: URL
    private let client: HTTPClient
    private let token: String?
    private let state = Mutex(State())

    private struct State {
        var sessionID: String?
        var protocolVersion: String?
        /// The client's own `initialize`, replayed when the remote forgets the session.
        var initialize: JSONValue?
    }

    /// The remote answered 404 to a request in a session: it no longer knows it (restart, expiry).
    struct SessionExpired: Error {}

    static let sessionHeader = "Mcp-Session-Id"
    static let versionHeader = "MCP-Protocol-Version"
    public static let modernVersionKey = "io.modelcontextprotocol/protocolVersion"

    /// - Parameters:
    ///   - token: sent as `Authorization: Bearer` on every request; never logged.
    ///   - credentials: HTTP Basic credentials instead (CloverDX's proxy mode); never logged.
    ///   - timeout: the longest one request (a slow tool call) may take.
    public init(url: URL, token: String? = nil, credentials: BasicCredentials? = nil, timeout: Duration, version: String) throws {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw RemoteMCPError("--url \(url.absoluteString) must be an http:// or https:// URL of an MCP endpoint")
        }
        self.url = url
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        do {
            client = try HTTPClient(configuration: .init(allowedBases: [AllowedBase(url, credentials: credentials)], version: version,
                                                         connectTimeout: .seconds(10), timeout: timeout,
                                                         maxResponseBytes: 64 << 20))
        } catch {
            throw RemoteMCPError("cannot use --url \(url.absoluteString): \(error)")
        }
    }

    /// The session the remote minted, if any.
    public var sessionID: String? { state.withLock { $0.sessionID } }

    /// Posts `message` and returns every JSON-RPC message of the answer (none for a notification).
    /// A forgotten session is re-initialized with the client's own `initialize` and the message sent again.
    public func send(_ message: JSONValue, log: @Sendable (String) -> Void) async throws -> [JSONValue] {
        let collected = Mutex([JSONValue]())
        try await send(message, log: log) { reply in collected.withLock { $0.append(reply) } }
        return collected.withLock { $0 }
    }

    /// Posts `message` and hands each message of the answer to `deliver` as soon as it is complete.
    public func send(_ message: JSONValue, log: @Sendable (String) -> Void, deliver: @escaping @Sendable (JSONValue) -> Void) async throws {
        do {
            try await post(message, deliver: deliver)
        } catch is SessionExpired {
            log("the remote no longer knows session \(sessionID ?? "?"); initializing a new one")
            try await reinitialize()
            try await post(message, deliver: deliver)
        }
    }

    /// Holds the session's GET stream and delivers what the server sends on it, until cancelled or
    /// until the server says it offers none (405). Reconnects after failures, with the session
    /// current at the time (it changes when the remote is restarted).
    public func listen(log: @escaping @Sendable (String) -> Void, deliver: @escaping @Sendable (JSONValue) -> Void) async {
        var backoff = Duration.seconds(1)
        while !Task.isCancelled {
            guard let session = sessionID else {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            var headers = baseHeaders()
            headers["Accept"] = "text/event-stream"
            headers[Self.sessionHeader] = session
            if let version = state.withLock({ $0.protocolVersion }) { headers[Self.versionHeader] = version }
            let answer = StreamingAnswer(deliver: deliver)
            do {
                let response = try await client.send(HTTPRequest(method: .get, url: url, headers: headers, timeout: .seconds(86_400)),
                                                      streamingBody: answer.receive)
                answer.finish()
                if response.status == 405 {
                    log("the remote offers no GET stream; notifications outside calls are not relayed")
                    return
                }
                if (200..<300).contains(response.status) { backoff = .seconds(1) }
            } catch is CancellationError {
                return
            } catch {
                log("GET stream of session \(session) failed: \(error)")
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(30))
        }
    }

    /// Ends the session (DELETE), as a client does when it goes away; failures only matter to the log.
    public func endSession(log: @Sendable (String) -> Void) async {
        guard let session = sessionID else { return }
        var headers = baseHeaders()
        headers[Self.sessionHeader] = session
        if let version = state.withLock({ $0.protocolVersion }) { headers[Self.versionHeader] = version }
        do {
            let response = try await client.send(HTTPRequest(method: .delete, url: url, headers: headers, timeout: .seconds(5)))
            log("ended session \(session) (HTTP \(response.status))")
        } catch {
            log("could not end session \(session): \(error)")
        }
    }

    private func post(_ message: JSONValue, deliver: @escaping @Sendable (JSONValue) -> Void) async throws {
        let method = message["method"]?.stringValue
        let isInitialize = method == "initialize"
        let modernVersion = message["params"]?["_meta"]?[Self.modernVersionKey]?.stringValue
        var headers = baseHeaders()
        headers["Content-Type"] = "application/json"
        var sentSession = false
        if let modernVersion, let method {
            // 2026-07-28 is stateless and routes on headers that must repeat the body.
            headers[Self.versionHeader] = modernVersion
            headers["Mcp-Method"] = Self.headerValue(method)
            let name: String? = switch method {
            case "tools/call", "prompts/get": message["params"]?["name"]?.stringValue
            case "resources/read": message["params"]?["uri"]?.stringValue
            default: nil
            }
            if let name { headers["Mcp-Name"] = Self.headerValue(name) }
        } else if !isInitialize {
            let (session, version) = state.withLock { ($0.sessionID, $0.protocolVersion) }
            if let session {
                headers[Self.sessionHeader] = session
                sentSession = true
            }
            if let version { headers[Self.versionHeader] = version }
        }

        // The session must be known before the client sees the initialize result and sends more.
        let ignore: @Sendable (JSONValue) -> Void = { _ in }
        let answer = StreamingAnswer(deliver: isInitialize ? ignore : deliver)
        let response = try await client.send(HTTPRequest(method: .post, url: url, headers: headers, body: message.serialized()),
                                             streamingBody: answer.receive)
        if response.status == 404 && sentSession { throw SessionExpired() }
        let messages = answer.finish()
        if isInitialize {
            if (200..<300).contains(response.status) {
                let result: JSONValue? = messages.first(where: { $0["result"] != nil })?["result"]
                state.withLock { state in
                    state.sessionID = response.headers[Self.sessionHeader]
                    state.protocolVersion = result?["protocolVersion"]?.stringValue
                    state.initialize = message
                }
            }
            messages.forEach(deliver)
        }
        if messages.isEmpty && response.status >= 400 {
            throw RemoteMCPError(Self.explain(status: response.status, url: url, challenge: response.headers["WWW-Authenticate"]))
        }
    }

    /// Replays the client's `initialize` (under an id of the bridge's own) and `initialized`.
    private func reinitialize() async throws {
        guard var initialize = state.withLock({ $0.initialize }) else {
            throw RemoteMCPError("the remote forgot the session and the client never sent initialize to start a new one")
        }
        initialize["id"] = "cloverdx-mcp-bridge-reinitialize"
        state.withLock { $0.sessionID = nil }
        let answer = Mutex<JSONValue?>(nil)
        try await post(initialize) { reply in answer.withLock { $0 = $0 ?? reply } }
        let reply = answer.withLock { $0 }
        guard reply?["result"] != nil else {
            throw RemoteMCPError("the remote refused to start a new session: \(reply?["error"]?["message"]?.stringValue ?? "no answer")")
        }
        try await post(JSONRPCResponse.notification("notifications/initialized", .emptyObject)) { _ in }
    }

    private func baseHeaders() -> HTTPHeaders {
        var headers: HTTPHeaders = ["Accept": "application/json, text/event-stream"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return headers
    }


    /// Header values that are not plain printable ASCII travel base64-encoded (docs/PROTOCOL.md, "Streamable HTTP").
    static func headerValue(_ value: String) -> String {
        let plain = value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            && value.trimmingCharacters(in: .whitespaces) == value && !value.hasPrefix("=?")
        return plain ? value : "=?base64?\(Data(value.utf8).base64EncodedString())?="
    }

    static func explain(status: Int, url: URL, challenge: String?) -> String {
        switch status {
        case 401:
            let detail = challenge.map { " (WWW-Authenticate: \($0))" } ?? ""
            return "\(url.absoluteString) answered 401 Unauthorized\(detail): the server needs a bearer token; pass a valid one with --token"
        case 403:
            return "\(url.absoluteString) answered 403 Forbidden: the token lacks a scope the server requires, or the server refuses this origin"
        case 404:
            return "\(url.absoluteString) answered 404 Not Found: check that --url is the MCP endpoint (e.g. …/mcp or …/clover/mcp/mcp)"
        default:
            return "\(url.absoluteString) answered HTTP \(status) without a JSON-RPC message"
        }
    }
}
