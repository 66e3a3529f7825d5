/// One lexical token of an SQL text. Whitespace and comments are not tokens.
struct SQLToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// An unquoted identifier or keyword; `text` is lower-cased.
        case word
        /// `"name"` (both dialects), `` `name` `` and `[name]` (SQLite), `U&"…"` (PostgreSQL);
        /// `text` is the name it denotes, lower-cased, so `"PG_READ_FILE"` still matches.
        case quotedIdentifier
        /// Any string literal: '…', E'…', $tag$…$tag$. `text` is empty: contents never matter.
        case string
        case number
        /// `$1` (PostgreSQL), `?`, `?1`, `:name`, `@name`, `$name` (SQLite).
        case parameter
        /// One character of punctuation or operator, in `text`.
        case punctuation
        case semicolon
    }

    let kind: Kind
    let text: String
    /// Byte offsets in the UTF-8 text.
    let range: Range<Int>

    func isPunctuation(_ character: String) -> Bool { kind == .punctuation && text == character }
}

/// A lexer that follows PostgreSQL's or SQLite's rules for where strings, quoted identifiers and
/// comments begin and end; the guard relies on it to tell a real `;` or call from one inside a literal.
struct SQLTokenizer {
    let dialect: SQLDialect
    private let bytes: [UInt8]
    private var position = 0

    init(_ sql: String, dialect: SQLDialect) {
        self.bytes = Array(sql.utf8)
        self.dialect = dialect
    }

    /// Every token of the text, or why it cannot be read (an unterminated literal or comment).
    static func tokenize(_ sql: String, dialect: SQLDialect) throws(SQLRejected) -> [SQLToken] {
        var tokenizer = SQLTokenizer(sql, dialect: dialect)
        return try tokenizer.run()
    }

    private mutating func run() throws(SQLRejected) -> [SQLToken] {
        var tokens: [SQLToken] = []
        while let token = try next() {
            tokens.append(token)
        }
        return tokens
    }

    private func byte(at offset: Int) -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private mutating func next() throws(SQLRejected) -> SQLToken? {
        try skipWhitespaceAndComments()
        guard let c = byte(at: position) else { return nil }
        let start = position

        switch c {
        case UInt8(ascii: "'"):
            try skipQuoted(closing: UInt8(ascii: "'"), backslashEscapes: false, what: "string literal")
            return SQLToken(kind: .string, text: "", range: start..<position)
        case UInt8(ascii: "\""):
            let name = try readQuotedIdentifier(closing: UInt8(ascii: "\""), doubling: true)
            return SQLToken(kind: .quotedIdentifier, text: name.lowercased(), range: start..<position)
        case UInt8(ascii: "`") where dialect == .sqlite:
            let name = try readQuotedIdentifier(closing: UInt8(ascii: "`"), doubling: true)
            return SQLToken(kind: .quotedIdentifier, text: name.lowercased(), range: start..<position)
        case UInt8(ascii: "[") where dialect == .sqlite:
            let name = try readQuotedIdentifier(closing: UInt8(ascii: "]"), doubling: false)
            return SQLToken(kind: .quotedIdentifier, text: name.lowercased(), range: start..<position)
        case UInt8(ascii: ";"):
            position += 1
            return SQLToken(kind: .semicolon, text: ";", range: start..<position)
        case UInt8(ascii: "$"):
            return try readDollar()
        case UInt8(ascii: "?") where dialect == .sqlite:
            position += 1
            while let d = byte(at: position), isDigit(d) { position += 1 }
            return SQLToken(kind: .parameter, text: "?", range: start..<position)
        case UInt8(ascii: ":"), UInt8(ascii: "@"):
            if dialect == .sqlite, let n = byte(at: position + 1), isIdentifierContinuation(n) {
                position += 1
                while let d = byte(at: position), isIdentifierContinuation(d) { position += 1 }
                return SQLToken(kind: .parameter, text: text(start..<position), range: start..<position)
            }
            position += 1
            return SQLToken(kind: .punctuation, text: text(start..<position), range: start..<position)
        case UInt8(ascii: "."):
            if let n = byte(at: position + 1), isDigit(n) {
                readNumber()
                return SQLToken(kind: .number, text: text(start..<position), range: start..<position)
            }
            position += 1
            return SQLToken(kind: .punctuation, text: ".", range: start..<position)
        case 0:
            throw SQLRejected(.malformed, "The SQL contains a NUL character (byte \(start)). Remove it and send plain text.")
        default:
            if isDigit(c) {
                readNumber()
                return SQLToken(kind: .number, text: text(start..<position), range: start..<position)
            }
            if isIdentifierStart(c) {
                return try readWord()
            }
            position += 1
            return SQLToken(kind: .punctuation, text: text(start..<position), range: start..<position)
        }
    }

    private mutating func skipWhitespaceAndComments() throws(SQLRejected) {
        while let c = byte(at: position) {
            if c == 0x20 || (0x09...0x0D).contains(c) {
                position += 1
            } else if c == UInt8(ascii: "-"), byte(at: position + 1) == UInt8(ascii: "-") {
                position += 2
                while let d = byte(at: position), d != 0x0A, d != 0x0D { position += 1 }
            } else if c == UInt8(ascii: "/"), byte(at: position + 1) == UInt8(ascii: "*") {
                try skipBlockComment()
            } else {
                return
            }
        }
    }

    /// PostgreSQL nests block comments; SQLite ends one at the first `*/`. Both are unterminated-refused
    /// (SQLite would read to the end, PostgreSQL would fail), so the two engines never disagree with us.
    private mutating func skipBlockComment() throws(SQLRejected) {
        let start = position
        var depth = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "/"), byte(at: position + 1) == UInt8(ascii: "*") {
                if depth == 0 || dialect == .postgreSQL { depth += 1 }
                position += 2
            } else if bytes[position] == UInt8(ascii: "*"), byte(at: position + 1) == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 { return }
            } else {
                position += 1
            }
        }
        throw SQLRejected(.malformed, "A /* comment starting at byte \(start) is never closed with */. Close it or remove it.")
    }

    private mutating func skipQuoted(closing: UInt8, backslashEscapes: Bool, what: String) throws(SQLRejected) {
        let start = position
        position += 1
        while let c = byte(at: position) {
            if backslashEscapes, c == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            position += 1
            if c == closing {
                if byte(at: position) == closing {
                    position += 1  // a doubled quote stands for one
                    continue
                }
                return
            }
        }
        throw SQLRejected(.malformed, "A \(what) starting at byte \(start) is never closed. Close it, doubling any quote inside it.")
    }

    private mutating func readQuotedIdentifier(closing: UInt8, doubling: Bool) throws(SQLRejected) -> String {
        let start = position
        position += 1
        var name: [UInt8] = []
        while let c = byte(at: position) {
            position += 1
            if c == closing {
                if doubling, byte(at: position) == closing {
                    name.append(c)
                    position += 1
                    continue
                }
                return String(decoding: name, as: UTF8.self)
            }
            name.append(c)
        }
        throw SQLRejected(.malformed, "A quoted identifier starting at byte \(start) is never closed. Close it, doubling any quote inside it.")
    }

    private mutating func readWord() throws(SQLRejected) -> SQLToken {
        let start = position
        while let c = byte(at: position), isIdentifierContinuation(c) { position += 1 }
        let word = text(start..<position).lowercased()

        if dialect == .postgreSQL, word == "e", byte(at: position) == UInt8(ascii: "'") {
            try skipQuoted(closing: UInt8(ascii: "'"), backslashEscapes: true, what: "E'' string literal")
            return SQLToken(kind: .string, text: "", range: start..<position)
        }
        if dialect == .postgreSQL, word == "u", byte(at: position) == UInt8(ascii: "&"),
            byte(at: position + 1) == UInt8(ascii: "\"")
        {
            position += 1
            let raw = try readQuotedIdentifier(closing: UInt8(ascii: "\""), doubling: true)
            guard let name = Self.decodeUnicodeEscapes(raw) else {
                throw SQLRejected(
                    .malformed, "The U&\"…\" identifier at byte \(start) has an escape we cannot read. Write the name without escapes.")
            }
            if let following = try peekWord(), following == "uescape" {
                throw SQLRejected(.malformed, "UESCAPE is not supported. Write the identifier without Unicode escapes.")
            }
            return SQLToken(kind: .quotedIdentifier, text: name.lowercased(), range: start..<position)
        }
        return SQLToken(kind: .word, text: word, range: start..<position)
    }

    /// The next word after whitespace and comments, without consuming anything.
    private mutating func peekWord() throws(SQLRejected) -> String? {
        let saved = position
        defer { position = saved }
        try skipWhitespaceAndComments()
        let start = position
        while let c = byte(at: position), isIdentifierContinuation(c) { position += 1 }
        return position > start ? text(start..<position).lowercased() : nil
    }

    /// PostgreSQL: `$1` is a parameter, `$tag$…$tag$` a string. SQLite: `$name` is a parameter.
    private mutating func readDollar() throws(SQLRejected) -> SQLToken {
        let start = position
        if dialect == .sqlite {
            position += 1
            while let c = byte(at: position), isIdentifierContinuation(c) || c == UInt8(ascii: ":") { position += 1 }
            return SQLToken(kind: .parameter, text: text(start..<position), range: start..<position)
        }
        if let n = byte(at: position + 1), isDigit(n) {
            position += 1
            while let d = byte(at: position), isDigit(d) { position += 1 }
            return SQLToken(kind: .parameter, text: text(start..<position), range: start..<position)
        }
        // An opening delimiter: `$`, an optional tag that does not start with a digit, `$`.
        var end = position + 1
        if let c = byte(at: end), isIdentifierStart(c) {
            while let d = byte(at: end), isIdentifierStart(d) || isDigit(d) { end += 1 }
        }
        guard byte(at: end) == UInt8(ascii: "$") else {
            position += 1
            return SQLToken(kind: .punctuation, text: "$", range: start..<position)
        }
        let delimiter = Array(bytes[start...end])
        position = end + 1
        while position + delimiter.count <= bytes.count {
            if bytes[position] == UInt8(ascii: "$"), bytes[position..<position + delimiter.count].elementsEqual(delimiter) {
                position += delimiter.count
                return SQLToken(kind: .string, text: "", range: start..<position)
            }
            position += 1
        }
        let tag = String(decoding: delimiter, as: UTF8.self)
        throw SQLRejected(.malformed, "A dollar-quoted string opened with \(tag) at byte \(start) is never closed with \(tag).")
    }

    /// Digits with an optional fraction and exponent, or a 0x/0o/0b literal. Letters after a number
    /// start a new token, so `1into` still shows the word `into`.
    private mutating func readNumber() {
        if bytes[position] == UInt8(ascii: "0"), let p = byte(at: position + 1),
            [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "b"), UInt8(ascii: "B")].contains(p),
            let d = byte(at: position + 2), isHexDigit(d)
        {
            position += 2
            while let d = byte(at: position), isHexDigit(d) || d == UInt8(ascii: "_") { position += 1 }
            return
        }
        while let d = byte(at: position), isDigit(d) || d == UInt8(ascii: "_") { position += 1 }
        if byte(at: position) == UInt8(ascii: "."), byte(at: position + 1) != UInt8(ascii: ".") {
            position += 1
            while let d = byte(at: position), isDigit(d) || d == UInt8(ascii: "_") { position += 1 }
        }
        if let e = byte(at: position), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var p = position + 1
            if let s = byte(at: p), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { p += 1 }
            if let d = byte(at: p), isDigit(d) {
                position = p
                while let d = byte(at: position), isDigit(d) { position += 1 }
            }
        }
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
    }

    /// Letters, `_` and any non-ASCII byte: both engines accept non-ASCII letters in identifiers.
    private func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c >= 0x80
    }

    private func isIdentifierContinuation(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || isDigit(c) || c == UInt8(ascii: "$")
    }

    /// Decodes `\XXXX`, `\+XXXXXX` and `\\` as PostgreSQL does in `U&"…"` identifiers; nil for anything else.
    static func decodeUnicodeEscapes(_ raw: String) -> String? {
        var scalars = String.UnicodeScalarView()
        var iterator = raw.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else {
                scalars.append(scalar)
                continue
            }
            guard let first = iterator.next() else { return nil }
            if first == "\\" {
                scalars.append(first)
                continue
            }
            var hex = ""
            var count = 4
            if first == "+" {
                count = 6
            } else {
                hex.unicodeScalars.append(first)
                count = 3
            }
            for _ in 0..<count {
                guard let h = iterator.next() else { return nil }
                hex.unicodeScalars.append(h)
            }
            guard let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) else { return nil }
            scalars.append(decoded)
        }
        return String(scalars)
    }
}
