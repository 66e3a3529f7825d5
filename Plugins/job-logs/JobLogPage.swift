import CloverPluginSupport
import PluginKit

/// A part of a run's log as written: whole entries, in order, at most `maximumBytes` of text (the
/// limit of CloverDX's own `job_get_log`), with a cursor to the next part.
struct JobLogPage: Encodable {
    static let maximumBytes = 1_048_576
    /// The host's most entries per `logs.search` call: a page gathers several calls.
    private static let entriesPerCall = 1_000

    let runId: Int64
    let mode = "page"
    let log: String
    /// The log text of this page: the entries joined by line breaks, ending with one.
    let text: String
    let bytes: Int
    let entryCount: Int
    let firstLine: Int?
    let lastLine: Int?
    let totalBytes: Int64
    let hasMore: Bool
    let nextCursor: String?
    let notes: [String]

    static func read(runId: Int64, cursor: String?, call: CallContext) throws -> JobLogPage {
        let log = RunLookup.logID(runId)
        var texts: [String] = []
        var bytes = 0
        var position = cursor
        var next: String?
        var totalBytes: Int64 = 0
        var firstLine: Int?
        var lastLine: Int?
        var truncatedEntries = false
        // Each call may take `remaining - entriesPerCall` bytes of entry text, leaving room for the line breaks.
        while maximumBytes - bytes > entriesPerCall {
            if call.isCancelled { throw ToolError.failed("job_get_log was cancelled") }
            let request = HostServices.LogsSearch.Request(log: log, limit: entriesPerCall, cursor: position,
                                                          maxBytes: maximumBytes - bytes - entriesPerCall)
            let answer = try JobLogTool.answer(HostServices.LogsSearch.self, request, runId: runId, call: call)
            totalBytes = Int64(answer.totalBytes)
            let entries = answer.entries
            let size = entries.reduce(0) { $0 + $1.text.utf8.count + 1 }
            // The host always returns at least one entry; one that overflows the page waits for the next.
            if !texts.isEmpty, bytes + size > maximumBytes {
                next = position
                break
            }
            texts += entries.map(\.text)
            bytes += size
            firstLine = firstLine ?? entries.first?.line
            if let last = entries.last, let line = last.line { lastLine = line + last.text.utf8.filter { $0 == 10 }.count }
            truncatedEntries = truncatedEntries || entries.contains(where: \.truncated)
            next = answer.nextCursor
            guard let next else { break }
            position = next
        }
        var notes: [String] = []
        if truncatedEntries { notes.append("entries longer than 16 KiB were cut; their text ends with a marker saying how much is missing") }
        return JobLogPage(runId: runId, log: log, text: texts.isEmpty ? "" : texts.joined(separator: "\n") + "\n", bytes: bytes,
                          entryCount: texts.count, firstLine: firstLine, lastLine: lastLine, totalBytes: totalBytes,
                          hasMore: next != nil, nextCursor: next, notes: notes)
    }

    /// A one-line account of the page, then the log text.
    var rendered: String {
        var header = "Run \(runId) log (\(log), \(totalBytes) bytes in total): "
        if entryCount == 0 {
            header += "no entries" + (hasMore ? "" : " (end of log)") + "."
        } else {
            header += "\(entryCount) entries, lines \(firstLine.map(String.init) ?? "?")–\(lastLine.map(String.init) ?? "?"), \(bytes) bytes; "
            header += hasMore ? "more follows: call again with \"cursor\": \"\(nextCursor ?? "")\"." : "end of log."
        }
        return ([header] + notes.map { "Note: \($0)" }).joined(separator: "\n") + "\n\n" + text
    }
}
