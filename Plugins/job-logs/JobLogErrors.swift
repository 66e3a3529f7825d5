import CloverPluginSupport
import PluginKit

/// The errors of a run's log for a model: ERROR, FATAL and WARN entries, identical ones counted once,
/// the failure cause first (the first error that carries a stack trace) with the entries that led to
/// it, then the closing "Summary of Phases execution" table (or the last tracking table), which shows
/// the phase and component that failed.
struct JobLogErrors: Encodable {
    struct Issue: Encodable {
        /// `cause`, `error` or `warning`.
        let role: String
        let entry: LogEntry
        /// How often this exact message occurs in the log.
        let occurrences: Int
        let lastTime: String?
        /// It already appears as context of an error before it in the report.
        let shownAbove: Bool
        /// The entries just before it (errors only), oldest first.
        let context: [ContextEntry]

        private enum Key: String, CodingKey {
            case role, time, level, thread, line, text, occurrences, lastTime, shownAbove, context
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(role, forKey: .role)
            try container.encode(entry.time, forKey: .time)
            try container.encode(entry.level, forKey: .level)
            try container.encode(entry.thread, forKey: .thread)
            try container.encode(entry.line, forKey: .line)
            try container.encode(entry.text, forKey: .text)
            try container.encode(occurrences, forKey: .occurrences)
            try container.encode(lastTime, forKey: .lastTime)
            try container.encode(shownAbove, forKey: .shownAbove)
            try container.encode(context, forKey: .context)
        }
    }

    struct ContextEntry: Encodable {
        let time: String?
        let level: String?
        let file: String
        let line: Int?
        let text: String

        var key: String { "\(file):\(line ?? 0)" }
    }

    struct Block: Encodable {
        let title: String
        let lines: [String]
    }

    let runId: Int64
    let mode = "errors"
    let log: String
    let totalBytes: Int64
    let errorCount: Int
    let warningCount: Int
    let entries: [Issue]
    let summary: Block?
    /// False when the log held more problems than were read (see notes).
    let complete: Bool
    let notes: [String]

    private static let maximumPages = 5
    private static let maximumIssues = 50
    private static let contextEntries = 3
    private static let errorsWithContext = 5

    static func read(runId: Int64, call: CallContext) throws -> JobLogErrors {
        let log = RunLookup.logID(runId)
        let reader = RunLogReader(runId: runId, log: log, call: call)
        let (found, complete, totalBytes) = try reader.all(levels: ["FATAL", "ERROR", "WARN"], pages: maximumPages)
        var groups: [(entry: LogEntry, count: Int, last: String?)] = []
        var indexByMessage: [String: Int] = [:]
        for entry in found {
            let key = (entry.level ?? "") + "\u{1}" + entry.message
            if let index = indexByMessage[key] {
                groups[index].count += 1
                groups[index].last = entry.time
            } else {
                indexByMessage[key] = groups.count
                groups.append((entry, 1, entry.time))
            }
        }
        let isSevere = { (entry: LogEntry) in entry.level == "ERROR" || entry.level == "FATAL" }
        let causeIndex = groups.firstIndex { isSevere($0.entry) && $0.entry.hasStackTrace } ?? groups.firstIndex { isSevere($0.entry) }
        // At most `maximumIssues`: the cause, then errors before warnings; shown in log order after the cause.
        let rank = { (index: Int) in index == causeIndex ? 0 : isSevere(groups[index].entry) ? 1 : 2 }
        let kept = Set(groups.indices.sorted { (rank($0), $0) < (rank($1), $1) }.prefix(maximumIssues))
        let ordered = (causeIndex.map { [$0] } ?? []) + groups.indices.filter { kept.contains($0) && $0 != causeIndex }

        // Entries already in the report (`file:line`): context is not repeated, and an error that was
        // context of an earlier one is only pointed at.
        var shown = Set<String>()
        var withContext = 0
        var issues: [Issue] = []
        for index in ordered {
            if call.isCancelled { throw ToolError.failed("job_get_log was cancelled") }
            let group = groups[index]
            let alreadyShown = !shown.insert(group.entry.key).inserted
            var context: [ContextEntry] = []
            if isSevere(group.entry), !alreadyShown, withContext < errorsWithContext {
                withContext += 1
                context = try reader.before(group.entry, count: contextEntries, skipping: shown)
                shown.formUnion(context.map(\.key))
            }
            let role = index == causeIndex ? "cause" : isSevere(group.entry) ? "error" : "warning"
            issues.append(Issue(role: role, entry: group.entry, occurrences: group.count, lastTime: group.count > 1 ? group.last : nil,
                                shownAbove: alreadyShown, context: context))
        }
        let summary = try reader.closingBlock()
        var notes: [String] = []
        if groups.count > kept.count {
            notes.append("\(groups.count - kept.count) more distinct errors or warnings are not shown (warnings first left out); "
                + "page through the log with mode \"page\" for them")
        }
        if !complete {
            notes.append("the log holds more than the \(found.count) errors and warnings read; page through it with mode \"page\" for the rest")
        }
        return JobLogErrors(runId: runId, log: log, totalBytes: totalBytes, errorCount: found.filter(isSevere).count,
                            warningCount: found.filter { !isSevere($0) }.count, entries: issues, summary: summary, complete: complete, notes: notes)
    }

    /// Counts, the cause in full with what preceded it, the other problems abbreviated, then the summary table.
    var rendered: String {
        var lines = ["Run \(runId) log (\(log), \(totalBytes) bytes): \(errorCount) errors/fatal, \(warningCount) warnings"
            + " (\(entries.count) distinct)" + (entries.first?.role == "cause" ? "; the failure cause comes first." : ".")]
        lines += notes.map { "Note: \($0)" }
        if entries.isEmpty { lines.append("No ERROR, FATAL or WARN entries in the run log.") }
        for (position, issue) in entries.enumerated() {
            if position == 0 || (position == 1 && entries[0].role == "cause") {
                lines.append("")
                lines.append(issue.role == "cause" ? "== Failure cause ==" : "== Errors and warnings ==")
            }
            if !issue.context.isEmpty {
                lines.append("  (before it)")
                lines += issue.context.map { "  " + ($0.text.split(separator: "\n").first.map(String.init) ?? "") }
            }
            if issue.shownAbove {
                lines.append("  " + (issue.entry.text.split(separator: "\n").first.map(String.init) ?? "") + "  (shown above)")
                continue
            }
            var rendered = issue.entry.abbreviated(maxLines: issue.role == "cause" ? 80 : 10, framesPerException: issue.role == "cause" ? 4 : 2,
                                                   source: issue.entry.line.map { "line \($0)" })
            if issue.occurrences > 1 { rendered += "\n    (×\(issue.occurrences), last at \(issue.lastTime ?? "?"))" }
            lines.append(rendered)
        }
        if let summary {
            lines.append("")
            lines.append("== \(summary.title) ==")
            lines += summary.lines.dropFirst()
        }
        return lines.joined(separator: "\n")
    }
}

extension LogEntry {
    /// Where the entry is, to tell entries apart across searches.
    var key: String { "\(file):\(line ?? 0)" }
}
