/// Why a system database could not be opened or a query did not complete.
///
/// A struct around a private enum so cases can be added without breaking callers; match on
/// `code`, show `description` (what went wrong and what to do).
public struct SystemDatabaseError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for matching: `error.code == .timeout`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case timeout, queryFailed, tooLarge, readOnlyViolation, unavailable, unsupportedEngine, invalidURL, notFound
        }

        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The query ran longer than `QueryLimits.timeout` and was cancelled before any row arrived.
        public static let timeout = Code(.timeout)
        /// The database refused or failed the query (a syntax error, an unknown column, …).
        public static let queryFailed = Code(.queryFailed)
        /// A value, a row or the query's working memory grew past a limit of the host or the database.
        public static let tooLarge = Code(.tooLarge)
        /// The statement tried to write; the session is read-only.
        public static let readOnlyViolation = Code(.readOnlyViolation)
        /// No connection: the server is down, unreachable, refused the login, or `run()` is not running.
        public static let unavailable = Code(.unavailable)
        /// The JDBC URL names an engine other than PostgreSQL or SQLite.
        public static let unsupportedEngine = Code(.unsupportedEngine)
        /// The JDBC URL cannot be read.
        public static let invalidURL = Code(.invalidURL)
        /// The SQLite database file does not exist or cannot be opened.
        public static let notFound = Code(.notFound)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What went wrong and what to do.
    public let message: String
    /// The SQLSTATE (PostgreSQL) or extended result code (SQLite) the database reported, if any.
    public let databaseCode: String?

    init(_ code: Code, _ message: String, databaseCode: String? = nil) {
        self.code = code
        self.message = message
        self.databaseCode = databaseCode
    }

    public var description: String { message }

    static func timeout(_ limit: Duration) -> SystemDatabaseError {
        SystemDatabaseError(
            .timeout,
            "The query ran longer than its \(limit.secondsText) timeout and was cancelled. Make it cheaper: add a WHERE on an indexed column (id, submit_time), a LIMIT, or fewer joins."
        )
    }

    /// The database stopped the query at one of its limits; `cause` says which, in its own words.
    static func tooLarge(_ cause: String, databaseCode: String?) -> SystemDatabaseError {
        SystemDatabaseError(
            .tooLarge,
            "The query needs more than one call may use (\(cause)). Select less: part of a long value (substr), its length, fewer columns or rows, a simpler expression.",
            databaseCode: databaseCode)
    }

    /// A row that alone is larger than the answer may be; it was measured, not read.
    static func rowTooLarge(bytes: Int, limit: Int) -> SystemDatabaseError {
        SystemDatabaseError(
            .tooLarge,
            "The first row is about \(bytes) bytes as JSON, more than the \(limit) bytes one answer may hold. Select fewer or shorter columns: substr(column, 1, 1000), length(column).")
    }
}

extension Duration {
    /// `10 s`, `1.5 s`, `250 ms`.
    var secondsText: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
