/// What to look for in one log. Every filter that is set must match (time range, levels, regex, text).
public struct LogQuery: Sendable, Hashable {
    /// Entries per page unless ``limit`` says otherwise.
    public static let defaultLimit = 100
    /// The most entries one page returns.
    public static let maximumLimit = 1_000
    /// Entry text per page unless ``maxBytes`` says otherwise: enough for a model, far from megabytes of log.
    public static let defaultMaxBytes = 256 * 1_024
    /// The length an entry is cut to unless ``maxEntryBytes`` says otherwise.
    public static let defaultMaxEntryBytes = 16 * 1_024

    /// The log's ID from ``LogCatalogue/list()`` or `job/<runId>`.
    public var logID: String
    /// Entries at or after this time (inclusive). With a time bound set, entries without a timestamp do not match.
    public var from: LogTimestamp?
    /// Entries at or before this time (inclusive).
    public var to: LogTimestamp?
    /// Entries of these levels; empty means any level. Entries of formats without levels never match a non-empty set.
    public var levels: Set<LogEntryLevel>
    /// A Perl-compatible (PCRE2) regular expression found anywhere in the entry; `^` and `$` match at line breaks.
    public var regex: String?
    /// Text the entry contains, compared case-insensitively.
    public var text: String?
    /// Entries per page: 1 to ``maximumLimit``; larger values are lowered to it.
    public var limit: Int
    /// Where to continue: ``LogSearchPage/nextCursor`` of the previous page of the same query.
    public var cursor: String?
    /// The most entry text (``LogEntry/rawText`` bytes) one page returns; a page always holds at least one entry.
    public var maxBytes: Int
    /// Entries longer than this are cut, with a marker, to this many bytes.
    public var maxEntryBytes: Int

    /// A query of `logID`; every filter left out matches everything.
    public init(logID: String, from: LogTimestamp? = nil, to: LogTimestamp? = nil, levels: Set<LogEntryLevel> = [],
                regex: String? = nil, text: String? = nil, limit: Int = LogQuery.defaultLimit, cursor: String? = nil,
                maxBytes: Int = LogQuery.defaultMaxBytes, maxEntryBytes: Int = LogQuery.defaultMaxEntryBytes) {
        self.logID = logID
        self.from = from
        self.to = to
        self.levels = levels
        self.regex = regex
        self.text = text
        self.limit = limit
        self.cursor = cursor
        self.maxBytes = maxBytes
        self.maxEntryBytes = maxEntryBytes
    }
}

/// How far a search has got, for a progress notification.
public struct LogScanProgress: Sendable, Hashable {
    /// Bytes of the log's files read or skipped as outside the time range (compressed size for `.gz`).
    public let processedBytes: Int64
    /// The size of all the log's files.
    public let totalBytes: Int64
}

/// One page of results.
public struct LogSearchPage: Sendable {
    /// Why a page holds less than everything that matched.
    public struct Truncation: Sendable, Hashable {
        /// At least one entry was longer than the per-entry cap and was cut.
        public var entryText = false
        /// The page stopped because its text reached `maxBytes`.
        public var pageBytes = false
        /// The page stopped because it reached `limit` entries.
        public var limit = false
    }

    /// Matching entries in file order (for ``LogCatalogue/window(_:around:before:after:limit:maxBytes:maxEntryBytes:isCancelled:)``, time order within the window).
    public var entries: [LogEntry] = []
    /// Matches returned by this page and the pages before it.
    public var matchedSoFar = 0
    /// Bytes actually read from disk for this page (compressed size for `.gz`).
    public var scannedBytes: Int64 = 0
    /// The size of all the log's files.
    public var totalBytes: Int64 = 0
    /// Pass as ``LogQuery/cursor`` to continue; nil when the search reached the end of the log.
    public var nextCursor: String?
    /// Why the page holds less than everything that matched.
    public var truncated = Truncation()
    /// Problems that did not stop the search: a damaged `.gz`, a file refused or gone.
    public var warnings: [String] = []
}
