import CloverPluginSupport
import PluginKit

/// Finds the newest entries of a log that match a pattern: start-up lines tell versions, Java and
/// command lines. Searches look back a day first, then a week, a month and the whole log, because
/// the host skips files outside a time range and a start is usually recent.
struct LogFacts {
    let call: CallContext
    /// Each log's last entry time (`yyyy-MM-dd HH:mm:ss.SSS`), from logs.list.
    let lastTimes: [String: String]

    init(call: CallContext) throws {
        self.call = call
        let logs = try call.answer(of: "logs.list")["logs"]?.arrayValue ?? []
        var lastTimes: [String: String] = [:]
        for log in logs {
            if let id = log["id"]?.stringValue { lastTimes[id] = log["lastTime"]?.stringValue ?? "" }
        }
        self.lastTimes = lastTimes
    }

    func has(_ log: String) -> Bool { lastTimes[log] != nil }

    /// The newest entry of `log` whose text matches `regex` (Perl-compatible, PCRE2 syntax), or nil.
    func newest(_ log: String, regex: String) throws -> LogEntry? {
        guard let last = lastTimes[log] else { return nil }
        let end = try? ServerTime(timeZone: .current).parse(last, argument: "lastTime")
        for days in [1.0, 7, 31, nil] {
            if call.isCancelled { throw ToolError.failed("cancelled") }
            let from = days.flatMap { days in end.map { $0.adding(seconds: -days * 86_400).text } }
            if let found = try NewestLogMatch.find(log, regex: regex, from: from, call: call) { return found }
            if from == nil || end == nil { break }
        }
        return nil
    }

    /// Entries of `log` from `from` for `seconds`, whose text matches `regex`.
    func entries(_ log: String, regex: String, from: String, seconds: Double) throws -> [LogEntry] {
        guard let start = try? ServerTime(timeZone: .current).parse(from, argument: "from") else { return [] }
        return try call.answer(of: HostServices.LogsSearch.self, .init(log: log, from: start.text, to: start.adding(seconds: seconds).text,
                                                                       regex: regex, limit: 200)).entries
    }
}
