import Logging
import Synchronization
import JSON
import PostgresNIO

/// The system database of a CloverDX Server on PostgreSQL, reached with postgres-nio.
///
/// Every query runs in its own `BEGIN READ ONLY` transaction with `SET LOCAL statement_timeout` and
/// `idle_in_transaction_session_timeout`, through a server-side cursor fetched in batches: reading
/// stops at the caps and the rest of the result is never produced. The transaction always ends
/// with ROLLBACK.
///
/// Owns a small `PostgresClient` pool. Its owner must call `run()` in a long-running task (the host
/// adds it to its `ServiceGroup`); cancelling that task closes the pool.
public final class PostgresSystemDatabase: SystemDatabase {
    public var dialect: SQLDialect { .postgreSQL }
    /// `host:port/database`, for messages.
    public let displayName: String

    private let client: PostgresClient
    private let logger: Logger
    /// How long opening one connection may take, for the pool and the probe alike.
    private static let connectTimeoutSeconds: Int64 = 5
    private let probe: PostgresConnectProbe?
    /// How long a lease may take before the probe checks whether the server is there at all.
    private let slowLease = Duration.milliseconds(300)
    private let sqlGuard = ReadOnlySQLGuard(dialect: .postgreSQL)

    /// Connection settings; nothing connects until `run()` runs and a query needs a connection.
    ///
    /// - Parameters:
    ///   - tls: require TLS and check the server certificate and host name (JDBC `ssl=true`);
    ///     false connects in plain TCP. `init(settings:)` offers the other `sslmode`s.
    ///   - maxConnections: the pool size; queries beyond it wait.
    ///   - logger: background and query logging; silent by default (stdout may carry MCP messages).
    public convenience init(
        host: String, port: Int = 5432, user: String, password: String?, database: String, tls: Bool,
        maxConnections: Int = 4, logger: Logger = SystemDatabaseLogging.silent
    ) {
        self.init(
            host: host, port: port, user: user, password: password, database: database, tlsMode: tls ? .verifyFull : .disable,
            maxConnections: maxConnections, logger: logger)
    }

    init(
        host: String, port: Int, user: String, password: String?, database: String, tlsMode: PostgresTLSMode,
        maxConnections: Int, logger: Logger
    ) {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable, .verifyFull: break
        case .prefer, .require: tlsConfiguration.certificateVerification = .none
        case .verifyCA: tlsConfiguration.certificateVerification = .noHostnameVerification
        }
        let tls: PostgresClient.Configuration.TLS =
            switch tlsMode {
            case .disable: .disable
            case .prefer: .prefer(tlsConfiguration)
            case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = max(1, maxConnections)
        configuration.options.connectTimeout = .seconds(Self.connectTimeoutSeconds)
        // A second wall behind BEGIN READ ONLY, and a name that shows in pg_stat_activity.
        configuration.options.additionalStartupParameters = [
            ("application_name", "cloverdx-mcp"), ("default_transaction_read_only", "on"),
        ]
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The probe connects as the pool does; a TLS setting that cannot make a context fails the
        // pool's own connects too, and then there is nothing to probe.
        let directTLS: PostgresConnection.Configuration.TLS? =
            switch tlsMode {
            case .disable: .disable
            case .prefer: (try? NIOSSLContext(configuration: tlsConfiguration)).map { .prefer($0) }
            case .require, .verifyCA, .verifyFull: (try? NIOSSLContext(configuration: tlsConfiguration)).map { .require($0) }
            }
        var direct = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: directTLS ?? .disable)
        direct.options.connectTimeout = .seconds(Self.connectTimeoutSeconds)
        direct.options.additionalStartupParameters = configuration.options.additionalStartupParameters
        self.probe = directTLS.map { _ in PostgresConnectProbe(configuration: direct, logger: logger) }
        self.logger = logger
        self.displayName = "\(host):\(port)/\(database)"
    }

    /// Runs the connection pool until the calling task is cancelled (or ServiceLifecycle's graceful
    /// shutdown). Call it exactly once.
    public func run() async {
        await client.run()
    }

    public func query(_ sql: String, limits: QueryLimits) async throws -> QueryResult {
        let statement = try sqlGuard.admit(sql)
        return try await run(statementText: statement.text, limits: limits)
    }

    /// Runs SQL without the guard, still read-only; tests call it to show the session refuses writes.
    func run(statementText: String, limits: QueryLimits) async throws -> QueryResult {
        let start = ContinuousClock.now
        return try await withReadOnlyTransaction(limits: limits) { connection in
            // The timeout budget starts with the transaction, not while waiting for a pooled connection.
            try await self.fetch(statementText, on: connection, limits: limits, budgetStart: .now, start: start)
        }
    }

    public func schema(tablePattern: String?) async throws -> [TableSchema] {
        // information_schema shows only what this login may read; format_type gives `character varying(255)`.
        let query: PostgresQuery = """
            SELECT c.table_schema::text, c.table_name::text, t.table_type::text, c.column_name::text,
                   format_type(a.atttypid, a.atttypmod), c.is_nullable = 'YES'
            FROM information_schema.columns AS c
            JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            JOIN pg_catalog.pg_namespace AS n ON n.nspname = c.table_schema
            JOIN pg_catalog.pg_class AS r ON r.relnamespace = n.oid AND r.relname = c.table_name
            JOIN pg_catalog.pg_attribute AS a ON a.attrelid = r.oid AND a.attname = c.column_name
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND c.table_schema NOT LIKE 'pg\\_toast%' AND c.table_schema NOT LIKE 'pg\\_temp%'
              AND (\(tablePattern)::text IS NULL OR c.table_name ILIKE \(tablePattern)::text)
            ORDER BY c.table_schema, c.table_name, c.ordinal_position
            """
        let limits = QueryLimits(timeout: .seconds(30))
        return try await withReadOnlyTransaction(limits: limits) { connection in
            var tables: [TableSchema] = []
            var current: (schema: String, name: String, kind: String, columns: [ColumnSchema])?
            for try await (schema, name, kind, column, type, nullable) in try await connection.query(query, logger: self.logger)
                .decode((String, String, String, String, String, Bool).self)
            {
                if current?.schema != schema || current?.name != name {
                    if let done = current {
                        tables.append(TableSchema(schema: done.schema, name: done.name, kind: done.kind, columns: done.columns))
                    }
                    current = (schema, name, kind == "VIEW" ? "view" : "table", [])
                }
                current?.columns.append(ColumnSchema(name: column, type: type, nullable: nullable))
            }
            if let done = current {
                tables.append(TableSchema(schema: done.schema, name: done.name, kind: done.kind, columns: done.columns))
            }
            return TableSchema.sortedByName(tables)
        }
    }

    // MARK: transaction

    /// Leases a connection, opens a read-only transaction with the query's timeouts, runs `body`,
    /// and rolls back whatever happened. Waiting for a connection is bounded too: an unreachable
    /// server or a pool nobody runs fails with `.unavailable` instead of hanging.
    func withReadOnlyTransaction<T: Sendable>(
        limits: QueryLimits, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let milliseconds = limits.timeoutMilliseconds
        let logger = self.logger
        let leased = LeaseFlag()
        let work: @Sendable () async throws -> T = {
            try await self.client.withConnection { connection in
                leased.set()
                try await connection.query("BEGIN TRANSACTION READ ONLY", logger: logger).consume()
                do {
                    // SET LOCAL through set_config(…, true): one round trip, and it ends with the transaction.
                    // standard_conforming_strings=on makes the server read '…\' as the guard did;
                    // work_mem holds each sort and hash of the query to PostgreSQL's default, whatever
                    // the server was tuned to for CloverDX, so larger ones spill to disk instead.
                    try await connection.query(
                        """
                        SELECT set_config('statement_timeout', \(String(milliseconds)), true),
                               set_config('idle_in_transaction_session_timeout', \(String(milliseconds + 10_000)), true),
                               set_config('standard_conforming_strings', 'on', true),
                               set_config('work_mem', \(Self.workMemory), true)
                        """, logger: logger
                    ).consume()
                    let result = try await body(connection)
                    try await connection.query("ROLLBACK", logger: logger).consume()
                    return result
                } catch {
                    do {
                        try await connection.query("ROLLBACK", logger: logger).consume()
                    } catch {
                        // The connection is in an unknown state; do not hand it to the next query.
                        try? await connection.close()
                    }
                    throw error
                }
            }
        }
        do {
            return try await withDeadline(limits.timeout + .seconds(Self.connectTimeoutSeconds), work, whileLeasing: { leased.isSet })
        } catch let error as SystemDatabaseError {
            throw error
        } catch let error as SQLRejected {
            throw error
        } catch let error as PSQLError {
            throw map(error, limits: limits)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SystemDatabaseError(
                .unavailable,
                "PostgreSQL at \(displayName) could not be used: \(error). Check that the server is up and jdbc.url, jdbc.username and jdbc.password in clover.properties."
            )
        }
    }

    /// Runs `work` until `limit`; while no connection is leased after `slowLease`, the probe may end
    /// the wait early with the reason no connection can be opened.
    private func withDeadline<T: Sendable>(
        _ limit: Duration, _ work: @escaping @Sendable () async throws -> T, whileLeasing isLeased: @escaping @Sendable () -> Bool
    ) async throws -> T {
        let (name, probe, slowLease) = (displayName, self.probe, self.slowLease)
        return try await firstVerdict([
            { try await work() },
            {
                try await Task.sleep(for: limit)
                throw SystemDatabaseError(
                    .unavailable,
                    "No answer from PostgreSQL at \(name) within \(limit.secondsText): the server is unreachable, the connection pool is not running, or every pooled connection stayed busy. Check that the server is up and jdbc.url in clover.properties, then try again."
                )
            },
            {
                guard let probe else { return nil }
                try await Task.sleep(for: slowLease)
                while !isLeased() {
                    try await probe.check()
                    try await Task.sleep(for: slowLease)
                }
                return nil
            },
        ])
    }

    /// The memory each sort or hash of a query may use before it spills to disk.
    static let workMemory = "4MB"

    // MARK: cursor

    private static let cursorName = "cloverdx_mcp_query"

    private func fetch(
        _ sql: String, on connection: PostgresConnection, limits: QueryLimits, budgetStart: ContinuousClock.Instant,
        start: ContinuousClock.Instant
    ) async throws -> QueryResult
    {
        let cursor = Self.cursorName
        try await connection.query(PostgresQuery(unsafeSQL: "DECLARE \(cursor) NO SCROLL CURSOR FOR \(sql)"), logger: logger).consume()

        // FETCH 0 describes the columns without running the query.
        let described = try await connection.query(PostgresQuery(unsafeSQL: "FETCH FORWARD 0 FROM \(cursor)"), logger: logger)
        let columns = Array(described.columns)
        try await described.consume()

        if !columns.isEmpty {
            try await connection.query(PostgresQuery(unsafeSQL: "CLOSE \(cursor)"), logger: logger).consume()
            let measured = Self.measuredRows(sql, columns: columns, rowLimit: ResultCollector.measuredRowLimit(limits))
            try await connection.query(PostgresQuery(unsafeSQL: "DECLARE \(cursor) NO SCROLL CURSOR FOR \(measured)"), logger: logger)
                .consume()
        }
        let resultColumns = try await typeNames(of: columns, on: connection)

        var collector = ResultCollector(limits: limits)
        var first = true
        fetching: while true {
            let remaining = limits.timeout - (ContinuousClock.now - budgetStart)
            if remaining <= .zero {
                if collector.rows.isEmpty { throw SystemDatabaseError.timeout(limits.timeout) }
                collector.stopForTime()
                break
            }
            if !first {
                // statement_timeout counts per statement; give each later FETCH only what is left.
                let left = QueryLimits(timeout: remaining).timeoutMilliseconds
                try await connection.query("SELECT set_config('statement_timeout', \(String(left)), true)", logger: logger).consume()
            }
            // The first FETCH takes one row: a query whose rows are each too large stops at once
            // instead of making the server build a whole batch of them first.
            let batch = first ? 1 : max(1, min(collector.rowsWanted, 1000, collector.bytesLeft / collector.averageRowBytes + 1))
            first = false
            var received = 0
            do {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "FETCH FORWARD \(batch) FROM \(cursor)"), logger: logger)
                for try await row in rows {
                    received += 1
                    let cells = Array(row)
                    // The last cell is the row's size, measured on the server; past the limit the values stayed there.
                    if let size = cells.last, cells.count > columns.count, case .int(let bytes)? = PostgresValueDecoding.json(size) {
                        guard try collector.admits(rowBytes: Int(bytes)) else { break fetching }
                    }
                    var values: [JSONValue] = []
                    values.reserveCapacity(columns.count)
                    for cell in cells.prefix(columns.count) {
                        guard let value = PostgresValueDecoding.json(cell) else {
                            throw SystemDatabaseError(
                                .queryFailed,
                                "Cannot read the value of column \(cell.columnName) (type \(cell.dataType)). Cast it to text in the query: \(cell.columnName)::text."
                            )
                        }
                        values.append(value)
                    }
                    if !collector.add(values) { break fetching }
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "57014" {
                if collector.rows.isEmpty { throw SystemDatabaseError.timeout(limits.timeout) }
                collector.stopForTime()
                break
            }
            if received < batch { break }
        }
        return QueryResult(
            columns: resultColumns, rows: collector.rows, truncationReason: collector.truncation, elapsed: ContinuousClock.now - start)
    }

    /// `sql` wrapped so the server measures each row before sending it: values of types we do not
    /// decode become JSON there, a last column `_n` carries the row's size in bytes, and a row larger
    /// than `rowLimit` comes with its values left out (NULL), so no oversized value crosses the wire.
    /// The alias list makes every column addressable even when names repeat or are missing. `OFFSET 0`
    /// on the inner layers keeps the planner from inlining them, which would compute each value twice
    /// and the row's size once per column.
    static func measuredRows(_ sql: String, columns: [PostgresColumn], rowLimit: Int) -> String {
        let aliases = columns.indices.map { "c\($0 + 1)" }
        var values: [String] = []
        var sizes: [String] = []
        for (column, alias) in zip(columns, aliases) {
            let native = PostgresValueDecoding.nativeTypes.contains(column.dataType)
            values.append(native ? "_q.\(alias)" : "to_json(_q.\(alias))")
            sizes.append("coalesce(\(sizeExpression(of: "_v.\(alias)", type: native ? column.dataType : .json)), 0)::int8")
        }
        let inner = "SELECT \(zip(values, aliases).map { "\($0) AS \($1)" }.joined(separator: ", ")) FROM (\(sql)\n) AS _q(\(aliases.joined(separator: ", "))) OFFSET 0"
        let sized = "SELECT _v.*, \(sizes.joined(separator: " + ")) + \(3 * columns.count) AS _n FROM (\(inner)) AS _v OFFSET 0"
        let outer = zip(columns, aliases).map { column, alias in
            "CASE WHEN _r._n <= \(rowLimit) THEN _r.\(alias) END AS \(Self.quoted(column.name))"
        }
        return "SELECT \(outer.joined(separator: ", ")), _r._n FROM (\(sized)) AS _r"
    }

    /// About the bytes a value takes in the answer: text and JSON as long as they are (toasted values
    /// are not unpacked to measure them), bytea as its base64, other types their stored size.
    private static func sizeExpression(of value: String, type: PostgresDataType) -> String {
        switch type {
        case .text, .varchar, .bpchar, .name, .char, .unknown: "octet_length(\(value))"
        case .bytea: "octet_length(\(value)) * 4 / 3"
        case .json, .jsonb: "octet_length(\(value)::text)"
        default: "pg_column_size(\(value))"
        }
    }

    /// `bigint`, `character varying(255)`, `timestamp without time zone`: the server's own names.
    private func typeNames(of columns: [PostgresColumn], on connection: PostgresConnection) async throws -> [ResultColumn] {
        guard !columns.isEmpty else { return [] }
        let oids = columns.map { Int64($0.dataType.rawValue) }
        let modifiers = columns.map { Int32($0.dataTypeModifier) }
        var names: [String] = []
        let rows = try await connection.query(
            """
            SELECT format_type(t.oid::oid, t.modifier) FROM unnest(\(oids)::int8[], \(modifiers)::int4[])
            WITH ORDINALITY AS t(oid, modifier, position) ORDER BY t.position
            """, logger: logger)
        for try await name in rows.decode(String?.self) {
            names.append(name ?? "")
        }
        return zip(columns, names).map { ResultColumn(name: $0.name, type: $1) }
    }

    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: errors

    private func map(_ error: PSQLError, limits: QueryLimits) -> SystemDatabaseError {
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            let underlying = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return SystemDatabaseError(
                .unavailable,
                "Cannot reach PostgreSQL at \(displayName): \(underlying). Check that the server is up and jdbc.url, jdbc.username and jdbc.password in clover.properties."
            )
        }
        var message = info[.message] ?? "error"
        if let detail = info[.detail] { message += " (\(detail))" }
        if let hint = info[.hint] { message += " Hint: \(hint)" }
        switch state {
        case "57014":
            return .timeout(limits.timeout)
        case _ where state == "53200" || state.hasPrefix("54"):  // out of memory; a program limit exceeded
            return .tooLarge("PostgreSQL: \(message)", databaseCode: state)
        case "25006":
            return SystemDatabaseError(
                .readOnlyViolation,
                "PostgreSQL refused to write: \(message). The session is read-only; only SELECT queries are possible.",
                databaseCode: state)
        case _ where state.hasPrefix("08") || state.hasPrefix("28") || state == "3D000" || state.hasPrefix("53") || state.hasPrefix("57"):
            return SystemDatabaseError(
                .unavailable,
                "PostgreSQL at \(displayName) is not available: \(message) (SQLSTATE \(state)). Check the server and the credentials in clover.properties.",
                databaseCode: state)
        default:
            return SystemDatabaseError(
                .queryFailed, "PostgreSQL: \(message) (SQLSTATE \(state)). Fix the query and try again.", databaseCode: state)
        }
    }
}

/// Set once a query's connection is leased; read by the probe that runs while it is not.
private final class LeaseFlag: Sendable {
    private let leased = Atomic<Bool>(false)
    var isSet: Bool { leased.load(ordering: .acquiring) }
    func set() { leased.store(true, ordering: .releasing) }
}

/// Loggers for the module.
public enum SystemDatabaseLogging {
    /// Discards everything: the default, because stdout may be the MCP stdio transport.
    public static let silent = Logger(label: "cloverdx-mcp.system-database", factory: { _ in SwiftLogNoOpLogHandler() })
}

extension PostgresRowSequence {
    /// Reads and discards the rows, so errors the server sends after the first row surface here.
    func consume() async throws {
        for try await _ in self {}
    }
}
