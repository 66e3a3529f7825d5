import PluginKit

/// The newest entry of a log matching a regex: the host's `logs.search` answers oldest first, a page
/// at a time, so every page up to the end is read and the last match kept.
public enum NewestLogMatch {
    /// The newest entry of `log` (from `from` on, if given) whose text matches `regex`, or nil.
    public static func find(_ log: String, regex: String, from: String? = nil, call: CallContext) throws -> LogEntry? {
        var found: LogEntry?
        var cursor: String?
        repeat {
            let page = try call.answer(of: HostServices.LogsSearch.self, .init(log: log, from: from, regex: regex, limit: 1_000, cursor: cursor))
            if let last = page.entries.last { found = last }
            cursor = page.nextCursor
        } while cursor != nil && !call.isCancelled
        return found
    }
}
