import HostConfiguration
import Crypto
import CurlHTTP
import Foundation
import MCPProtocol
import Synchronization

/// Validates tokens by asking the authorization server (RFC 7662), for opaque tokens or IdPs that
/// revoke early. Answers are cached per token (by its SHA-256, never the token itself) for at most
/// `introspectionCacheTime` and never past the token's expiry.
public final class IntrospectionValidator: TokenValidator {
    let settings: OAuthSettings
    let url: URL
    let client: HTTPClient
    let policy: ClaimsPolicy
    private let cache = Mutex<[SHA256Digest: Cached]>([:])
    /// Bounds memory when many distinct tokens arrive; the cache is simply emptied when full.
    static let cacheCapacity = 10_000

    struct Cached {
        let principal: Principal
        let until: Date
    }

    /// - Parameter client: must allow `settings.introspectionURL` with this server's client credentials.
    public init(settings: OAuthSettings, client: HTTPClient) {
        self.settings = settings
        self.url = settings.introspectionURL!
        self.client = client
        self.policy = ClaimsPolicy(settings: settings, claimsRequired: false)
    }

    public func validate(_ token: String, now: Date) async throws(TokenRejection) -> Principal {
        let digest = SHA256.hash(data: Data(token.utf8))
        if let hit = cache.withLock({ $0[digest] }), hit.until > now { return hit.principal }

        let body = "token=\(Self.formEncode(token))&token_type_hint=access_token"
        let request = HTTPRequest(method: .post, url: url,
                                  headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                  body: Array(body.utf8), timeout: .seconds(10))
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch {
            throw .unavailable("the token introspection endpoint cannot be reached (\(error)); try again later")
        }
        guard response.status == 200 else {
            let hint = [401, 403].contains(response.status) ? ": check \(ConfigKey.oauthClientID) and \(ConfigKey.oauthClientSecret)" : ""
            throw .unavailable("the token introspection endpoint answered HTTP \(response.status)\(hint)")
        }
        guard let answer = try? JSONValue.parse(response.body), answer.objectValue != nil else {
            throw .unavailable("the token introspection endpoint answered something other than a JSON object")
        }
        guard answer["active"]?.boolValue == true else {
            throw .invalidToken("the token is not active: revoked, expired or unknown to the authorization server")
        }
        let principal = try policy.principal(from: answer, now: now)
        var until = now.addingTimeInterval(Double(settings.introspectionCacheTime.components.seconds))
        if let exp = answer["exp"]?.doubleValue { until = min(until, Date(timeIntervalSince1970: exp)) }
        cache.withLock { cache in
            if cache.count >= Self.cacheCapacity { cache.removeAll() }
            cache[digest] = Cached(principal: principal, until: until)
        }
        return principal
    }

    /// application/x-www-form-urlencoded: everything but unreserved characters percent-encoded.
    static func formEncode(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
