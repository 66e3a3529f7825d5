/// A wildcard as CloverDX writes them in `private.properties` and the sandbox file filters
/// (`clover.mcp.sandbox.allowedFiles`): `*` matches any run of characters, `/` included, `?` one
/// character; letters compare case-insensitively; everything else is literal.
public struct WildcardPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    private let folded: [Character]

    public init(_ text: String) {
        self.text = text
        self.folded = Array(text.lowercased())
    }

    public var description: String { text }

    /// Patterns of a comma-separated list, as configuration keys hold them; blanks dropped.
    public static func list(_ text: String?) -> [WildcardPattern] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.map(WildcardPattern.init)
    }

    /// Whether the whole of `candidate` matches.
    public func matches(_ candidate: String) -> Bool {
        let subject = Array(candidate.lowercased())
        var p = 0, s = 0
        // Where the last `*` was and how much of the subject it has swallowed: the one backtrack point a
        // glob needs, which keeps matching linear-ish and free of recursion.
        var star: Int?
        var resume = 0
        while s < subject.count {
            if p < folded.count, folded[p] == "?" || folded[p] == subject[s] {
                p += 1
                s += 1
            } else if p < folded.count, folded[p] == "*" {
                star = p
                p += 1
                resume = s
            } else if let star {
                p = star + 1
                resume += 1
                s = resume
            } else {
                return false
            }
        }
        while p < folded.count, folded[p] == "*" { p += 1 }
        return p == folded.count
    }
}
