import Crypto
import Foundation
@testable import MCPAuth
import MCPProtocol

/// An issuer for unit tests: P-256 keys made here, tokens signed by hand so that tests can forge
/// exactly the bad tokens they need, and a JWKS served from memory with a fetch counter.
final class TestIssuer: @unchecked Sendable {
    static let issuer = "https://idp.example/realms/clover"
    static let resource = "https://mcp.example/mcp"

    let key = P256.Signing.PrivateKey()
    let otherKey = P256.Signing.PrivateKey()
    private let lock = NSLock()
    private var fetchCount = 0
    var keysAvailable = true

    var fetches: Int { lock.withLock { fetchCount } }

    func settings() -> OAuthSettings {
        var settings = OAuthSettings(issuer: Self.issuer, resource: Self.resource)
        settings.jwksRefreshInterval = .seconds(3600)
        return settings
    }

    func validator(_ settings: OAuthSettings? = nil) -> JWTAccessTokenValidator {
        JWTAccessTokenValidator(settings: settings ?? self.settings()) { [self] in
            lock.withLock { fetchCount += 1 }
            guard keysAvailable else { throw URLError(.cannotConnectToHost) }
            return Array(jwks().utf8)
        }
    }

    func jwks() -> String {
        let point = key.publicKey.x963Representation.dropFirst()
        let x = Self.base64url(Data(point.prefix(32)))
        let y = Self.base64url(Data(point.suffix(32)))
        return """
            {"keys":[{"kty":"EC","crv":"P-256","kid":"k1","use":"sig","x":"\(x)","y":"\(y)"},
                     {"kty":"oct","kid":"secret","k":"c2VjcmV0"}]}
            """
    }

    func claims(_ overrides: [String: JSONValue?] = [:]) -> JSONValue {
        let now = Int64(Date().timeIntervalSince1970)
        var claims: JSONValue = ["iss": .string(Self.issuer), "sub": "alice", "aud": .string(Self.resource), "iat": .int(now),
                                 "exp": .int(now + 300), "scope": "cloverdx.mcp cloverdx.logs", "client_id": "claude"]
        for (name, value) in overrides { claims[name] = value }
        if case .object(var members) = claims {
            for (name, value) in overrides where value == nil { members.removeValue(forKey: name) }
            claims = .object(members)
        }
        return claims
    }

    /// A compact JWS over `claims`, ES256 with `signer` unless `alg` says otherwise (then unsigned or HMAC).
    func token(_ claims: JSONValue? = nil, header: JSONValue = ["alg": "ES256", "kid": "k1", "typ": "at+jwt"],
               signer: P256.Signing.PrivateKey? = nil) -> String {
        let input = Self.base64url(Data(header.serialized())) + "." + Self.base64url(Data((claims ?? self.claims()).serialized()))
        switch header["alg"]?.stringValue {
        case "none":
            return input + "."
        case "HS256":
            let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(jwks().utf8)))
            return input + "." + Self.base64url(Data(mac))
        default:
            let signature = try! (signer ?? key).signature(for: Data(input.utf8))
            return input + "." + Self.base64url(signature.rawRepresentation)
        }
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
