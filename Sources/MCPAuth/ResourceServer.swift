import CurlHTTP
import Foundation
import HostConfiguration
import Hummingbird
import Logging
import MCPProtocol

/// Everything OAuth needs on the HTTP side, built from the settings: the token validator (JWT or
/// introspection), the request authenticator and the discovery documents.
public struct ResourceServer: Sendable {
    public let settings: OAuthSettings
    public let identity: ResourceIdentity
    public let authenticator: BearerAuthenticator
    public let mirror: AuthorizationServerMetadataMirror
    let logger: Logger

    /// - Parameters:
    ///   - paths: the MCP paths served, the primary first (each gets its own resource URL).
    ///   - version: the host's, for the outbound `User-Agent`.
    public init(settings: OAuthSettings, paths: [String], version: String, logger: Logger) throws {
        var settings = settings
        let identity = ResourceIdentity(resource: settings.resource, paths: paths)
        if !settings.audiencesConfigured { settings.audiences = identity.audiences }
        guard let issuerURL = URL(string: settings.issuer), let scheme = issuerURL.scheme, let host = issuerURL.host else {
            throw HostConfiguration.Invalid(description: "\(ConfigKey.oauthIssuer)=\(settings.issuer) must be an http(s) URL")
        }
        let issuerOrigin = URL(string: "\(scheme)://\(host)" + (issuerURL.port.map { ":\($0)" } ?? "") + "/")!
        var bases = [AllowedBase(issuerOrigin)]
        if let introspection = settings.introspectionURL, let id = settings.clientID, let secret = settings.clientSecret {
            bases.insert(AllowedBase(introspection, credentials: BasicCredentials(user: id, password: secret)), at: 0)
        }
        let client: HTTPClient
        do {
            client = try HTTPClient(configuration: .init(allowedBases: bases, version: version, timeout: .seconds(10),
                                                         maxResponseBytes: 1 << 20, caBundlePath: settings.caFile))
        } catch {
            throw HostConfiguration.Invalid(description: "OAuth: \(error)")
        }
        let mirror = AuthorizationServerMetadataMirror(issuer: settings.issuer, client: client)
        let validator: any TokenValidator
        if settings.introspectionURL != nil {
            validator = IntrospectionValidator(settings: settings, client: client)
        } else {
            validator = JWTAccessTokenValidator(settings: settings, fetchKeys: Self.jwksFetcher(settings: settings, mirror: mirror, version: version))
        }
        self.settings = settings
        self.identity = identity
        self.mirror = mirror
        self.logger = logger
        self.authenticator = BearerAuthenticator(settings: settings, identity: identity, validator: validator, logger: logger)
    }

    /// Fetches the JWKS from `clover.mcp.oauth.jwks.url`, or from the `jwks_uri` the issuer's metadata names.
    static func jwksFetcher(settings: OAuthSettings, mirror: AuthorizationServerMetadataMirror, version: String) -> @Sendable () async throws -> [UInt8] {
        let configured = settings.jwksURL
        let caFile = settings.caFile
        return {
            var url = configured
            if url == nil {
                var document = try await mirror.document(.oauth)
                if document == nil { document = try await mirror.document(.openID) }
                url = document?.json["jwks_uri"]?.stringValue.flatMap(URL.init(string:))
            }
            guard let url else {
                throw JWKSFormatError(description: "the issuer's metadata names no jwks_uri; set \(ConfigKey.oauthJWKSURL)")
            }
            // The key URL comes from configuration or the issuer's own metadata: it is the one base allowed.
            let client = try HTTPClient(configuration: .init(allowedBases: [AllowedBase(url)], version: version, timeout: .seconds(10),
                                                             maxResponseBytes: 1 << 20, caBundlePath: caFile))
            let response = try await client.send(CurlHTTP.HTTPRequest(url: url, headers: ["Accept": "application/json"]))
            guard response.status == 200 else {
                throw JWKSFormatError(description: "\(url.absoluteString) answered HTTP \(response.status)")
            }
            return response.body
        }
    }

    /// The MCP endpoint with the discovery documents in front of it.
    public func responder<Inner: HTTPResponder>(wrapping inner: Inner, pluginScopes: @escaping @Sendable () -> [String]) -> WellKnownResponder<Inner>
    where Inner.Context == BasicRequestContext {
        WellKnownResponder(inner: inner, settings: settings, identity: identity, mirror: mirror, pluginScopes: pluginScopes, logger: logger)
    }
}
