/// Decides which URLs the client may contact: only those under an operator-configured base
/// (DESIGN principle 1). URLs are judged as libcurl parses them, never by a second parser.
struct OutboundURLPolicy: Sendable {
    struct Base: Sendable {
        let scheme: String
        let host: String
        let zoneID: String?
        let port: Int
        /// The base path without its trailing slash; "" for the whole origin.
        let pathPrefix: String
        let credentials: BasicCredentials?
        let display: String

        func contains(_ url: CurlURL) -> Bool {
            url.scheme == scheme && url.host == host && url.zoneID == zoneID && url.port == port
                && (pathPrefix.isEmpty || url.path == pathPrefix || url.path.hasPrefix(pathPrefix + "/"))
        }
    }

    /// A URL that passed the policy, with the base it lies under.
    struct Target: Sendable {
        let url: CurlURL
        let base: Base
        /// The URL as the caller or server wrote it, password masked: what messages show.
        let display: String
    }

    static let schemes: Set<String> = ["http", "https"]

    let bases: [Base]

    init(_ allowed: [AllowedBase]) throws(HTTPClientError) {
        bases = try allowed.map { (allowed: AllowedBase) throws(HTTPClientError) -> Base in
            let text = allowed.url.absoluteString
            let display = redactingPassword(text)
            let url: CurlURL
            switch CurlURL.parse(text) {
            case .success(let parsed): url = parsed
            case .failure(let failure):
                throw .invalidConfiguration("allowed base \(display) is not a URL: \(failure.reason)")
            }
            guard Self.schemes.contains(url.scheme) else {
                throw .invalidConfiguration("allowed base \(display) uses \(url.scheme); only http and https bases are supported")
            }
            guard !url.hasUserInfo else {
                throw .invalidConfiguration("allowed base \(display) carries user info; give its credentials separately")
            }
            guard !url.host.isEmpty else { throw .invalidConfiguration("allowed base \(display) has no host") }
            guard url.query == nil else {
                throw .invalidConfiguration("allowed base \(display) has a query; a base is a scheme, host, port and path prefix")
            }
            var prefix = url.path
            while prefix.hasSuffix("/") { prefix.removeLast() }
            return Base(scheme: url.scheme, host: url.host, zoneID: url.zoneID, port: url.port, pathPrefix: prefix,
                        credentials: allowed.credentials, display: display)
        }
    }

    /// The target for `text`, or why it may not be contacted.
    func check(_ text: String) throws(HTTPClientError) -> Target {
        let display = redactingPassword(text)
        let url: CurlURL
        switch CurlURL.parse(text) {
        case .success(let parsed): url = parsed
        case .failure(let failure): throw .invalidURL(display, why: failure.reason)
        }
        guard Self.schemes.contains(url.scheme) else { throw .notAllowed(display, why: "only http and https are allowed, not \(url.scheme)") }
        // `https://cdx01@evil/` names host evil; no legitimate request needs user info in its URL.
        guard !url.hasUserInfo else {
            throw .notAllowed(display, why: "URLs with user info (user@host) are refused; credentials belong to the base's configuration")
        }
        if let why = Self.pathEscape(url.path) { throw .notAllowed(display, why: why) }
        // The longest matching base wins, so a nested base's credentials apply under it.
        guard let base = bases.filter({ $0.contains(url) }).max(by: { $0.pathPrefix.count < $1.pathPrefix.count }) else {
            throw .notAllowed(display, why: "it is not under an allowed base", bases: bases.map(\.display))
        }
        return Target(url: url, base: base, display: display)
    }

    /// Why `path` could still step outside its prefix on the server, or nil. libcurl has already
    /// removed literal `.` and `..` segments; what remains are the forms a server may decode into
    /// one: percent-encoded dots or slashes, backslashes, and Tomcat's `..;param` segments.
    static func pathEscape(_ path: String) -> String? {
        if path.contains("\\") { return "its path contains a backslash" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            let decoded = percentDecoded(segment)
            if decoded.contains("/") || decoded.contains("\\") { return "its path contains an encoded slash or backslash" }
            let name = decoded.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if name == "." || name == ".." { return "its path contains a \"\(segment)\" segment that a server may read as \"\(name)\"" }
        }
        return nil
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            let high = iterator.next(), low = iterator.next()
            if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
                if let high { bytes.append(high) }
                if let low { bytes.append(low) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
