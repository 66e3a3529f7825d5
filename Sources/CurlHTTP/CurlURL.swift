import CCurlShim

/// A URL as libcurl parses it. The policy checks these parts and the transfer is given `string`,
/// libcurl's own re-serialisation, so the URL that was checked is the URL that connects.
struct CurlURL: Sendable, Equatable {
    /// The whole URL as libcurl writes it back: dot segments resolved, no fragment.
    let string: String
    let scheme: String
    let user: String?
    let password: String?
    let options: String?
    let host: String
    let zoneID: String?
    let port: Int
    let path: String
    let query: String?

    /// The parsed URL, or why libcurl could not parse it.
    static func parse(_ text: String) -> Result<CurlURL, ParseFailure> {
        var parts = cdxcurl_url_parts()
        let code = cdxcurl_url_parse(text, &parts)
        defer { cdxcurl_url_parts_free(&parts) }
        guard code == CURLUE_OK else {
            return .failure(ParseFailure(reason: cdxcurl_url_strerror(code).map { String(cString: $0) } ?? "unparseable URL"))
        }
        func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        // A file: URL has no host and no port; the policy refuses it by its scheme.
        return .success(CurlURL(
            string: string(parts.url) ?? text, scheme: (string(parts.scheme) ?? "").lowercased(), user: string(parts.user),
            password: string(parts.password), options: string(parts.options), host: (string(parts.host) ?? "").lowercased(),
            zoneID: string(parts.zoneid), port: string(parts.port).flatMap { Int($0) } ?? 0, path: string(parts.path) ?? "/",
            query: string(parts.query)))
    }

    struct ParseFailure: Error {
        let reason: String
    }

    /// Scheme, host and port: whom a request to this URL talks to.
    var origin: String { "\(scheme)://\(host)\(zoneID.map { "%25" + $0 } ?? ""):\(port)" }

    /// Whether the URL names credentials or connection options before the host (`user:pass;opts@host`).
    var hasUserInfo: Bool { user != nil || password != nil || options != nil }
}

/// `text` with any password in its user info replaced by `***`, for messages and logs.
func redactingPassword(_ text: String) -> String {
    guard let schemeEnd = text.range(of: "://") else { return text }
    let authorityStart = schemeEnd.upperBound
    let authorityEnd = text[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
    let authority = text[authorityStart..<authorityEnd]
    guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
    return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
}
