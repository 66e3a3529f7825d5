import CloverPluginSupport
import PluginKit

/// One page of a search over an appender's logs (several for `worker`), one log after the other:
/// the host's `logs.search` is called log by log until the page is full, and the page's cursor says
/// where the next one starts.
struct AppenderSearch {
    struct Page {
        var entries: [FoundEntry] = []
        /// Matches in this page and the pages before it, over all the set's logs.
        var matched = 0
        var warnings: [String] = []
        /// Nil when every log of the set was read to its end.
        var next: SearchCursor?
    }

    /// Entry text per page: enough for a model to read, far from megabytes of log.
    static let pageBytes = 256 * 1_024

    let logIDs: [String]
    /// The host's filters (from, to, levels, regex, text); log, limit, cursor and page size are set per call.
    let filters: HostServices.LogsSearch.Request
    let limit: Int
    let call: CallContext

    func page(from start: SearchCursor) throws -> Page {
        guard var index = logIDs.firstIndex(of: start.logID) else {
            throw ToolError.invalidArguments("\"cursor\" continues in log \"\(start.logID)\", which no longer exists; repeat the search without a cursor")
        }
        var page = Page(matched: start.matchedInEarlierLogs)
        var matchedEarlier = start.matchedInEarlierLogs
        var hostCursor = start.hostCursor
        var bytes = 0
        func cursor(_ logID: String, _ hostCursor: String?) -> SearchCursor {
            SearchCursor(logID: logID, hostCursor: hostCursor, matchedInEarlierLogs: matchedEarlier, from: start.from, to: start.to,
                         fingerprint: start.fingerprint)
        }
        while true {
            if call.isCancelled { throw ToolError.failed("server_logs_search was cancelled") }
            let logID = logIDs[index]
            var request = filters
            request.log = logID
            request.limit = limit - page.entries.count
            request.maxBytes = max(Self.pageBytes - bytes, 1)
            request.cursor = hostCursor
            let answer = try search(request, logID: logID)
            let found = answer.entries
            page.entries += found.map { FoundEntry(log: logID, entry: $0) }
            bytes += found.reduce(0) { $0 + $1.text.utf8.count }
            page.matched = matchedEarlier + answer.matched
            page.warnings += answer.warnings.map { "\(logID): \($0)" }
            if let nextHost = answer.nextCursor {
                page.next = cursor(logID, nextHost)
                return page
            }
            matchedEarlier = page.matched
            index += 1
            hostCursor = nil
            guard index < logIDs.count else { return page }
            if page.entries.count >= limit || bytes >= Self.pageBytes {
                page.next = cursor(logIDs[index], nil)
                return page
            }
        }
    }

    /// The host's answer; its refusals (bad regex, cursor of another search) name the log.
    private func search(_ request: HostServices.LogsSearch.Request, logID: String) throws -> LogPage {
        do {
            return try call.answer(of: HostServices.LogsSearch.self, request)
        } catch ToolError.invalidArguments(let message) {
            throw ToolError.invalidArguments("server_logs_search on log \"\(logID)\": \(message)")
        } catch ToolError.failed(let message) {
            throw ToolError.failed("server_logs_search on log \"\(logID)\": \(message)")
        }
    }
}

/// One found entry and the log it came from (the message is left out: `text` holds it with its prefix).
struct FoundEntry: Encodable {
    let log: String
    let entry: LogEntry

    private enum Key: String, CodingKey {
        case log, time, level, thread, logger, file, line, text, truncated
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(log, forKey: .log)
        try container.encode(entry.time, forKey: .time)
        try container.encode(entry.level, forKey: .level)
        try container.encode(entry.thread, forKey: .thread)
        try container.encode(entry.logger, forKey: .logger)
        try container.encode(entry.file, forKey: .file)
        try container.encode(entry.line, forKey: .line)
        try container.encode(entry.text, forKey: .text)
        try container.encode(entry.truncated, forKey: .truncated)
    }
}
