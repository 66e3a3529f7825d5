/// Why `ReadOnlySQLGuard` refused a statement. Nothing was sent to the database.
///
/// `description` is written for the model that wrote the SQL: what is not allowed and what to send
/// instead. Match on `reason` (`error.reason == .multipleStatements`).
public struct SQLRejected: Error, Sendable, CustomStringConvertible, Equatable {
    /// The rule the statement broke; a struct so rules can be added without breaking callers.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case empty, tooLong, malformed, notAQuery, multipleStatements, dataModifying, selectInto, lockingClause, forbiddenFunction
        }

        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// Only whitespace and comments.
        public static let empty = Reason(.empty)
        /// Longer than ``ReadOnlySQLGuard/maxStatementBytes``.
        public static let tooLong = Reason(.tooLong)
        /// An unterminated string, quoted identifier or comment, or a NUL byte.
        public static let malformed = Reason(.malformed)
        /// The statement is not SELECT, WITH … SELECT, VALUES or TABLE (INSERT, DROP, SET, EXPLAIN, …).
        public static let notAQuery = Reason(.notAQuery)
        /// More than one statement.
        public static let multipleStatements = Reason(.multipleStatements)
        /// INSERT, UPDATE, DELETE or MERGE inside the query (a data-modifying WITH).
        public static let dataModifying = Reason(.dataModifying)
        /// `SELECT … INTO`, which creates a table.
        public static let selectInto = Reason(.selectInto)
        /// `FOR UPDATE`, `FOR SHARE`, `FOR NO KEY UPDATE`, `FOR KEY SHARE`: row locks.
        public static let lockingClause = Reason(.lockingClause)
        /// A call to a function that reads files, changes state or reaches outside the database.
        public static let forbiddenFunction = Reason(.forbiddenFunction)

        public var description: String { base.rawValue }
    }

    /// The rule the statement broke.
    public let reason: Reason
    /// What is not allowed and what to do instead.
    public let message: String

    init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}
