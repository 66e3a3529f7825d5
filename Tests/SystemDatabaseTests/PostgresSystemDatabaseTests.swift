import Foundation
import JSON
import PostgresNIO
import Testing

@testable import SystemDatabase

@Suite("PostgreSQL system database", .enabled(if: PostgresTestServer.shouldRun, PostgresTestServer.skipReason))
struct PostgresSystemDatabaseTests {
    private func db() async throws -> PostgresSystemDatabase { try await PostgresTestServer.database() }

    @Test func selectsRowsWithColumnNames() async throws {
        try await SystemDatabaseBehaviour.selectsRowsWithColumnNames(try await db())
    }

    @Test func acceptsTrailingSemicolonAndComments() async throws {
        try await SystemDatabaseBehaviour.acceptsTrailingSemicolonAndComments(try await db())
    }

    @Test func emptyResultKeepsColumns() async throws {
        try await SystemDatabaseBehaviour.emptyResultKeepsColumns(try await db())
    }

    @Test func capsRowsAndFlagsTruncation() async throws {
        try await SystemDatabaseBehaviour.capsRowsAndFlagsTruncation(try await db())
    }

    @Test func exactlyMaxRowsIsNotTruncated() async throws {
        try await SystemDatabaseBehaviour.exactlyMaxRowsIsNotTruncated(try await db())
    }

    @Test func defaultLimitIs500Rows() async throws {
        try await SystemDatabaseBehaviour.defaultLimitIs500Rows(try await db())
    }

    @Test func millionRowResultIsCutAtTheCapQuickly() async throws {
        try await SystemDatabaseBehaviour.millionRowResultIsCutAtTheCapQuickly(try await db())
    }

    @Test func capsBytesAndFlagsTruncation() async throws {
        try await SystemDatabaseBehaviour.capsBytesAndFlagsTruncation(try await db())
    }

    @Test func rowLargerThanTheAnswerIsRefusedUnread() async throws {
        try await SystemDatabaseBehaviour.rowLargerThanTheAnswerIsRefusedUnread(try await db(), text: { "repeat('x', \($0))" })
    }

    @Test func largeRowsAfterSmallOnesAreCutAtTheCap() async throws {
        try await SystemDatabaseBehaviour.largeRowsAfterSmallOnesAreCutAtTheCap(try await db(), text: { "repeat('x', \($0))" })
    }

    @Test func overlongStatementIsRefused() async throws {
        try await SystemDatabaseBehaviour.overlongStatementIsRefused(try await db())
    }

    /// Every type's size is measured on the server: text, bytea, json and a type sent as JSON.
    @Test func oversizedValuesOfEveryKindStayOnTheServer() async throws {
        let database = try await db()
        for value in ["repeat('x', 2000000)", "decode(repeat('ab', 2000000), 'hex')", "to_json(repeat('x', 2000000))",
                      "array_fill('x'::text, ARRAY[1000000])"] {
            let error = await #expect(throws: SystemDatabaseError.self, "\(value)") {
                try await database.query("SELECT \(value) AS v", limits: QueryLimits(maxBytes: 1 << 20))
            }
            #expect(error?.code == .tooLarge, "\(value): \(error?.message ?? "")")
        }
    }

    @Test func sortsAndHashesGetPostgresDefaultWorkMemory() async throws {
        let result = try await db().query("SELECT current_setting('work_mem') AS w")
        #expect(result.rows == [[.string(PostgresSystemDatabase.workMemory)]])
    }

    @Test func endlessQueryTimesOut() async throws {
        try await SystemDatabaseBehaviour.endlessQueryTimesOut(try await db())
    }

    @Test func slowRowsAfterFastOnesGiveAPartialResult() async throws {
        try await SystemDatabaseBehaviour.slowRowsAfterFastOnesGiveAPartialResult(try await db())
    }

    @Test func guardRefusesWritesBeforeTheDatabase() async throws {
        try await SystemDatabaseBehaviour.guardRefusesWritesBeforeTheDatabase(try await db())
    }

    @Test func reportsDatabaseErrors() async throws {
        try await SystemDatabaseBehaviour.reportsDatabaseErrors(try await db())
    }

    @Test func duplicateAndUnnamedColumnsSurvive() async throws {
        try await SystemDatabaseBehaviour.duplicateAndUnnamedColumnsSurvive(try await db())
    }

    @Test func stringsWithSemicolonsAndKeywordsAreData() async throws {
        try await SystemDatabaseBehaviour.stringsWithSemicolonsAndKeywordsAreData(try await db())
    }

    @Test func schemaListsTablesAndColumns() async throws {
        try await SystemDatabaseBehaviour.schemaListsTablesAndColumns(try await db())
    }

    @Test func schemaFiltersByPattern() async throws {
        try await SystemDatabaseBehaviour.schemaFiltersByPattern(try await db())
    }

    /// Same fixture, same SQL, same rows, whichever engine holds the system database.
    @Test(arguments: SystemDatabaseBehaviour.portableQueries)
    func returnsTheSameRowsAsSQLite(_ sql: String) async throws {
        let postgres = try await db().query(sql)
        let sqlite = try await withSQLiteFixture { db, _ in try await db.query(sql) }
        #expect(postgres.rows == sqlite.rows)
        #expect(!postgres.rows.isEmpty)
        #expect(postgres.columns.count == sqlite.columns.count)
    }

    // MARK: PostgreSQL only

    @Test func generateSeriesOfAMillionRowsIsCutQuickly() async throws {
        let db = try await db()
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await db.query("SELECT g, g * 2 AS twice FROM generate_series(1, 1000000) AS g")
        #expect(result.rows.count == 500)
        #expect(result.truncationReason == .rowLimit)
        #expect(result.rows.last == [.int(500), .int(1000)])
        #expect(clock.now - start < .seconds(3))
    }

    @Test func pgSleepTimesOutAtTheStatementTimeout() async throws {
        let db = try await db()
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query("SELECT pg_sleep(30)", limits: QueryLimits(timeout: .seconds(1)))
        }
        let elapsed = clock.now - start
        #expect(error?.code == .timeout)
        #expect(elapsed < .seconds(3), "took \(elapsed); the 1 s timeout should stop it at once")
    }

    @Test func shortPgSleepIsAllowed() async throws {
        let result = try await db().query("SELECT pg_sleep(0.05), 1 AS done")
        #expect(result.rows == [[.string(""), .int(1)]])
        #expect(result.columns.map(\.type) == ["void", "integer"])
    }

    /// The guard aside, the transaction is READ ONLY: writes fail inside it with SQLSTATE 25006.
    @Test func transactionRefusesWritesWithoutTheGuard() async throws {
        let db = try await db()
        for sql in [
            "INSERT INTO sandbox VALUES ('X', 'x', NULL, 'local', NULL, FALSE)",
            "DELETE FROM run_record",
            "CREATE TABLE intruder (a integer)",
            "SELECT nextval('run_record_id_seq')",
            "SET TRANSACTION READ WRITE",
        ] {
            let error = await #expect(throws: SystemDatabaseError.self, "\(sql)") {
                try await db.withReadOnlyTransaction(limits: QueryLimits()) { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestServer.logger).consume()
                }
            }
            #expect(error?.code == .readOnlyViolation || error?.databaseCode == "25001", "\(sql): \(String(describing: error))")
        }
        // The cursor path the guard feeds is read-only too.
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.run(statementText: "SELECT nextval('run_record_id_seq')", limits: QueryLimits())
        }
        #expect(error?.code == .readOnlyViolation)

        let settings = try PostgresTestServer.settings()
        let counts = try await PostgresTestServer.withWritableConnection(settings) { connection in
            var counts: [Int] = []
            for table in ["run_record", "sandbox"] {
                for try await count in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)"), logger: PostgresTestServer.logger)
                    .decode(Int.self)
                {
                    counts.append(count)
                }
            }
            return counts
        }
        #expect(counts == [EmulationFixture.runCount, EmulationFixture.sandboxes.count])
    }

    @Test func mapsValueTypesToJSON() async throws {
        let result = try await db().query(
            """
            SELECT 1::int2 AS small, 2::int4 AS regular, 9007199254740993::int8 AS big, 2.5::float4 AS f4, 0.1::float8 AS f8,
                   'NaN'::float8 AS nan, 1.25::numeric AS num, 12345678901234567890.5::numeric AS bignum, 42::numeric(10,2) AS whole,
                   -0.001::numeric AS tiny, 'ä text'::text AS t, 'v'::varchar(5) AS v, 'c'::char(3) AS c, true AS yes, NULL::int AS nothing,
                   '2024-05-06 07:08:09.123'::timestamp AS ts, '2024-05-06 07:08:09.123456+02'::timestamptz AS tstz,
                   '1999-12-31'::date AS d, '\\xdeadbeef'::bytea AS bytes, '{"a": [1, 2.5, "x"]}'::jsonb AS doc,
                   '[true, null]'::json AS arr, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, 'infinity'::timestamp AS forever
            """)
        let row = try #require(result.rows.first)
        let expected: [JSONValue] = [
            .int(1), .int(2), .int(9_007_199_254_740_993), .double(2.5), .double(0.1), .string("NaN"), .double(1.25),
            .string("12345678901234567890.5"), .int(42), .double(-0.001), .string("ä text"), .string("v"), .string("c  "), .bool(true),
            .null, .string("2024-05-06T07:08:09.123"), .string("2024-05-06T05:08:09.123456Z"), .string("1999-12-31"),
            .string("3q2+7w=="), ["a": [1, 2.5, "x"]], [true, nil], .string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), .string("infinity"),
        ]
        #expect(row.count == expected.count)
        for (index, (actual, wanted)) in zip(row, expected).enumerated() {
            #expect(actual == wanted, "column \(result.columns[index].name)")
        }
        #expect(result.columns.first(where: { $0.name == "v" })?.type == "character varying(5)")
        #expect(result.columns.first(where: { $0.name == "ts" })?.type == "timestamp without time zone")
        #expect(result.columns.first(where: { $0.name == "whole" })?.type == "numeric(10,2)")
    }

    /// Types without a binary decoder here reach us as JSON, converted by the server.
    @Test func otherTypesArriveAsJSON() async throws {
        let result = try await db().query(
            """
            SELECT ARRAY[1, 2, 3] AS ints, ARRAY['a', NULL] AS texts, interval '1 day 2 hours' AS span, ROW(1, 'x') AS pair,
                   '127.0.0.1'::inet AS address, 7 AS plain, 'public'::regnamespace AS ns
            """)
        #expect(
            result.rows == [
                [[1, 2, 3], ["a", nil], "1 day 02:00:00", ["f1": 1, "f2": "x"], "127.0.0.1", 7, "public"]
            ])
        #expect(result.columns.map(\.name) == ["ints", "texts", "span", "pair", "address", "plain", "ns"])
        #expect(result.columns.map(\.type) == ["integer[]", "text[]", "interval", "record", "inet", "integer", "regnamespace"])

        let ordered = try await db().query("SELECT id, ARRAY[id, id * 2] AS pair FROM run_record ORDER BY id DESC LIMIT 3")
        #expect(ordered.rows == [[3000, [3000, 6000]], [2999, [2999, 5998]], [2998, [2998, 5996]]])
    }

    @Test func refusesServerFileAndStateFunctions() async throws {
        let db = try await db()
        for sql in [
            "SELECT pg_read_file('/etc/passwd')", "SELECT * FROM pg_catalog.pg_ls_dir('.')", "SELECT set_config('statement_timeout', '0', false)",
            "SELECT lo_import('/etc/passwd')", "SELECT pg_terminate_backend(pg_backend_pid())",
        ] {
            let error = await #expect(throws: SQLRejected.self, "\(sql)") { try await db.query(sql) }
            #expect(error?.reason == .forbiddenFunction)
        }
    }

    /// Each query runs read-only with its own statement timeout and an idle-in-transaction backstop.
    @Test func transactionCarriesTheQuerySettings() async throws {
        let result = try await db().query(
            """
            SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout'),
                   current_setting('transaction_read_only'), current_setting('standard_conforming_strings'),
                   current_setting('application_name')
            """, limits: QueryLimits(timeout: .milliseconds(1500)))
        #expect(result.rows == [["1500ms", "11500ms", "on", "on", "cloverdx-mcp"]])
    }

    @Test func timeoutLeavesTheConnectionUsable() async throws {
        let db = try await db()
        for _ in 0..<3 {
            await #expect(throws: SystemDatabaseError.self) {
                try await db.query("SELECT pg_sleep(5)", limits: QueryLimits(timeout: .milliseconds(200)))
            }
        }
        let result = try await db.query("SELECT count(*) FROM sandbox")
        #expect(result.rows == [[.int(Int64(EmulationFixture.sandboxes.count))]])
    }

    /// A pool of its own, so the other tests running in parallel do not take its connections.
    @Test func queriesRunConcurrently() async throws {
        _ = try await db()  // the fixture exists
        let db = PostgresSystemDatabase(settings: try PostgresTestServer.settings(), maxConnections: 4)
        let runner = Task { await db.run() }
        defer { runner.cancel() }
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: QueryResult.self) { group in
            for _ in 0..<4 {
                group.addTask { try await db.query("SELECT pg_sleep(1), count(*) FROM run_record") }
            }
            for try await result in group {
                #expect(result.rows.first?.last == .int(Int64(EmulationFixture.runCount)))
            }
        }
        #expect(clock.now - start < .seconds(3.9), "4 connections should run 4 one-second queries side by side, not one after another")
    }
}

@Suite("PostgreSQL connection failures")
struct PostgresConnectionFailureTests {
    /// Nothing listens on the port: the query fails as unavailable, bounded in time, instead of hanging.
    @Test func unreachableServerIsUnavailable() async throws {
        let db = PostgresSystemDatabase(host: "127.0.0.1", port: 1, user: "clover", password: nil, database: "clover", tls: false)
        let runner = Task { await db.run() }
        defer { runner.cancel() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query("SELECT 1", limits: QueryLimits(timeout: .seconds(1)))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("127.0.0.1:1/clover") == true)
        #expect(clock.now - start < .seconds(20))  // bounded, not hanging; generous for a loaded machine
    }

    /// A refused connect ends the wait at once with the reason: the pool alone would retry until
    /// the query's whole deadline (here a minute) had passed.
    @Test func refusedConnectIsReportedWithoutWaitingForTheDeadline() async throws {
        let db = PostgresSystemDatabase(host: "127.0.0.1", port: 1, user: "clover", password: nil, database: "clover", tls: false)
        let runner = Task { await db.run() }
        defer { runner.cancel() }
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query("SELECT 1", limits: QueryLimits(timeout: .seconds(60)))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("Cannot reach PostgreSQL at 127.0.0.1:1/clover") == true, "\(String(describing: error))")
        #expect(error?.message.contains("No answer") == false, "the deadline fired, not the connect probe")
    }

    /// A server that is up but refuses the login says why (here: no such database), not "no answer".
    @Test(.enabled(if: PostgresTestServer.shouldRun, PostgresTestServer.skipReason))
    func refusedLoginSaysWhy() async throws {
        var settings = try PostgresTestServer.settings()
        settings.database = "no_such_database_here"
        let db = PostgresSystemDatabase(settings: settings)
        let runner = Task { await db.run() }
        defer { runner.cancel() }
        let error = await #expect(throws: SystemDatabaseError.self) {
            try await db.query("SELECT 1", limits: QueryLimits(timeout: .seconds(60)))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.databaseCode == "3D000", "\(String(describing: error))")
    }
}
