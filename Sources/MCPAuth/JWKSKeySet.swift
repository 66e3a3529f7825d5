import Foundation
import JWTKit
import MCPProtocol

/// The issuer's signing keys, fetched from its JWKS and kept in memory.
///
/// A token naming a key id we do not have triggers a refetch (keys rotate), at most once per
/// `refreshInterval`, so a stream of tokens with made-up key ids cannot hammer the authorization
/// server. Keys are also refetched after `maxAge`, so removed keys stop being trusted.
actor JWKSKeySet {
    /// Returns the JWKS document's bytes, or throws why it could not.
    typealias Fetch = @Sendable () async throws -> [UInt8]

    private let fetch: Fetch
    private let refreshInterval: Duration
    private let maxAge: Duration
    private var keys: [String: JWK] = [:]
    /// One verifier per key and algorithm, so a token cannot change how a key is used for the next one.
    private var verifiers: [String: JWTKeyCollection] = [:]
    private var lastAttempt: ContinuousClock.Instant?
    private var lastSuccess: ContinuousClock.Instant?
    private var lastError: String?
    private var refreshing: Task<Void, Never>?

    init(refreshInterval: Duration, maxAge: Duration = .seconds(3600), fetch: @escaping Fetch) {
        self.fetch = fetch
        self.refreshInterval = refreshInterval
        self.maxAge = maxAge
    }

    /// A verifier for the key `kid` used with `alg`, or why there is none.
    func verifier(kid: String?, alg: String) async throws(TokenRejection) -> JWTKeyCollection {
        if keys.isEmpty || lastSuccess.map({ ContinuousClock.now - $0 > maxAge }) == true {
            await refreshIfAllowed()
        }
        if keys.isEmpty {
            throw .unavailable("the authorization server's signing keys cannot be fetched (\(lastError ?? "no keys in its JWKS")); try again later")
        }
        var key = Self.lookup(kid, in: keys)
        if key == nil, kid != nil {
            await refreshIfAllowed()
            key = Self.lookup(kid, in: keys)
        }
        guard let (id, jwk) = key else {
            if let kid { throw .invalidToken("the token is signed with key \"\(kid)\", which the issuer does not publish") }
            throw .invalidToken("the token names no key (kid) and the issuer publishes several")
        }
        if let keyAlgorithm = jwk.algorithm?.rawValue, keyAlgorithm != alg {
            throw .invalidToken("key \"\(id)\" is for \(keyAlgorithm), the token says \(alg)")
        }
        guard Self.fits(jwk.keyType, alg) else {
            throw .invalidToken("key \"\(id)\" is an \(jwk.keyType.rawValue) key and cannot verify \(alg)")
        }
        let cacheKey = id + "\u{0}" + alg
        if let verifier = verifiers[cacheKey] { return verifier }
        var pinned = jwk
        pinned.algorithm = JWK.Algorithm(rawValue: alg)
        let verifier = JWTKeyCollection()
        do {
            try await verifier.add(jwk: pinned)
        } catch {
            throw .invalidToken("key \"\(id)\" of the issuer's JWKS is unusable: \(error)")
        }
        verifiers[cacheKey] = verifier
        return verifier
    }

    private static func lookup(_ kid: String?, in keys: [String: JWK]) -> (String, JWK)? {
        if let kid { return keys[kid].map { (kid, $0) } }
        return keys.count == 1 ? keys.first.map { ($0.key, $0.value) } : nil
    }

    private static func fits(_ type: JWK.KeyType, _ alg: String) -> Bool {
        switch type {
        case .rsa: return alg.hasPrefix("RS") || alg.hasPrefix("PS")
        case .ecdsa: return alg.hasPrefix("ES")
        case .octetKeyPair: return alg == "EdDSA"
        default: return false
        }
    }

    /// Refetches unless that happened less than `refreshInterval` ago; concurrent callers share one fetch.
    private func refreshIfAllowed() async {
        if let refreshing {
            await refreshing.value
            return
        }
        if let lastAttempt, ContinuousClock.now - lastAttempt < refreshInterval { return }
        lastAttempt = .now
        let task = Task { await self.refresh() }
        refreshing = task
        await task.value
        refreshing = nil
    }

    private func refresh() async {
        do {
            let parsed = try Self.parse(try await fetch())
            guard !parsed.isEmpty else {
                lastError = "its JWKS has no RSA, EC or OKP signing keys"
                return
            }
            keys = parsed
            verifiers = [:]
            lastSuccess = .now
            lastError = nil
        } catch {
            lastError = "\(error)"
        }
    }

    /// The signing keys of a JWKS by key id; keys for encryption, of other types or unreadable are
    /// skipped, since a real IdP's JWKS mixes them with the ones that sign access tokens.
    static func parse(_ bytes: [UInt8]) throws -> [String: JWK] {
        let document = try JSONValue.parse(bytes)
        guard let entries = document["keys"]?.arrayValue else {
            throw JWKSFormatError(description: "the JWKS has no \"keys\" array")
        }
        var keys: [String: JWK] = [:]
        for (index, entry) in entries.enumerated() {
            guard ["RSA", "EC", "OKP"].contains(entry["kty"]?.stringValue ?? ""),
                  entry["use"]?.stringValue ?? "sig" == "sig",
                  entry["d"] == nil,  // a published private key is a misconfiguration, never a trust anchor
                  let jwk = try? JSONDecoder().decode(JWK.self, from: Data(entry.serialized())) else { continue }
            keys[entry["kid"]?.stringValue ?? "#\(index)"] = jwk
        }
        return keys
    }
}

struct JWKSFormatError: Error, CustomStringConvertible {
    let description: String
}
