/// The logs the host offers as SQL tables, and each table's columns (docs/CLOVERDX.md, "Key=value bodies
/// and the catalina log", "Performance log", "Job queue log", "Tomcat access log").
public enum LogTableKind: String, Sendable, Hashable, CaseIterable {
    /// `performance.log`: one JSON sample every 3 s.
    case performance
    /// `job-queue.log`: one JSON sample every 3 s.
    case jobQueue = "job-queue"
    /// Tomcat's access log, both layouts.
    case access
    /// `user-action.log`: logins, logouts and other user actions.
    case userAction = "user-action"

    /// The log's ID in the catalogue; the same as the request's `log`.
    public var logID: String { rawValue }

    /// The table's name in SQL: the log ID with `-` as `_`.
    public var tableName: String { rawValue.replacingOccurrences(of: "-", with: "_") }

    /// The columns in table order; `time` first, as the server's wall clock `yyyy-MM-dd HH:mm:ss.SSS`.
    public var columns: [LogTableColumn] {
        switch self {
        case .performance:
            return [.text("time"), .integer("hbAge"), .real("cGC"), .real("wGC"), .real("cHeap"), .real("wHeap"), .real("sysCPU"),
                    .real("cCPU"), .real("wCPU"), .integer("jobs"), .integer("jobQueue"), .integer("cThread"), .integer("wThread"),
                    .real("swap"), .integer("cFD"), .integer("wFD"), .integer("cUptime"), .integer("wUptime")]
        case .jobQueue:
            return [.text("time"), .integer("queued"), .integer("running"), .integer("started"), .real("cpu"), .integer("loadStep"),
                    .integer("queueExecutions"), .real("avgCpu"), .integer("coreLowMem"), .integer("workerLowMem"),
                    .integer("nonBlockedJobs")]
        case .access:
            return [.text("time"), .text("client"), .text("user"), .text("method"), .text("path"), .text("query"), .text("protocol"),
                    .integer("status"), .integer("bytes"), .integer("duration_ms")]
        case .userAction:
            return [.text("time"), .text("user"), .text("domain"), .text("ip"), .text("action"), .text("result"), .text("message")]
        }
    }

    /// What one row is, for messages: "performance sample".
    var recordName: String {
        switch self {
        case .performance: "performance sample"
        case .jobQueue: "job-queue sample"
        case .access: "access-log request"
        case .userAction: "user action"
        }
    }

    /// The kind whose log ID is `logID`, if any.
    public init?(logID: String) {
        self.init(rawValue: logID)
    }
}

/// One column of a log table.
public struct LogTableColumn: Sendable, Hashable {
    /// The column's SQL name, e.g. `wHeap` or `duration_ms`.
    public let name: String
    /// `TEXT`, `INTEGER` or `REAL`; any column may hold NULL when a record lacks the value.
    public let type: String

    static func text(_ name: String) -> LogTableColumn { LogTableColumn(name: name, type: "TEXT") }
    static func integer(_ name: String) -> LogTableColumn { LogTableColumn(name: name, type: "INTEGER") }
    static func real(_ name: String) -> LogTableColumn { LogTableColumn(name: name, type: "REAL") }
}
