import Foundation
import GRDB
import Logging
import PostgresNIO

/// Copies a demo's SQLite system database into PostgreSQL — CloverDX's recommended production
/// engine — and points the demo's clover.properties at it, so the same installation can be served
/// on either engine.
public enum DemoPostgresLoader {
    /// Loads the demo at `demo` into the database of `postgresURL` (`postgres://user[:password]@host:port/db`),
    /// replacing the demo tables there. Returns the number of rows copied.
    @discardableResult
    public static func load(demo: URL, postgresURL: String) async throws -> Int {
        guard let url = URLComponents(string: postgresURL), ["postgres", "postgresql"].contains(url.scheme ?? ""),
              let host = url.host, let user = url.user else {
            throw DemoGenerationError.invalidArgument("--postgres takes postgres://user[:password]@host[:port]/database")
        }
        let database = url.path.hasPrefix("/") && url.path.count > 1 ? String(url.path.dropFirst()) : user
        let configuration = PostgresClient.Configuration(host: host, port: url.port ?? 5432, username: user,
                                                         password: url.password, database: database, tls: .disable)
        let client = PostgresClient(configuration: configuration)
        let runner = Task { await client.run() }
        defer { runner.cancel() }

        let sqlite = try DatabaseQueue(path: demo.appendingPathComponent("data/clover-system.db").path,
                                       configuration: { var c = Configuration(); c.readonly = true; return c }())
        let statements = SystemDatabaseWriter.schema.components(separatedBy: ";")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let tables = statements.filter { $0.hasPrefix("CREATE TABLE ") }.compactMap { statement -> String? in
            statement.split(separator: " ", maxSplits: 3).dropFirst(2).first.map(String.init)
        }
        for table in tables.reversed() {
            try await execute(client, "DROP TABLE IF EXISTS \(table) CASCADE")
        }
        for statement in statements {
            // 64-bit counters (bytes, milliseconds) outgrow PostgreSQL's 32-bit INTEGER.
            try await execute(client, statement.replacingOccurrences(of: "INTEGER", with: "BIGINT")
                .replacingOccurrences(of: "REAL", with: "DOUBLE PRECISION"))
        }
        var copied = 0
        for table in tables {
            copied += try await copy(table, from: sqlite, to: client)
        }
        try pointProperties(of: demo, at: "jdbc:postgresql://\(host):\(url.port ?? 5432)/\(database)", user: user, password: url.password)
        return copied
    }

    private static func execute(_ client: PostgresClient, _ sql: String) async throws {
        _ = try await client.query(PostgresQuery(unsafeSQL: sql)).collect()
    }

    /// Copies one table in batches of multi-row INSERTs (PostgreSQL allows 65,535 parameters a statement).
    private static func copy(_ table: String, from sqlite: DatabaseQueue, to client: PostgresClient) async throws -> Int {
        let (columns, rows) = try await sqlite.read { db -> ([String], [[DatabaseValue]]) in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)")
            let columns = rows.first.map { Array($0.columnNames) } ?? []
            return (columns, rows.map { row in columns.map { row[$0] as DatabaseValue } })
        }
        guard !columns.isEmpty else { return 0 }
        let batch = max(1, 60_000 / columns.count)
        var start = 0
        while start < rows.count {
            let slice = rows[start..<min(rows.count, start + batch)]
            var bindings = PostgresBindings()
            var tuples: [String] = []
            var parameter = 0
            for row in slice {
                var placeholders: [String] = []
                for value in row {
                    parameter += 1
                    placeholders.append("$\(parameter)")
                    switch value.storage {
                    case .null: bindings.appendNull()
                    case .int64(let number): bindings.append(number)
                    case .double(let number): bindings.append(number)
                    case .string(let text): bindings.append(text)
                    case .blob(let data): bindings.append(data.base64EncodedString())
                    }
                }
                tuples.append("(" + placeholders.joined(separator: ",") + ")")
            }
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES " + tuples.joined(separator: ",")
            _ = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings)).collect()
            start += batch
        }
        return rows.count
    }

    /// Rewrites the jdbc.* keys of the demo's clover.properties; the rest stays as generated.
    private static func pointProperties(of demo: URL, at jdbcURL: String, user: String, password: String?) throws {
        let file = demo.appendingPathComponent("conf/clover.properties")
        let kept = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !["jdbc.url=", "jdbc.username=", "jdbc.password="].contains { line.hasPrefix($0) } }
        let text = kept.joined(separator: "\n").trimmingCharacters(in: .newlines)
            + "\n# Loaded into PostgreSQL by `cloverdx-mcp demo init --postgres`\n"
            + "jdbc.url=\(jdbcURL)\njdbc.username=\(user)\njdbc.password=\(password ?? "")\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
}
