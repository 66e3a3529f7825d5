/// Why a log-table request failed after its SQL was admitted and its log was read. (A refused
/// statement is `SQLRejected`; a bad or missing log is `LogCatalogueError`.)
public struct LogTableError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; a struct so cases can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String

        /// SQLite could not run the query (unknown table or column, syntax error, a bad REGEXP pattern).
        public static let invalidQuery = Code(description: "invalidQuery")
        /// The query ran past its timeout before returning a row.
        public static let timeout = Code(description: "timeout")
        /// The table could not be built or queried for another reason.
        public static let failed = Code(description: "failed")
    }

    public let code: Code
    /// What went wrong and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
