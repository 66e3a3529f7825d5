/// Why the catalogue refused a request. ``description`` says what was wrong and what is allowed.
public struct LogCatalogueError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, e.g. `invalidLogID`.
        public let description: String

        /// The log ID is malformed: a path, `..`, a NUL byte, a bad run ID.
        public static let invalidLogID = Code(description: "invalidLogID")
        /// The log ID is well formed but no file of that log exists.
        public static let unknownLog = Code(description: "unknownLog")
        /// A log file resolves (through a symlink) outside its log directory.
        public static let outsideRoot = Code(description: "outsideRoot")
        /// The cursor was not issued for this log and query, or was altered.
        public static let invalidCursor = Code(description: "invalidCursor")
        /// A query parameter is out of range or the regex does not compile.
        public static let invalidQuery = Code(description: "invalidQuery")
        /// A file could not be opened or read.
        public static let unreadable = Code(description: "unreadable")
    }

    /// What kind of failure this is, for callers that act on it.
    public let code: Code
    /// What went wrong and what is allowed instead, for the user.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static let allowedIDs = "all, worker, node, user-action, server-audit, server-integration, data-service, monitor, "
        + "remote-data-manager, performance, job-queue, access, catalina, worker_<node> or job/<runId> "
        + "(runId: digits with an optional leading '-')"

    static func invalidCursor(_ reason: String) -> LogCatalogueError {
        LogCatalogueError(.invalidCursor, "cursor is not valid for this search: \(reason); repeat the search without a cursor to start over")
    }
}
