import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCPProtocol
import MCPTransport
import NIOCore

/// The OAuth 2.1 resource-server check in front of the MCP endpoint (docs/PROTOCOL.md, "Bearer challenges"
/// and "Anonymous access").
///
/// Tokens are accepted only in `Authorization: Bearer` (never the query string). Without a token the
/// request runs as the anonymous user when anonymous access is on, else gets the 401 challenge that
/// starts a client's OAuth flow. A token that fails is always a 401 `invalid_token`, so clients refresh.
public struct BearerAuthenticator: RequestAuthenticator {
    let settings: OAuthSettings
    let identity: ResourceIdentity
    let validator: any TokenValidator
    let logger: Logger

    /// Real access tokens are a few KiB; anything far larger is refused before it is parsed.
    static let maxTokenLength = 16 * 1024

    public init(settings: OAuthSettings, identity: ResourceIdentity, validator: any TokenValidator, logger: Logger) {
        self.settings = settings
        self.identity = identity
        self.validator = validator
        self.logger = logger
    }

    public func authenticate(_ request: Request) async -> Authentication {
        let challenge = BearerChallenge(resourceMetadataURL: identity.metadataURL(forResource: identity.resource(forPath: request.uri.path)))
        if request.uri.queryParameters["access_token"] != nil {
            return .refused(challenge.response(.badRequest, error: "invalid_request",
                                               description: "tokens in the query string are refused (they end up in logs); send Authorization: Bearer <token>"))
        }
        let fields = request.headers[values: .authorization]
        guard let field = fields.first else {
            if let user = settings.anonymousUser { return .allowed(.anonymous(user: user, scopes: settings.anonymousScopes)) }
            return .refused(challenge.missingToken(scopes: settings.requiredScopes,
                                                   message: "this MCP server needs an OAuth access token: send Authorization: Bearer <token> (see resource_metadata)"))
        }
        guard fields.count == 1 else {
            return .refused(challenge.response(.badRequest, error: "invalid_request", description: "send exactly one Authorization header"))
        }
        let token: String
        switch Self.bearerToken(field) {
        case .success(let found): token = found
        case .failure(let rejection):
            if rejection.isInvalidRequest {
                return .refused(challenge.response(.badRequest, error: "invalid_request", description: rejection.description))
            }
            // Another scheme (Basic, …): answer as if no token came, so the client starts OAuth.
            return .refused(challenge.missingToken(scopes: settings.requiredScopes, message: rejection.description))
        }
        guard token.utf8.count <= Self.maxTokenLength else {
            return .refused(challenge.response(.unauthorized, error: "invalid_token", description: "the token is longer than \(Self.maxTokenLength) bytes"))
        }
        let principal: Principal
        do {
            principal = try await validator.validate(token, now: Date())
        } catch let rejection {
            if rejection.isUnavailable {
                logger.warning("cannot check bearer tokens: \(rejection.description)")
                var response = Self.json(.serviceUnavailable, ["error": "temporarily_unavailable", "error_description": .string(rejection.description)])
                response.headers[.retryAfter] = "5"
                return .refused(response)
            }
            logger.info("bearer token refused: \(rejection.description)")
            return .refused(challenge.response(.unauthorized, error: "invalid_token", description: rejection.description))
        }
        let missing = principal.missing(settings.requiredScopes)
        guard missing.isEmpty else { return .refused(insufficientScope(principal, missing: missing, path: request.uri.path)) }
        return .allowed(principal)
    }

    /// RFC 6750 `insufficient_scope`; `scope` lists everything the operation needs, so one step-up suffices.
    public func insufficientScope(_ principal: Principal, missing: [String], path: String) -> Response {
        let challenge = BearerChallenge(resourceMetadataURL: identity.metadataURL(forResource: identity.resource(forPath: path)))
        let needed = Array(Set(settings.requiredScopes).union(missing)).sorted()
        if principal.isAnonymous {
            return challenge.missingToken(scopes: needed, message: "sign in: this needs the scopes \(missing.joined(separator: " "))")
        }
        return challenge.response(.forbidden, error: "insufficient_scope",
                                  description: "the token lacks the scopes \(missing.joined(separator: " "))", scopes: needed)
    }

    /// The token of `Bearer <token68>` (scheme case-insensitive, RFC 6750 §2.1).
    static func bearerToken(_ field: String) -> Result<String, TokenRejection> {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            return trimmed.lowercased() == "bearer"
                ? .failure(.invalidRequest("the Authorization header has no token after Bearer"))
                : .failure(.invalidToken("use Authorization: Bearer <token>; the \(trimmed.prefix(16)) scheme is not accepted"))
        }
        let scheme = trimmed[..<space]
        guard scheme.lowercased() == "bearer" else {
            return .failure(.invalidToken("use Authorization: Bearer <token>; the \(scheme.prefix(16)) scheme is not accepted"))
        }
        let token = trimmed[space...].drop { $0 == " " }
        let token68 = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/")
        let body = token.reversed().drop { $0 == "=" }
        guard !body.isEmpty, body.allSatisfy(token68.contains) else {
            return .failure(.invalidRequest("the bearer token is malformed: it must be one token68 value (letters, digits, -._~+/ and trailing =)"))
        }
        return .success(String(token))
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }
}
