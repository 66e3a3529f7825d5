import Foundation
import MCPProtocol

/// The checks every access token's claims pass, whether they come from a JWT payload or an
/// introspection answer (RFC 9068 §4, RFC 7662 §2.2): issuer, audience, lifetime; then the caller.
struct ClaimsPolicy: Sendable {
    var issuer: String
    var audiences: Set<String>
    var clockSkew: Duration
    /// JWTs must carry `iss`, `aud` and `exp`; an introspection answer may leave them out.
    var claimsRequired: Bool

    init(settings: OAuthSettings, claimsRequired: Bool) {
        issuer = settings.issuer
        audiences = settings.audiences
        clockSkew = settings.clockSkew
        self.claimsRequired = claimsRequired
    }

    /// The caller the claims describe, or why they are not acceptable now.
    func principal(from claims: JSONValue, now: Date) throws(TokenRejection) -> Principal {
        guard claims.objectValue != nil else { throw .invalidToken("the token's claims are not a JSON object") }
        let skew = Double(clockSkew.components.seconds)

        switch claims["iss"] {
        case .string(let iss)?:
            guard iss == issuer else { throw .invalidToken("issued by \(iss), not by the configured issuer \(issuer)") }
        case nil where !claimsRequired: break
        default: throw .invalidToken("the token has no \"iss\" (issuer) claim")
        }

        let audience: [String]
        switch claims["aud"] {
        case .string(let one)?: audience = [one]
        case .array(let many)?: audience = many.compactMap(\.stringValue)
        case nil where !claimsRequired: audience = []
        default: throw .invalidToken("the token has no \"aud\" (audience) claim; request it with resource=<this server's URL>")
        }
        if claims["aud"] != nil, !audience.contains(where: audiences.contains) {
            throw .invalidToken("the token is for \(audience.joined(separator: ", ")), not for this server (\(audiences.sorted().joined(separator: ", ")))")
        }

        let time = now.timeIntervalSince1970
        switch claims["exp"] {
        case let value? where value.doubleValue != nil:
            guard time < value.doubleValue! + skew else { throw .invalidToken("the token expired") }
        case nil where !claimsRequired: break
        default: throw .invalidToken("the token has no numeric \"exp\" (expiry) claim")
        }
        if let notBefore = claims["nbf"] {
            guard let value = notBefore.doubleValue else { throw .invalidToken("\"nbf\" must be a number") }
            guard time >= value - skew else { throw .invalidToken("the token is not valid yet (nbf is in the future)") }
        }
        if let issuedAt = claims["iat"]?.doubleValue, issuedAt > time + skew {
            throw .invalidToken("the token was issued in the future (iat); check the clocks")
        }

        let clientID = claims["client_id"]?.stringValue ?? claims["azp"]?.stringValue
        guard let subject = claims["sub"]?.stringValue ?? clientID, !subject.isEmpty else {
            throw .invalidToken("the token names no subject (sub) or client (client_id)")
        }
        return Principal(subject: subject, clientID: clientID, scopes: Self.scopes(claims))
    }

    /// Scopes from `scope` (space-separated, RFC 8693/9068) or `scp` (a list or a string, as some IdPs send).
    static func scopes(_ claims: JSONValue) -> Set<String> {
        var scopes = Set<String>()
        for claim in [claims["scope"], claims["scp"]] {
            switch claim {
            case .string(let text)?: scopes.formUnion(text.split(separator: " ").map(String.init))
            case .array(let items)?: scopes.formUnion(items.compactMap(\.stringValue))
            default: break
            }
        }
        return scopes
    }
}
