import Foundation

/// The query's filters, applied to raw entry bytes from the cheapest to the dearest: time and level
/// from the first line, text by byte search, and only then the regex, the one filter that needs a String.
final class EntryFilter {
    let from: LogTimestamp?
    let to: LogTimestamp?
    private let levels: Set<LogLevel>
    private let text: ByteNeedle?
    /// Text with non-ASCII letters, whose case folding needs Unicode.
    private let unicodeText: String?
    private let regex: NSRegularExpression?
    /// Text every match of the regex contains: entries without it are passed over before a String is
    /// built. A regex without special characters is this text alone, and no regex runs.
    private let regexLiteral: ByteNeedle?

    /// Entries without a timestamp pass a time range (for readers that report them rather than lose them).
    private let passesUntimed: Bool

    static let maximumPatternLength = 1_000

    init(from: LogTimestamp? = nil, to: LogTimestamp? = nil, levels: Set<LogLevel> = [], text: String? = nil, regex: String? = nil,
         passesUntimed: Bool = false) throws {
        if let from, let to, from > to {
            throw LogCatalogueError(.invalidQuery, "from (\(from)) is after to (\(to)); swap them")
        }
        self.from = from
        self.to = to
        self.passesUntimed = passesUntimed
        self.levels = levels
        if let text, !text.isEmpty {
            guard text.utf8.count <= Self.maximumPatternLength else {
                throw LogCatalogueError(.invalidQuery, "text is \(text.utf8.count) bytes long; at most \(Self.maximumPatternLength) are allowed")
            }
            let asciiOnly = text.utf8.allSatisfy { $0 < 0x80 }
            self.text = asciiOnly ? ByteNeedle(text.utf8, caseInsensitive: true) : nil
            unicodeText = asciiOnly ? nil : text
        } else {
            self.text = nil
            unicodeText = nil
        }
        if let regex, !regex.isEmpty {
            guard regex.utf8.count <= Self.maximumPatternLength else {
                throw LogCatalogueError(.invalidQuery, "regex is \(regex.utf8.count) bytes long; at most \(Self.maximumPatternLength) are allowed")
            }
            if regex.utf8.allSatisfy({ !"\\^$.|?*+()[]{}".utf8.contains($0) }) {
                regexLiteral = ByteNeedle(regex.utf8, caseInsensitive: false)
                self.regex = nil
            } else {
                regexLiteral = Self.requiredLiteral(of: regex).map { ByteNeedle($0, caseInsensitive: false) }
                do {
                    self.regex = try NSRegularExpression(pattern: regex, options: [.anchorsMatchLines])
                } catch {
                    throw LogCatalogueError(.invalidQuery, "regex \"\(regex)\" does not compile (\(error)); use ICU (Java-like) syntax")
                }
            }
        } else {
            regexLiteral = nil
            self.regex = nil
        }
    }

    var hasTimeRange: Bool { from != nil || to != nil }

    func matches(_ entry: EntryBuffer, format: LogFormat, isCancelled: () -> Bool = { false }) throws -> Bool {
        if hasTimeRange {
            guard let timestamp = entry.timestamp else { return passesUntimed }
            if let from, timestamp < from { return false }
            if let to, timestamp > to { return false }
        }
        if !levels.isEmpty {
            guard let level = format.header(entry.firstLine).level, levels.contains(level) else { return false }
        }
        if let text, text.firstIndex(in: entry.bytes) == nil { return false }
        if let regexLiteral, regexLiteral.firstIndex(in: entry.bytes) == nil { return false }
        if unicodeText != nil || regex != nil {
            let string = String(decoding: entry.bytes, as: UTF8.self)
            if let unicodeText, string.range(of: unicodeText, options: [.caseInsensitive]) == nil { return false }
            if let regex, try !Self.matches(regex, string, isCancelled: isCancelled) { return false }
        }
        return true
    }
}

extension EntryFilter {
    /// The longest an ICU match may run on one entry (at most 16 KiB): patterns with nested
    /// quantifiers such as `(a+)+$` backtrack exponentially, and ICU offers no other way to stop them.
    static let regexTimeLimitPerEntry: Duration = .milliseconds(250)

    /// Whether `regex` matches `string`, giving up (with an error that says why) when one entry takes
    /// longer than ``regexTimeLimitPerEntry`` or the search is cancelled.
    static func matches(_ regex: NSRegularExpression, _ string: String, isCancelled: () -> Bool) throws -> Bool {
        var found = false
        var abandoned = false
        let start = ContinuousClock.now
        // `.reportProgress` makes ICU call back during a long match, the only point where it can be stopped.
        // The block runs before enumerateMatches returns, though its type says it may escape.
        withoutActuallyEscaping(isCancelled) { isCancelled in
            regex.enumerateMatches(in: string, options: [.reportProgress], range: NSRange(string.startIndex..., in: string)) { match, _, stop in
                if match != nil {
                    found = true
                    stop.pointee = true
                } else if ContinuousClock.now - start > regexTimeLimitPerEntry || isCancelled() {
                    abandoned = true
                    stop.pointee = true
                }
            }
        }
        guard abandoned else { return found }
        if isCancelled() { throw CancellationError() }
        throw LogCatalogueError(.invalidQuery, "regex \"\(regex.pattern)\" needs more than \(regexTimeLimitPerEntry) on a single log entry, "
            + "so the search was stopped: nested quantifiers such as (a+)+ backtrack without end; simplify it (for example a+ instead of (a+)+)")
    }

    /// The longest run of plain characters (3 bytes or more) that every match of `pattern` must contain,
    /// or nil when none can be told for sure. Only the top level of a pattern without alternation counts:
    /// a character followed by `?`, `*` or `{` may be absent, groups and classes are skipped, and inline
    /// flags, `\Q` quoting, escapes with arguments (`\x41`, `\p{L}`) and alternation give up, as they change what the characters mean.
    static func requiredLiteral(of pattern: String) -> [UInt8]? {
        let characters = Array(pattern.unicodeScalars)
        guard !pattern.contains("|"), !pattern.contains("(?"), !pattern.contains("\\Q") else { return nil }
        var best: [Character] = []
        var run: [Character] = []
        func endRun() {
            if String(run).utf8.count > String(best).utf8.count { best = run }
            run = []
        }
        var depth = 0
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            switch character {
            case "\\":
                guard index < characters.count else { return nil }
                let escaped = characters[index]
                index += 1
                if escaped.isASCII, escaped.properties.isAlphabetic || ("0"..."9").contains(escaped) {
                    // Classes, anchors and control characters take no argument; anything else might.
                    guard "dDsSwWbBAZzGntrfea".unicodeScalars.contains(escaped) else { return nil }
                    endRun()
                } else if depth == 0 {
                    run.append(Character(escaped))
                } else {
                    endRun()
                }
            case "[":
                endRun()
                // Skip the class; a `]` first in it (after an optional `^`) is a member. Nested ICU sets
                // (`[[a-z]&&[^aeiou]]`) give up.
                if index < characters.count, characters[index] == "^" { index += 1 }
                if index < characters.count, characters[index] == "]" { index += 1 }
                while index < characters.count, characters[index] != "]" {
                    if characters[index] == "[" { return nil }
                    index += characters[index] == "\\" ? 2 : 1
                }
                index += 1
            case "(":
                endRun()
                depth += 1
            case ")":
                endRun()
                depth -= 1
            case "?", "*":
                if !run.isEmpty { run.removeLast() }
                endRun()
            case "{":
                if !run.isEmpty { run.removeLast() }
                endRun()
                while index < characters.count, characters[index] != "}" { index += 1 }
                index += 1
            case "+":
                endRun()
            case ".", "^", "$":
                endRun()
            default:
                if depth == 0 { run.append(Character(character)) } else { endRun() }
            }
        }
        endRun()
        let literal = Array(String(best).utf8)
        return literal.count >= 3 ? literal : nil
    }
}

extension LogEntry {
    /// The public form of a matched entry: Strings are built here, for matches only.
    init(_ entry: EntryBuffer, format: LogFormat, file: String, lineKnown: Bool, maxBytes: Int) {
        let header = format.header(entry.firstLine)
        let bytes = entry.bytes
        var kept = min(bytes.count, maxBytes)
        // Cut on a character boundary: back off over UTF-8 continuation bytes.
        if kept < bytes.count {
            while kept > 0, bytes[kept] & 0xC0 == 0x80 { kept -= 1 }
        }
        let truncated = kept < entry.textLength
        let marker = truncated ? "\n… [entry truncated: \(entry.textLength - kept) more bytes]" : ""
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        self.init(timestamp: entry.timestamp, level: header.level, thread: header.thread.map(text), logger: header.logger.map(text),
                  message: text(min(header.messageStart, kept)..<kept) + marker, rawText: text(0..<kept) + marker, file: file,
                  line: lineKnown ? entry.line : nil, byteLength: entry.textLength, isTruncated: truncated)
    }
}
