import CloverPluginSupport
import Foundation
import PluginKit

/// The host's log services on one run's log, for the errors report: every match of a filter, the
/// entries just before one, and a table block found by its banner.
struct RunLogReader {
    let runId: Int64
    let log: String
    let call: CallContext

    private static let pageBytes = 1_048_576

    /// Every entry matching `filters`, read in at most `pages` pages; whether that was all, and the log's size.
    func all(levels: [String], pages: Int) throws -> (entries: [LogEntry], complete: Bool, totalBytes: Int64) {
        var entries: [LogEntry] = []
        var cursor: String?
        var totalBytes: Int64 = 0
        for _ in 0..<pages {
            if call.isCancelled { throw ToolError.failed("job_get_log was cancelled") }
            let request = HostServices.LogsSearch.Request(log: log, levels: levels, limit: 1_000, cursor: cursor, maxBytes: Self.pageBytes)
            let answer = try JobLogTool.answer(HostServices.LogsSearch.self, request, runId: runId, call: call)
            entries += answer.entries
            totalBytes = Int64(answer.totalBytes)
            cursor = answer.nextCursor
            if cursor == nil { return (entries, true, totalBytes) }
        }
        return (entries, false, totalBytes)
    }

    /// The `count` entries written just before `entry` (same file, within a minute), less those in
    /// `skipping` (``LogEntry/key``), which the report already shows.
    func before(_ entry: LogEntry, count: Int, skipping: Set<String>) throws -> [JobLogErrors.ContextEntry] {
        guard let time = entry.time, let line = entry.line else { return [] }
        let request = HostServices.LogsWindow.Request(log: log, around: time, beforeSeconds: 60, afterSeconds: 0, limit: count * 4)
        return try JobLogTool.answer(HostServices.LogsWindow.self, request, runId: runId, call: call).entries
            .filter { $0.file == entry.file && ($0.line ?? line) < line }
            .suffix(count)
            .filter { !skipping.contains($0.key) }
            .map { JobLogErrors.ContextEntry(time: $0.time, level: $0.level, file: $0.file, line: $0.line, text: $0.text) }
    }

    /// The table the run log ends with: the "Summary of Phases execution" of a finished run or, for a
    /// run that stopped without one, its last tracking table; looked for among the last 500 entries.
    func closingBlock() throws -> JobLogErrors.Block? {
        let entries = try JobLogTool.answer(HostServices.LogsTail.self, .init(log: log, entries: 500), runId: runId, call: call).entries
        for (banner, end) in [("Summary of Phases execution", "End of Summary"), ("tracking Log for phase", "End of Log")] {
            guard let start = entries.lastIndex(where: { $0.message.contains(banner) }) else { continue }
            var lines: [String] = []
            for entry in entries[start...] {
                lines.append(entry.message)
                if entry.message.contains(end) || lines.count >= 200 { break }
            }
            return JobLogErrors.Block(title: entries[start].message.trimmingCharacters(in: CharacterSet(charactersIn: "-* ")), lines: lines)
        }
        return nil
    }
}
