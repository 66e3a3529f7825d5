import Foundation
import PerformanceLogsPlugin
import PluginKit
import PluginKitTesting
import Testing

@Suite struct PerformanceLogsPluginTests {
    typealias F = PerfFixture

    static func dayHost(configuration: [String: String] = [:]) throws -> PluginTestHost {
        try F.host(configuration: configuration, ["logs.table": { request in
            F.isStatisticsQuery(request)
                ? F.statistics([F.statisticsRow(bucket: nil, samples: 28_800, first: "2025-03-04 09:59:57.000", last: "2025-03-05 09:59:57.000",
                                                values: F.dayOfSamples)], loadedRows: 28_800)
                : F.table("performance", columns: F.incidentColumns, rows: F.heapExhaustion, loadedRows: 28_800)
        }])
    }

    @Test func summaryReadsTheLastDayOfTheLogAndDescribesItsIncidents() throws {
        let host = try Self.dayHost(configuration: ["worker.maxHeapSize": "4096"])
        let run = host.runTool("server_perf_logs_summary")
        #expect(!run.isError, "\(run.text)")

        // Without from/to: the 24 hours before the log's last sample (logs.list), not before the clock's now.
        let requests = F.requests(host, "logs.table")
        try #require(requests.count == 2)
        for request in requests {
            #expect(request["log"] == .string("performance"))
            #expect(request["from"] == .string("2025-03-04 09:59:57.000"))
            #expect(request["to"] == .string("2025-03-05 09:59:57.000"))
        }
        // worker.maxHeapSize is in MB: 4096 → 4 GB, heap pressure from 90% of it.
        let incidentSQL = try #require(requests.first { !F.isStatisticsQuery($0) }?["sql"]?.stringValue)
        #expect(incidentSQL.contains("wHeap >= 3.6 AND wGC > 20.0"))
        #expect(run.structured?["workerMaxHeapGB"] == .number(4))

        #expect(run.text.hasPrefix("Performance 2025-03-04 09:59:57.000 … 2025-03-05 09:59:57.000: 28800 samples"))
        #expect(run.text.contains("Incidents (3):"))
        #expect(run.text.contains("- 2025-03-05 03:05:12.000 → 2025-03-05 03:12:36.000  heapPressure: Worker heap near its maximum with heavy GC: "
            + "wHeap up to 3.94 GB (≥ 3.6 GB, 90% of the Worker's max heap 4 GB), wGC up to 62.5%"))
        #expect(run.text.contains("workerRestart: Worker restarted between these samples: the old Worker had been up 7 h 2 min, "
            + "the new one was up 12 s when first sampled"))
        #expect(run.text.contains("samplingGap: No performance samples for 1 min 21 s"))
        let wHeap = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("wHeap ") })
        #expect(wHeap.split(separator: " ").map(String.init) == ["wHeap", "GB", "28800", "0.42", "2.31", "3.88", "3.97"])
        let stats = try #require(run.structured?["metrics"]?.arrayValue)
        #expect(stats.count == 17)
        let swap = try #require(stats.first { $0["metric"] == .string("swap") })
        #expect(swap["samples"] == .number(0))
        #expect(swap["max"] == nil)
    }

    @Test func withoutAConfiguredMaxHeapTheWindowsPeakIsTheYardstick() throws {
        let host = try Self.dayHost()
        let run = host.runTool("server_perf_logs_summary")
        #expect(!run.isError, "\(run.text)")
        let incidentSQL = try #require(F.requests(host, "logs.table").first { !F.isStatisticsQuery($0) }?["sql"]?.stringValue)
        #expect(incidentSQL.contains("wHeap >= 0.9 * (SELECT max(wHeap) FROM performance)"))
        #expect(run.text.contains("(≥ 90% of the highest wHeap in the window)"))
        #expect(run.structured?["workerMaxHeapGB"] == nil || run.structured?["workerMaxHeapGB"] == .null)
    }

    @Test func bucketsAreCheckedBeforeTheLogIsLoadedAndRenderedPerBucket() throws {
        let host = try F.host(["logs.table": { request in
            guard F.isStatisticsQuery(request) else { return F.table("performance", columns: F.incidentColumns, rows: [], loadedRows: 2_400) }
            return F.statistics([
                F.statisticsRow(bucket: nil, samples: 2_400, first: "2025-03-05 02:00:00.000", last: "2025-03-05 03:59:57.000", values: F.dayOfSamples),
                F.statisticsRow(bucket: "2025-03-05 02:00:00", samples: 1_200, first: "2025-03-05 02:00:00.000", last: "2025-03-05 02:59:57.000",
                                values: ["wHeap": (0.42, 1.9, 2.6, 2.5), "jobs": (0, 2, 6, 5)]),
                F.statisticsRow(bucket: "2025-03-05 03:00:00", samples: 1_200, first: "2025-03-05 03:00:00.000", last: "2025-03-05 03:59:57.000",
                                values: ["wHeap": (0.5, 3.1, 3.97, 3.9), "jobs": (1, 9, 14, 13)]),
            ], loadedRows: 2_400)
        }])

        for minutes in [0, 1_441] {
            let run = host.runTool("server_perf_logs_summary", arguments: .object(["bucketMinutes": .number(Double(minutes))]))
            #expect(run.isError)
            #expect(run.text.contains("\"bucketMinutes\" must be 1 to 1440 (got \(minutes))"))
        }
        // One-minute buckets over the default day are 1441 buckets: the tool says which size fits.
        let tooMany = host.runTool("server_perf_logs_summary", arguments: .object(["bucketMinutes": .number(1)]))
        #expect(tooMany.isError)
        #expect(tooMany.text.contains("bucketMinutes 1 makes 1441 buckets"))
        #expect(tooMany.text.contains("use bucketMinutes ≥ 3"))
        #expect(F.requests(host, "logs.table").isEmpty)

        let run = host.runTool("server_perf_logs_summary", arguments: .object([
            "from": .string("2025-03-05 02:00"), "to": .string("2025-03-05 04:00"), "bucketMinutes": .number(60),
        ]))
        #expect(!run.isError, "\(run.text)")
        let statisticsSQL = try #require(F.requests(host, "logs.table").first(where: F.isStatisticsQuery)?["sql"]?.stringValue)
        #expect(statisticsSQL.contains("/ 3600 * 3600"))
        #expect(run.structured?["buckets"]?.arrayValue?.count == 2)
        #expect(run.text.contains("No incidents."))
        #expect(run.text.contains("Per 60 min (all metrics in structuredContent):"))
        let lateBucket = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("2025-03-05 03:00:00") })
        // bucket, samples, wHeap max, wGC max, sysCPU avg, jobs max, …: the metrics the bucket lacks stay empty.
        #expect(lateBucket.split(separator: " ", omittingEmptySubsequences: true).map(String.init) == ["2025-03-05", "03:00:00", "1200", "3.97", "14"])
    }

    @Test func aWindowWithoutSamplesSaysSo() throws {
        let host = try F.host(["logs.table": { request in
            F.isStatisticsQuery(request)
                ? F.statistics([F.statisticsRow(bucket: nil, samples: 0, first: nil, last: nil, values: [:])], loadedRows: 0)
                : F.table("performance", columns: F.incidentColumns, rows: [], loadedRows: 0, firstTime: nil, lastTime: nil)
        }])
        let run = host.runTool("server_perf_logs_summary", arguments: .object([
            "from": .string("2025-03-05 12:00"), "to": .string("2025-03-05 13:00"),
        ]))
        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["samples"] == .number(0))
        #expect(run.text.contains("0 samples."))
        #expect(run.text.contains("No incidents."))
        #expect(run.text.contains("Note: performance.log has no samples from 2025-03-05 12:00:00.000 to 2025-03-05 13:00:00.000."))
        #expect(!run.text.contains("metric"))
    }

    @Test func aMissingLogAndAMissingGrantAreErrorsThatSaySo() throws {
        let missing = try F.host(["logs.table": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_NOT_FOUND), message: "no files for log \"performance\" in /opt/clover/cloverlogs")
        }])
        let run = missing.runTool("server_perf_logs_summary")
        #expect(run.isError)
        #expect(run.text.contains("the performance.log is not available on this installation: no files for log \"performance\" in /opt/clover/cloverlogs"))

        let denied = try F.host(["logs.table": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_DENIED), message: "plugin \"performance-logs\" has no grant \"logs.read\" for logs.table; "
                + "add it to the plugin's \"grants\" in plugins.json")
        }])
        for tool in ["server_perf_logs_summary", "server_perf_logs_query"] {
            let refused = denied.runTool(tool, arguments: .object(tool.hasSuffix("query") ? ["sql": .string("SELECT max(wHeap) FROM performance")] : [:]))
            #expect(refused.isError)
            #expect(refused.status == Int32(CDXMCP_FAILED))
            #expect(refused.text.contains("no grant \"logs.read\""))
        }
    }

    @Test func queryLoadsTheLogItsSQLNamesWithinTheLimits() throws {
        let sql = "SELECT time, queued, running FROM job_queue WHERE queued > 5 ORDER BY time"
        let host = try F.host(["logs.table": { _ in
            F.table("job_queue", columns: [F.column("time", "TEXT"), F.column("queued", "INTEGER"), F.column("running", "INTEGER")],
                    rows: [[.string("2025-03-05 02:41:03.000"), .number(7), .number(10)], [.string("2025-03-05 02:41:06.000"), .number(9), .number(10)]],
                    loadedRows: 1_200, truncationReason: "rowLimit", firstTime: "2025-03-05 02:00:00.000", lastTime: "2025-03-05 02:59:58.000")
        }])
        let run = host.runTool("server_perf_logs_query", arguments: .object([
            "sql": .string(sql), "from": .string("2025-03-05T02:00:00+01:00"), "to": .string("2025-03-05 03:00"), "maxRows": .number(9_000),
        ]))
        #expect(!run.isError, "\(run.text)")
        let request = try #require(F.requests(host, "logs.table").first)
        #expect(request["log"] == .string("job-queue"))
        #expect(request["sql"] == .string(sql))
        #expect(request["maxRows"] == .number(5_000))
        #expect(request["from"] == .string("2025-03-05 02:00:00.000"))
        #expect(request["to"] == .string("2025-03-05 03:00:00.000"))

        #expect(run.structured?["log"] == .string("job-queue"))
        #expect(run.structured?["rowCount"] == .number(2))
        #expect(run.text.hasPrefix("2 row(s) (truncated) from job_queue, 1200 samples loaded for 2025-03-05 02:00:00.000 … 2025-03-05 03:00:00.000."))
        let row = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("2025-03-05 02:41:06.000") })
        #expect(row.split(separator: " ").map(String.init) == ["2025-03-05", "02:41:06.000", "9", "10"])
        #expect(run.text.contains("\"maxRows\" 9000 was lowered to the maximum of 5000"))
        #expect(run.text.contains("the query returned more than 5000 rows"))

        // Without from/to the window ends at that log's own last entry.
        _ = host.runTool("server_perf_logs_query", arguments: .object(["sql": .string("SELECT max(queued) FROM job_queue")]))
        let defaulted = try #require(F.requests(host, "logs.table").last)
        #expect(defaulted["to"] == .string("2025-03-05 09:59:58.000"))
        #expect(defaulted["from"] == .string("2025-03-04 09:59:58.000"))
        #expect(defaulted["maxRows"] == .number(200))
    }

    @Test func queryMistakesAndRefusedSQLComeBackAsArgumentErrors() throws {
        let host = try F.host(["logs.table": { request in
            guard request["sql"]?.stringValue?.uppercased().hasPrefix("DELETE") != true else {
                throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "DELETE statements are not allowed: the performance log table is "
                    + "read-only here. Only one read-only query is allowed: SELECT, WITH … SELECT, VALUES or TABLE name. Write a SELECT that reads the rows you want to inspect.")
            }
            return F.table("performance", columns: [], rows: [], loadedRows: 0)
        }])
        let cases: [([String: PluginJSON], String)] = [
            ([:], "missing required argument \"sql\""),
            (["sql": .string("  \n")], "\"sql\" is empty"),
            (["sql": .string("SELECT p.time, q.queued FROM performance p JOIN job_queue q ON p.time = q.time")], "names both performance and job_queue"),
            (["sql": .string("SELECT 1"), "log": .string("access")], "\"log\" must be performance or job-queue (got \"access\")"),
            (["sql": .string("SELECT 1"), "maxRows": .number(0)], "\"maxRows\" must be at least 1"),
            (["sql": .string("SELECT 1"), "from": .string("03/05/2025")], "\"from\": cannot read \"03/05/2025\""),
        ]
        for (arguments, message) in cases {
            let run = host.runTool("server_perf_logs_query", arguments: .object(arguments))
            #expect(run.isError, "\(arguments)")
            #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
            #expect(run.text.contains(message), "\(run.text)")
        }
        #expect(F.requests(host, "logs.table").isEmpty)

        let refused = host.runTool("server_perf_logs_query", arguments: .object(["sql": .string("DELETE FROM performance")]))
        #expect(refused.isError)
        #expect(refused.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(refused.text.hasPrefix("The query was not answered: DELETE statements are not allowed"))
        #expect(F.requests(host, "logs.table").first?["sql"] == .string("DELETE FROM performance"))
    }
}
