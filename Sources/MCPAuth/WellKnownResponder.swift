import HTTPTypes
import Hummingbird
import Logging
import MCPProtocol
import NIOCore

/// Serves the discovery documents in front of the MCP endpoint, without authentication:
/// RFC 9728 protected-resource metadata (root and path-suffixed), and verbatim copies of the
/// issuer's RFC 8414 / OpenID metadata for clients that look for them at the MCP origin.
/// Everything else goes to `inner`.
public struct WellKnownResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    public typealias Context = BasicRequestContext

    let inner: Inner
    let metadata: ProtectedResourceMetadata
    let identity: ResourceIdentity
    let mirror: AuthorizationServerMetadataMirror
    let pluginScopes: @Sendable () -> [String]
    let logger: Logger

    static var protectedResourcePrefix: String { "/.well-known/oauth-protected-resource" }
    static var authorizationServerPrefix: String { "/.well-known/oauth-authorization-server" }
    static var openIDPrefix: String { "/.well-known/openid-configuration" }

    public init(inner: Inner, settings: OAuthSettings, identity: ResourceIdentity, mirror: AuthorizationServerMetadataMirror,
                pluginScopes: @escaping @Sendable () -> [String], logger: Logger) {
        self.inner = inner
        self.metadata = ProtectedResourceMetadata(settings: settings)
        self.identity = identity
        self.mirror = mirror
        self.pluginScopes = pluginScopes
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if Self.matches(path, Self.protectedResourcePrefix) {
            return await serve(request) {
                guard let resource = identity.resource(forMetadataPath: path) else {
                    return Self.json(.notFound, ["error": "not_found", "error_description": .string("no protected resource at \(path)")])
                }
                return Self.json(.ok, metadata.document(resource: resource, pluginScopes: pluginScopes()))
            }
        }
        if Self.matches(path, Self.authorizationServerPrefix) { return await serve(request) { await mirrored(.oauth) } }
        if Self.matches(path, Self.openIDPrefix) { return await serve(request) { await mirrored(.openID) } }
        return try await inner.respond(to: request, context: context)
    }

    static func matches(_ path: String, _ prefix: String) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/")
    }

    /// GET and HEAD get the document, OPTIONS the preflight answer; all with `Access-Control-Allow-Origin: *`.
    private func serve(_ request: Request, _ document: () async -> Response) async -> Response {
        var response: Response
        switch request.method {
        case .get, .head: response = await document()
        case .options: response = Response(status: .noContent)
        default:
            response = Self.json(.methodNotAllowed, ["error": "method_not_allowed", "error_description": "use GET"])
            response.headers[.allow] = "GET, HEAD, OPTIONS"
        }
        response.headers[.accessControlAllowOrigin] = "*"
        if request.method == .options {
            response.headers[.accessControlAllowMethods] = "GET, HEAD, OPTIONS"
            response.headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "MCP-Protocol-Version"
            response.headers[.accessControlMaxAge] = "600"
        }
        return response
    }

    private func mirrored(_ kind: AuthorizationServerMetadataMirror.Kind) async -> Response {
        do {
            // An OpenID document is also valid RFC 8414 metadata; the reverse is not true
            // (docs/PROTOCOL.md, "Authorization-server metadata on our origin").
            var found = try await mirror.document(kind)
            if found == nil, kind == .oauth { found = try await mirror.document(.openID) }
            guard let document = found else {
                let what = kind == .openID ? "the authorization server is not an OpenID provider" : "the authorization server publishes no RFC 8414 metadata"
                return Self.json(.notFound, ["error": "not_found", "error_description": .string(what)])
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: document.bytes)))
        } catch {
            logger.warning("\(error.description)")
            return Self.json(.serviceUnavailable, ["error": "temporarily_unavailable", "error_description": .string(error.description)])
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }
}
