import Foundation
import GRDB
import JSON
import Testing

@testable import SystemDatabase

@Suite("SQLite system database")
struct SQLiteSystemDatabaseTests {
    @Test func selectsRowsWithColumnNames() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.selectsRowsWithColumnNames(db) }
    }

    @Test func acceptsTrailingSemicolonAndComments() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.acceptsTrailingSemicolonAndComments(db) }
    }

    @Test func emptyResultKeepsColumns() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.emptyResultKeepsColumns(db) }
    }

    @Test func capsRowsAndFlagsTruncation() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.capsRowsAndFlagsTruncation(db) }
    }

    @Test func exactlyMaxRowsIsNotTruncated() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.exactlyMaxRowsIsNotTruncated(db) }
    }

    @Test func defaultLimitIs500Rows() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.defaultLimitIs500Rows(db) }
    }

    @Test func millionRowResultIsCutAtTheCapQuickly() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.millionRowResultIsCutAtTheCapQuickly(db) }
    }

    @Test func capsBytesAndFlagsTruncation() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.capsBytesAndFlagsTruncation(db) }
    }

    /// SQLite has no repeat(); zeroblob's hex digits stand in for a string of n characters.
    private static func text(_ count: Int) -> String { "substr(hex(zeroblob(\(count / 2 + 1))), 1, \(count))" }

    @Test func rowLargerThanTheAnswerIsRefusedUnread() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.rowLargerThanTheAnswerIsRefusedUnread(db, text: Self.text) }
    }

    @Test func largeRowsAfterSmallOnesAreCutAtTheCap() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.largeRowsAfterSmallOnesAreCutAtTheCap(db, text: Self.text) }
    }

    @Test func overlongStatementIsRefused() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.overlongStatementIsRefused(db) }
    }

    /// Values SQLite would build by the gigabyte in one step stop at its length limit, at once.
    @Test(arguments: ["SELECT zeroblob(1000000000)", "SELECT randomblob(200000000)",
                      "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT length(s) FROM r"])
    func valuesPastTheLengthLimitAreTooLarge(sql: String) async throws {
        try await withSQLiteFixture { db, _ in
            let start = ContinuousClock.now
            let error = await #expect(throws: SystemDatabaseError.self) { try await db.query(sql) }
            #expect(error?.code == .tooLarge, "\(error?.message ?? "")")
            #expect(error?.message.contains("8 MiB") == true)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    /// printf() is the exception: past the limit SQLite gives NULL instead of an error, but it never
    /// holds more than the limit either.
    @Test func printfPastTheLengthLimitIsNull() async throws {
        try await withSQLiteFixture { db, _ in
            let result = try await db.query("SELECT printf('%.*c', 20000000, 'x') AS s")
            #expect(result.rows == [[.null]])
        }
    }

    @Test func expressionsPatternsAndCompoundsAreBounded() async throws {
        try await withSQLiteFixture { db, _ in
            let nested = "SELECT " + String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
            let like = "SELECT count(*) FROM run_record WHERE job_file LIKE '" + String(repeating: "%a", count: 150) + "'"
            let compound = (0...60).map { "SELECT \($0)" }.joined(separator: " UNION ALL ")
            // SQLite's parser stack (about 100 deep) may refuse the nesting before the depth limit does.
            for (sql, says) in [(nested, ["stack overflow", "too large"]), (like, ["too complex"]), (compound, ["too many terms"])] {
                let error = await #expect(throws: SystemDatabaseError.self, "\(says)") { try await db.query(sql) }
                #expect(says.contains { error?.message.contains($0) == true }, "\(error?.message ?? "")")
            }
            let deep = try await db.query("SELECT " + String(repeating: "abs(", count: 25) + "-1" + String(repeating: ")", count: 25) + " AS v")
            #expect(deep.rows == [[.int(1)]])
            let withinLimits = (0..<40).map { "SELECT \($0)" }.joined(separator: " UNION ALL ")
            let rows = try await db.query(withinLimits).rows
            #expect(rows.count == 40)
        }
    }

    @Test func endlessQueryTimesOut() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.endlessQueryTimesOut(db) }
    }

    @Test func slowRowsAfterFastOnesGiveAPartialResult() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.slowRowsAfterFastOnesGiveAPartialResult(db) }
    }

    @Test func guardRefusesWritesBeforeTheDatabase() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.guardRefusesWritesBeforeTheDatabase(db) }
    }

    @Test func reportsDatabaseErrors() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.reportsDatabaseErrors(db) }
    }

    @Test func duplicateAndUnnamedColumnsSurvive() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.duplicateAndUnnamedColumnsSurvive(db) }
    }

    @Test func stringsWithSemicolonsAndKeywordsAreData() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.stringsWithSemicolonsAndKeywordsAreData(db) }
    }

    @Test func schemaListsTablesAndColumns() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.schemaListsTablesAndColumns(db) }
    }

    @Test func schemaFiltersByPattern() async throws {
        try await withSQLiteFixture { db, _ in try await SystemDatabaseBehaviour.schemaFiltersByPattern(db) }
    }

    // MARK: SQLite only

    /// Even with the guard bypassed, the connection cannot write: it is opened read-only.
    @Test func connectionRefusesWritesWithoutTheGuard() async throws {
        try await withSQLiteFixture { db, path in
            let limits = QueryLimits()
            for sql in [
                "INSERT INTO sandbox VALUES ('X', 'x', NULL, 'local', NULL, FALSE)",
                "DELETE FROM run_record",
                "CREATE TABLE intruder (a INTEGER)",
                "UPDATE run_record SET status = 'ERROR' RETURNING id",
            ] {
                let error = await #expect(throws: SystemDatabaseError.self, "\(sql)") {
                    try await db.run(statementText: sql, limits: limits)
                }
                #expect(error?.code == .readOnlyViolation, "\(sql): \(String(describing: error))")
            }
            // Turning query_only off does not help: the file is opened SQLITE_OPEN_READONLY.
            _ = try? await db.run(statementText: "PRAGMA query_only = OFF", limits: limits)
            await #expect(throws: SystemDatabaseError.self) {
                try await db.run(statementText: "DELETE FROM run_record", limits: limits)
            }
            let check = try DatabaseQueue(path: path)
            #expect(try await check.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run_record") } == EmulationFixture.runCount)
            #expect(try await check.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sandbox") } == EmulationFixture.sandboxes.count)
        }
    }

    @Test func mapsStorageClassesToJSON() async throws {
        try await withSQLiteFixture { db, _ in
            let result = try await db.query("SELECT 42 AS i, 2.5 AS r, 'text' AS t, NULL AS n, x'DEADBEEF' AS b, 9e999 AS inf")
            #expect(result.rows == [[.int(42), .double(2.5), .string("text"), .null, .string("3q2+7w=="), .string("Infinity")]])
            #expect(result.columns.map(\.type) == ["INTEGER", "REAL", "TEXT", "", "BLOB", "REAL"])
        }
    }

    @Test func reportsDeclaredColumnTypes() async throws {
        try await withSQLiteFixture { db, _ in
            let result = try await db.query("SELECT id, job_file, submit_time, id + 1 AS next FROM run_record WHERE id = 1")
            #expect(result.columns.map(\.type) == ["BIGINT", "VARCHAR(1024)", "TIMESTAMP", "INTEGER"])
            #expect(result.rows == [[.int(1), .string(EmulationFixture.jobFile(ofRun: 1)), .string("2024-01-01 00:07:00"), .int(2)]])
        }
    }

    @Test func readsTableValuedPragmas() async throws {
        try await withSQLiteFixture { db, _ in
            let result = try await db.query("SELECT name FROM pragma_table_info('sandbox') ORDER BY cid")
            #expect(result.rows == [["code"], ["name"], ["root_path"], ["type"], ["owner"], ["suspended"]])
        }
    }

    @Test func refusesSQLiteFileFunctions() async throws {
        try await withSQLiteFixture { db, _ in
            for sql in ["SELECT readfile('/etc/passwd')", "SELECT load_extension('/tmp/evil.so')", "SELECT [writefile]('/tmp/x', 'y')"] {
                let error = await #expect(throws: SQLRejected.self, "\(sql)") { try await db.query(sql) }
                #expect(error?.reason == .forbiddenFunction)
            }
        }
    }

    @Test func missingFileIsNotFound() throws {
        let error = #expect(throws: SystemDatabaseError.self) {
            try SQLiteSystemDatabase(path: "/nonexistent/cloverdx-mcp/clover.db")
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("/nonexistent/cloverdx-mcp/clover.db") == true)
    }

    @Test func nonDatabaseFileIsRefusedAtOpen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cloverdx-mcp-not-a-db-\(UUID().uuidString)").path
        try Data("this is not an SQLite database, just text that is long enough to have a header".utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SystemDatabaseError.self) { try SQLiteSystemDatabase(path: path) }
        #expect(error?.code == .notFound)
    }

    /// The timeout handler belongs to one query: the next query on the same connection runs normally.
    @Test func queryAfterTimeoutRunsNormally() async throws {
        try await withSQLiteFixture { db, _ in
            await #expect(throws: SystemDatabaseError.self) {
                try await db.query(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c",
                    limits: QueryLimits(timeout: .milliseconds(200)))
            }
            let result = try await db.query("SELECT count(*) FROM run_record")
            #expect(result.rows == [[.int(Int64(EmulationFixture.runCount))]])
        }
    }

    @Test func runReturnsWhenCancelled() async throws {
        try await withSQLiteFixture { db, _ in
            let task = Task { await db.run() }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            await task.value
        }
    }
}
