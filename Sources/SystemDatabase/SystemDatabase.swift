import JSON

/// Read-only access to the CloverDX Server system database: guarded queries and schema listing.
///
/// Implementations refuse anything but one read-only query (`ReadOnlySQLGuard`), run it in a
/// read-only session with a timeout, and stop reading at the row and byte caps, so a million-row
/// result is never held in memory.
///
/// Lifecycle: whoever owns the database calls `run()` in a long-running task (the host wraps it in
/// a service of its `ServiceGroup`: `cancelWhenGracefulShutdown { await database.run() }`) and
/// cancels that task on shutdown. Queries issued while `run()` is not running wait, then fail with
/// `SystemDatabaseError.Code.unavailable` at their timeout.
public protocol SystemDatabase: Sendable {
    /// Which SQL the database speaks; the guard and the model's SQL follow it.
    var dialect: SQLDialect { get }

    /// Runs one read-only query within `limits`.
    ///
    /// - Throws: `SQLRejected` when the guard refuses the SQL (nothing was sent);
    ///   `SystemDatabaseError` for timeouts, connection failures and errors the database reported.
    func query(_ sql: String, limits: QueryLimits) async throws -> QueryResult

    /// Tables and views with their columns, ordered by schema, table name and column position.
    ///
    /// - Parameter tablePattern: an SQL `LIKE` pattern matched case-insensitively against table names
    ///   (`run_%`, `%user%`; `\` escapes `%` and `_`); nil lists every table.
    func schema(tablePattern: String?) async throws -> [TableSchema]

    /// Background work (PostgreSQL's connection pool) until the calling task is cancelled.
    func run() async
}

extension SystemDatabase {
    /// Runs one read-only query with the default limits.
    public func query(_ sql: String) async throws -> QueryResult {
        try await query(sql, limits: QueryLimits())
    }

    /// Every table and view with its columns.
    public func schema() async throws -> [TableSchema] {
        try await schema(tablePattern: nil)
    }
}

/// How much one query may return and how long it may run. Values outside the allowed ranges are
/// clamped, so a limit a model asks for can be passed through as is.
public struct QueryLimits: Sendable, Hashable {
    /// Rows returned at most: default 500, clamped to 1…10 000.
    public var maxRows: Int {
        didSet { maxRows = Self.clamp(maxRows, Self.maxRowsRange) }
    }
    /// Approximate size of the rows as JSON, at most: default 1 MiB, clamped to 1 KiB…64 MiB.
    public var maxBytes: Int {
        didSet { maxBytes = Self.clamp(maxBytes, Self.maxBytesRange) }
    }
    /// How long the query may run on the server: default 10 s, clamped to 100 ms…5 min.
    public var timeout: Duration {
        didSet { timeout = Self.clamp(timeout, Self.timeoutRange) }
    }

    public static let maxRowsRange = 1...10_000
    public static let maxBytesRange = 1024...(64 << 20)
    public static let timeoutRange = Duration.milliseconds(100)...Duration.seconds(300)

    public init(maxRows: Int = 500, maxBytes: Int = 1 << 20, timeout: Duration = .seconds(10)) {
        self.maxRows = Self.clamp(maxRows, Self.maxRowsRange)
        self.maxBytes = Self.clamp(maxBytes, Self.maxBytesRange)
        self.timeout = Self.clamp(timeout, Self.timeoutRange)
    }

    private static func clamp<T: Comparable>(_ value: T, _ range: ClosedRange<T>) -> T {
        min(max(value, range.lowerBound), range.upperBound)
    }

    var timeoutMilliseconds: Int64 {
        let (seconds, attoseconds) = timeout.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// A column of a query result.
public struct ResultColumn: Sendable, Hashable {
    public let name: String
    /// The engine's type name: `bigint`, `timestamp without time zone` (PostgreSQL); the declared
    /// type, or the storage class of the first value for expressions (SQLite); empty when unknown.
    public let type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}

/// Why a result holds fewer rows than the query produced.
public enum TruncationReason: String, Sendable, Hashable {
    /// `QueryLimits.maxRows` rows were returned and there were more.
    case rowLimit
    /// The next row would have passed `QueryLimits.maxBytes`.
    case byteLimit
    /// The timeout passed after some rows had arrived; they are the first rows of the result.
    case timeLimit
}

/// The rows of one query, as JSON values.
///
/// Values: integers as `.int`, floating-point as `.double` (NaN and infinities as strings), numeric
/// as `.int` or `.double` when that is exact and as `.string` otherwise, text as `.string`, booleans
/// as `.bool` (SQLite has none: 0/1), timestamps as ISO 8601 text (`Z` for `timestamptz`), bytea and
/// blobs as base64 text, json/jsonb and arrays as JSON, other PostgreSQL types as their JSON form.
public struct QueryResult: Sendable, Hashable {
    public let columns: [ResultColumn]
    public let rows: [[JSONValue]]
    /// True when the query produced more rows than returned.
    public let truncated: Bool
    /// Why, when `truncated`.
    public let truncationReason: TruncationReason?
    /// From sending the query to having the last row returned.
    public let elapsed: Duration

    public init(columns: [ResultColumn], rows: [[JSONValue]], truncationReason: TruncationReason?, elapsed: Duration) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncationReason != nil
        self.truncationReason = truncationReason
        self.elapsed = elapsed
    }
}

/// A table or view and its columns.
public struct TableSchema: Sendable, Hashable {
    /// `public` and the like on PostgreSQL, `main` on SQLite.
    public let schema: String
    public let name: String
    /// `table` or `view`.
    public let kind: String
    public let columns: [ColumnSchema]

    public init(schema: String, name: String, kind: String, columns: [ColumnSchema]) {
        self.schema = schema
        self.name = name
        self.kind = kind
        self.columns = columns
    }
}

/// A column of a table or view.
public struct ColumnSchema: Sendable, Hashable {
    public let name: String
    /// The declared type: `character varying(255)`, `bigint`, `TEXT`.
    public let type: String
    public let nullable: Bool

    public init(name: String, type: String, nullable: Bool) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

extension TableSchema {
    /// By schema, then name, comparing bytes, so both engines list tables in the same order
    /// whatever their collation.
    static func sortedByName(_ tables: [TableSchema]) -> [TableSchema] {
        tables.sorted { a, b in
            a.schema != b.schema
                ? a.schema.utf8.lexicographicallyPrecedes(b.schema.utf8)
                : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }
}
