import HTTPTypes
import Hummingbird

/// CORS for browser clients (MCP Inspector and the like) whose `Origin` the endpoint allowed.
/// Hummingbird's `CORSMiddleware` answers preflight with a fixed header list; 2026-07-28 clients send
/// `Mcp-Param-*` headers named by each tool's schema, so the preflight echoes what was asked for.
extension MCPHTTPEndpoint {
    func addCORS(_ headers: inout HTTPFields, origin: String, request: Request) {
        headers[.accessControlAllowOrigin] = origin
        headers[.vary] = "Origin"
        headers[.accessControlExposeHeaders] = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Last-Event-Id"
        if request.method == .options {
            headers[.accessControlAllowMethods] = "POST, GET, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders]
                ?? "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID"
            headers[.accessControlMaxAge] = "600"
        }
    }
}
