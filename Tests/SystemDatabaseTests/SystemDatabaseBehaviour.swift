import JSON
import Testing

@testable import SystemDatabase

/// Behaviour both engines must show; `SQLiteSystemDatabaseTests` and `PostgresSystemDatabaseTests`
/// call each check with their database.
enum SystemDatabaseBehaviour {
    static func selectsRowsWithColumnNames(_ db: any SystemDatabase) async throws {
        let result = try await db.query("SELECT id, status, job_file FROM run_record WHERE id <= 3 ORDER BY id")
        #expect(result.columns.map(\.name) == ["id", "status", "job_file"])
        #expect(
            result.rows == (1...3).map { id in
                [.int(Int64(id)), .string(EmulationFixture.status(ofRun: id)), .string(EmulationFixture.jobFile(ofRun: id))]
            })
        #expect(!result.truncated)
        #expect(result.truncationReason == nil)
    }

    static func acceptsTrailingSemicolonAndComments(_ db: any SystemDatabase) async throws {
        let result = try await db.query("/* how many */ SELECT count(*) AS n FROM run_record; -- all runs\n")
        #expect(result.rows == [[.int(Int64(EmulationFixture.runCount))]])
    }

    static func emptyResultKeepsColumns(_ db: any SystemDatabase) async throws {
        let result = try await db.query("SELECT id, status FROM run_record WHERE id < 0")
        #expect(result.columns.map(\.name) == ["id", "status"])
        #expect(result.rows.isEmpty)
        #expect(!result.truncated)
    }

    static func capsRowsAndFlagsTruncation(_ db: any SystemDatabase) async throws {
        let result = try await db.query("SELECT * FROM run_record ORDER BY id", limits: QueryLimits(maxRows: 100, maxBytes: 16 << 20))
        #expect(result.rows.count == 100)
        #expect(result.truncated)
        #expect(result.truncationReason == .rowLimit)
        #expect(result.rows.first?.first == .int(1))
        #expect(result.rows.last?.first == .int(100))
        #expect(result.columns.map(\.name) == EmulationFixture.runRecordColumns)
    }

    static func exactlyMaxRowsIsNotTruncated(_ db: any SystemDatabase) async throws {
        let result = try await db.query("SELECT id FROM run_record WHERE id <= 100", limits: QueryLimits(maxRows: 100))
        #expect(result.rows.count == 100)
        #expect(!result.truncated)
    }

    static func defaultLimitIs500Rows(_ db: any SystemDatabase) async throws {
        let result = try await db.query("SELECT id FROM run_record ORDER BY id")
        #expect(result.rows.count == 500)
        #expect(result.truncationReason == .rowLimit)
    }

    /// Ten million rows from a recursive CTE: cut at the cap, quickly; producing them all would take
    /// many seconds, so the time bound shows they never were.
    static func millionRowResultIsCutAtTheCapQuickly(_ db: any SystemDatabase) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await db.query(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT x FROM c",
            limits: QueryLimits(maxRows: 1000))
        let elapsed = clock.now - start
        #expect(result.rows.count == 1000)
        #expect(result.truncationReason == .rowLimit)
        #expect(result.rows.last == [.int(1000)])
        #expect(elapsed < .seconds(3), "took \(elapsed)")
    }

    static func capsBytesAndFlagsTruncation(_ db: any SystemDatabase) async throws {
        let limit = 64 * 1024
        let result = try await db.query(
            "SELECT id, exception FROM run_record WHERE exception IS NOT NULL ORDER BY id",
            limits: QueryLimits(maxRows: 10_000, maxBytes: limit))
        #expect(result.truncationReason == .byteLimit)
        #expect(result.rows.count > 10)
        #expect(result.rows.count < 100)
        let size = JSONValue.array(result.rows.map { .array($0) }).serialized().count
        #expect(size <= limit)
        #expect(size > limit - 4096, "stopped at \(size) bytes, well before the \(limit)-byte cap")
    }

    /// A query that would run for a minute is cancelled at its timeout and reported as such.
    static func endlessQueryTimesOut(_ db: any SystemDatabase) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c",
                limits: QueryLimits(timeout: .seconds(1)))
        }
        let elapsed = clock.now - start
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("1 s timeout") == true)
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(3), "took \(elapsed); the 1 s timeout should stop it at once")
    }

    /// Fast rows first, then a row that takes a minute: the fast rows come back, flagged as cut by time.
    static func slowRowsAfterFastOnesGiveAPartialResult(_ db: any SystemDatabase) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await db.query(
            """
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
            SELECT x, CASE WHEN x > 1000 THEN (WITH RECURSIVE d(y) AS (SELECT 1 UNION ALL SELECT y + 1 FROM d WHERE y < 100000000)
                                               SELECT count(*) FROM d) END AS slow
            FROM c
            """, limits: QueryLimits(maxRows: 5000, maxBytes: 16 << 20, timeout: .seconds(1)))
        #expect(result.truncationReason == .timeLimit)
        #expect(!result.rows.isEmpty)
        #expect(result.rows.count <= 1000)
        #expect(result.rows.enumerated().allSatisfy { index, row in row == [.int(Int64(index + 1)), .null] })
        #expect(clock.now - start < .seconds(3))
    }

    /// Rows of 200,000 characters against a 64 KiB answer: measured before they are read, the first
    /// is refused with the size and what to select instead. `text(n)` is the engine's SQL for a
    /// string of n characters.
    static func rowLargerThanTheAnswerIsRefusedUnread(_ db: any SystemDatabase, text: (Int) -> String) async throws {
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query("SELECT id, \(text(200_000)) AS big FROM run_record ORDER BY id",
                               limits: QueryLimits(maxRows: 100, maxBytes: 64 << 10))
        }
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("first row is about") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("65536 bytes") == true)
    }

    /// Small rows, then large ones: the small rows come back, cut where the next row would pass the cap.
    static func largeRowsAfterSmallOnesAreCutAtTheCap(_ db: any SystemDatabase, text: (Int) -> String) async throws {
        let limit = 256 << 10
        let result = try await db.query(
            "SELECT id, CASE WHEN id <= 5 THEN 'small' ELSE \(text(100_000)) END AS body FROM run_record ORDER BY id",
            limits: QueryLimits(maxRows: 1000, maxBytes: limit))
        #expect(result.truncationReason == .byteLimit)
        #expect(result.rows.count >= 5 && result.rows.count <= 7, "\(result.rows.count) rows")
        #expect(result.rows.prefix(5).allSatisfy { $0.last == .string("small") })
        #expect(JSONValue.array(result.rows.map { .array($0) }).serialized().count <= limit)
    }

    /// A statement past the guard's length is refused before any database sees it.
    static func overlongStatementIsRefused(_ db: any SystemDatabase) async throws {
        let sql = "SELECT 1 WHERE 1 IN (" + (0..<20_000).map(String.init).joined(separator: ",") + ")"
        #expect(sql.utf8.count > ReadOnlySQLGuard.maxStatementBytes)
        let error = await #expect(throws: SQLRejected.self) { try await db.query(sql) }
        #expect(error?.reason == .tooLong)
        #expect(error?.description.contains("at most 100000") == true)
        let fits = try await db.query("SELECT 1 AS one WHERE 5 IN (" + (0..<10_000).map(String.init).joined(separator: ",") + ")")
        #expect(fits.rows == [[.int(1)]])
    }

    static func guardRefusesWritesBeforeTheDatabase(_ db: any SystemDatabase) async throws {
        for sql in ["DELETE FROM run_record", "DROP TABLE run_record", "SELECT 1; DELETE FROM run_record", "UPDATE sandbox SET suspended = TRUE"] {
            await #expect(throws: SQLRejected.self, "\(sql)") { try await db.query(sql) }
        }
        let count = try await db.query("SELECT count(*) FROM run_record")
        #expect(count.rows == [[.int(Int64(EmulationFixture.runCount))]])
    }

    static func reportsDatabaseErrors(_ db: any SystemDatabase) async throws {
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query("SELECT no_such_column FROM run_record")
        }
        #expect(error?.code == .queryFailed)
        #expect(error?.message.contains("no_such_column") == true)
        #expect(error?.databaseCode != nil)
    }

    static func duplicateAndUnnamedColumnsSurvive(_ db: any SystemDatabase) async throws {
        let result = try await db.query("SELECT 1 AS a, 2 AS a, 'x' AS b")
        #expect(result.columns.map(\.name) == ["a", "a", "b"])
        #expect(result.rows == [[.int(1), .int(2), .string("x")]])
    }

    static func stringsWithSemicolonsAndKeywordsAreData(_ db: any SystemDatabase) async throws {
        let result = try await db.query(
            "SELECT 'a;b' AS s, 'DROP TABLE run_record' AS t, count(*) AS n FROM run_record WHERE error_message LIKE '%''x;y''%'")
        #expect(result.rows == [[.string("a;b"), .string("DROP TABLE run_record"), .int(300)]])
    }

    static func schemaListsTablesAndColumns(_ db: any SystemDatabase) async throws {
        let tables = try await db.schema()
        #expect(tables.map(\.name) == (EmulationFixture.tableNames + EmulationFixture.viewNames).sorted())
        #expect(tables.first(where: { $0.name == "failed_run" })?.kind == "view")
        #expect(tables.first(where: { $0.name == "run_record" })?.kind == "table")

        let runRecord = try #require(tables.first(where: { $0.name == "run_record" }))
        #expect(runRecord.columns.map(\.name) == EmulationFixture.runRecordColumns)
        let id = try #require(runRecord.columns.first)
        #expect(!id.nullable)
        #expect(id.type.lowercased() == "bigint")
        let jobFile = try #require(runRecord.columns.first(where: { $0.name == "job_file" }))
        #expect(!jobFile.nullable)
        #expect(jobFile.type.lowercased().contains("varchar") || jobFile.type.lowercased().contains("character varying"))
        let parent = try #require(runRecord.columns.first(where: { $0.name == "parent_id" }))
        #expect(parent.nullable)
    }

    static func schemaFiltersByPattern(_ db: any SystemDatabase) async throws {
        #expect(try await db.schema(tablePattern: "tracking\\_%").map(\.name) == ["tracking_node", "tracking_phase", "tracking_port"])
        #expect(try await db.schema(tablePattern: "RUN_RECORD").map(\.name) == ["run_record"])
        #expect(try await db.schema(tablePattern: "%user%").map(\.name) == ["clover_user", "user_group", "user_group_member"])
        #expect(try await db.schema(tablePattern: "no_such_table").isEmpty)
    }

    /// Queries whose rows must be identical on SQLite and PostgreSQL.
    static let portableQueries = [
        "SELECT id, status, job_file, duration_ms FROM run_record WHERE id BETWEEN 1 AND 40 ORDER BY id",
        "SELECT status, count(*) AS runs, sum(duration_ms) AS total_ms, min(id), max(id) FROM run_record GROUP BY status ORDER BY status",
        "SELECT sandbox_code, count(*) FROM run_record WHERE status = 'ERROR' GROUP BY sandbox_code ORDER BY sandbox_code",
        "SELECT r.id, p.name, p.value FROM run_record AS r JOIN run_record_param AS p ON p.run_id = r.id WHERE r.id < 5 ORDER BY r.id, p.name",
        "SELECT n.node_type, sum(p.total_records) FROM tracking_node AS n JOIN tracking_port AS p ON p.run_id = n.run_id AND p.node_id = n.node_id GROUP BY n.node_type ORDER BY 1",
        "SELECT id, error_message FROM failed_run ORDER BY id DESC LIMIT 5",
        "SELECT code, CASE WHEN suspended THEN 1 ELSE 0 END AS suspended FROM sandbox ORDER BY code",
        "WITH recent AS (SELECT * FROM run_record WHERE id > 2990) SELECT id, username FROM recent ORDER BY id",
        "VALUES (1, 'one'), (2, 'two')",
        "SELECT 1.5 AS x, -7 AS y, NULL AS z, 'text' AS t",
    ]
}
