import Foundation
@testable import MCPAuth
import MCPProtocol
import Testing

@Suite struct JWTAccessTokenValidatorTests {
    let issuer = TestIssuer()

    func rejection(_ token: String, validator: JWTAccessTokenValidator? = nil) async -> TokenRejection? {
        do {
            _ = try await (validator ?? issuer.validator()).validate(token, now: Date())
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsAValidTokenAndReadsTheCaller() async throws {
        let principal = try await issuer.validator().validate(issuer.token(), now: Date())
        #expect(principal.subject == "alice")
        #expect(principal.clientID == "claude")
        #expect(principal.scopes == ["cloverdx.mcp", "cloverdx.logs"])
        #expect(!principal.isAnonymous)
    }

    @Test func readsScopesFromScpLists() async throws {
        let token = issuer.token(issuer.claims(["scope": nil, "scp": ["a", "b"]]))
        #expect(try await issuer.validator().validate(token, now: Date()).scopes == ["a", "b"])
    }

    @Test func acceptsTheOriginAsAudience() async throws {
        let token = issuer.token(issuer.claims(["aud": ["https://other.example", "https://mcp.example"]]))
        #expect(try await issuer.validator().validate(token, now: Date()).subject == "alice")
    }

    @Test func allowsClockSkewButNotMore() async {
        let now = Int64(Date().timeIntervalSince1970)
        #expect(await rejection(issuer.token(issuer.claims(["exp": .int(now - 30)]))) == nil)
        #expect(await rejection(issuer.token(issuer.claims(["exp": .int(now - 120)])))?.description == "the token expired")
        #expect(await rejection(issuer.token(issuer.claims(["nbf": .int(now + 30)]))) == nil)
        #expect(await rejection(issuer.token(issuer.claims(["nbf": .int(now + 600)])))?.isInvalidToken == true)
    }

    @Test(arguments: [
        ("wrong issuer", ["iss": JSONValue.string("https://evil.example")]),
        ("wrong audience", ["aud": JSONValue.string("https://another.example/mcp")]),
        ("no audience", ["aud": nil]),
        ("no expiry", ["exp": nil]),
        ("no subject", ["sub": nil, "client_id": nil]),
    ] as [(String, [String: JSONValue?])])
    func rejectsBadClaims(_ case: String, _ overrides: [String: JSONValue?]) async {
        #expect(await rejection(issuer.token(issuer.claims(overrides))).map(\.isInvalidToken) == true, "\(`case`)")
    }

    @Test func rejectsUnsignedAndHMACTokensBeforeLookingAtKeys() async {
        let none = await rejection(issuer.token(header: ["alg": "none", "kid": "k1"]))
        #expect(none?.description.contains("never accepted") == true)
        let hmac = await rejection(issuer.token(header: ["alg": "HS256", "kid": "secret"]))
        #expect(hmac?.description.contains("never accepted") == true)
    }

    @Test func rejectsForgedAndTamperedSignatures() async {
        #expect(await rejection(issuer.token(signer: issuer.otherKey))?.isInvalidToken == true)
        var parts = issuer.token().split(separator: ".").map(String.init)
        parts[1] = TestIssuer.base64url(Data(issuer.claims(["sub": "root"]).serialized()))
        #expect(await rejection(parts.joined(separator: "."))?.description.contains("signature") == true)
    }

    @Test func rejectsAlgorithmsTheKeyCannotVerify() async {
        #expect(await rejection(issuer.token(header: ["alg": "RS256", "kid": "k1"]))?.isInvalidToken == true)
    }

    @Test func rejectsOtherTokenTypes() async {
        #expect(await rejection(issuer.token(header: ["alg": "ES256", "kid": "k1", "typ": "id_token+jwt"]))?.isInvalidToken == true)
    }

    @Test func unknownKeyIDsRefetchAtMostOncePerInterval() async {
        let validator = issuer.validator()
        #expect(await rejection(issuer.token(), validator: validator) == nil)
        #expect(issuer.fetches == 1)
        for kid in ["a", "b", "c"] {
            let refused = await rejection(issuer.token(header: ["alg": "ES256", "kid": .string(kid)]), validator: validator)
            #expect(refused?.description.contains("does not publish") == true)
        }
        #expect(issuer.fetches == 1, "the refresh interval is an hour in this test")
    }

    @Test func unreachableKeysAreUnavailableNotInvalid() async {
        issuer.keysAvailable = false
        let refused = await rejection(issuer.token())
        #expect(refused?.isUnavailable == true)
    }

    @Test func garbageIsRejectedWithoutCrashing() async {
        for token in ["", "a", "a.b", "a.b.c", "...", "a.b.c.d.e", "eyJhbGciOiJFUzI1NiJ9.%%%.x"] {
            #expect(await rejection(token)?.isInvalidToken == true, "\(token)")
        }
    }
}
