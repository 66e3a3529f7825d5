import PluginKit

/// The answer of the host's `logs.table` service (grant `logs.read`): one SELECT over a structured log
/// (performance, job-queue, access, user-action) loaded for a time window, rows read by column name,
/// and what the host could not load. Refusals become `ToolError`s a model can act on.
public struct LogTableRows: Sendable {
    /// A result column: its name and SQLite's type name.
    public struct Column: Sendable, Encodable, Equatable {
        public let name: String
        public let type: String
    }

    /// The table's SQL name: `performance`, `job_queue`, `access`, `user_action`.
    public let table: String
    public let columns: [Column]
    public let rows: [SQLRow]
    /// True when the query produced more rows than returned.
    public let truncated: Bool
    /// `rowLimit`, `byteLimit` or `timeLimit` when `truncated`.
    public let truncationReason: String?
    /// Records the host loaded for the window.
    public let loadedRows: Int
    /// The host stopped loading at its row cap; `lastTime` is where.
    public let loadTruncated: Bool
    /// The earliest and latest record times loaded (`yyyy-MM-dd HH:mm:ss.SSS`).
    public let firstTime: String?
    public let lastTime: String?
    /// Lines the host could not read, a damaged archive, the load cap.
    public let warnings: [String]
    public let elapsedMs: Int64

    /// Runs `sql` over the records of `log` within `window`.
    /// - Throws: `ToolError.invalidArguments` when the host refuses the SQL or the window (its message says
    ///   why), ``LogTableUnavailable`` when the installation has no such log, `ToolError.failed` when it cannot be read.
    public static func query(log: String, window: TimeWindow, sql: String, maxRows: Int? = nil, maxBytes: Int? = nil,
                             timeoutMs: Int? = nil, call: CallContext) throws -> LogTableRows {
        var request: [String: PluginJSON] = ["log": .string(log), "sql": .string(sql)]
        if let from = window.from { request["from"] = .string(from.text) }
        if let to = window.to { request["to"] = .string(to.text) }
        if let maxRows { request["maxRows"] = .number(Double(maxRows)) }
        if let maxBytes { request["maxBytes"] = .number(Double(maxBytes)) }
        if let timeoutMs { request["timeoutMs"] = .number(Double(timeoutMs)) }
        let answer: PluginJSON
        do {
            answer = try call.service("logs.table", .object(request))
        } catch let refused as ServiceRefused {
            // A log the installation does not have is not the caller's mistake: the tools say which is missing.
            if refused.status == cdxmcp_status(CDXMCP_NOT_FOUND) { throw LogTableUnavailable(log: log, reason: refused.message) }
            throw refused.toolError(about: refused.status == cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) ? nil : Self.fileName(of: log))
        }
        let columns = (answer["columns"]?.arrayValue ?? []).map {
            Column(name: $0["name"]?.stringValue ?? "", type: $0["type"]?.stringValue ?? "")
        }
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column.name] == nil { index[column.name] = position }
        return LogTableRows(
            table: answer["table"]?.stringValue ?? log, columns: columns,
            rows: (answer["rows"]?.arrayValue ?? []).map { SQLRow(index: index, values: $0.arrayValue ?? []) },
            truncated: answer["truncated"]?.boolValue ?? false, truncationReason: answer["truncationReason"]?.stringValue,
            loadedRows: Int(answer["loadedRows"]?.int64Value ?? 0), loadTruncated: answer["loadTruncated"]?.boolValue ?? false,
            firstTime: answer["firstTime"]?.stringValue, lastTime: answer["lastTime"]?.stringValue,
            warnings: (answer["warnings"]?.arrayValue ?? []).compactMap(\.stringValue), elapsedMs: answer["elapsedMs"]?.int64Value ?? 0)
    }

    /// How people know the log: `performance.log`, `Tomcat access log (localhost_access_log.*.txt)`.
    public static func fileName(of log: String) -> String {
        log == "access" ? "Tomcat access log (localhost_access_log.<date>.txt)" : "\(log).log"
    }
}

/// The installation has no files of the log a tool needs (its directory is missing, not configured or
/// empty); the tool fails with this message, or reports the part it could not cover.
public struct LogTableUnavailable: Error, CustomStringConvertible {
    public let log: String
    /// The host's words: which directory it looked in.
    public let reason: String

    public var description: String {
        "the \(LogTableRows.fileName(of: log)) is not available on this installation: \(reason)"
    }
}
