import PluginKit

/// What the tool groups do with the host's log entries (`LogEntry`, the contract type that
/// logs.search, logs.tail and logs.window answer with).
extension LogEntry {
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
