import PluginKit

/// The answer of the host's `logs.table` service (grant `logs.read`): one SELECT over a structured log
/// (performance, job-queue, access, user-action) loaded for a time window, rows read by column name,
/// and what the host could not load. Refusals become `ToolError`s a model can act on.
public struct LogTableRows: Sendable {
    /// A result column: its name and SQLite's type name.
    public typealias Column = QueryColumn

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
        let answer: HostServices.LogsTable.Answer
        do {
            answer = try call.logs.table(.init(log: log, from: window.from?.text, to: window.to?.text, sql: sql,
                                               maxRows: maxRows, maxBytes: maxBytes, timeoutMs: timeoutMs))
        } catch let refused as ServiceRefused {
            // A log the installation does not have is not the caller's mistake: the tools say which is missing.
            if refused.status == cdxmcp_status(CDXMCP_NOT_FOUND) { throw LogTableUnavailable(log: log, reason: refused.message) }
            throw refused.toolError(about: refused.status == cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) ? nil : Self.fileName(of: log))
        }
        let index = SQLRow.index(of: answer.columns)
        return LogTableRows(
            table: answer.table, columns: answer.columns, rows: answer.rows.map { SQLRow(index: index, values: $0) },
            truncated: answer.truncated, truncationReason: answer.truncationReason, loadedRows: answer.loadedRows,
            loadTruncated: answer.loadTruncated, firstTime: answer.firstTime, lastTime: answer.lastTime,
            warnings: answer.warnings, elapsedMs: Int64(answer.elapsedMs))
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
