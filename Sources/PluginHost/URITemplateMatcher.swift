/// Matches URIs against an RFC 6570 template well enough to route `resources/read`: literal parts
/// must match exactly, `{name}` takes one path segment, `{+name}` takes the rest (reserved expansion).
struct URITemplateMatcher: Sendable {
    private enum Part: Sendable {
        case literal(String)
        case segment
        case rest
    }

    private let parts: [Part]

    init(template: String) {
        var parts: [Part] = []
        var literal = ""
        var index = template.startIndex
        while index < template.endIndex {
            if template[index] == "{", let close = template[index...].firstIndex(of: "}") {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                let expression = template[template.index(after: index)..<close]
                parts.append(expression.hasPrefix("+") || expression.hasPrefix("#") ? .rest : .segment)
                index = template.index(after: close)
            } else {
                literal.append(template[index])
                index = template.index(after: index)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    func matches(_ uri: String) -> Bool {
        Self.match(parts[...], Substring(uri))
    }

    private static func match(_ parts: ArraySlice<Part>, _ rest: Substring) -> Bool {
        guard let first = parts.first else { return rest.isEmpty }
        switch first {
        case .literal(let text):
            return rest.hasPrefix(text) && match(parts.dropFirst(), rest.dropFirst(text.count))
        case .segment, .rest:
            // A variable takes at least one character; a segment stops at '/', '?' and '#'.
            var end = rest.startIndex
            while end < rest.endIndex {
                if case .segment = first, "/?#".contains(rest[end]) { break }
                end = rest.index(after: end)
                if match(parts.dropFirst(), rest[end...]) { return true }
            }
            return false
        }
    }
}
