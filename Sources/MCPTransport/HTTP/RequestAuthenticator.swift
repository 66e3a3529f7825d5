import Hummingbird
import MCPProtocol

/// Decides who an HTTP request to the MCP endpoint runs as. MCPAuth implements it (bearer tokens,
/// anonymous access); the endpoint calls it for every request except CORS preflight.
public protocol RequestAuthenticator: Sendable {
    /// The caller of `request`, or the response that refuses it (401, 400, 503 with `WWW-Authenticate`).
    func authenticate(_ request: Request) async -> Authentication
    /// The refusal for a caller that lacks `missing` scopes for the tool it called (403
    /// `insufficient_scope`, or 401 for an anonymous caller, so it can sign in).
    func insufficientScope(_ principal: Principal, missing: [String], path: String) -> Response
}

/// The outcome of authenticating one request.
public enum Authentication: Sendable {
    case allowed(Principal)
    case refused(Response)
}
