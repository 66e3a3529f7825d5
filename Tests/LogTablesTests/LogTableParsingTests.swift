import Foundation
import LogCatalogue
import LogTables
import JSON
import SystemDatabase
import Testing

@Suite("Log tables: parsing each log's layout")
struct LogTableParsingTests {
    @Test func performanceSamplesBecomeColumnsAndMissingKeysNull() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write([
            sample("2025-03-05 02:00:03.000", #""hbAge":2,"cGC":0.4,"wGC":3.1,"cHeap":0.61,"wHeap":2.87,"sysCPU":41.5,"cCPU":1.2,"wCPU":37.9,"jobs":4,"jobQueue":0,"cThread":212,"wThread":301,"swap":0.0,"cFD":388,"wFD":512,"cUptime":86400,"wUptime":3600"#),
            sample("2025-03-05 02:00:06.125", #""cGC":0.5,"cHeap":0.62,"sysCPU":3.1,"cCPU":1.1,"jobs":4,"jobQueue":2,"cThread":212,"swap":0.0,"cFD":390,"cUptime":86403"#),
        ], to: "performance.log")
        let answer = try await fixture.tables().run(.performance, "SELECT * FROM performance ORDER BY time")
        #expect(answer.table == "performance")
        #expect(answer.result.columns.map(\.name) == LogTableKind.performance.columns.map(\.name))
        #expect(answer.result.columns.first { $0.name == "wHeap" }?.type == "REAL")
        #expect(answer.result.rows.count == 2)
        let first = answer.result.rows[0]
        #expect(first[0] == .string("2025-03-05 02:00:03.000"))
        #expect(first[1] == .int(2))
        #expect(first[5] == .double(2.87))
        #expect(first[17] == .int(3600))
        let second = answer.result.rows[1]
        #expect(second[0] == .string("2025-03-05 02:00:06.125"))
        #expect(second[1] == .null, "a sample without hbAge has NULL there")
        #expect(second[5] == .null)
        #expect(second[10] == .int(2))
        #expect(answer.loadedRows == 2 && !answer.loadTruncated && answer.warnings.isEmpty)
        #expect(answer.firstTime?.description == "2025-03-05 02:00:03.000" && answer.lastTime?.description == "2025-03-05 02:00:06.125")
    }

    @Test func jobQueueBooleansAreZeroOrOne() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write([
            #"{"time":"2025-03-05 02:00:03.000","queued":12,"running":20,"started":3,"cpu":88.0,"loadStep":20,"queueExecutions":4,"avgCpu":86.2,"coreLowMem":false,"workerLowMem":true,"nonBlockedJobs":0}"#,
        ], to: "job-queue.log")
        let answer = try await fixture.tables().run(.jobQueue, "SELECT queued, cpu, coreLowMem, workerLowMem FROM job_queue")
        #expect(answer.table == "job_queue")
        #expect(answer.result.rows == [[.int(12), .double(88), .int(0), .int(1)]])
    }

    @Test func accessLogReadsBothLayoutsOnTheServerClock() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write([
            "10.1.2.3 - jdoe [05/Mar/2025:08:14:09 +0100] 37 POST /clover/api/rest/v1/executions HTTP/1.1 201 64",
            #"10.1.2.9 - - [05/Mar/2025:07:20:11 +0000] "GET /clover/gui/api/executions?page=0&size=25 HTTP/1.1" 200 -"#,
        ], to: "localhost_access_log.2025-03-05.txt", in: fixture.tomcatLogs)
        let tables = fixture.tables(serverTimeZone: TimeZone(secondsFromGMT: 3_600))
        let answer = try await tables.run(.access, "SELECT * FROM access ORDER BY time")
        #expect(answer.result.columns.map(\.name) == ["time", "client", "user", "method", "path", "query", "protocol", "status", "bytes", "duration_ms"])
        #expect(answer.result.rows == [
            [.string("2025-03-05 08:14:09.000"), .string("10.1.2.3"), .string("jdoe"), .string("POST"), .string("/clover/api/rest/v1/executions"),
             .null, .string("HTTP/1.1"), .int(201), .int(64), .int(37)],
            // +0000 on a +01:00 server: one hour later on the server's wall clock; no %D, no duration.
            [.string("2025-03-05 08:20:11.000"), .string("10.1.2.9"), .null, .string("GET"), .string("/clover/gui/api/executions"),
             .string("page=0&size=25"), .string("HTTP/1.1"), .int(200), .int(0), .null],
        ])
    }

    @Test func userActionBodyBecomesColumnsAndTheRestIsTheMessage() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write([
            "2025-03-05 08:14:02,331[nio-8080-exec-7] UserAction       INFO      user=jdoe domain=clover ip=10.1.2.3 action=LOGIN result=FAILURE reason=BAD_CREDENTIALS",
            "2025-03-05 08:15:02,000[nio-8080-exec-8] UserAction       INFO      user=admin domain=clover ip=10.1.2.10 action=CREATE_USER result=SUCCESS target=tbrown domain=SAML groups=operators",
        ], to: "user-action.log")
        let answer = try await fixture.tables().run(.userAction, "SELECT * FROM user_action ORDER BY time")
        #expect(answer.table == "user_action")
        #expect(answer.result.rows == [
            [.string("2025-03-05 08:14:02.331"), .string("jdoe"), .string("clover"), .string("10.1.2.3"), .string("LOGIN"), .string("FAILURE"),
             .string("reason=BAD_CREDENTIALS")],
            [.string("2025-03-05 08:15:02.000"), .string("admin"), .string("clover"), .string("10.1.2.10"), .string("CREATE_USER"),
             .string("SUCCESS"), .string("target=tbrown domain=SAML groups=operators")],
        ])
    }

    @Test func unparseableLinesAreCountedNotDroppedSilently() async throws {
        let fixture = try LogTablesFixture()
        try fixture.write([
            sample("2025-03-05 02:00:03.000", #""jobs":1"#),
            "this is not JSON",
            #"{"hbAge":3}"#,
            #"{"time":"2025-03-05 02:00:09.000","jobs":[1,2]}"#,
            sample("2025-03-05 02:00:12.000", #""jobs":2,"newKey":7"#),
        ], to: "performance.log")
        let answer = try await fixture.tables().run(.performance, "SELECT count(*) FROM performance")
        #expect(answer.result.rows == [[.int(2)]])
        let unread = try #require(answer.warnings.first { $0.contains("could not be read") })
        #expect(unread.hasPrefix("3 lines"), "a stray line, a sample without time, a nested value: \(unread)")
        #expect(unread.contains("performance.log line 2"))
        #expect(answer.warnings.contains { $0.contains("newKey") })
    }

    @Test func windowAndRotatedGzipFilesAreReadInTimeOrder() async throws {
        let fixture = try LogTablesFixture()
        try fixture.writeGzip([sample("2025-03-04 23:59:57.000", #""jobs":1"#), sample("2025-03-05 00:00:00.000", #""jobs":2"#)],
                              to: "performance.2025-03-04.1.log.gz")
        try fixture.write([sample("2025-03-05 00:00:03.000", #""jobs":3"#), sample("2025-03-05 00:00:06.000", #""jobs":4"#)], to: "performance.log")
        let all = try await fixture.tables().run(.performance, "SELECT group_concat(jobs) FROM performance")
        #expect(all.result.rows == [[.string("1,2,3,4")]])
        let window = try await fixture.tables().run(.performance, "SELECT group_concat(jobs) FROM performance",
                                                    from: "2025-03-05 00:00:00", to: "2025-03-05 00:00:03")
        #expect(window.result.rows == [[.string("2,3")]])
        #expect(window.loadedRows == 2)
    }
}
