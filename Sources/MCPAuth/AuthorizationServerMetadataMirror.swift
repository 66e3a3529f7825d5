import CurlHTTP
import Foundation
import MCPProtocol

/// The issuer's own metadata documents, fetched and served verbatim at our origin
/// (docs/PROTOCOL.md, "Authorization-server metadata on our origin").
///
/// Clients that probe the MCP origin for `/.well-known/oauth-authorization-server` find the real
/// authorization server this way. The bytes are the issuer's, unmodified (a rewritten or redirected
/// copy fails clients that compare `issuer`); a document whose `issuer` differs is never served.
public actor AuthorizationServerMetadataMirror {
    /// Which document: RFC 8414 or OpenID Connect Discovery.
    public enum Kind: Sendable {
        case oauth, openID
    }

    /// A fetched document: the issuer's bytes and the JSON they hold.
    public struct Document: Sendable {
        public let bytes: [UInt8]
        public let json: JSONValue
    }

    let issuer: String
    let client: HTTPClient
    let timeToLive: Duration
    private var cached: [Kind: (document: Document?, fetched: ContinuousClock.Instant)] = [:]
    private var lastError: [Kind: String] = [:]

    /// - Parameter client: must allow the issuer's origin.
    public init(issuer: String, client: HTTPClient, timeToLive: Duration = .seconds(300)) {
        self.issuer = issuer
        self.client = client
        self.timeToLive = timeToLive
    }

    /// The document of `kind`; nil when the issuer has none (or only a mismatching one). Throws when
    /// it cannot be fetched and no earlier copy is at hand.
    public func document(_ kind: Kind) async throws(TokenRejection) -> Document? {
        if let entry = cached[kind], ContinuousClock.now - entry.fetched < timeToLive { return entry.document }
        do {
            let document = try await fetch(kind)
            cached[kind] = (document, .now)
            return document
        } catch {
            // A stale copy beats none while the authorization server is briefly away.
            if let entry = cached[kind] { return entry.document }
            throw .unavailable("the authorization server's metadata cannot be fetched from \(issuer): \(error)")
        }
    }

    /// The URLs tried, in order: for issuer `https://as/t1`, RFC 8414 inserts the well-known part
    /// before the path; OpenID Connect appends it (and the first form is tried too, as clients do).
    func candidates(_ kind: Kind) -> [URL] {
        guard let url = URL(string: issuer), let scheme = url.scheme, let host = url.host else { return [] }
        let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        switch kind {
        case .oauth:
            return [URL(string: origin + "/.well-known/oauth-authorization-server" + path)].compactMap { $0 }
        case .openID:
            return [URL(string: origin + path + "/.well-known/openid-configuration"),
                    path.isEmpty ? nil : URL(string: origin + "/.well-known/openid-configuration" + path)].compactMap { $0 }
        }
    }

    private func fetch(_ kind: Kind) async throws -> Document? {
        var failure: (any Error)?
        for url in candidates(kind) {
            let response: HTTPResponse
            do {
                response = try await client.send(HTTPRequest(url: url, headers: ["Accept": "application/json"], timeout: .seconds(10)))
            } catch {
                failure = error
                continue
            }
            guard response.status == 200 else { continue }
            guard let json = try? JSONValue.parse(response.body), json.objectValue != nil else { continue }
            // RFC 8414 §3.3: the document is only valid for the issuer it names.
            guard json["issuer"]?.stringValue == issuer else { continue }
            return Document(bytes: response.body, json: json)
        }
        if let failure { throw failure }
        return nil
    }
}
