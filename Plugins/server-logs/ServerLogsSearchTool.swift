import CloverPluginSupport
import Foundation
import PluginKit

/// `server_logs_search`: one appender's logs (a set for `worker`) searched by time, level, regex and
/// text through the host's `logs.search`, one page at a time, with a cursor that spans the set.
enum ServerLogsSearchTool {
    struct Arguments: Decodable, Sendable {
        let appender: String?
        let from: String?
        let to: String?
        let levels: [String]?
        let pattern: String?
        let text: String?
        let limit: Int?
        let cursor: String?
    }

    struct Output: Encodable {
        let appender: String
        let logs: [String]
        let from: String?
        let to: String?
        let timeZoneOffset: String
        let levels: [String]
        let pattern: String?
        let text: String?
        /// Entries that matched in this page and the pages before it.
        let matched: Int
        let shown: Int
        let hasMore: Bool
        let nextCursor: String?
        let entries: [FoundEntry]
        let notes: [String]
        let warnings: [String]
    }

    static let defaultLimit = 50
    static let maximumLimit = 1_000

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "server_logs_search", title: "Search server logs",
            description: """
                Searches the CloverDX Server logs (all.log, worker.log, node.log, user-action.log, …) by time range, level, \
                regular expression and plain text; entries keep their multi-line stack traces. Use it to find what the server \
                logged around an incident or about a run (pattern "runId=18350"). Start narrow (from/to around the time, \
                levels ERROR and WARN), then widen. Results come a page at a time: pass nextCursor back as "cursor" with the \
                same other arguments for the next page. server_logs_list shows which logs exist and the times they cover.
                Times (from, to): \(ServerTime.acceptedFormats). Entry times are server local time.
                """,
            inputSchema: inputSchema, outputSchema: outputSchema, arguments: Arguments.self
        ) { arguments, call in
            try run(arguments, call: call)
        }
    }

    static func run(_ arguments: Arguments, call: CallContext) throws -> ToolResult {
        let clock = ServerTime.of(call)
        let window = try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: clock)
        let levels = try LevelNames.hostLevels(arguments.levels)
        let pattern = arguments.pattern.flatMap { $0.isEmpty ? nil : $0 }
        let text = arguments.text.flatMap { $0.isEmpty ? nil : $0 }
        let limit = try ResultLimit(arguments.limit, default: defaultLimit, maximum: maximumLimit)
        let available = try LogListing.all(call: call)
        guard !available.isEmpty else { throw ToolError.failed(LogListing.noLogsMessage(call: call)) }
        let selection = try LogSelection.resolve(arguments.appender ?? "all", available: available)
        let fingerprint = SearchCursor.fingerprint([selection.appender, arguments.from ?? "", arguments.to ?? "",
                                                    levels.joined(separator: ","), pattern ?? "", text ?? ""])
        var position = SearchCursor(logID: selection.logIDs[0], hostCursor: nil, matchedInEarlierLogs: 0,
                                    from: window.from?.text ?? "", to: window.to?.text ?? "", fingerprint: fingerprint)
        if let cursor = arguments.cursor, !cursor.isEmpty {
            position = try SearchCursor(parsing: cursor, fingerprint: fingerprint)
        }

        let filters = HostServices.LogsSearch.Request(log: "", from: position.from.isEmpty ? nil : position.from,
                                                      to: position.to.isEmpty ? nil : position.to, levels: levels.isEmpty ? nil : levels,
                                                      regex: pattern, text: text)

        let page = try AppenderSearch(logIDs: selection.logIDs, filters: filters, limit: limit.value, call: call).page(from: position)
        let entries = page.entries
        var notes = limit.note.map { [$0] } ?? []
        if entries.contains(where: \.entry.truncated) {
            notes.append("entries longer than 16 KiB were cut; their text ends with a marker saying how much is missing")
        }
        let output = Output(appender: selection.appender, logs: selection.logIDs, from: position.from.isEmpty ? nil : position.from,
                            to: position.to.isEmpty ? nil : position.to,
                            timeZoneOffset: clock.offsetText(at: window.from ?? clock.wallClock(of: clock.now())), levels: levels,
                            pattern: pattern, text: text, matched: page.matched, shown: entries.count, hasMore: page.next != nil,
                            nextCursor: page.next?.text, entries: entries, notes: notes, warnings: page.warnings)
        return try .structured(output, text: render(output, available: available))
    }

    /// The page for a model: what was searched, the counts and how to continue, then each entry abbreviated.
    static func render(_ output: Output, available: [LogListing]) -> String {
        var filters = [output.from.map { "from \($0)" }, output.to.map { "to \($0)" }].compactMap { $0 }
        if !output.levels.isEmpty { filters.append("levels \(output.levels.joined(separator: ","))") }
        if let pattern = output.pattern { filters.append("pattern /\(pattern)/") }
        if let text = output.text { filters.append("text \"\(text)\"") }
        var lines = ["Searched \(output.logs.joined(separator: ", "))" + (filters.isEmpty ? "" : " (\(filters.joined(separator: "; ")))")
            + "; times are server local (UTC\(output.timeZoneOffset))."]
        lines.append("\(output.shown) entries shown, \(output.matched) matched so far; "
            + (output.hasMore ? "more may follow: call again with the same arguments and \"cursor\": \"\(output.nextCursor ?? "")\"." : "no more entries."))
        if output.matched == 0 {
            let spans = available.filter { output.logs.contains($0.id) }
                .map { "\($0.id) covers \($0.firstTime ?? "?") – \($0.lastTime ?? "?")" }
            lines.append("Nothing matched. " + spans.joined(separator: "; ") + ". Widen the time range or loosen the filters.")
        }
        lines += output.notes.map { "Note: \($0)" }
        lines += output.warnings.map { "Warning: \($0)" }
        let several = output.logs.count > 1
        for found in output.entries {
            let source = (several ? found.log + " " : "") + found.entry.file + (found.entry.line.map { ":\($0)" } ?? "")
            lines.append("")
            lines.append(found.entry.abbreviated(source: source))
        }
        return lines.joined(separator: "\n")
    }
}

extension ServerLogsSearchTool {
    static let inputSchema = #"""
        {"type":"object","additionalProperties":false,"properties":{
         "appender":{"type":"string","description":"Which log: all (or main; the default), worker (worker.log and every worker_<node>.log), cluster (node), user_actions, audit, integration, data_services, monitor, job_queue, catalina, or a log ID from server_logs_list"},
         "from":{"type":"string","description":"Entries at or after this time, e.g. 2025-03-05 02:00 (server local), 2025-03-05T01:00:00Z or -2h"},
         "to":{"type":"string","description":"Entries at or before this time; same formats as from"},
         "levels":{"type":"array","items":{"type":"string","enum":["FATAL","ERROR","WARN","INFO","DEBUG","TRACE"]},"description":"Only these levels; ERROR includes FATAL. Omit for all levels"},
         "pattern":{"type":"string","description":"Regular expression (Perl-compatible, PCRE2 syntax) found anywhere in the entry, stack trace included; ^ and $ match at line breaks. E.g. runId=18350 or OutOfMemory|Too many open files"},
         "text":{"type":"string","description":"Plain text the entry contains, case-insensitive"},
         "limit":{"type":"integer","minimum":1,"description":"Entries per page, default 50, at most 1000 (larger values are lowered)"},
         "cursor":{"type":"string","description":"nextCursor of the previous page; the other arguments must stay the same"}}}
        """#

    static let outputSchema = #"""
        {"type":"object","properties":{
         "appender":{"type":"string"},"logs":{"type":"array","items":{"type":"string"}},
         "from":{"type":["string","null"]},"to":{"type":["string","null"]},"timeZoneOffset":{"type":"string"},
         "levels":{"type":"array","items":{"type":"string"}},"pattern":{"type":["string","null"]},"text":{"type":["string","null"]},
         "matched":{"type":"integer","description":"entries matched in this page and the pages before it"},
         "shown":{"type":"integer"},"hasMore":{"type":"boolean"},"nextCursor":{"type":["string","null"]},
         "entries":{"type":"array","items":{"type":"object","properties":{
           "log":{"type":"string"},"time":{"type":["string","null"]},"level":{"type":["string","null"]},"thread":{"type":["string","null"]},
           "logger":{"type":["string","null"]},"file":{"type":"string"},"line":{"type":["integer","null"]},"text":{"type":"string"},
           "truncated":{"type":"boolean"}},"required":["log","file","text"]}},
         "notes":{"type":"array","items":{"type":"string"}},"warnings":{"type":"array","items":{"type":"string"}}},
         "required":["appender","logs","matched","shown","hasMore","entries"]}
        """#
}
