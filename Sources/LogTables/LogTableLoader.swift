import Foundation
import GRDB
import LogCatalogue

/// One log's window loaded into a fresh in-memory SQLite database as one table.
struct LoadedLogTable {
    let queue: DatabaseQueue
    let rows: Int
    /// Loading stopped at the row cap while records of the window were left.
    let truncated: Bool
    let firstTime: LogTimestamp?
    let lastTime: LogTimestamp?
    let warnings: [String]
}

/// Reads a window of one log through the catalogue and inserts its records, in one transaction,
/// into a table of a new in-memory database that has the log tables' SQL functions.
struct LogTableLoader {
    let kind: LogTableKind
    let catalogue: LogCatalogue
    let maxRows: Int

    /// Entries longer than this are not records of these logs; their text is cut (and counted as unread).
    static let maxEntryBytes = 64 * 1_024

    func load(from: LogTimestamp?, to: LogTimestamp?, progress: ((LogScanProgress) -> Void)?,
              isCancelled: () -> Bool) throws -> LoadedLogTable {
        var configuration = Configuration()
        configuration.label = "cloverdx-mcp.log-table.\(kind.tableName)"
        // The query's limits (no attached databases among them) come with SQLiteSystemDatabase(filled:).
        configuration.prepareDatabase { db in LogTableFunctions.register(in: db) }
        let queue = try DatabaseQueue(configuration: configuration)
        var decoder = LogRecordDecoder(kind: kind)
        var rows = 0
        var truncated = false
        var firstTime: LogTimestamp?
        var lastTime: LogTimestamp?
        var summary: LogScanSummary?
        try queue.inDatabase { db in
            let columns = kind.columns
            let definitions = columns.map { "\"\($0.name)\" \($0.type)" }.joined(separator: ", ")
            try db.execute(sql: "CREATE TABLE \(kind.tableName) (\(definitions))")
            let insert = try db.makeStatement(
                sql: "INSERT INTO \(kind.tableName) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
            try db.inTransaction {
                summary = try catalogue.scan(kind.logID, from: from, to: to, maxEntryBytes: Self.maxEntryBytes, progress: progress,
                                             isCancelled: isCancelled) { entry in
                    guard let row = decoder.row(for: entry) else { return true }
                    guard rows < maxRows else {
                        truncated = true
                        return false
                    }
                    try insert.execute(arguments: StatementArguments(row))
                    rows += 1
                    // Access-log lines are written when a request ends but stamped when it began: not quite in order.
                    if let time = entry.timestamp {
                        firstTime = min(firstTime ?? time, time)
                        lastTime = max(lastTime ?? time, time)
                    }
                    return true
                }
                return .commit
            }
            try db.execute(sql: "CREATE INDEX \(kind.tableName)_time ON \(kind.tableName) (time)")
        }
        var warnings = (summary?.warnings ?? []) + decoder.warnings
        if truncated, let lastTime {
            warnings.append("loading stopped at the cap of \(maxRows) rows, at \(lastTime): later records of the window are not in the table; "
                + "narrow the window (from/to) to see them")
        }
        return LoadedLogTable(queue: queue, rows: rows, truncated: truncated, firstTime: firstTime, lastTime: lastTime, warnings: warnings)
    }
}
