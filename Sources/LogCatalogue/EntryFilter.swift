import Foundation

/// The query's filters, applied to raw entry bytes from the cheapest to the dearest: time and level
/// from the first line, text by byte search, and only then the regex (PCRE2 on the same bytes).
final class EntryFilter {
    let from: LogTimestamp?
    let to: LogTimestamp?
    private let levels: Set<LogEntryLevel>
    private let text: ByteNeedle?
    /// Text with non-ASCII letters, whose case folding needs Unicode.
    private let unicodeText: String?
    private let regex: LogRegex?
    private let regexScratch = LogRegex.Scratch()
    /// Texts one of which every match of the regex contains: entries with none of them are passed over
    /// before the regex runs. A regex without special characters is this text alone, and no regex runs.
    private let regexLiterals: [ByteNeedle]

    /// Entries without a timestamp pass a time range (for readers that report them rather than lose them).
    private let passesUntimed: Bool

    static let maximumPatternLength = LogRegex.maximumPatternLength

    init(from: LogTimestamp? = nil, to: LogTimestamp? = nil, levels: Set<LogEntryLevel> = [], text: String? = nil, regex: String? = nil,
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
                regexLiterals = [ByteNeedle(regex.utf8, caseInsensitive: false)]
                self.regex = nil
            } else {
                regexLiterals = (Self.requiredLiterals(of: regex) ?? []).map { ByteNeedle($0, caseInsensitive: false) }
                do {
                    self.regex = try LogRegex(regex, multiline: true)
                } catch {
                    throw LogCatalogueError(.invalidQuery, "regex \"\(regex)\" does not compile (\(error)); use Perl-compatible (PCRE2) syntax")
                }
            }
        } else {
            regexLiterals = []
            self.regex = nil
        }
    }

    var hasTimeRange: Bool { from != nil || to != nil }

    /// Texts one of which every matching entry contains, if the filter can tell (empty when not): a
    /// stretch of lines holding none of them holds no match, so it need not be split into entries.
    var requiredNeedles: [ByteNeedle] {
        let needles = text.map { [$0] } ?? regexLiterals
        // Entries join their lines with `\n` and drop `\r`, so a needle holding either may match an
        // entry where the file's bytes differ.
        return needles.contains(where: \.spansLines) ? [] : needles
    }

    func matches(_ entry: EntryBuffer, format: LogFormat) throws -> Bool {
        if hasTimeRange {
            guard let timestamp = entry.timestamp else { return passesUntimed }
            if let from, timestamp < from { return false }
            if let to, timestamp > to { return false }
        }
        if !levels.isEmpty {
            guard let level = format.header(entry.firstLine).level, levels.contains(level) else { return false }
        }
        if let text, text.firstIndex(in: entry.bytes) == nil { return false }
        if !regexLiterals.isEmpty, !regexLiterals.contains(where: { $0.firstIndex(in: entry.bytes) != nil }) { return false }
        if let unicodeText, String(decoding: entry.bytes, as: UTF8.self).range(of: unicodeText, options: [.caseInsensitive]) == nil {
            return false
        }
        if let regex {
            do {
                return try regex.matches(entry.bytes, scratch: regexScratch)
            } catch {
                throw LogCatalogueError(.invalidQuery, "regex \"\(regex.pattern)\" backtracks too much on a single log entry (over \(LogRegex.matchLimit) "
                    + "steps), so the search was stopped: nested quantifiers such as (a+)+ backtrack without end; simplify it (for example a+ instead of (a+)+)")
            }
        }
        return true
    }
}

extension EntryFilter {
    /// Texts one of which every match of `pattern` contains, or nil when that cannot be told for sure:
    /// the required literal of each top-level alternative (`Timeout|refused`), with groups of plain
    /// alternatives expanded into their choices (`HTTP/1\.1 (401|403) ` needs "HTTP/1.1 401 " or
    /// "HTTP/1.1 403 "), small classes too (`[45]0[13] ` needs one of "401 ", "403 ", "501 ", "503 "),
    /// at most 16 in all.
    static func requiredLiterals(of pattern: String) -> [[UInt8]]? {
        guard !pattern.contains("(?"), !pattern.contains("(*"), !pattern.contains("\\Q"),
              let branches = expandedBranches(smallClassesAsGroups(pattern), budget: 16) else { return nil }
        var literals: [[UInt8]] = []
        for branch in branches {
            guard let literal = requiredLiteral(of: branch) else { return nil }
            if !literals.contains(literal) { literals.append(literal) }
        }
        return literals
    }

    /// `pattern` with each class of at most 4 ASCII letters, digits or spaces (`[45]`) written as the
    /// group of alternatives it equals (`(4|5)`), for ``expandedBranches`` to expand; other classes are
    /// left as they are, and a class inside a class gives the pattern back unchanged.
    static func smallClassesAsGroups(_ pattern: String) -> String {
        let characters = Array(pattern)
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                result += String(characters[index..<min(index + 2, characters.count)])
                index += 2
                continue
            }
            guard character == "[" else {
                result.append(character)
                index += 1
                continue
            }
            // Find the class's end as the other readers do: `^` and a first `]` belong to it.
            var close = index + 1
            if close < characters.count, characters[close] == "^" { close += 1 }
            if close < characters.count, characters[close] == "]" { close += 1 }
            while close < characters.count, characters[close] != "]" {
                if characters[close] == "[" { return pattern }
                close += characters[close] == "\\" ? 2 : 1
            }
            guard close < characters.count else { return pattern }
            let members = characters[(index + 1)..<close]
            if (1...4).contains(members.count), members.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }) {
                result += "(" + members.map(String.init).joined(separator: "|") + ")"
            } else {
                result += String(characters[index...close])
            }
            index = close + 1
        }
        return result
    }

    /// `pattern` split at its top-level `|`, then each part's first group of plain alternatives (not
    /// followed by `?`, `*` or `{`) replaced by each of its choices, recursively; nil past `budget` parts.
    static func expandedBranches(_ pattern: String, budget: Int) -> [String]? {
        let characters = Array(pattern)
        var bars: [Int] = []
        var firstGroup: (open: Int, close: Int, bars: [Int])?
        var openStack: [(index: Int, bars: [Int], plain: Bool)] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                if var top = openStack.popLast() {
                    // An escaped punctuation character is still plain text; a class escape is not.
                    if index + 1 < characters.count, characters[index + 1].isLetter || characters[index + 1].isNumber { top.plain = false }
                    openStack.append(top)
                }
                index += 2
                continue
            case "[":
                if var top = openStack.popLast() { top.plain = false; openStack.append(top) }
                // Skip the class as requiredLiteral does: a `]` first in it is a member; nested sets give up.
                index += 1
                if index < characters.count, characters[index] == "^" { index += 1 }
                if index < characters.count, characters[index] == "]" { index += 1 }
                while index < characters.count, characters[index] != "]" {
                    if characters[index] == "[" { return nil }
                    index += characters[index] == "\\" ? 2 : 1
                }
            case "(":
                if var top = openStack.popLast() { top.plain = false; openStack.append(top) }
                openStack.append((index, [], true))
            case ")":
                guard let group = openStack.popLast() else { return nil }
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if firstGroup == nil, group.plain, !group.bars.isEmpty, !"?*{".contains(next) {
                    firstGroup = (group.index, index, group.bars)
                }
            case "|":
                if var top = openStack.popLast() { top.bars.append(index); openStack.append(top) } else { bars.append(index) }
            case ".", "^", "$", "?", "*", "+", "{", "}":
                if var top = openStack.popLast() { top.plain = false; openStack.append(top) }
            default:
                break
            }
            index += 1
        }
        guard openStack.isEmpty else { return nil }
        if !bars.isEmpty {
            var parts: [String] = []
            var start = 0
            for bar in bars + [characters.count] {
                guard let expanded = expandedBranches(String(characters[start..<bar]), budget: budget - parts.count) else { return nil }
                parts += expanded
                start = bar + 1
            }
            return parts.count <= budget ? parts : nil
        }
        guard let group = firstGroup else { return [pattern] }
        let prefix = String(characters[..<group.open]), suffix = String(characters[(group.close + 1)...])
        var parts: [String] = []
        var start = group.open + 1
        for bar in group.bars + [group.close] {
            guard let expanded = expandedBranches(prefix + String(characters[start..<bar]) + suffix, budget: budget - parts.count) else { return nil }
            parts += expanded
            start = bar + 1
        }
        return parts.count <= budget ? parts : nil
    }

    /// The longest run of plain characters (3 bytes or more) that every match of `pattern` must contain,
    /// or nil when none can be told for sure. Only the top level of a pattern without alternation counts:
    /// a character followed by `?`, `*` or `{` may be absent, groups and classes are skipped, and inline
    /// flags, verbs such as `(*ACCEPT)`, `\Q` quoting, escapes with arguments (`\x41`, `\p{L}`) and
    /// alternation give up, as they change what the characters mean.
    static func requiredLiteral(of pattern: String) -> [UInt8]? {
        let characters = Array(pattern.unicodeScalars)
        guard !pattern.contains("|"), !pattern.contains("(?"), !pattern.contains("(*"), !pattern.contains("\\Q") else { return nil }
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
                // Skip the class; a `]` first in it (after an optional `^`) is a member. A `[` inside
                // (POSIX classes such as `[[:digit:]]`) gives up.
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
