import Foundation

/// An HTTP method: a token such as `GET` or a server-specific one.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The method as sent, e.g. `GET`; it must be an HTTP token.
    public let rawValue: String

    /// A method named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// `"PROPFIND"` as a method.
    public init(stringLiteral value: String) { rawValue = value }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    /// The method name.
    public var description: String { rawValue }
}

/// One outbound request. The URL must lie under one of the client's allowed bases.
public struct HTTPRequest: Sendable {
    /// `GET` unless set; HEAD may not carry a body.
    public var method: HTTPMethod
    /// An absolute http or https URL without user info.
    public var url: URL
    /// Sent as given, except `Authorization` when the matching base has credentials (the
    /// configured ones win) and the fields libcurl owns (`Host`, `Content-Length`, …), which are refused.
    public var headers: HTTPHeaders
    /// Sent as is; empty for none.
    public var body: [UInt8]
    /// Replaces the client's total timeout for this request, redirects included.
    public var timeout: Duration?

    /// A request; by default a GET without headers or body, under the client's timeout.
    public init(method: HTTPMethod = .get, url: URL, headers: HTTPHeaders = [:], body: [UInt8] = [],
                timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
