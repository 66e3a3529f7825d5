/// One log entry as logs.search, logs.tail and logs.window return it: the first line's parsed prefix
/// plus the whole entry text (continuation lines such as stack traces included).
public struct LogEntry: Codable, Sendable, Equatable {
    /// Server wall-clock time `yyyy-MM-dd HH:mm:ss.SSS`; nil for a line without a readable prefix.
    public let time: String?
    public let level: String?
    public let thread: String?
    public let logger: String?
    /// The text after the prefix, continuation lines included.
    public let message: String
    /// The entry exactly as written (lines joined with `\n`).
    public let text: String
    public let file: String
    /// 1-based line of the entry's first line; nil when the host read the file backwards (tail).
    public let line: Int?
    /// The host cut the entry at its per-entry cap; `text` ends with a marker saying how much is missing.
    public let truncated: Bool

    public init(time: String?, level: String?, thread: String?, logger: String?, message: String, text: String,
                file: String, line: Int?, truncated: Bool = false) {
        (self.time, self.level, self.thread, self.logger) = (time, level, thread, logger)
        (self.message, self.text, self.file, self.line, self.truncated) = (message, text, file, line, truncated)
    }
}

/// A page of log entries: the answer of logs.search, logs.tail and logs.window.
public struct LogPage: Codable, Sendable, Equatable {
    /// Why the page stopped short.
    public struct Truncation: Codable, Sendable, Equatable {
        /// Some entry's text was cut at the per-entry cap.
        public let entryText: Bool
        /// The page reached its byte budget (maxBytes).
        public let pageBytes: Bool
        /// The page reached its entry limit.
        public let limit: Bool
    }
    public let entries: [LogEntry]
    public let matched: Int
    public let scannedBytes: Int
    public let totalBytes: Int
    public let truncated: Truncation
    public let warnings: [String]
    /// Where the next page starts; pass it back as `cursor`. Absent on the last page.
    public let nextCursor: String?
}

let logPageExample = LogPage(
    entries: [LogEntry(time: "2026-12-07 02:10:07.123", level: "ERROR", thread: "WatchDog_42", logger: "c.c.g.r.WatchDog",
                       message: "Graph execution failed\n\tat org.jetel.graph.Phase.run(Phase.java:120)",
                       text: "2026-12-07 02:10:07,123 ERROR [WatchDog_42] c.c.g.r.WatchDog Graph execution failed\n\tat org.jetel.graph.Phase.run(Phase.java:120)",
                       file: "all.log", line: 1812)],
    matched: 1, scannedBytes: 1_048_576, totalBytes: 8_388_608, truncated: .init(entryText: false, pageBytes: false, limit: true),
    warnings: [], nextCursor: "eyJmIjoiYWxsLmxvZyIsIm8iOjEwNDg1NzZ9")

let logPageNotes: [(field: String, note: String)] = [
    ("entries", "the entries, oldest first"),
    ("entries[].time", "server wall clock yyyy-MM-dd HH:mm:ss.SSS; null when the line has no readable prefix"),
    ("entries[].level", "ERROR, WARN, INFO, DEBUG, TRACE; null without a prefix"),
    ("entries[].thread", "the thread in brackets; null without one"),
    ("entries[].logger", "the logger (class) name; null without a prefix"),
    ("entries[].message", "the text after the prefix, continuation lines included"),
    ("entries[].text", "the entry exactly as written, lines joined with \\n"),
    ("entries[].file", "the file it came from (all.log, all.log.1, …)"),
    ("entries[].line", "1-based line of its first line; null when read backwards (tail)"),
    ("entries[].truncated", "the entry was cut at the per-entry cap; text says how much is missing"),
    ("matched", "entries matched so far (this page and those before it)"),
    ("scannedBytes", "bytes read to make this page"),
    ("totalBytes", "bytes in the log's files"),
    ("truncated", "why the page stopped short"),
    ("truncated.entryText", "some entry's text was cut"),
    ("truncated.pageBytes", "the page reached maxBytes"),
    ("truncated.limit", "the page reached its entry limit"),
    ("warnings", "files that could not be read, lines that did not parse"),
    ("nextCursor", "pass back as cursor for the next page; absent on the last one"),
]

extension HostServices {
    /// "logs.list": the logs there are, by ID.
    public enum LogsList: HostServiceContract {
        public static let name = "logs.list"
        public static let grant = "logs.read"
        public static let summary = "The installation's logs by ID (all, worker, node, user-action, catalina, access, performance, job-queue, …) with their files, sizes and time spans. Plugins name logs by ID, never by path."

        public struct Answer: Codable, Sendable, Equatable {
            public struct Log: Codable, Sendable, Equatable {
                public struct File: Codable, Sendable, Equatable {
                    public let name: String
                    public let bytes: Int
                }
                public let id: String
                public let category: String
                public let files: [File]
                public let bytes: Int
                public let firstTime: String?
                public let lastTime: String?
            }
            public let logs: [Log]
        }

        public static let exampleRequest = NoFields()
        public static let exampleAnswer = Answer(logs: [
            .init(id: "all", category: "server", files: [.init(name: "all.log", bytes: 8_388_608), .init(name: "all.log.1", bytes: 10_485_760)],
                  bytes: 18_874_368, firstTime: "2026-12-01 00:00:01.000", lastTime: "2026-12-07 09:59:58.412"),
        ])
        public static let requestNotes: [(field: String, note: String)] = []
        public static let answerNotes: [(field: String, note: String)] = [
            ("logs", "every log the host can read"), ("logs[].id", "the ID other services take as log"),
            ("logs[].category", "server, tomcat, access, performance, job, …"),
            ("logs[].files", "its files, newest first (rotated and .gz files included)"),
            ("logs[].files[].name", "the file name"), ("logs[].files[].bytes", "its size"),
            ("logs[].bytes", "all its files together"),
            ("logs[].firstTime", "the oldest entry's server wall-clock time; null when unknown"),
            ("logs[].lastTime", "the newest entry's; null when unknown"),
        ]
    }
}

extension HostServices {
    /// "logs.search": entries of one log by time, level, regex and text, paged.
    public enum LogsSearch: HostServiceContract {
        public static let name = "logs.search"
        public static let grant = "logs.read"
        public static let summary = "Entries of one log filtered by time, level, regular expression and text, oldest first, in pages (cursor)."

        public struct Request: Codable, Sendable, Equatable {
            public var log: String
            public var from: String?
            public var to: String?
            public var levels: [String]?
            public var regex: String?
            public var text: String?
            public var limit: Int?
            public var cursor: String?
            public var maxBytes: Int?
            public init(log: String, from: String? = nil, to: String? = nil, levels: [String]? = nil, regex: String? = nil,
                        text: String? = nil, limit: Int? = nil, cursor: String? = nil, maxBytes: Int? = nil) {
                (self.log, self.from, self.to, self.levels, self.regex) = (log, from, to, levels, regex)
                (self.text, self.limit, self.cursor, self.maxBytes) = (text, limit, cursor, maxBytes)
            }
        }
        public typealias Answer = LogPage

        public static let exampleRequest = Request(log: "all", from: "2026-12-07 02:00:00", to: "2026-12-07 03:00:00", levels: ["ERROR", "WARN"],
                                                   regex: "Graph.*failed", text: "WatchDog", limit: 50, cursor: "eyJmIjoiYWxsLmxvZyIsIm8iOjUxMn0", maxBytes: 262_144)
        public static let exampleAnswer = logPageExample
        public static let requestNotes: [(field: String, note: String)] = [
            ("log", "a log ID from logs.list"),
            ("from", "entries at or after this server wall-clock time (yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601)"),
            ("to", "entries before this time"),
            ("levels", "only these levels (ERROR, WARN, INFO, DEBUG, TRACE)"),
            ("regex", "a Perl-compatible regular expression the entry text must match (PCRE2, backtracking-bounded)"),
            ("text", "a substring the entry text must contain, case-insensitive"),
            ("limit", "entries per page (default 100)"),
            ("cursor", "the nextCursor of the previous page"),
            ("maxBytes", "the page's byte budget"),
        ]
        public static let answerNotes = logPageNotes
    }
}

extension HostServices {
    /// "logs.tail": the newest entries of one log.
    public enum LogsTail: HostServiceContract {
        public static let name = "logs.tail"
        public static let grant = "logs.read"
        public static let summary = "The newest entries of one log, read backwards from its end."

        public struct Request: Codable, Sendable, Equatable {
            public var log: String
            public var entries: Int?
            public init(log: String, entries: Int? = nil) { (self.log, self.entries) = (log, entries) }
        }
        public typealias Answer = LogPage

        public static let exampleRequest = Request(log: "all", entries: 20)
        public static let exampleAnswer = logPageExample
        public static let requestNotes: [(field: String, note: String)] = [
            ("log", "a log ID from logs.list"), ("entries", "how many of the newest entries (default 100)"),
        ]
        public static let answerNotes = logPageNotes
    }
}

extension HostServices {
    /// "logs.window": the entries around one moment.
    public enum LogsWindow: HostServiceContract {
        public static let name = "logs.window"
        public static let grant = "logs.read"
        public static let summary = "The entries of one log around a moment: what happened just before and after an error."

        public struct Request: Codable, Sendable, Equatable {
            public var log: String
            public var around: String
            public var beforeSeconds: Double?
            public var afterSeconds: Double?
            public var limit: Int?
            public init(log: String, around: String, beforeSeconds: Double? = nil, afterSeconds: Double? = nil, limit: Int? = nil) {
                (self.log, self.around, self.beforeSeconds, self.afterSeconds, self.limit) = (log, around, beforeSeconds, afterSeconds, limit)
            }
        }
        public typealias Answer = LogPage

        public static let exampleRequest = Request(log: "all", around: "2026-12-07 02:10:07", beforeSeconds: 30, afterSeconds: 10, limit: 200)
        public static let exampleAnswer = logPageExample
        public static let requestNotes: [(field: String, note: String)] = [
            ("log", "a log ID from logs.list"), ("around", "the moment, server wall-clock time"),
            ("beforeSeconds", "how far back (default 60)"), ("afterSeconds", "how far ahead (default 60)"),
            ("limit", "at most this many entries (default 100)"),
        ]
        public static let answerNotes = logPageNotes
    }
}

/// One column of a query answer.
public struct QueryColumn: Codable, Sendable, Equatable {
    public let name: String
    /// The database's type name (TEXT, INTEGER, timestamp, …).
    public let type: String
}

extension HostServices {
    /// "logs.table": SQL over a structured log's window.
    public enum LogsTable: HostServiceContract {
        public static let name = "logs.table"
        public static let grant = "logs.read"
        public static let summary = """
            One read-only SELECT over the records of a structured log (performance, job-queue, access, user-action) in a time window, \
            loaded into an in-memory SQLite table named after the log ('-' as '_'). Columns: time TEXT "yyyy-MM-dd HH:mm:ss.SSS", then \
            performance: hbAge, cGC, wGC, cHeap, wHeap, sysCPU, cCPU, wCPU, jobs, jobQueue, cThread, wThread, swap, cFD, wFD, cUptime, wUptime \
            (NULL where a sample lacks the key); job_queue: queued, running, started, cpu, loadStep, queueExecutions, avgCpu, coreLowMem, \
            workerLowMem (0/1), nonBlockedJobs; access: client, user, method, path, query, protocol, status, bytes, duration_ms (NULL without %D); \
            user_action: user, domain, ip, action, result, message. Besides SQLite's functions (window functions included): text REGEXP pattern \
            (PCRE2) and percentile(value, fraction 0..1) (nearest rank). Loading stops at 1,000,000 rows.
            """

        public struct Request: Codable, Sendable, Equatable {
            public var log: String
            public var from: String?
            public var to: String?
            public var sql: String
            public var maxRows: Int?
            public var maxBytes: Int?
            public var timeoutMs: Int?
            public init(log: String, from: String? = nil, to: String? = nil, sql: String, maxRows: Int? = nil, maxBytes: Int? = nil, timeoutMs: Int? = nil) {
                (self.log, self.from, self.to, self.sql) = (log, from, to, sql)
                (self.maxRows, self.maxBytes, self.timeoutMs) = (maxRows, maxBytes, timeoutMs)
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let table: String
            public let columns: [QueryColumn]
            public let rows: [[PluginJSON]]
            public let truncated: Bool
            public let truncationReason: String?
            public let loadedRows: Int
            public let loadTruncated: Bool
            public let firstTime: String?
            public let lastTime: String?
            public let elapsedMs: Int
            public let warnings: [String]
        }

        public static let exampleRequest = Request(log: "performance", from: "2026-12-07 00:00:00", to: "2026-12-07 06:00:00",
                                                   sql: "SELECT max(wHeap) AS peak FROM performance", maxRows: 100, maxBytes: 65_536, timeoutMs: 5_000)
        public static let exampleAnswer = Answer(
            table: "performance", columns: [.init(name: "peak", type: "INTEGER")], rows: [[.number(3_912)]], truncated: true,
            truncationReason: "rowLimit", loadedRows: 4_320, loadTruncated: false, firstTime: "2026-12-07 00:00:04.000",
            lastTime: "2026-12-07 05:59:59.000", elapsedMs: 38, warnings: [])
        public static let requestNotes: [(field: String, note: String)] = [
            ("log", "performance, job-queue, access or user-action"),
            ("from", "the window's start, server wall clock yyyy-MM-dd HH:mm:ss[.SSS]"), ("to", "its end"),
            ("sql", "one SELECT over the table"), ("maxRows", "rows returned at most (default 1000)"),
            ("maxBytes", "answer bytes at most"), ("timeoutMs", "the query's time limit")
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("table", "the table's name"), ("columns", "the result's columns"), ("columns[].name", "the column name"),
            ("columns[].type", "its SQLite type"), ("rows", "the rows, cells as JSON values"),
            ("truncated", "rows were left out"), ("truncationReason", "rowLimit, byteLimit or timeLimit; absent when not truncated"),
            ("loadedRows", "records of the window loaded into the table"),
            ("loadTruncated", "loading stopped at the row cap: narrow the window"),
            ("firstTime", "the first loaded record's time"), ("lastTime", "the last one's (where loading stopped)"),
            ("elapsedMs", "time spent"), ("warnings", "lines that did not parse, counted"),
        ]
    }
}
