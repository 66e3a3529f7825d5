import GRDB
import GRDBSQLite

/// The limits every SQLite connection we run a caller's SQL on carries, so that one statement can
/// neither grow the process by gigabytes nor spend its time inside a single step, where the
/// statement timeout (a progress handler between steps) cannot reach it.
///
/// SQLite's defaults are sized for applications that trust their SQL: a string or blob may reach
/// 1 GB (`zeroblob(1e9)`, `printf('%.*c', 9e8, 'x')` build one in one step), a statement 1 GB, an
/// expression 1,000 levels deep. Ours comes from an agent, so each limit is cut to what a
/// troubleshooting query needs, and the whole of SQLite's heap has a ceiling too.
public enum SQLiteLimits {
    /// The largest string or blob a statement may build or return (`SQLITE_LIMIT_LENGTH`).
    public static let valueBytes: Int32 = 8 << 20
    /// The longest statement SQLite accepts; the read-only guard refuses longer ones first.
    public static let statementBytes: Int32 = Int32(ReadOnlySQLGuard.maxStatementBytes)
    /// How deep an expression tree may nest (`SQLITE_LIMIT_EXPR_DEPTH`).
    public static let expressionDepth: Int32 = 100
    /// How many SELECTs a compound (`UNION`, `INTERSECT`, …) may join.
    public static let compoundSelects: Int32 = 50
    /// The most arguments one function call takes.
    public static let functionArguments: Int32 = 32
    /// The longest `LIKE` or `GLOB` pattern: matching costs up to pattern × text in one step.
    public static let likePatternBytes: Int32 = 200
    /// The most virtual-machine instructions in one prepared statement.
    public static let statementInstructions: Int32 = 50_000

    /// Applies the per-connection limits; no databases may be attached either, so SQL cannot reach a file.
    public static func apply(to db: Database) {
        let connection = db.sqliteConnection
        for (limit, value) in [
            (SQLITE_LIMIT_LENGTH, valueBytes), (SQLITE_LIMIT_SQL_LENGTH, statementBytes),
            (SQLITE_LIMIT_EXPR_DEPTH, expressionDepth), (SQLITE_LIMIT_COMPOUND_SELECT, compoundSelects),
            (SQLITE_LIMIT_FUNCTION_ARG, functionArguments), (SQLITE_LIMIT_LIKE_PATTERN_LENGTH, likePatternBytes),
            (SQLITE_LIMIT_VDBE_OP, statementInstructions), (SQLITE_LIMIT_ATTACHED, 0),
        ] {
            sqlite3_limit(connection, limit, value)
        }
    }

    /// The default ceiling of SQLite's heap in this process, all connections together.
    public static let defaultHeapMegabytes = 256

    /// Caps the memory SQLite may hold in this process: past it, an allocation fails and the statement
    /// that asked ends with "out of memory" while every other connection goes on. At three quarters of
    /// it, SQLite starts giving back page cache first.
    public static func limitHeap(megabytes: Int) {
        let bytes = Int64(megabytes) << 20
        sqlite3_hard_heap_limit64(bytes)
        sqlite3_soft_heap_limit64(bytes / 4 * 3)
    }
}
