import PluginKit

/// The newest entry of a log matching a regex: the host's `logs.search` answers oldest first, a page
/// at a time, so every page up to the end is read and the last match kept.
public enum NewestLogMatch {
    /// The newest entry of `log` (from `from` on, if given) whose text matches `regex`, or nil.
    public static func find(_ log: String, regex: String, from: String? = nil, call: CallContext) throws -> PluginJSON? {
        var found: PluginJSON?
        var cursor: String?
        repeat {
            var request: [String: PluginJSON] = ["log": .string(log), "regex": .string(regex), "limit": .number(1_000)]
            if let from { request["from"] = .string(from) }
            if let cursor { request["cursor"] = .string(cursor) }
            let page = try call.answer(of: "logs.search", .object(request))
            if let last = page["entries"]?.arrayValue?.last { found = last }
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil && !call.isCancelled
        return found
    }
}
