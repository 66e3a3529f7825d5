import PluginHost

/// Masks secrets in sandbox files before a plugin sees them: CloverDX keeps database and service
/// passwords in connection files (`conn/*.cfg`), parameter files (`*.prm`) and in graph XML attributes.
/// An agent diagnosing a job needs the connection's URL and user, never its password. The keys that
/// count as secret are the configuration's (`PrivateProperties`: `*password*` and the like), and so is
/// the masking of credentials inside URLs (`jdbc:postgresql://user:pass@host/db`).
struct SecretMasking: Sendable {
    let privateKeys: PrivateProperties

    /// `text` of the file at `path` with each secret value replaced by the mask, and how many were.
    func masked(_ text: String, path: String) -> (text: String, count: Int) {
        let lower = path.lowercased()
        if [".cfg", ".prm", ".properties"].contains(where: lower.hasSuffix) { return maskingProperties(text) }
        if [".grf", ".jbf", ".sgrf", ".sjbf", ".rjob", ".xml"].contains(where: lower.hasSuffix) { return maskingAttributes(text) }
        return (text, 0)
    }

    /// Java properties lines `key=value`, `key: value` or `key value`; comments and the rest unchanged.
    private func maskingProperties(_ text: String) -> (text: String, count: Int) {
        var count = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let first = trimmed.first, first != "#", first != "!",
                  let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" || $0 == " " || $0 == "\t" }) else { return line }
            let key = trimmed[..<separator].replacingOccurrences(of: "\\", with: "")
            let valueStart = trimmed[trimmed.index(after: separator)...].firstIndex { $0 != " " && $0 != "\t" && $0 != "=" && $0 != ":" }
            guard let valueStart, valueStart < trimmed.endIndex else { return line }
            // The configuration's own rule: a secret key's value, or the credentials in a URL (`//user:pass@`).
            let value = String(trimmed[valueStart...])
            let shown = privateKeys.shown(key, value)
            guard shown != value else { return line }
            count += 1
            return line[..<valueStart] + shown
        }
        return (lines.joined(separator: "\n"), count)
    }

    /// XML attributes whose name is secret (`password="…"`), and the `value` of an element named as a
    /// secret (`<Property name="password" value="…"/>`), both forms the graph format uses.
    private func maskingAttributes(_ text: String) -> (text: String, count: Int) {
        var count = 0
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        // Each `name="value"` pair: mask the value when the name is secret, or when a preceding
        // name="<secret>" on the same element makes the following value="…" the secret one.
        var secretNamed = false
        while let equals = rest.firstIndex(of: "=") {
            let before = rest[..<equals]
            let nameStart = before.lastIndex(where: { !($0.isLetter || $0.isNumber || "._-:".contains($0)) }).map(before.index(after:)) ?? before.startIndex
            let name = String(before[nameStart...])
            let afterEquals = rest.index(after: equals)
            guard afterEquals < rest.endIndex, rest[afterEquals] == "\"",
                  let close = rest[rest.index(after: afterEquals)...].firstIndex(of: "\"") else {
                output += rest[...equals]
                rest = rest[afterEquals...]
                continue
            }
            let value = rest[rest.index(after: afterEquals)..<close]
            if before.contains("<") { secretNamed = false }
            let shown = value.isEmpty ? "" : secretNamed && name == "value" ? PrivateProperties.mask : privateKeys.shown(name, String(value))
            if name == "name" { secretNamed = privateKeys.isPrivate(String(value)) }
            output += rest[..<rest.index(after: afterEquals)]
            output += shown
            if shown != value { count += 1 }
            output += "\""
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return (output, count)
    }
}
