/// Reads Java `.properties` text, the format of CloverDX's `clover.properties`: `key=value`,
/// `key: value` or `key value`; `#` and `!` comments; backslash line continuations; `\t \n \uXXXX`
/// escapes. Later duplicates win, as in `java.util.Properties`.
public enum JavaProperties {
    public static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in logicalLines(text) {
            let (key, value) = split(line)
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    /// Physical lines joined where a line ends in an odd number of backslashes; comments and blanks dropped.
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var pending: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var line = String(raw)
            if pending != nil {
                line = String(line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }))
            } else {
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("!") { continue }
                line = String(trimmed)
            }
            let trailingBackslashes = line.reversed().prefix(while: { $0 == "\\" }).count
            if trailingBackslashes % 2 == 1 {
                pending = (pending ?? "") + line.dropLast()
                continue
            }
            lines.append((pending ?? "") + line)
            pending = nil
        }
        if let pending { lines.append(pending) }
        return lines
    }

    /// Splits a logical line at the first unescaped `=`, `:` or whitespace, then unescapes both parts.
    static func split(_ line: String) -> (String, String) {
        var key = ""
        var index = line.startIndex
        var escaped = false
        while index < line.endIndex {
            let c = line[index]
            if escaped {
                key.append("\\"); key.append(c); escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "=" || c == ":" || c == " " || c == "\t" || c == "\u{0C}" {
                break
            } else {
                key.append(c)
            }
            index = line.index(after: index)
        }
        var rest = line[index...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
        if let first = rest.first, first == "=" || first == ":" {
            rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
        }
        return (unescape(key), unescape(String(rest)))
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var iterator = Array(text).makeIterator()
        while let c = iterator.next() {
            guard c == "\\", let next = iterator.next() else { out.append(c); continue }
            switch next {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "f": out.append("\u{0C}")
            case "u":
                let hex = String([iterator.next(), iterator.next(), iterator.next(), iterator.next()].compactMap { $0 })
                if hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\\u" + hex
                }
            default: out.append(next)
            }
        }
        return out
    }
}
