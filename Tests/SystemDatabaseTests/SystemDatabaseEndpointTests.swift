import Testing

@testable import SystemDatabase

@Suite("System database from clover.properties")
struct SystemDatabaseEndpointTests {
    private func postgres(_ url: String, username: String? = "clover", password: String? = "secret") throws -> PostgresConnectionSettings {
        guard case .postgreSQL(let settings) = try SystemDatabaseEndpoint(jdbcURL: url, username: username, password: password) else {
            Issue.record("\(url) did not name PostgreSQL")
            throw SystemDatabaseError(.invalidURL, "not PostgreSQL")
        }
        return settings
    }

    @Test func readsPostgresJDBCURLAsCloverDXWritesIt() throws {
        let settings = try postgres("jdbc:postgresql://db.example.com:5432/clover?ssl=true")
        #expect(settings == PostgresConnectionSettings(host: "db.example.com", port: 5432, database: "clover", user: "clover", password: "secret", tls: .verifyFull))
    }

    @Test func defaultsPortAndPrefersTLSLikePgJDBC() throws {
        let settings = try postgres("jdbc:postgresql://db.example.com/clover")
        #expect(settings.port == 5432)
        #expect(settings.tls == .prefer)
    }

    @Test(arguments: [
        ("sslmode=disable", PostgresTLSMode.disable), ("sslmode=allow", .prefer), ("sslmode=prefer", .prefer),
        ("sslmode=require", .require), ("sslmode=verify-ca", .verifyCA), ("sslmode=verify-full", .verifyFull),
        ("ssl=false", .disable), ("ssl=true&sslmode=require", .require), ("ssl", .verifyFull),
    ])
    func mapsSSLModes(_ query: String, _ mode: PostgresTLSMode) throws {
        #expect(try postgres("jdbc:postgresql://h/clover?\(query)").tls == mode)
    }

    @Test func refusesUnknownSSLMode() {
        let error = #expect(throws: SystemDatabaseError.self) { try postgres("jdbc:postgresql://h/clover?sslmode=sometimes") }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.contains("sometimes") == true)
    }

    @Test func readsIPv6HostsFailoverListsAndShortForms() throws {
        let v6 = try postgres("jdbc:postgresql://[::1]:6543/clover")
        #expect(v6.host == "::1" && v6.port == 6543)
        let failover = try postgres("jdbc:postgresql://primary:5433,standby:5434/clover?targetServerType=primary")
        #expect(failover.host == "primary" && failover.port == 5433 && failover.database == "clover")
        let short = try postgres("jdbc:postgresql:clover")
        #expect(short.host == "localhost" && short.port == 5432 && short.database == "clover")
        let noDatabase = try postgres("jdbc:postgresql://h:5432/")
        #expect(noDatabase.database == "clover", "defaults to the user name, as the server does")
    }

    @Test func takesCredentialsFromTheURLWhenPropertiesHaveNone() throws {
        let settings = try postgres("jdbc:postgresql://h/clover?user=reader&password=p%40ss%26word", username: nil, password: nil)
        #expect(settings.user == "reader")
        #expect(settings.password == "p@ss&word")
        let overridden = try postgres("jdbc:postgresql://h/clover?user=reader&password=x", username: "clover", password: "secret")
        #expect(overridden.user == "clover" && overridden.password == "secret")
    }

    @Test func refusesAMissingUser() {
        let error = #expect(throws: SystemDatabaseError.self) {
            try SystemDatabaseEndpoint(jdbcURL: "jdbc:postgresql://h/clover", username: nil, password: nil)
        }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.contains("jdbc.username") == true)
    }

    @Test func refusesABadPort() {
        let error = #expect(throws: SystemDatabaseError.self) { try postgres("jdbc:postgresql://h:99999/clover") }
        #expect(error?.code == .invalidURL)
    }

    @Test func readsSQLiteURLs() throws {
        #expect(try SystemDatabaseEndpoint(jdbcURL: "jdbc:sqlite:/var/clover/clover.db") == .sqlite(path: "/var/clover/clover.db"))
        #expect(try SystemDatabaseEndpoint(jdbcURL: "jdbc:sqlite:file:/var/clover/clover.db?mode=ro") == .sqlite(path: "/var/clover/clover.db"))
        #expect(try SystemDatabaseEndpoint(jdbcURL: "jdbc:sqlite:file:///var/clover/my%20db.db") == .sqlite(path: "/var/clover/my db.db"))
        let memory = #expect(throws: SystemDatabaseError.self) { try SystemDatabaseEndpoint(jdbcURL: "jdbc:sqlite::memory:") }
        #expect(memory?.code == .invalidURL)
    }

    @Test(arguments: [
        ("jdbc:mysql://db:3306/clover", "MySQL"),
        ("jdbc:mariadb://db:3306/clover", "MariaDB"),
        ("jdbc:oracle:thin:@db:1521/CLOVER", "Oracle"),
        ("jdbc:sqlserver://db:1433;databaseName=clover", "Microsoft SQL Server"),
        ("jdbc:derby:/var/clover/derby;create=true", "Derby"),
        ("jdbc:h2:mem:clover", "H2"),
    ])
    func refusesOtherEnginesByName(_ url: String, _ engine: String) {
        let error = #expect(throws: SystemDatabaseError.self) {
            try SystemDatabaseEndpoint(jdbcURL: url, username: "clover", password: "secret")
        }
        #expect(error?.code == .unsupportedEngine)
        #expect(error?.message.contains(engine) == true)
        #expect(error?.message.contains("only PostgreSQL and SQLite") == true)
    }

    @Test func refusesNonJDBCURLsWithoutShowingThePassword() {
        let error = #expect(throws: SystemDatabaseError.self) {
            try SystemDatabaseEndpoint(jdbcURL: "postgresql://clover:hunter2@db/clover?password=hunter2")
        }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func readsLibpqURLs() throws {
        guard case .postgreSQL(let settings) = try SystemDatabaseEndpoint(postgresURL: "postgres://postgres@127.0.0.1:55432/postgres") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(settings == PostgresConnectionSettings(host: "127.0.0.1", port: 55432, database: "postgres", user: "postgres", password: nil, tls: .prefer))
        guard case .postgreSQL(let withPassword) = try SystemDatabaseEndpoint(postgresURL: "postgresql://u:p%3Aw@h/d?sslmode=disable") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(withPassword.user == "u" && withPassword.password == "p:w" && withPassword.tls == .disable)
    }

    @Test func descriptionHidesThePassword() throws {
        let endpoint = try SystemDatabaseEndpoint(jdbcURL: "jdbc:postgresql://db/clover", username: "clover", password: "hunter2")
        #expect(!endpoint.description.contains("hunter2"))
        #expect(endpoint.description.contains("clover@db:5432/clover"))
    }

    @Test func opensTheRightImplementation() async throws {
        let postgres = try SystemDatabaseEndpoint(jdbcURL: "jdbc:postgresql://db/clover", username: "clover").open()
        #expect(postgres is PostgresSystemDatabase)
        #expect(postgres.dialect == .postgreSQL)
        try await withSQLiteFixture { _, path in
            let sqlite = try SystemDatabaseEndpoint(jdbcURL: "jdbc:sqlite:\(path)").open()
            #expect(sqlite is SQLiteSystemDatabase)
            #expect(try await sqlite.query("SELECT count(*) FROM sandbox").rows == [[.int(5)]])
        }
        let missing = #expect(throws: SystemDatabaseError.self) {
            try SystemDatabaseEndpoint(jdbcURL: "jdbc:sqlite:/nonexistent/clover.db").open()
        }
        #expect(missing?.code == .notFound)
    }
}

@Suite("Query limits")
struct QueryLimitsTests {
    @Test func defaults() {
        let limits = QueryLimits()
        #expect(limits.maxRows == 500)
        #expect(limits.maxBytes == 1 << 20)
        #expect(limits.timeout == .seconds(10))
    }

    @Test func clampsToTheAllowedRanges() {
        let high = QueryLimits(maxRows: 1_000_000, maxBytes: 1 << 40, timeout: .seconds(86_400))
        #expect(high.maxRows == 10_000)
        #expect(high.maxBytes == 64 << 20)
        #expect(high.timeout == .seconds(300))
        let low = QueryLimits(maxRows: -5, maxBytes: 0, timeout: .zero)
        #expect(low.maxRows == 1)
        #expect(low.maxBytes == 1024)
        #expect(low.timeout == .milliseconds(100))
        var changed = QueryLimits()
        changed.maxRows = 50_000
        #expect(changed.maxRows == 10_000)
    }
}

@Suite("PostgreSQL value decoding")
struct PostgresValueDecodingTests {
    @Test func formatsTimestampsAsISO8601() {
        #expect(PostgresValueDecoding.timestamp(0, utc: false) == "2000-01-01T00:00:00")
        #expect(PostgresValueDecoding.timestamp(0, utc: true) == "2000-01-01T00:00:00Z")
        #expect(PostgresValueDecoding.timestamp(-1, utc: false) == "1999-12-31T23:59:59.999999")
        #expect(PostgresValueDecoding.timestamp(768_294_489_123_000, utc: false) == "2024-05-06T07:08:09.123")
        #expect(PostgresValueDecoding.timestamp(Int64.max, utc: true) == "infinity")
        #expect(PostgresValueDecoding.date(0) == "2000-01-01")
        #expect(PostgresValueDecoding.date(-1) == "1999-12-31")
        #expect(PostgresValueDecoding.date(60) == "2000-03-01")
    }
}
