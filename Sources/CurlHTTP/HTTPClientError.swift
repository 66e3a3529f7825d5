/// Why an outbound request failed or was refused.
///
/// A struct around a private enum so cases can be added without breaking callers; match on
/// `code`, show `description` (it says what went wrong and what the operator can do).
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for matching: `error.code == .timeout`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case notAllowed, invalidURL, invalidRequest, invalidConfiguration, timeout, tooLarge, connectionFailed
            case tlsFailed, redirectRefused, tooManyRedirects, transferFailed
        }

        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The URL is outside every allowed base, or uses a form the policy refuses (user info,
        /// dot segments, a scheme other than http/https). Nothing was sent.
        public static let notAllowed = Code(.notAllowed)
        /// The URL could not be parsed. Nothing was sent.
        public static let invalidURL = Code(.invalidURL)
        /// The request itself is malformed (a header with a line break, a field libcurl owns). Nothing was sent.
        public static let invalidRequest = Code(.invalidRequest)
        /// The client's configuration is unusable (a base that is not an http/https URL, a missing CA bundle).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Connecting or the whole exchange took longer than allowed.
        public static let timeout = Code(.timeout)
        /// The response body passed `maxResponseBytes`; the transfer was stopped there.
        public static let tooLarge = Code(.tooLarge)
        /// No connection: refused, unreachable, name not resolved, or dropped mid-transfer.
        public static let connectionFailed = Code(.connectionFailed)
        /// The TLS handshake failed, usually because the certificate is not trusted.
        public static let tlsFailed = Code(.tlsFailed)
        /// A redirect pointed outside the allowed bases and was not followed.
        public static let redirectRefused = Code(.redirectRefused)
        /// More redirects than the client follows.
        public static let tooManyRedirects = Code(.tooManyRedirects)
        /// Any other libcurl failure.
        public static let transferFailed = Code(.transferFailed)

        /// The code's name, e.g. `timeout`.
        public var description: String { base.rawValue }
    }

    private enum Reason: Sendable {
        /// `bases` is set when the URL is simply outside them, so the message can list them.
        case notAllowed(url: String, why: String, bases: [String]?)
        case invalidURL(url: String, why: String)
        case invalidRequest(why: String)
        case invalidConfiguration(why: String)
        case timeout(url: String, after: Duration, detail: String)
        case tooLarge(url: String, limit: Int)
        case connectionFailed(url: String, detail: String)
        case tlsFailed(url: String, detail: String, certificate: Bool)
        case redirectRefused(url: String, location: String)
        case tooManyRedirects(url: String, location: String, limit: Int)
        case transferFailed(url: String, curlCode: Int, detail: String)
    }

    private let reason: Reason

    private init(_ reason: Reason) { self.reason = reason }

    /// What kind of failure this is.
    public var code: Code {
        switch reason {
        case .notAllowed: .notAllowed
        case .invalidURL: .invalidURL
        case .invalidRequest: .invalidRequest
        case .invalidConfiguration: .invalidConfiguration
        case .timeout: .timeout
        case .tooLarge: .tooLarge
        case .connectionFailed: .connectionFailed
        case .tlsFailed: .tlsFailed
        case .redirectRefused: .redirectRefused
        case .tooManyRedirects: .tooManyRedirects
        case .transferFailed: .transferFailed
        }
    }

    /// The URL the failure concerns (passwords masked), if any.
    public var url: String? {
        switch reason {
        case .notAllowed(let url, _, _), .invalidURL(let url, _), .timeout(let url, _, _), .tooLarge(let url, _),
             .connectionFailed(let url, _), .tlsFailed(let url, _, _), .redirectRefused(let url, _),
             .tooManyRedirects(let url, _, _), .transferFailed(let url, _, _):
            url
        case .invalidRequest, .invalidConfiguration: nil
        }
    }

    /// For `redirectRefused` and `tooManyRedirects`: where the server tried to send the client.
    public var location: String? {
        switch reason {
        case .redirectRefused(_, let location), .tooManyRedirects(_, let location, _): location
        default: nil
        }
    }

    /// For `tooLarge`: the byte limit that was reached.
    public var limit: Int? {
        if case .tooLarge(_, let limit) = reason { return limit }
        return nil
    }

    /// What went wrong and what the operator can do about it.
    public var description: String {
        switch reason {
        case .notAllowed(let url, let why, let bases):
            guard let bases else { return "outbound HTTP to \(url) refused: \(why); nothing was sent." }
            let allowed = bases.isEmpty ? "none are configured" : "allowed: " + bases.joined(separator: ", ")
            return "outbound HTTP to \(url) refused: \(why) (\(allowed)); nothing was sent. "
                + "Add its base URL to the allowed outbound URLs if the host should reach it."
        case .invalidURL(let url, let why):
            return "\(url) is not a usable URL: \(why); nothing was sent."
        case .invalidRequest(let why):
            return "request refused before sending: \(why)."
        case .invalidConfiguration(let why):
            return "outbound HTTP is misconfigured: \(why)."
        case .timeout(let url, let after, let detail):
            return "request to \(url) timed out after \(formatted(after)) (\(detail)). "
                + "Check that the server is up and reachable, or raise the timeout."
        case .tooLarge(let url, let limit):
            return "response from \(url) is larger than the \(formatted(bytes: limit)) limit; the transfer was stopped. "
                + "Ask for less data (paging, filters) or raise maxResponseBytes."
        case .connectionFailed(let url, let detail):
            return "could not reach \(url): \(detail). Check that the server is running and the URL's host and port are right."
        case .tlsFailed(let url, let detail, certificate: true):
            return "TLS with \(url) failed: \(detail). The server's certificate is not trusted or does not match its host name: "
                + "configure the CA bundle that signed it, or fix the certificate (verification cannot be switched off)."
        case .tlsFailed(let url, let detail, certificate: false):
            return "TLS with \(url) failed: \(detail). Check that the port serves HTTPS (not plain HTTP) with a current TLS version."
        case .redirectRefused(let url, let location):
            return "\(url) redirected to \(location), which is not under an allowed base; the redirect was not followed. "
                + "Use the final URL directly or allow its base."
        case .tooManyRedirects(let url, let location, let limit):
            return "\(url) redirected more than \(limit) times (last to \(location)); stopped. Check the server's redirect configuration."
        case .transferFailed(let url, let curlCode, let detail):
            return "request to \(url) failed: \(detail) (libcurl error \(curlCode))."
        }
    }

    static func notAllowed(_ url: String, why: String, bases: [String]? = nil) -> Self { Self(.notAllowed(url: url, why: why, bases: bases)) }
    static func invalidURL(_ url: String, why: String) -> Self { Self(.invalidURL(url: url, why: why)) }
    static func invalidRequest(_ why: String) -> Self { Self(.invalidRequest(why: why)) }
    static func invalidConfiguration(_ why: String) -> Self { Self(.invalidConfiguration(why: why)) }
    static func timeout(_ url: String, after: Duration, detail: String) -> Self { Self(.timeout(url: url, after: after, detail: detail)) }
    static func tooLarge(_ url: String, limit: Int) -> Self { Self(.tooLarge(url: url, limit: limit)) }
    static func connectionFailed(_ url: String, detail: String) -> Self { Self(.connectionFailed(url: url, detail: detail)) }
    static func tlsFailed(_ url: String, detail: String, certificate: Bool) -> Self {
        Self(.tlsFailed(url: url, detail: detail, certificate: certificate))
    }
    static func redirectRefused(_ url: String, location: String) -> Self { Self(.redirectRefused(url: url, location: location)) }
    static func tooManyRedirects(_ url: String, location: String, limit: Int) -> Self {
        Self(.tooManyRedirects(url: url, location: location, limit: limit))
    }
    static func transferFailed(_ url: String, curlCode: Int, detail: String) -> Self {
        Self(.transferFailed(url: url, curlCode: curlCode, detail: detail))
    }
}

private func formatted(_ duration: Duration) -> String {
    let milliseconds = duration.milliseconds
    return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
}

private func formatted(bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}

extension Duration {
    /// Whole milliseconds, rounded up so a positive duration never becomes 0 (libcurl reads 0 as "no limit").
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return seconds * 1000 + fraction
    }
}
