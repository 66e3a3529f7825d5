import Foundation
import HostConfiguration


/// How the HTTP transport decides who is calling.
public enum AccessMode: Sendable {
    /// No OAuth: every request runs as the anonymous user, no token is asked for or looked at.
    case anonymousOnly(user: String)
    /// Bearer tokens; with `anonymousUser` set, requests without a token run as that user.
    case oauth(OAuthSettings)

    /// Reads the mode from the configuration. Without `clover.mcp.oauth.issuer` the server is
    /// anonymous (as CloverDX with `clover.mcp.anonymous.access.enabled=true`), unless that key says false.
    public static func load(_ configuration: HostConfiguration) throws -> AccessMode {
        let user = configuration[ConfigKey.anonymousUser]?.trimmingCharacters(in: .whitespaces) ?? ""
        let anonymousUser = user.isEmpty ? "clover" : user
        let oauthKeys = configuration.values.keys.filter { $0.hasPrefix(ConfigKey.oauthPrefix) }.sorted()
        guard let issuer = configuration[ConfigKey.oauthIssuer]?.trimmingCharacters(in: .whitespaces), !issuer.isEmpty else {
            if let key = oauthKeys.first {
                throw HostConfiguration.Invalid(description: "\(key) is set but \(ConfigKey.oauthIssuer) is not: set the authorization server's issuer URL to turn OAuth on")
            }
            guard try configuration.bool(ConfigKey.anonymousAccess, default: true) else {
                throw HostConfiguration.Invalid(description: """
                    \(ConfigKey.anonymousAccess)=false but no authorization server is configured: set \(ConfigKey.oauthIssuer) \
                    and \(ConfigKey.oauthResource) (see the README, "Authentication"), or allow anonymous access
                    """)
            }
            return .anonymousOnly(user: anonymousUser)
        }
        var settings = try OAuthSettings(configuration, issuer: issuer)
        if try configuration.bool(ConfigKey.anonymousAccess, default: false) {
            settings.anonymousUser = anonymousUser
            settings.anonymousScopes = Set(configuration.list(ConfigKey.anonymousScopes))
        }
        return .oauth(settings)
    }
}

/// What the resource server needs to know about its authorization server and itself.
public struct OAuthSettings: Sendable {
    /// The authorization server's issuer identifier, compared byte for byte with `iss`.
    public var issuer: String
    /// The canonical URL of this MCP endpoint (RFC 9728 `resource`, RFC 8707 audience).
    public var resource: String
    public var resourceName: String
    /// `aud` values accepted: the resource URL, its origin, or an IdP-specific API identifier.
    public var audiences: Set<String>
    /// True when `clover.mcp.oauth.audience` set them; otherwise they follow the resource URLs.
    public var audiencesConfigured = false
    /// Where the signing keys are; nil means the `jwks_uri` of the issuer's metadata.
    public var jwksURL: URL?
    /// RFC 7662 endpoint; when set, tokens are introspected instead of verified locally.
    public var introspectionURL: URL?
    public var clientID: String?
    /// Never logged or shown (the key name marks it private).
    public var clientSecret: String?
    /// Scopes every MCP request needs.
    public var requiredScopes: [String]
    /// Scopes advertised in the protected-resource metadata besides the required and per-plugin ones.
    public var supportedScopes: [String]
    /// JWS algorithms accepted; `none` and HMAC are never accepted.
    public var algorithms: Set<String>
    /// Accepted `typ` headers (compared case-insensitively); a token without `typ` is accepted.
    public var tokenTypes: Set<String>
    public var clockSkew: Duration
    /// Unknown key ids trigger a JWKS refetch at most this often.
    public var jwksRefreshInterval: Duration
    /// An introspection answer is reused this long at most (never past the token's expiry).
    public var introspectionCacheTime: Duration
    /// PEM bundle to trust for the authorization server instead of the system's.
    public var caFile: String?
    /// Set when anonymous access is allowed next to OAuth: tokenless requests run as this user.
    public var anonymousUser: String?
    public var anonymousScopes: Set<String> = []

    /// Algorithms no configuration can enable: unsigned, or keyed with a secret a public JWKS cannot hold.
    static let forbiddenAlgorithms: Set<String> = ["none", "HS256", "HS384", "HS512"]
    static let defaultAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

    public init(issuer: String, resource: String, audiences: Set<String>? = nil, jwksURL: URL? = nil) {
        self.issuer = issuer
        self.resource = resource
        self.resourceName = "CloverDX MCP"
        self.audiences = audiences ?? Self.defaultAudiences(resource)
        self.jwksURL = jwksURL
        self.requiredScopes = []
        self.supportedScopes = []
        self.algorithms = Set(Self.defaultAlgorithms)
        self.tokenTypes = ["at+jwt", "application/at+jwt", "jwt"]
        self.clockSkew = .seconds(60)
        self.jwksRefreshInterval = .seconds(30)
        self.introspectionCacheTime = .seconds(60)
    }

    init(_ configuration: HostConfiguration, issuer: String) throws {
        func url(_ key: String) throws -> URL? {
            guard let text = configuration[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw HostConfiguration.Invalid(description: "\(key)=\(text) must be an http(s) URL")
            }
            return url
        }
        _ = try url(ConfigKey.oauthIssuer)
        guard let resourceURL = try url(ConfigKey.oauthResource) else {
            throw HostConfiguration.Invalid(description: """
                \(ConfigKey.oauthResource) is required with OAuth: the URL clients use for this endpoint, e.g. \
                https://mcp.example.com/mcp (tokens must be issued for it)
                """)
        }
        let resource = Self.canonical(resourceURL)
        let audiences = configuration.list(ConfigKey.oauthAudience)
        self.init(issuer: issuer, resource: resource, audiences: audiences.isEmpty ? nil : Set(audiences), jwksURL: try url(ConfigKey.oauthJWKSURL))
        audiencesConfigured = !audiences.isEmpty
        resourceName = configuration[ConfigKey.oauthResourceName] ?? resourceName
        introspectionURL = try url(ConfigKey.oauthIntrospectionURL)
        clientID = configuration[ConfigKey.oauthClientID]
        clientSecret = configuration[ConfigKey.oauthClientSecret]
        if introspectionURL != nil, clientID == nil || clientSecret == nil {
            throw HostConfiguration.Invalid(description: "\(ConfigKey.oauthIntrospectionURL) needs \(ConfigKey.oauthClientID) and \(ConfigKey.oauthClientSecret) (this server's credentials at the authorization server)")
        }
        requiredScopes = configuration.list(ConfigKey.oauthRequiredScopes)
        supportedScopes = configuration.list(ConfigKey.oauthSupportedScopes)
        let algorithmList = configuration.list(ConfigKey.oauthAlgorithms)
        if !algorithmList.isEmpty {
            if let bad = algorithmList.first(where: { Self.forbiddenAlgorithms.contains($0) || !Self.defaultAlgorithms.contains($0) }) {
                throw HostConfiguration.Invalid(description: "\(ConfigKey.oauthAlgorithms): \(bad) is not accepted; choose from \(Self.defaultAlgorithms.joined(separator: ", "))")
            }
            algorithms = Set(algorithmList)
        }
        let types = configuration.list(ConfigKey.oauthTokenTypes)
        if !types.isEmpty { tokenTypes = Set(types.map { $0.lowercased() }) }
        clockSkew = .seconds(try configuration.int(ConfigKey.oauthClockSkewSeconds, default: 60, range: 0...300))
        jwksRefreshInterval = .seconds(try configuration.int(ConfigKey.oauthJWKSRefreshSeconds, default: 30, range: 0...86_400))
        introspectionCacheTime = .seconds(try configuration.int(ConfigKey.oauthIntrospectionCacheSeconds, default: 60, range: 0...3600))
        caFile = configuration[ConfigKey.oauthCAFile]
    }

    /// RFC 9728 form: scheme and host lower case, no fragment, no trailing slash.
    static func canonical(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        components.fragment = nil
        var text = components.string ?? url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The resource URL and its origin: IdPs differ in which one they put in `aud`.
    static func defaultAudiences(_ resource: String) -> Set<String> {
        guard let url = URL(string: resource), let scheme = url.scheme, let host = url.host else { return [resource] }
        let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        return [resource, origin]
    }
}
