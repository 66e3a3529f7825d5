import CloverPluginSupport
import Foundation
import PluginKit

/// `access_logs_stats`: who used the server and how it answered over a window: requests and error
/// rates per status class, path and client, latency percentiles, logins and failed logins per user and IP.
enum AccessStatsTool {
    struct Arguments: Decodable, Sendable {
        let from: String?
        let to: String?
        let top: Int?
    }

    struct Result: Encodable {
        let window: AccessWindow
        /// Nil when the installation has no access log (see notes).
        let http: HTTPStatistics?
        /// Nil when the installation has no user-action.log (see notes).
        let logins: LoginStatistics?
        let warnings: [String]
        let notes: [String]
    }

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "access_logs_stats", title: "Access and login statistics",
            description: """
                Statistics of user access and authentication over a time window, from Tomcat's access log and \
                user-action.log: total requests, requests and share per status class (2xx … 5xx) and per status, error rate \
                (4xx+5xx) and server-error rate (5xx), latency percentiles p50/p95/p99 in ms (only where the access log records \
                durations, %D), the top paths, top failing paths and top clients by requests with their errors; login \
                successes, failed logins per user and per IP (with first and last attempt: brute force shows here), logouts, \
                and every user action by result. Use it to answer "who is hitting the server", "is the API failing", "were \
                there suspicious logins"; then access_logs_search for the individual events. `from`/`to`: \
                \(ServerTime.acceptedFormats); without them the last 24 hours of each log. `top`: entries per ranking (default \
                10, at most 100).
                """,
            inputSchema: """
                {"type":"object","properties":{
                "from":{"type":"string","description":"Window start (server local time, ISO with zone, or relative like -24h); default: 24 h before each log's end"},
                "to":{"type":"string","description":"Window end; default: each log's end"},
                "top":{"type":"integer","minimum":1,"description":"Entries per ranking: default 10, at most 100"}},
                "additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{
                "window":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}}},
                "http":{"type":["object","null"],"properties":{"requests":{"type":"integer"},
                "byStatusClass":{"type":"array","items":{"$ref":"#/$defs/count"}},"byStatus":{"type":"array","items":{"$ref":"#/$defs/count"}},
                "errorRate":{"type":"number"},"serverErrorRate":{"type":"number"},
                "latencyMs":{"type":"object","properties":{"samples":{"type":"integer"},"p50":{"type":["number","null"]},"p95":{"type":["number","null"]},"p99":{"type":["number","null"]}}},
                "topPaths":{"type":"array","items":{"$ref":"#/$defs/ranked"}},"topErrorPaths":{"type":"array","items":{"$ref":"#/$defs/ranked"}},
                "topClients":{"type":"array","items":{"$ref":"#/$defs/ranked"}}}},
                "logins":{"type":["object","null"],"properties":{"loginSuccesses":{"type":"integer"},"loginFailures":{"type":"integer"},
                "logouts":{"type":"integer"},"failedByUser":{"type":"array","items":{"$ref":"#/$defs/failures"}},
                "failedByIP":{"type":"array","items":{"$ref":"#/$defs/failures"}},
                "actions":{"type":"array","items":{"type":"object","properties":{"action":{"type":"string"},"result":{"type":"string"},"count":{"type":"integer"}}}}}},
                "warnings":{"type":"array","items":{"type":"string"}},"notes":{"type":"array","items":{"type":"string"}}},
                "required":["window","warnings","notes"],
                "$defs":{"count":{"type":"object","properties":{"key":{"type":"string"},"requests":{"type":"integer"},"share":{"type":"number"}}},
                "ranked":{"type":"object","properties":{"key":{"type":"string"},"requests":{"type":"integer"},"errors":{"type":"integer"},
                "errorRate":{"type":"number"},"p95Ms":{"type":["number","null"]}}},
                "failures":{"type":"object","properties":{"key":{"type":"string"},"failures":{"type":"integer"},"distinct":{"type":"integer"},
                "first":{"type":"string"},"last":{"type":"string"}}}}}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let result = try run(arguments, call: call)
            return try .structured(result, text: text(result))
        }
    }

    static func run(_ arguments: Arguments, call: CallContext) throws -> Result {
        let top = try ResultLimit(arguments.top, default: 10, maximum: 100, argument: "top", more: nil)
        let clock = ServerTime.of(call)
        let requested = try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: clock)
        var notes = top.note.map { [$0] } ?? []
        var warnings: [String] = []
        var missing: [LogTableUnavailable] = []
        // The access log's window when it answered, else the user-action log's (their ends may differ).
        var shownWindow = requested
        var answered = false

        func load<T>(_ log: String, _ sql: String, _ make: (LogTableRows) -> T) throws -> T? {
            let window = LogWindow.resolve(requested, log: log, clock: clock, call: call)
            do {
                let table = try LogTableRows.query(log: log, window: window, sql: sql, maxRows: 1_000, call: call)
                if !answered { shownWindow = window }
                answered = true
                warnings += table.warnings
                if table.loadTruncated {
                    notes.append("\(LogTableRows.fileName(of: log)): only records up to \(table.lastTime ?? "?") were counted (the host's row cap); narrow from/to")
                }
                if requested.from == nil && requested.to == nil {
                    notes.append("\(LogTableRows.fileName(of: log)): the last 24 hours of the log, \(window.from?.text ?? "?") … \(window.to?.text ?? "?")")
                }
                return make(table)
            } catch let unavailable as LogTableUnavailable {
                missing.append(unavailable)
                return nil
            }
        }

        let http = try load("access", HTTPStatistics.sql(top: top.value), HTTPStatistics.init)
        if call.isCancelled { throw ToolError.failed("access_logs_stats was cancelled") }
        let logins = try load("user-action", LoginStatistics.sql(top: top.value), LoginStatistics.init)
        if missing.count == 2 {
            throw ToolError.failed("neither log is available: " + missing.map(\.description).joined(separator: "; ")
                + ". Check clover.home / logging.dir and clover.mcp.sidecar.tomcat.logs.dir in the configuration")
        }
        notes += missing.map { "\($0.description); its part is left out" }
        return Result(window: AccessWindow(shownWindow), http: http, logins: logins, warnings: warnings, notes: notes)
    }

    static func text(_ result: Result) -> String {
        func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
        func number(_ value: Double?) -> String { value.map { $0.rounded() == $0 ? String(Int64($0)) : String(format: "%.1f", $0) } ?? "-" }
        var lines = ["Access \(result.window.from ?? "from the start") … \(result.window.to ?? "to the end")."]
        if let http = result.http {
            lines.append("HTTP: \(http.requests) requests, errors \(percent(http.errorRate)) (4xx+5xx), server errors \(percent(http.serverErrorRate)) (5xx); "
                + "status classes: " + http.byStatusClass.map { "\($0.key) \($0.requests)" }.joined(separator: ", ") + ".")
            if http.latencyMs.samples > 0 {
                lines.append("Latency over \(http.latencyMs.samples) requests: p50 \(number(http.latencyMs.p50)) ms, p95 \(number(http.latencyMs.p95)) ms, p99 \(number(http.latencyMs.p99)) ms.")
            } else {
                lines.append("Latency: the access log records no durations (%D is not in its pattern).")
            }
            for (title, ranking) in [("Top paths", http.topPaths), ("Top failing paths", http.topErrorPaths), ("Top clients", http.topClients)] where !ranking.isEmpty {
                lines.append("")
                lines.append("\(title):")
                lines.append(TextTable.render(header: [title == "Top clients" ? "client" : "path", "requests", "errors", "error rate", "p95 ms"],
                                              rows: ranking.map { [$0.key, String($0.requests), String($0.errors), percent($0.errorRate), number($0.p95Ms)] },
                                              maxCellWidth: 80))
            }
        }
        if let logins = result.logins {
            lines.append("")
            lines.append("Logins: \(logins.loginSuccesses) successful, \(logins.loginFailures) failed; \(logins.logouts) logouts.")
            for (title, failures, other) in [("Failed logins per user", logins.failedByUser, "IPs"), ("Failed logins per IP", logins.failedByIP, "users")]
                where !failures.isEmpty {
                lines.append("\(title):")
                lines.append(TextTable.render(header: [title.hasSuffix("user") ? "user" : "ip", "failures", other, "first", "last"],
                                              rows: failures.map { [$0.key, String($0.failures), String($0.distinct), $0.first ?? "", $0.last ?? ""] }))
            }
        }
        lines += result.warnings.map { "Warning: \($0)." }
        lines += result.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}
