import CloverPluginSupport
import Foundation
import PluginKit

/// `server_perf_logs_query` (CloverDX 7.5's name): one SELECT over performance.log or job-queue.log samples.
enum PerfQueryTool {
    struct Arguments: Decodable, Sendable {
        let sql: String
        let from: String?
        let to: String?
        let maxRows: Int?
        let log: String?
    }

    struct Result: Encodable {
        let table: String
        let log: String
        let window: PerfWindow
        let columns: [LogTableRows.Column]
        let rows: [[PluginJSON]]
        let rowCount: Int
        let truncated: Bool
        let truncationReason: String?
        let loadedRows: Int
        let loadTruncated: Bool
        let firstTime: String?
        let lastTime: String?
        let warnings: [String]
        let notes: [String]
    }

    /// Rows shown in the text; all of them are in structuredContent.
    static let textRows = 50

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "server_perf_logs_query", title: "Query performance logs with SQL",
            description: """
                Runs one read-only SQL SELECT (SQLite dialect, window functions such as LAG included) over the CloverDX \
                server's performance samples, one row per sample every 3 s, for a time window. Use it for questions the \
                summary tool does not answer: a metric around a moment, a custom aggregation, correlations. Two tables, one \
                per call (the table the SQL names picks the log; `log` overrides): \
                performance (performance.log): time TEXT 'yyyy-MM-dd HH:mm:ss.SSS' (server local time), \(PerfMetric.describe(PerfMetric.performance)). \
                job_queue (job-queue.log): time, \(PerfMetric.describe(PerfMetric.jobQueue)). \
                A column is NULL when a sample lacks it (Worker keys are missing while the Worker is down). Extra functions: \
                percentile(x, 0.95) (aggregate) and text REGEXP pattern. Examples: \
                SELECT time, wHeap, wGC, hbAge FROM performance WHERE wHeap > 3.5 ORDER BY time; \
                SELECT substr(time, 1, 13) AS hour, max(wHeap) AS maxHeapGB, avg(sysCPU) AS cpu, max(jobQueue) AS waiting \
                FROM performance GROUP BY hour ORDER BY hour. \
                `from`/`to` choose the samples loaded (\(ServerTime.acceptedFormats)); without them the last 24 hours of the log. \
                Writes, several statements and other tables are refused. `maxRows` defaults to 200 (at most 5000); a result cut \
                short says so in `truncated`: aggregate, add WHERE, or page with LIMIT … OFFSET.
                """,
            inputSchema: """
                {"type":"object","properties":{
                "sql":{"type":"string","description":"One SELECT over table performance or job_queue"},
                "from":{"type":"string","description":"Load samples from this time (server local time, ISO with zone, or relative like -6h); default: 24 h before the log's end"},
                "to":{"type":"string","description":"Load samples up to this time; default: the log's end"},
                "maxRows":{"type":"integer","minimum":1,"description":"Rows returned at most: default 200, at most 5000"},
                "log":{"type":"string","enum":["performance","job-queue"],"description":"Which log to load when the SQL does not name its table"}},
                "required":["sql"],"additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{"table":{"type":"string"},"log":{"type":"string"},
                "window":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}}},
                "columns":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"type":{"type":"string"}},"required":["name","type"]}},
                "rows":{"type":"array","items":{"type":"array"}},"rowCount":{"type":"integer"},"truncated":{"type":"boolean"},
                "truncationReason":{"type":"string"},"loadedRows":{"type":"integer"},"loadTruncated":{"type":"boolean"},
                "firstTime":{"type":"string"},"lastTime":{"type":"string"},
                "warnings":{"type":"array","items":{"type":"string"}},"notes":{"type":"array","items":{"type":"string"}}},
                "required":["table","log","window","columns","rows","rowCount","truncated","loadedRows","loadTruncated","warnings","notes"]}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let result = try run(arguments, call: call)
            return try .structured(result, text: text(result))
        }
    }

    static func run(_ arguments: Arguments, call: CallContext) throws -> Result {
        guard !arguments.sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ToolError.invalidArguments("\"sql\" is empty: send one SELECT, e.g. SELECT max(wHeap) FROM performance")
        }
        let log = try chooseLog(sql: arguments.sql, requested: arguments.log)
        let limit = try ResultLimit(arguments.maxRows, default: 200, maximum: 5_000, argument: "maxRows", more: "page with LIMIT … OFFSET for more")
        let clock = ServerTime.of(call)
        let window = LogWindow.resolve(try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: clock), log: log,
                                       clock: clock, call: call)
        let table: LogTableRows
        do {
            table = try LogTableRows.query(log: log, window: window, sql: arguments.sql, maxRows: limit.value, call: call)
        } catch ToolError.invalidArguments(let message) {
            throw ToolError.invalidArguments("The query was not answered: \(message)")
        }
        var notes: [String] = limit.note.map { [$0] } ?? []
        switch table.truncationReason {
        case "rowLimit"?: notes.append("the query returned more than \(limit.value) rows; aggregate (GROUP BY), narrow it with WHERE, or page with LIMIT … OFFSET")
        case "byteLimit"?: notes.append("the rows passed the size limit of one answer (about 1 MiB); select fewer columns or rows")
        case "timeLimit"?: notes.append("the query ran into its timeout after these rows; load a narrower window or make it cheaper")
        default: break
        }
        if table.loadTruncated {
            notes.append("only the samples up to \(table.lastTime ?? "?") were loaded (the host's row cap); narrow from/to to see later ones")
        }
        return Result(table: table.table, log: log, window: PerfWindow(window), columns: table.columns, rows: table.rows.map(\.values),
                      rowCount: table.rows.count, truncated: table.truncated, truncationReason: table.truncationReason,
                      loadedRows: table.loadedRows, loadTruncated: table.loadTruncated, firstTime: table.firstTime, lastTime: table.lastTime,
                      warnings: table.warnings, notes: notes)
    }

    /// The log whose table the SQL names; `requested` wins. One table per call: each is its own log.
    static func chooseLog(sql: String, requested: String?) throws -> String {
        if let requested {
            switch requested.lowercased() {
            case "performance": return "performance"
            case "job-queue", "job_queue", "jobqueue": return "job-queue"
            default: throw ToolError.invalidArguments("\"log\" must be performance or job-queue (got \"\(requested)\")")
            }
        }
        let words = Set(sql.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        switch (words.contains("performance"), words.contains("job_queue")) {
        case (true, true):
            throw ToolError.invalidArguments("the SQL names both performance and job_queue, but each call loads one log: query them in "
                + "separate calls (both have a time column to line them up), or set \"log\" if one name is only a column alias")
        case (false, true): return "job-queue"
        default: return "performance"
        }
    }

    static func text(_ result: Result) -> String {
        var lines = ["\(result.rowCount) row(s)\(result.truncated ? " (truncated)" : "") from \(result.table), \(result.loadedRows) samples loaded "
            + "for \(result.window.from ?? "the start") … \(result.window.to ?? "the end")."]
        if !result.rows.isEmpty {
            lines.append(TextTable.render(header: result.columns.map(\.name), rows: result.rows.prefix(textRows).map { $0.map(\.cellText) }))
            if result.rowCount > textRows { lines.append("… \(result.rowCount - textRows) more row(s) in structuredContent.") }
        }
        lines += result.warnings.map { "Warning: \($0)." }
        lines += result.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}

/// The window a tool loaded, as server wall-clock text.
struct PerfWindow: Encodable {
    let from: String?
    let to: String?

    init(_ window: TimeWindow) {
        from = window.from?.text
        to = window.to?.text
    }
}
