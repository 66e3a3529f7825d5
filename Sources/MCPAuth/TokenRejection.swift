/// Why a bearer token was not accepted, in words a client developer can act on.
///
/// A struct around a private enum (as `HTTPError` in Hummingbird), so kinds can be added later.
public struct TokenRejection: Error, Sendable, CustomStringConvertible, Equatable {
    fileprivate enum Kind: Sendable, Equatable {
        case invalidToken, invalidRequest, unavailable
    }

    fileprivate let kind: Kind
    /// Sent as `error_description`; never contains the token.
    public let description: String

    /// The token is malformed, expired, for someone else or not signed by the issuer: 401 `invalid_token`.
    public static func invalidToken(_ why: String) -> TokenRejection { TokenRejection(kind: .invalidToken, description: why) }
    /// The request carries the token the wrong way (query string, two methods): 400 `invalid_request`.
    public static func invalidRequest(_ why: String) -> TokenRejection { TokenRejection(kind: .invalidRequest, description: why) }
    /// The token could not be checked (keys or introspection unreachable): 503, the client may retry.
    public static func unavailable(_ why: String) -> TokenRejection { TokenRejection(kind: .unavailable, description: why) }

    public var isInvalidToken: Bool { kind == .invalidToken }
    public var isInvalidRequest: Bool { kind == .invalidRequest }
    public var isUnavailable: Bool { kind == .unavailable }
}
