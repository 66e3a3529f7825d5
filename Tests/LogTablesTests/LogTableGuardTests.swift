import Foundation
import LogCatalogue
import LogTables
import JSON
import SystemDatabase
import Testing

@Suite("Log tables: the read-only guard, caps and SQL functions")
struct LogTableGuardTests {
    private func performanceFixture(samples: Int = 5) throws -> LogTablesFixture {
        let fixture = try LogTablesFixture()
        let start = LogTimestamp("2025-03-05 02:00:00")!
        try fixture.write((0..<samples).map { index in
            sample(start.adding(seconds: Double(3 * index)).description, "\"jobs\":\(index),\"wHeap\":\(Double(index) / 2)")
        }, to: "performance.log")
        return fixture
    }

    @Test(arguments: [
        ("DROP TABLE performance", SQLRejected.Reason.notAQuery),
        ("ATTACH DATABASE '/tmp/x.db' AS x", .notAQuery),
        ("SELECT 1; SELECT 2", .multipleStatements),
        ("DELETE FROM performance", .notAQuery),
        ("WITH gone AS (DELETE FROM performance RETURNING *) SELECT * FROM gone", .dataModifying),
        ("SELECT load_extension('x')", .forbiddenFunction),
    ])
    func refusesAnythingButOneQuery(sql: String, reason: SQLRejected.Reason) async throws {
        let fixture = try performanceFixture()
        let rejected = await #expect(throws: SQLRejected.self) {
            _ = try await fixture.tables().run(.performance, sql)
        }
        #expect(rejected?.reason == reason)
        #expect(rejected?.message.contains("system database") == false, "the refusal names the log table, not the system database")
        let still = try await fixture.tables().run(.performance, "SELECT count(*) FROM performance")
        #expect(still.result.rows == [[.int(5)]])
    }

    @Test func refusesBeforeReadingTheLog() async throws {
        let fixture = try LogTablesFixture()
        await #expect(throws: SQLRejected.self) {
            _ = try await fixture.tables().run(.performance, "DROP TABLE performance")
        }
        await #expect(throws: LogCatalogueError.self) {
            _ = try await fixture.tables().run(.performance, "SELECT 1")
        }
    }

    @Test func rowCapTruncatesTheResult() async throws {
        let fixture = try performanceFixture()
        let answer = try await fixture.tables().run(.performance, "SELECT jobs FROM performance ORDER BY time", limits: QueryLimits(maxRows: 2))
        #expect(answer.result.rows == [[.int(0)], [.int(1)]])
        #expect(answer.result.truncationReason == .rowLimit)
    }

    @Test func loadCapStopsLoadingAndSaysWhere() async throws {
        let fixture = try performanceFixture()
        let answer = try await fixture.tables(maxLoadedRows: 3).run(.performance, "SELECT count(*) FROM performance")
        #expect(answer.result.rows == [[.int(3)]])
        #expect(answer.loadTruncated && answer.loadedRows == 3)
        #expect(answer.lastTime?.description == "2025-03-05 02:00:06.000")
        #expect(answer.warnings.contains { $0.contains("narrow the window") })
        let exact = try await fixture.tables(maxLoadedRows: 5).run(.performance, "SELECT count(*) FROM performance")
        #expect(!exact.loadTruncated, "a cap equal to the records is not a truncation")
    }

    @Test func unknownTableNamesTheTableThatWasLoaded() async throws {
        let fixture = try performanceFixture()
        let failed = await #expect(throws: LogTableError.self) {
            _ = try await fixture.tables().run(.performance, "SELECT * FROM job_queue")
        }
        #expect(failed?.code == .invalidQuery)
        #expect(failed?.message.contains("no such table: job_queue") == true)
        #expect(failed?.message.contains("wHeap REAL") == true, "names the columns of the table that was loaded")
    }

    @Test func regexpAndPercentileAreAvailable() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write((1...20).map { index in
            "10.1.2.3 - - [05/Mar/2025:08:14:\(String(format: "%02d", index)) +0100] \(index * 10) GET /clover/api/rest/v1/executions/\(index) HTTP/1.1 200 64"
        } + ["10.1.2.3 - - [05/Mar/2025:08:15:00 +0100] 5 GET /clover/gui/ HTTP/1.1 200 10"],
            to: "localhost_access_log.2025-03-05.txt", in: fixture.tomcatLogs)
        let answer = try await fixture.tables().run(.access, """
            SELECT count(*), percentile(duration_ms, 0.95), percentile(duration_ms, 0.5) FROM access
            WHERE path REGEXP '^/clover/api/rest/v1/executions/[0-9]+$'
            """)
        #expect(answer.result.rows == [[.int(20), .double(190), .double(100)]])
        let bad = await #expect(throws: LogTableError.self) {
            _ = try await fixture.tables().run(.access, "SELECT count(*) FROM access WHERE path REGEXP '(unclosed'")
        }
        #expect(bad?.message.contains("does not compile") == true)
    }

    @Test func pathologicalRegexpFailsInsteadOfHanging() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write(["10.1.2.3 - - [05/Mar/2025:08:14:00 +0100] 5 GET /\(String(repeating: "a", count: 40))! HTTP/1.1 200 10"],
                          to: "localhost_access_log.2025-03-05.txt", in: fixture.tomcatLogs)
        let started = ContinuousClock.now
        let slow = await #expect(throws: LogTableError.self) {
            _ = try await fixture.tables().run(.access, "SELECT count(*) FROM access WHERE path REGEXP '^/(a+)+$'")
        }
        #expect(slow?.message.contains("backtracks too much") == true, "\(slow?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
