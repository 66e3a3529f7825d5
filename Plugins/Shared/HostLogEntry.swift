import PluginKit

/// One entry as the host's `logs.search`, `logs.tail` and `logs.window` services return it: the first
/// line's parsed prefix plus the whole entry text (continuation lines such as stack traces included).
public struct HostLogEntry: Sendable, Encodable, Equatable {
    /// Server wall-clock time `yyyy-MM-dd HH:mm:ss.SSS`; nil for a line without a readable prefix.
    public let time: String?
    public let level: String?
    public let thread: String?
    public let logger: String?
    /// The text after the prefix, continuation lines included.
    public let message: String
    /// The entry exactly as written (lines joined with `\n`).
    public let text: String
    public let file: String
    /// 1-based line of the entry's first line; nil when the host read the file backwards (tail).
    public let line: Int?
    /// The host cut the entry at its per-entry cap; `text` ends with a marker saying how much is missing.
    public let truncated: Bool

    public init(_ json: PluginJSON) {
        time = json["time"]?.stringValue
        level = json["level"]?.stringValue
        thread = json["thread"]?.stringValue
        logger = json["logger"]?.stringValue
        message = json["message"]?.stringValue ?? ""
        text = json["text"]?.stringValue ?? ""
        file = json["file"]?.stringValue ?? ""
        line = json["line"]?.int64Value.map { Int($0) }
        truncated = json["truncated"]?.boolValue ?? false
    }

    /// The entries of a logs service's answer.
    public static func entries(of answer: PluginJSON) -> [HostLogEntry] {
        (answer["entries"]?.arrayValue ?? []).map(HostLogEntry.init)
    }

    /// True when the entry carries a Java stack trace (`\tat …` frames or a `Caused by:` line).
    public var hasStackTrace: Bool {
        text.split(separator: "\n").dropFirst().contains { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            return trimmed.hasPrefix("at ") || trimmed.hasPrefix("Caused by:")
        }
    }

    /// A short rendering for a model: `time level [thread] logger`, then the message with stack traces
    /// cut to `framesPerException` frames after each exception line (the `Caused by:` lines, which name
    /// the root cause, are always kept) and the whole to `maxLines` lines. `source` (a file and line) ends the header.
    public func abbreviated(maxLines: Int = 12, framesPerException: Int = 2, source: String? = nil) -> String {
        let header = [time, level, thread.map { "[\($0)]" }, logger, source.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        var kept: [String] = []
        var framesSinceException = 0
        var skippedFrames = 0
        func flushSkipped() {
            if skippedFrames > 0 { kept.append("\t… \(skippedFrames) more frames") }
            skippedFrames = 0
        }
        let hasPrefix = time != nil || level != nil || logger != nil
        for line in (hasPrefix ? message : text).split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("at ") || (trimmed.hasPrefix("... ") && trimmed.hasSuffix(" more")) {
                framesSinceException += 1
                if framesSinceException > framesPerException {
                    skippedFrames += 1
                    continue
                }
            } else {
                flushSkipped()
                framesSinceException = 0
            }
            kept.append(String(line))
        }
        flushSkipped()
        if kept.count > maxLines {
            let causes = kept.dropFirst(maxLines).filter { $0.hasPrefix("Caused by:") }
            let omitted = kept.count - maxLines - causes.count
            kept = Array(kept.prefix(maxLines)) + (omitted > 0 ? ["… \(omitted) more lines"] : []) + causes
        }
        let body = kept.joined(separator: "\n    ")
        return hasPrefix ? header + "\n    " + body : (source.map { "(\($0)) " } ?? "") + body
    }
}
