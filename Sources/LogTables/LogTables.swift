import Foundation
import GRDB
import LogCatalogue
import SystemDatabase

/// SQL over structured logs (performance, job queue, access, user actions) for plugins, which may not
/// open databases themselves: each request loads one log's time window into a fresh in-memory SQLite
/// table and runs one query on it through the system database's read-only guard, caps and timeout.
///
/// Stateless: nothing is kept between requests, so every answer reflects the log as it is now. Memory
/// is bounded by ``maxLoadedRows`` (the answer says where loading stopped) and by the query's caps.
public struct LogTables: Sendable {
    public let catalogue: LogCatalogue
    /// The most records one request loads; the default holds about a month of 3-second samples.
    public let maxLoadedRows: Int

    public static let defaultMaxLoadedRows = 1_000_000

    public init(catalogue: LogCatalogue, maxLoadedRows: Int = LogTables.defaultMaxLoadedRows) {
        self.catalogue = catalogue
        self.maxLoadedRows = max(1, maxLoadedRows)
    }

    /// Loads the window of `request.log` and runs `request.sql` on it.
    ///
    /// The SQL is checked before the log is read, so a refused statement costs nothing.
    /// - Parameters:
    ///   - progress: loading progress, bytes of the log read so far and the log's total.
    ///   - isCancelled: polled while loading; then the request throws `CancellationError`.
    /// - Throws: `SQLRejected` (not one read-only query), ``LogCatalogueError`` (unknown or unreadable log,
    ///   `from` after `to`), ``LogTableError`` (the query failed or timed out), `CancellationError`.
    public func query(_ request: LogTableRequest, progress: ((LogScanProgress) -> Void)? = nil,
                      isCancelled: () -> Bool = { Task.isCancelled }) async throws -> LogTableAnswer {
        let started = ContinuousClock.now
        let kind = request.log
        let subject = "the \(kind.tableName) log table"
        _ = try ReadOnlySQLGuard(dialect: .sqlite, subject: subject).admit(request.sql)
        let loaded = try LogTableLoader(kind: kind, catalogue: catalogue, maxRows: maxLoadedRows)
            .load(from: request.from, to: request.to, progress: progress, isCancelled: isCancelled)
        let result: QueryResult
        do {
            let database = try SQLiteSystemDatabase(filled: loaded.queue, name: ":memory:\(kind.tableName)", subject: subject)
            result = try await database.query(request.sql, limits: request.limits)
        } catch let error as SystemDatabaseError {
            throw Self.explain(error, kind: kind, limits: request.limits)
        }
        return LogTableAnswer(table: kind.tableName, result: result, loadedRows: loaded.rows, loadTruncated: loaded.truncated,
                              firstTime: loaded.firstTime, lastTime: loaded.lastTime, warnings: loaded.warnings,
                              elapsed: ContinuousClock.now - started)
    }

    /// The database's message with what only the log tables know: the table this request has, its
    /// columns, and how to make a query cheaper.
    private static func explain(_ error: SystemDatabaseError, kind: LogTableKind, limits: QueryLimits) -> LogTableError {
        let columns = kind.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        switch error.code {
        case .queryFailed:
            return LogTableError(.invalidQuery, "\(error.message) This request loaded one table, \(kind.tableName) (\(columns)); "
                + "other log tables are separate requests (log: \(LogTableKind.allCases.map(\.logID).joined(separator: ", "))).")
        case .timeout:
            let (seconds, attoseconds) = limits.timeout.components
            let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
            return LogTableError(.timeout, "The query ran longer than its timeout of \(milliseconds) ms and was stopped. "
                + "Make it cheaper: load a narrower window (from/to), filter on time, avoid joining the table with itself, or raise timeoutMs.")
        default:
            return LogTableError(.failed, error.message)
        }
    }
}

/// One log-table request.
public struct LogTableRequest: Sendable {
    public var log: LogTableKind
    /// Records at or after this server wall-clock time; nil loads from the log's start.
    public var from: LogTimestamp?
    /// Records at or before this time; nil loads to the log's end.
    public var to: LogTimestamp?
    /// One read-only query (SELECT, WITH … SELECT, VALUES) over the table named after the log.
    public var sql: String
    /// Row and byte caps and timeout of the query.
    public var limits: QueryLimits

    public init(log: LogTableKind, from: LogTimestamp? = nil, to: LogTimestamp? = nil, sql: String, limits: QueryLimits = QueryLimits()) {
        self.log = log
        self.from = from
        self.to = to
        self.sql = sql
        self.limits = limits
    }
}

/// The query's rows and what was loaded to answer it.
public struct LogTableAnswer: Sendable {
    /// The table's SQL name, e.g. `job_queue`.
    public let table: String
    public let result: QueryResult
    /// Records loaded into the table.
    public let loadedRows: Int
    /// Loading stopped at ``LogTables/maxLoadedRows`` with records of the window left; ``lastTime`` says where.
    public let loadTruncated: Bool
    /// The earliest and latest record times loaded.
    public let firstTime: LogTimestamp?
    public let lastTime: LogTimestamp?
    /// Lines that could not be read, keys without a column, damaged archives, the load cap.
    public let warnings: [String]
    /// Loading and querying together.
    public let elapsed: Duration
}
