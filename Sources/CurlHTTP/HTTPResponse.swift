import Foundation

/// The final response of a request, after any redirects the client followed.
///
/// Every status the server sends is a response, 404 and 500 included; only transport failures
/// and policy refusals throw.
public struct HTTPResponse: Sendable {
    /// The final HTTP status code, e.g. 200 or 404.
    public var status: Int
    /// The final response's header fields (those of interim and redirect responses are dropped).
    public var headers: HTTPHeaders
    /// The body, at most the client's `maxResponseBytes`.
    public var body: [UInt8]
    /// The URL that produced this response (differs from the request's after a redirect).
    public var url: URL
    /// How many redirects were followed to get here.
    public var redirects: Int
    /// Wall-clock time from `send` to the last byte, redirects included.
    public var totalTime: Duration

    /// A response; the client builds these, tests and fakes may too.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8], url: URL, redirects: Int = 0, totalTime: Duration) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.redirects = redirects
        self.totalTime = totalTime
    }

    /// The body decoded as UTF-8, invalid sequences replaced.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
