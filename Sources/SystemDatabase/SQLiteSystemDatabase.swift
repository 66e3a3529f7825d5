import Foundation
import GRDB
import GRDBSQLite
import JSON

/// The system database of our embedded demo installation: an SQLite file, opened read-only.
///
/// Three walls keep it unchanged: the guard, `SQLITE_OPEN_READONLY`, and `PRAGMA query_only`.
/// Queries run one at a time on GRDB's queue, inside ``SQLiteLimits``; a progress handler stops a
/// query at its timeout, and the cursor is stepped only until a cap is reached, each row measured
/// before it is copied.
public struct SQLiteSystemDatabase: SystemDatabase {
    /// The database file.
    public let path: String
    public var dialect: SQLDialect { .sqlite }

    private let queue: DatabaseQueue
    private let sqlGuard: ReadOnlySQLGuard

    /// Opens the file at `path` read-only.
    ///
    /// - Throws: `SystemDatabaseError` with code `.notFound` when the file is missing or is not a database.
    public init(path: String) throws(SystemDatabaseError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SystemDatabaseError(
                .notFound,
                "The SQLite system database \(path) does not exist. Check jdbc.url in clover.properties (jdbc:sqlite:/path/to/file.db).")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "cloverdx-mcp.system-database"
        // CloverDX may be writing; wait a little for its lock rather than failing at once.
        configuration.busyMode = .timeout(2)
        configuration.prepareDatabase { db in
            SQLiteLimits.apply(to: db)
            try db.execute(sql: "PRAGMA query_only = ON")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            // Opening is lazy in SQLite: read the schema now so a non-database file fails here.
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw SystemDatabaseError(
                .notFound, "Cannot open \(path) as an SQLite database: \(Self.describe(error)). Check jdbc.url in clover.properties.")
        }
        self.path = path
        sqlGuard = ReadOnlySQLGuard(dialect: .sqlite)
    }

    /// A database the caller opened and filled (an in-memory table built from a log), queried through
    /// the same guard, limits, caps and timeout as the system database. The connection is switched to
    /// `PRAGMA query_only` here, so the walls are the guard and that pragma.
    ///
    /// - Parameters:
    ///   - name: what ``path`` reports, e.g. `:memory:performance`.
    ///   - subject: what the SQL runs against, as refusals name it: "the performance log table".
    /// - Throws: `SystemDatabaseError` when the pragma cannot be set.
    public init(filled queue: DatabaseQueue, name: String, subject: String) throws(SystemDatabaseError) {
        do {
            try queue.inDatabase { db in
                SQLiteLimits.apply(to: db)
                try db.execute(sql: "PRAGMA query_only = ON")
            }
        } catch {
            throw SystemDatabaseError(.unavailable, "Cannot make \(subject) read-only: \(Self.describe(error)).")
        }
        self.queue = queue
        path = name
        sqlGuard = ReadOnlySQLGuard(dialect: .sqlite, subject: subject)
    }

    public func query(_ sql: String, limits: QueryLimits) async throws -> QueryResult {
        let statement = try sqlGuard.admit(sql)
        return try await run(statementText: statement.text, limits: limits)
    }

    /// Runs SQL without the guard; only tests call it, to show the connection itself refuses writes.
    func run(statementText: String, limits: QueryLimits) async throws -> QueryResult {
        let start = ContinuousClock.now
        do {
            return try await queue.read { db in
                try Self.collect(db, sql: statementText, limits: limits, start: start)
            }
        } catch let error as SystemDatabaseError {
            throw error
        } catch let error as DatabaseError {
            throw Self.map(error, limits: limits, subject: sqlGuard.subject)
        }
    }

    private static func collect(_ db: Database, sql: String, limits: QueryLimits, start: ContinuousClock.Instant) throws
        -> QueryResult
    {
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        deadline.initialize(to: monotonicNanoseconds() + UInt64(limits.timeoutMilliseconds) * 1_000_000)
        // Called every 1000 virtual-machine steps; a non-zero return interrupts the statement.
        sqlite3_progress_handler(
            db.sqliteConnection, 1000,
            { context in
                guard let context else { return 0 }
                return monotonicNanoseconds() >= context.assumingMemoryBound(to: UInt64.self).pointee ? 1 : 0
            }, deadline)
        defer {
            sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil)
            deadline.deallocate()
        }

        let statement = try db.makeStatement(sql: sql)
        let declaredTypes: [String?] = (0..<statement.columnCount).map { index in
            sqlite3_column_decltype(statement.sqliteStatement, Int32(index)).map { String(cString: $0) }
        }
        var firstRow: [DatabaseValue]?
        var collector = ResultCollector(limits: limits)
        let cursor = try Row.fetchCursor(statement)
        do {
            while let row = try cursor.next() {
                // Measured in place, so a row past the cap is never copied.
                guard try collector.admits(rowBytes: Self.jsonBytes(of: statement)) else { break }
                let values = Array(row.databaseValues)
                if firstRow == nil { firstRow = values }
                if !collector.add(values.map(Self.json)) { break }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            guard !collector.rows.isEmpty else { throw SystemDatabaseError.timeout(limits.timeout) }
            collector.stopForTime()
        }

        let columns = statement.columnNames.enumerated().map { index, name in
            ResultColumn(name: name, type: declaredTypes[index] ?? firstRow.map { storageClass($0[index]) } ?? "")
        }
        return QueryResult(
            columns: columns, rows: collector.rows, truncationReason: collector.truncation, elapsed: ContinuousClock.now - start)
    }

    public func schema(tablePattern: String?) async throws -> [TableSchema] {
        let sql = """
            SELECT m.name, m.type, p.name, p.type, p."notnull", p.pk
            FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
            WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
              AND (?1 IS NULL OR m.name LIKE ?1 ESCAPE '\\')
            ORDER BY m.name, p.cid
            """
        do {
            let tables = try await queue.read { db in
                var tables: [TableSchema] = []
                var current: (name: String, kind: String, columns: [ColumnSchema])?
                for row in try Row.fetchAll(db, sql: sql, arguments: [tablePattern]) {
                    let table: String = row[0]
                    if current?.name != table {
                        if let done = current { tables.append(TableSchema(schema: "main", name: done.name, kind: done.kind, columns: done.columns)) }
                        current = (table, row[1], [])
                    }
                    let notNull: Int = row[4]
                    let primaryKey: Int = row[5]
                    current?.columns.append(ColumnSchema(name: row[2], type: row[3], nullable: notNull == 0 && primaryKey == 0))
                }
                if let done = current { tables.append(TableSchema(schema: "main", name: done.name, kind: done.kind, columns: done.columns)) }
                return tables
            }
            return TableSchema.sortedByName(tables)
        } catch let error as DatabaseError {
            throw Self.map(error, limits: QueryLimits(), subject: sqlGuard.subject)
        }
    }

    /// Nothing runs in the background for SQLite; returns when the calling task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// About what the current row of `statement` takes as JSON: text as is, blobs in base64, numbers
    /// at most 24 characters, with quotes and commas.
    private static func jsonBytes(of statement: Statement) -> Int {
        var total = 2
        for index in 0..<statement.columnCount {
            let column = Int32(index)
            switch sqlite3_column_type(statement.sqliteStatement, column) {
            case SQLITE_NULL: total += 5
            case SQLITE_INTEGER, SQLITE_FLOAT: total += 25
            case SQLITE_BLOB: total += (Int(sqlite3_column_bytes(statement.sqliteStatement, column)) + 2) / 3 * 4 + 3
            default: total += Int(sqlite3_column_bytes(statement.sqliteStatement, column)) + 3
            }
        }
        return total
    }

    private static func json(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: .null
        case .int64(let i): .int(i)
        case .double(let d): d.isFinite ? .double(d) : .string(d > 0 ? "Infinity" : "-Infinity")
        case .string(let s): .string(s)
        case .blob(let data): .string(data.base64EncodedString())
        }
    }

    private static func storageClass(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: ""
        case .int64: "INTEGER"
        case .double: "REAL"
        case .string: "TEXT"
        case .blob: "BLOB"
        }
    }

    private static func map(_ error: DatabaseError, limits: QueryLimits, subject: String) -> SystemDatabaseError {
        let code = "SQLITE \(error.extendedResultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_INTERRUPT:
            return .timeout(limits.timeout)
        case .SQLITE_READONLY:
            return SystemDatabaseError(
                .readOnlyViolation, "SQLite refused to write: \(subject) is opened read-only. Only SELECT queries are possible.",
                databaseCode: code)
        case .SQLITE_TOOBIG:
            return .tooLarge("a string or blob would pass \(SQLiteLimits.valueBytes >> 20) MiB", databaseCode: code)
        case .SQLITE_NOMEM:
            return .tooLarge("SQLite reached the memory this server gives it", databaseCode: code)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return SystemDatabaseError(
                .unavailable, "The SQLite database is locked by a writer (CloverDX Server). Try again in a moment.", databaseCode: code)
        default:
            return SystemDatabaseError(
                .queryFailed, "SQLite: \(error.message ?? "\(error.resultCode)"). Fix the query and try again.", databaseCode: code)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// CLOCK_MONOTONIC in nanoseconds; callable from the C progress handler, which cannot capture.
private func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
