import Foundation
import JWTKit
import MCPProtocol

/// Validates JWT access tokens (RFC 9068) locally, against the issuer's published keys.
///
/// Before any key is touched the header must name an allowed asymmetric algorithm: `none` and the
/// HMAC family are refused outright, which closes the "HS256 signed with the public key" attack.
public struct JWTAccessTokenValidator: TokenValidator {
    let settings: OAuthSettings
    let keys: JWKSKeySet
    let policy: ClaimsPolicy

    /// - Parameter fetchKeys: returns the JWKS document (over HTTP in production, from memory in tests).
    public init(settings: OAuthSettings, fetchKeys: @escaping @Sendable () async throws -> [UInt8]) {
        self.settings = settings
        self.keys = JWKSKeySet(refreshInterval: settings.jwksRefreshInterval, fetch: fetchKeys)
        self.policy = ClaimsPolicy(settings: settings, claimsRequired: true)
    }

    public func validate(_ token: String, now: Date) async throws(TokenRejection) -> Principal {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .invalidToken(parts.count == 5 ? "encrypted (JWE) tokens are not supported" : "the token is not a JWT (three dot-separated parts)")
        }
        guard let header = Self.decodeJSON(parts[0]), header.objectValue != nil else {
            throw .invalidToken("the token's header is not base64url-encoded JSON")
        }
        guard let alg = header["alg"]?.stringValue else { throw .invalidToken("the token's header has no \"alg\"") }
        if OAuthSettings.forbiddenAlgorithms.contains(alg) || alg.uppercased() == "NONE" || alg.hasPrefix("HS") {
            throw .invalidToken("alg \(alg) is never accepted: tokens must be signed with the issuer's private key")
        }
        guard settings.algorithms.contains(alg) else {
            throw .invalidToken("alg \(alg) is not accepted (accepted: \(settings.algorithms.sorted().joined(separator: ", ")))")
        }
        if let typ = header["typ"]?.stringValue, !settings.tokenTypes.contains(typ.lowercased()) {
            throw .invalidToken("typ \(typ) is not an access token type (accepted: \(settings.tokenTypes.sorted().joined(separator: ", ")))")
        }
        if header["crit"] != nil { throw .invalidToken("the token has critical header parameters this server does not understand") }
        let kid = header["kid"]?.stringValue

        let verifier = try await keys.verifier(kid: kid, alg: alg)
        do {
            _ = try await verifier.verify(token, as: SignatureOnly.self)
        } catch {
            throw .invalidToken("the signature does not verify with the issuer's key\(kid.map { " \"\($0)\"" } ?? "")")
        }
        guard let claims = Self.decodeJSON(parts[1]) else { throw .invalidToken("the token's payload is not base64url-encoded JSON") }
        return try policy.principal(from: claims, now: now)
    }

    static func decodeJSON(_ part: Substring) -> JSONValue? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !text.contains("=") else { return nil }
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONValue.parse(data)
    }
}

/// jwt-kit checks only the signature; the claims are checked by `ClaimsPolicy`, with our messages and skew.
struct SignatureOnly: JWTPayload {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
