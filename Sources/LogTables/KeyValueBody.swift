/// The `key=value` body of a cloverlogs line (docs/CLOVERDX.md, "Key=value bodies and the catalina log"):
/// `user=jdoe domain=clover ip=10.1.2.3 action=LOGIN result=SUCCESS reason=BAD_CREDENTIALS`. A value may be in double quotes
/// (`monitor="DWH loads"`); text that is not `key=value` ends the pairs and is kept as the rest.
struct KeyValueBody {
    private let bytes: [UInt8]
    private(set) var pairs: [(key: String, value: String, range: Range<Int>)] = []

    init(_ text: String) {
        bytes = Array(text.utf8)
        let space = UInt8(ascii: " "), equals = UInt8(ascii: "="), quote = UInt8(ascii: "\"")
        var index = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == space { index += 1 }
            let start = index
            while index < bytes.count, bytes[index] != equals, bytes[index] != space { index += 1 }
            guard index < bytes.count, bytes[index] == equals, index > start else { break }
            let key = string(start..<index)
            index += 1
            let value: String
            if index < bytes.count, bytes[index] == quote, let close = bytes[(index + 1)...].firstIndex(of: quote) {
                value = string((index + 1)..<close)
                index = close + 1
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != space { index += 1 }
                value = string(valueStart..<index)
            }
            pairs.append((key, value, start..<index))
        }
    }

    func value(_ key: String) -> String? {
        pairs.first { $0.key == key }?.value
    }

    /// The text without the first pair of each of `keys` (the pairs ``value(_:)`` reads), single
    /// spaces between the parts that remain.
    func text(removing keys: Set<String>) -> String {
        var parts: [String] = []
        var cursor = 0
        var removed: Set<String> = []
        for pair in pairs where keys.contains(pair.key) && removed.insert(pair.key).inserted {
            parts.append(string(cursor..<pair.range.lowerBound))
            cursor = pair.range.upperBound
        }
        parts.append(string(cursor..<bytes.count))
        return parts.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
