import Foundation
import PerformanceLogsPlugin
import PluginKit
import PluginKitTesting

/// Canned answers in the wire format of Sources/CloverServices (LogTableService.swift, LogServices.swift,
/// InstallationInfoService.swift): a node whose performance.log ends on 2025-03-05 09:59:57 after a
/// Worker heap exhaustion and restart at 03:12.
enum PerfFixture {
    static let installationInfo = PluginJSON.object([
        "nodeId": .string("node01"), "serverLogs": .string("/opt/clover/cloverlogs"), "tomcatLogs": .string("/opt/tomcat/logs"),
        "jobLogs": .string("/opt/clover/cloverlogs/jobs"), "sandboxes": .string("/opt/clover/sandboxes"),
        "systemDatabase": .object(["engine": .string("postgresql")]), "restAPI": .string("http://localhost:8080/clover"),
        "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3_600)]),
    ])

    static let logsList = PluginJSON.object(["logs": .array([
        .object([
            "id": .string("performance"), "category": .string("performance"),
            "files": .array([.object(["name": .string("performance.log"), "bytes": .number(9_437_184)]),
                             .object(["name": .string("performance.log.1"), "bytes": .number(20_971_520)])]),
            "bytes": .number(30_408_704), "firstTime": .string("2025-03-03 10:00:00.000"), "lastTime": .string("2025-03-05 09:59:57.000"),
        ]),
        .object([
            "id": .string("job-queue"), "category": .string("job-queue"),
            "files": .array([.object(["name": .string("job-queue.log"), "bytes": .number(4_194_304)])]),
            "bytes": .number(4_194_304), "firstTime": .string("2025-03-04 10:00:01.000"), "lastTime": .string("2025-03-05 09:59:58.000"),
        ]),
    ])])

    static func column(_ name: String, _ type: String) -> PluginJSON { .object(["name": .string(name), "type": .string(type)]) }

    /// A logs.table answer (LogTableService.json).
    static func table(_ table: String, columns: [PluginJSON], rows: [[PluginJSON]], loadedRows: Int, truncationReason: String? = nil,
                      loadTruncated: Bool = false, firstTime: String? = "2025-03-04 09:59:57.000",
                      lastTime: String? = "2025-03-05 09:59:57.000", warnings: [String] = []) -> PluginJSON {
        var members: [String: PluginJSON] = [
            "table": .string(table), "columns": .array(columns), "rows": .array(rows.map(PluginJSON.array)),
            "truncated": .bool(truncationReason != nil), "loadedRows": .number(Double(loadedRows)), "loadTruncated": .bool(loadTruncated),
            "firstTime": firstTime.map(PluginJSON.string) ?? .null, "lastTime": lastTime.map(PluginJSON.string) ?? .null,
            "elapsedMs": .number(412), "warnings": .array(warnings.map(PluginJSON.string)),
        ]
        if let truncationReason { members["truncationReason"] = .string(truncationReason) }
        return .object(members)
    }

    static let metrics = ["hbAge", "cGC", "wGC", "cHeap", "wHeap", "sysCPU", "cCPU", "wCPU", "jobs", "jobQueue", "cThread", "wThread",
                          "swap", "cFD", "wFD", "cUptime", "wUptime"]

    typealias Stat = (min: Double, avg: Double, max: Double, p95: Double)

    /// One row of the statistics query (PerfStatistics.sql): bucket (NULL for the whole window), samples, first, last, then
    /// count, min, avg, max and p95 of every metric; a metric without samples has count 0 and NULLs, as SQLite answers.
    static func statisticsRow(bucket: String?, samples: Int, first: String?, last: String?, values: [String: Stat]) -> [PluginJSON] {
        var row: [PluginJSON] = [bucket.map(PluginJSON.string) ?? .null, .number(Double(samples)),
                                 first.map(PluginJSON.string) ?? .null, last.map(PluginJSON.string) ?? .null]
        for metric in metrics {
            if let value = values[metric] {
                row += [.number(Double(samples)), .number(value.min), .number(value.avg), .number(value.max), .number(value.p95)]
            } else {
                row += [.number(0), .null, .null, .null, .null]
            }
        }
        return row
    }

    static func statistics(_ rows: [[PluginJSON]], loadedRows: Int) -> PluginJSON {
        var columns = [column("bucket", "NULL"), column("samples", "INTEGER"), column("first", "TEXT"), column("last", "TEXT")]
        for metric in metrics {
            columns += ["n", "min", "avg", "max", "p95"].map { column("\(metric)_\($0)", $0 == "n" ? "INTEGER" : "REAL") }
        }
        return table("performance", columns: columns, rows: rows, loadedRows: loadedRows)
    }

    static let dayOfSamples: [String: Stat] = [
        "hbAge": (0, 1.8, 58, 3), "wGC": (0, 4.2, 71.3, 38.5), "wHeap": (0.42, 2.31, 3.97, 3.88), "sysCPU": (3.5, 38.2, 99.1, 87.4),
        "jobs": (0, 3.1, 14, 9), "jobQueue": (0, 0.4, 6, 2), "cFD": (371, 402, 455, 441), "wUptime": (0, 41_210, 86_380, 84_000),
    ]

    static let incidentColumns = ["kind", "metric", "started", "ended", "samples", "peak", "extra"].map { column($0, "TEXT") }

    /// The incident query's rows for the heap exhaustion of 03:05–03:12 and the Worker restart after it.
    static let heapExhaustion: [[PluginJSON]] = [
        [.string("heapPressure"), .string("wHeap"), .string("2025-03-05 03:05:12.000"), .string("2025-03-05 03:12:36.000"),
         .number(149), .number(3.94), .number(62.5)],
        [.string("workerRestart"), .string("wUptime"), .string("2025-03-05 03:12:36.000"), .string("2025-03-05 03:12:57.000"),
         .number(2), .number(25_320), .number(12)],
        [.string("samplingGap"), .string("time"), .string("2025-03-05 03:12:36.000"), .string("2025-03-05 03:12:57.000"),
         .number(0), .number(21 + 60), .null],
    ]

    static func isStatisticsQuery(_ request: PluginJSON) -> Bool {
        request["sql"]?.stringValue?.hasPrefix("SELECT NULL AS bucket") == true
    }

    static func host(configuration: [String: String] = [:], _ services: [String: PluginTestHost.ServiceHandler]) throws -> PluginTestHost {
        var all: [String: PluginTestHost.ServiceHandler] = [
            "installation.info": { _ in installationInfo },
            "logs.list": { _ in logsList },
        ]
        all.merge(services) { _, new in new }
        return try PluginTestHost(configuration: configuration, services: all, make: performanceLogsPlugin)
    }

    static func requests(_ host: PluginTestHost, _ service: String) -> [PluginJSON] {
        host.serviceRequests.filter { $0.service == service }.map(\.request)
    }
}
