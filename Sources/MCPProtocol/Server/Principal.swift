/// Who a request runs as: the subject of a validated bearer token, or the configured anonymous user.
///
/// The transport decides it (HTTP from the `Authorization` header, stdio from the configuration);
/// the catalog uses it to filter and refuse tools, and the audit log names it.
public struct Principal: Sendable, Equatable {
    /// The token's `sub` (or its client id when it has none), or the anonymous user's name.
    public var subject: String
    /// The OAuth client the token was issued to (`client_id` or `azp`), if the token says.
    public var clientID: String?
    /// Scopes the caller holds; nil when no scope rules apply (anonymous-only server, stdio).
    public var scopes: Set<String>?
    /// True when no token was presented.
    public var isAnonymous: Bool

    public init(subject: String, clientID: String? = nil, scopes: Set<String>?, isAnonymous: Bool = false) {
        self.subject = subject
        self.clientID = clientID
        self.scopes = scopes
        self.isAnonymous = isAnonymous
    }

    /// The anonymous user; `scopes` nil lets it see everything, as on a server without OAuth.
    public static func anonymous(user: String, scopes: Set<String>? = nil) -> Principal {
        Principal(subject: user, scopes: scopes, isAnonymous: true)
    }

    /// The scopes of `required` this caller lacks (empty when allowed).
    ///
    /// A held scope also covers the scopes below it, so `cloverdx` covers `cloverdx.logs` and
    /// `cloverdx:logs`: identity providers that grant one broad scope still work.
    public func missing(_ required: some Sequence<String>) -> [String] {
        guard let scopes else { return [] }
        return required.filter { needed in
            !scopes.contains(needed) && !scopes.contains { needed.hasPrefix($0 + ".") || needed.hasPrefix($0 + ":") }
        }
    }

    /// Whether the caller holds every scope of `required`.
    public func allows(_ required: some Sequence<String>) -> Bool { missing(required).isEmpty }
}
