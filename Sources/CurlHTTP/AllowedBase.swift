import Foundation

/// A URL prefix the client may send requests under, e.g. `https://cdx01:8080/clover/`.
///
/// A request URL is allowed when its scheme, host and port equal the base's and its path lies
/// under the base's path (segment-wise: `/clover` allows `/clover/api` but not `/cloverx`).
public struct AllowedBase: Sendable, CustomStringConvertible {
    /// Scheme, host, port and path prefix; no user info, query or fragment.
    public var url: URL
    /// Sent as `Authorization: Basic …` with every request under this base (redirects included,
    /// when they stay under it).
    public var credentials: BasicCredentials?

    /// A base at `url`, optionally with the credentials its server expects.
    public init(_ url: URL, credentials: BasicCredentials? = nil) {
        self.url = url
        self.credentials = credentials
    }

    /// The URL and user name, never a password.
    public var description: String {
        redactingPassword(url.absoluteString) + (credentials.map { " (as \($0.user))" } ?? "")
    }
}

/// A user name and password for HTTP Basic authentication. Its description never shows the password.
public struct BasicCredentials: Sendable, Equatable, CustomStringConvertible {
    /// The user name, sent in clear text inside the base64 header (use https).
    public var user: String
    /// The password; never part of a description or error message.
    public var password: String

    /// Credentials for `user`.
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// `user:***`.
    public var description: String { "\(user):***" }

    /// The `Authorization` header value.
    var headerValue: String { "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }
}
