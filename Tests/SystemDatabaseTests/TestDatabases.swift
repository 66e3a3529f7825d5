import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import SystemDatabase

/// The emulation fixture in an SQLite file, opened read-only by the system database under test.
///
/// The file is written once per test process through a separate writable GRDB connection, shared by
/// every test (they only read; the test that tries to write checks nothing changed), and deleted at exit.
func withSQLiteFixture<T>(_ body: (SQLiteSystemDatabase, String) async throws -> T) async throws -> T {
    let path = try await SQLiteFixtureFile.ready.value
    return try await body(try SQLiteSystemDatabase(path: path), path)
}

enum SQLiteFixtureFile {
    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("cloverdx-mcp-systemdb-\(getpid()).sqlite").path

    static let ready = Task<String, any Error> {
        try? FileManager.default.removeItem(atPath: path)
        atexit { unlink(SQLiteFixtureFile.path) }
        let writer = try DatabaseQueue(path: path)
        try await writer.write { db in
            for statement in EmulationFixture.schema + EmulationFixture.data {
                try db.execute(sql: statement)
            }
        }
        try writer.close()
        return path
    }
}

/// The PostgreSQL server named by `CLOVERDX_MCP_TEST_POSTGRES_URL` (scripts/with-postgres sets it).
///
/// Without it the PostgreSQL suites are skipped with a visible reason, unless `CI` is set: then
/// they run and fail, so CI cannot pass without having exercised PostgreSQL.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["CLOVERDX_MCP_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty
    /// Run the suites when there is a server, and in CI (where a missing server is a failure).
    static let shouldRun = url != nil || isCI
    static let skipReason: Comment =
        "CLOVERDX_MCP_TEST_POSTGRES_URL is not set, so the PostgreSQL tests are skipped; run them with scripts/with-postgres swift test --disable-xctest --filter SystemDatabaseTests (with CI set they fail instead)"

    static let databaseName = "cloverdx_mcp_test"

    /// Settings for the fixture database on the test server.
    static func settings() throws -> PostgresConnectionSettings {
        guard let url else { throw MissingServer() }
        guard case .postgreSQL(var settings) = try SystemDatabaseEndpoint(postgresURL: url) else { throw MissingServer() }
        settings.database = databaseName
        return settings
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String { "no PostgreSQL test server (CLOVERDX_MCP_TEST_POSTGRES_URL)" }
    }

    /// The read-only service under test, its pool running for the whole process; the fixture is
    /// created first, once, through a separate writable connection.
    static func database() async throws -> PostgresSystemDatabase {
        guard url != nil else {
            Issue.record("CI is set but CLOVERDX_MCP_TEST_POSTGRES_URL is not: run the tests through scripts/with-postgres")
            throw MissingServer()
        }
        return try await shared.value
    }

    private static let shared = Task<PostgresSystemDatabase, any Error> {
        let fixture = try settings()
        try await createFixture(fixture)
        // Every PostgreSQL test shares it, in parallel: a larger pool than the default keeps them from queueing.
        let database = PostgresSystemDatabase(settings: fixture, maxConnections: 8)
        Task.detached { await database.run() }
        return database
    }

    /// Recreates the fixture database with the emulation tables (docs/CLOVERDX.md, "Emulation schema") and the same rows as SQLite.
    private static func createFixture(_ settings: PostgresConnectionSettings) async throws {
        guard let url else { throw MissingServer() }
        guard case .postgreSQL(let admin) = try SystemDatabaseEndpoint(postgresURL: url) else { throw MissingServer() }
        try await withWritableConnection(admin) { connection in
            try await connection.query("DROP DATABASE IF EXISTS \(unescaped: databaseName) WITH (FORCE)", logger: logger)
            try await connection.query("CREATE DATABASE \(unescaped: databaseName)", logger: logger)
        }
        try await withWritableConnection(settings) { connection in
            for statement in EmulationFixture.schema + EmulationFixture.data + ["CREATE SEQUENCE run_record_id_seq"] {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    static let logger = Logger(label: "cloverdx-mcp.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A plain, writable connection: only the tests write, and only to set the fixture up.
    static func withWritableConnection<T>(
        _ settings: PostgresConnectionSettings, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                database: settings.database, tls: .disable),
            id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The same behaviour, checked on both engines by the SQLite and PostgreSQL suites.
enum Engine: String, Sendable {
    case sqlite, postgreSQL
}
