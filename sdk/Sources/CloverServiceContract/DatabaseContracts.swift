extension HostServices {
    /// "sql.query": one read-only SELECT on the CloverDX system database.
    public enum SQLQuery: HostServiceContract {
        public static let name = "sql.query"
        public static let grant = "sql.read"
        public static let summary = "One read-only SELECT (or WITH … SELECT) on the CloverDX system database, SQLite or PostgreSQL, through the host's guard: anything else is refused."

        public struct Request: Codable, Sendable, Equatable {
            public var sql: String
            public var maxRows: Int?
            public var maxBytes: Int?
            public var timeoutMs: Int?
            public init(sql: String, maxRows: Int? = nil, maxBytes: Int? = nil, timeoutMs: Int? = nil) {
                (self.sql, self.maxRows, self.maxBytes, self.timeoutMs) = (sql, maxRows, maxBytes, timeoutMs)
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let columns: [QueryColumn]
            public let rows: [[PluginJSON]]
            public let truncated: Bool
            public let truncationReason: String?
            public let elapsedMs: Int
        }

        public static let exampleRequest = Request(sql: "SELECT id, status FROM run_record ORDER BY id DESC", maxRows: 20, maxBytes: 65_536, timeoutMs: 5_000)
        public static let exampleAnswer = Answer(columns: [.init(name: "id", type: "INTEGER"), .init(name: "status", type: "TEXT")],
                                                 rows: [[.number(1042), .string("ERROR")]], truncated: true, truncationReason: "rowLimit", elapsedMs: 3)
        public static let requestNotes: [(field: String, note: String)] = [
            ("sql", "one SELECT statement"), ("maxRows", "rows returned at most"), ("maxBytes", "answer bytes at most"),
            ("timeoutMs", "the statement's time limit")
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("columns", "the result's columns"), ("columns[].name", "the column name"),
            ("columns[].type", "the database's type name"), ("rows", "the rows, cells as JSON values (timestamps as text)"),
            ("truncated", "rows were left out"), ("truncationReason", "rowLimit, byteLimit or timeLimit; absent when not truncated"),
            ("elapsedMs", "time spent"),
        ]
    }
}

extension HostServices {
    /// "sql.schema": the system database's tables and columns.
    public enum SQLSchema: HostServiceContract {
        public static let name = "sql.schema"
        public static let grant = "sql.read"
        public static let summary = "The system database's tables (and views) with their columns."

        public struct Request: Codable, Sendable, Equatable {
            public var tablePattern: String?
            public init(tablePattern: String? = nil) { self.tablePattern = tablePattern }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public struct Table: Codable, Sendable, Equatable {
                public struct Column: Codable, Sendable, Equatable {
                    public let name: String
                    public let type: String
                    public let nullable: Bool
                }
                public let schema: String
                public let name: String
                public let kind: String
                public let columns: [Column]
            }
            public let engine: String
            public let tables: [Table]
        }

        public static let exampleRequest = Request(tablePattern: "run_%")
        public static let exampleAnswer = Answer(engine: "postgresql", tables: [
            .init(schema: "public", name: "run_record", kind: "table", columns: [.init(name: "id", type: "bigint", nullable: false)]),
        ])
        public static let requestNotes: [(field: String, note: String)] = [
            ("tablePattern", "an SQL LIKE pattern on table names; all tables when absent")
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("engine", "sqlite or postgresql"), ("tables", "the tables, by name"),
            ("tables[].schema", "the schema (main on SQLite)"), ("tables[].name", "the table name"),
            ("tables[].kind", "table or view"), ("tables[].columns", "its columns in order"),
            ("tables[].columns[].name", "the column name"), ("tables[].columns[].type", "its declared type"),
            ("tables[].columns[].nullable", "whether it may be NULL"),
        ]
    }
}

extension HostServices {
    /// "http.request": CloverDX's REST API at the configured base URL.
    public enum HTTPRequest: HostServiceContract {
        public static let name = "http.request"
        public static let grant = "http.cloverdx"
        public static let summary = "A request to CloverDX's REST API. The path is relative to the configured base URL (installation.info's restAPI): plugins never name a host."

        public struct Request: Codable, Sendable, Equatable {
            public var method: String?
            public var path: String
            public var headers: [String: String]?
            public var body: String?
            public var timeoutMs: Int?
            public init(method: String? = nil, path: String, headers: [String: String]? = nil, body: String? = nil, timeoutMs: Int? = nil) {
                (self.method, self.path, self.headers, self.body, self.timeoutMs) = (method, path, headers, body, timeoutMs)
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let status: Int
            public let headers: [String: String]
            public let body: String
        }

        public static let exampleRequest = Request(method: "GET", path: "api/rest/v1/executions?limit=5", headers: ["Accept": "application/json"],
                                                   body: "", timeoutMs: 10_000)
        public static let exampleAnswer = Answer(status: 200, headers: ["content-type": "application/json"], body: "{\"executions\":[]}")
        public static let requestNotes: [(field: String, note: String)] = [
            ("method", "GET (default), HEAD, POST, PUT, PATCH or DELETE"), ("path", "relative to the base URL, e.g. api/rest/v1/executions"),
            ("headers", "extra request headers"), ("headers.*", "a header's value, by its name"), ("body", "the request body, text"), ("timeoutMs", "the request's time limit")
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("status", "the HTTP status"), ("headers", "the response headers"), ("headers.*", "a header's value, by its name in lower case"), ("body", "the response body, text"),
        ]
    }
}
