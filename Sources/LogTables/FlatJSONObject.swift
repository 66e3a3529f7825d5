/// A value of a flat JSON object: what performance and job-queue samples hold.
enum FlatJSONValue: Equatable {
    case integer(Int64)
    case real(Double)
    case bool(Bool)
    case string(String)
    case null
}

/// Reads one line holding a flat JSON object (`{"time":"…","hbAge":2,"coreLowMem":false}`): members
/// whose values are numbers, strings, booleans or null. Anything else, nesting included, is not a
/// sample line, so the reader refuses it rather than guess.
struct FlatJSONObject {
    private(set) var members: [(key: String, value: FlatJSONValue)] = []

    /// Nil when `line` is not one flat JSON object (surrounding spaces allowed).
    init?(_ line: Substring) {
        var text = String(line)
        let parsed: [(key: String, value: FlatJSONValue)]? = text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.object()
        }
        guard let parsed else { return nil }
        members = parsed
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func object() -> [(key: String, value: FlatJSONValue)]? {
            skipSpaces()
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [(key: String, value: FlatJSONValue)] = []
            skipSpaces()
            if !take(UInt8(ascii: "}")) {
                while true {
                    skipSpaces()
                    guard let key = string() else { return nil }
                    skipSpaces()
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipSpaces()
                    guard let value = value() else { return nil }
                    members.append((key, value))
                    skipSpaces()
                    if take(UInt8(ascii: ",")) { continue }
                    guard take(UInt8(ascii: "}")) else { return nil }
                    break
                }
            }
            skipSpaces()
            return index == bytes.count ? members : nil
        }

        private mutating func value() -> FlatJSONValue? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string().map(FlatJSONValue.string)
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default: return number()
            }
        }

        private mutating func number() -> FlatJSONValue? {
            let start = index
            var isInteger = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x30 && byte <= 0x39 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                    index += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isInteger = false
                    index += 1
                } else {
                    break
                }
            }
            guard index > start else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger, let integer = Int64(text) { return .integer(integer) }
            guard let real = Double(text), real.isFinite else { return nil }
            return .real(real)
        }

        /// A JSON string; escapes are decoded, a `\u` pair of surrogates included.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            guard index < bytes.count else { return nil }
            var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return text
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.unicodeScalars.append(Unicode.Scalar(escaped))
                    case UInt8(ascii: "b"): text += "\u{8}"
                    case UInt8(ascii: "f"): text += "\u{C}"
                    case UInt8(ascii: "n"): text += "\n"
                    case UInt8(ascii: "r"): text += "\r"
                    case UInt8(ascii: "t"): text += "\t"
                    case UInt8(ascii: "u"):
                        guard var code = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(code), take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(),
                           (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { return nil }
                        text.unicodeScalars.append(scalar)
                    default:
                        return nil
                    }
                default:
                    // Plain bytes after an escape: copy the run up to the next quote or escape at once.
                    let runStart = index - 1
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
                    text += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        private mutating func word(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
            index += count
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }
    }
}
