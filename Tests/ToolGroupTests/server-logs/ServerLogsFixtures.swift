import Foundation
import PluginKit
import PluginKitTesting
import ServerLogsPlugin

/// Canned answers in the wire format of Sources/CloverServices (LogServices.swift, InstallationInfoService.swift)
/// for a node in Prague whose cloverlogs hold all.log, worker.log, worker_node02.log and user-action.log.
enum ServerLogsFixture {
    static let installationInfo = PluginJSON.object([
        "nodeId": .string("node01"), "home": .string("/opt/clover"),
        "serverLogs": .string("/opt/clover/cloverlogs"), "tomcatLogs": .string("/opt/tomcat/logs"),
        "jobLogs": .string("/opt/clover/cloverlogs/jobs"), "sandboxes": .string("/opt/clover/sandboxes"),
        "systemDatabase": .object(["engine": .string("postgresql")]), "restAPI": .string("http://localhost:8080/clover"),
        "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3_600)]),
        "supportPortal": .object(["configured": .bool(false), "rateLimitMs": .number(60_000)]),
    ])

    static func log(_ id: String, category: String = "server", files: [(String, Int)], first: String?, last: String?) -> PluginJSON {
        .object([
            "id": .string(id), "category": .string(category),
            "files": .array(files.map { .object(["name": .string($0.0), "bytes": .number(Double($0.1))]) }),
            "bytes": .number(Double(files.reduce(0) { $0 + $1.1 })),
            "firstTime": first.map(PluginJSON.string) ?? .null, "lastTime": last.map(PluginJSON.string) ?? .null,
        ])
    }

    static let logsList = PluginJSON.object(["logs": .array([
        log("all", files: [("all.log", 8_388_608), ("all.log.1", 10_485_760)], first: "2025-03-01 00:00:01.000", last: "2025-03-05 09:59:58.412"),
        log("worker", files: [("worker.log", 2_097_152)], first: "2025-03-04 06:00:00.120", last: "2025-03-05 09:59:40.002"),
        log("worker_node02", files: [("worker_node02.log", 524_288)], first: "2025-03-04 06:00:03.500", last: "2025-03-05 09:58:12.770"),
        log("user-action", files: [("user-action.log", 40_960)], first: "2025-03-01 07:58:10.004", last: "2025-03-05 09:41:22.331"),
    ])])

    /// One entry as the host returns it: the cloverlogs layout (docs/CLOVERDX.md §4.1), stack trace on unprefixed lines.
    static func entry(_ time: String, _ level: String, thread: String, logger: String, _ message: String,
                      file: String = "all.log", line: Int) -> PluginJSON {
        let padded = { (text: String, width: Int) in text + String(repeating: " ", count: max(0, width - text.count)) }
        let threadColumn = String(thread.suffix(15))
        let text = time.replacingOccurrences(of: ".", with: ",") + "[\(padded(threadColumn, 15))] \(padded(logger, 16)) \(padded(level, 9)) \(message)"
        return .object([
            "time": .string(time), "level": .string(level), "thread": .string(threadColumn), "logger": .string(logger),
            "message": .string(message), "text": .string(text), "file": .string(file), "line": .number(Double(line)),
            "truncated": .bool(false),
        ])
    }

    /// A logs.search / logs.tail answer (LogServices.json): entries, counts, truncation flags, warnings, the cursor.
    static func page(_ entries: [PluginJSON], matched: Int? = nil, nextCursor: String? = nil, warnings: [String] = [],
                     totalBytes: Int = 18_874_368) -> PluginJSON {
        var members: [String: PluginJSON] = [
            "entries": .array(entries), "matched": .number(Double(matched ?? entries.count)),
            "scannedBytes": .number(nextCursor == nil ? Double(totalBytes) : 262_144), "totalBytes": .number(Double(totalBytes)),
            "truncated": .object(["entryText": .bool(false), "pageBytes": .bool(false), "limit": .bool(nextCursor != nil)]),
            "warnings": .array(warnings.map(PluginJSON.string)),
        ]
        if let nextCursor { members["nextCursor"] = .string(nextCursor) }
        return .object(members)
    }

    static let failedRun = entry(
        "2025-03-05 02:10:07.561", "ERROR", thread: "ExecutorThread-15", logger: "ExecutionManager",
        """
        Job runId=18350 finished status=ERROR component=DB_OUTPUT_TABLE0: Connection refused
        org.jetel.exception.JetelRuntimeException: Component [DBOutputTable:DB_OUTPUT_TABLE0] finished with status ERROR.
        \tat org.jetel.graph.runtime.WatchDog.executePhase(WatchDog.java:523)
        \tat org.jetel.graph.runtime.WatchDog.call(WatchDog.java:371)
        \tat java.base/java.util.concurrent.FutureTask.run(FutureTask.java:317)
        \tat java.base/java.lang.Thread.run(Thread.java:1583)
        Caused by: org.postgresql.util.PSQLException: Connection to dwh-db:5432 refused. Check that the hostname and port are correct.
        \tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:346)
        \t... 12 more
        """, line: 48_211)

    static let jobStart = entry("2025-03-05 02:00:00.114", "INFO", thread: "ExecutorThread-12", logger: "ExecutionManager",
                                "Starting job runId=18342 sandbox=dwh job=graph/LoadOrders.grf user=scheduler", line: 47_002)

    static let workerOOM = entry("2025-03-05 03:12:40.002", "ERROR", thread: "Worker's StdOut reader", logger: "WorkerProcess",
                                 "[worker0@node01:10500]: java.lang.OutOfMemoryError: Java heap space", file: "worker.log", line: 9_120)

    static let node02Heap = entry("2025-03-05 03:14:02.880", "WARN", thread: "Worker's StdOut reader", logger: "WorkerProcess",
                                  "[worker0@node02:10500]: GC overhead 38% over the last 60 s", file: "worker_node02.log", line: 2_210)

    /// The host with installation.info and logs.list answered, plus `services`.
    static func host(_ services: [String: PluginTestHost.ServiceHandler]) throws -> PluginTestHost {
        var all: [String: PluginTestHost.ServiceHandler] = [
            "installation.info": { _ in installationInfo },
            "logs.list": { _ in logsList },
        ]
        all.merge(services) { _, new in new }
        return try PluginTestHost(services: all, make: serverLogsPlugin)
    }

    /// The requests the plugin sent to `service`, in order.
    static func requests(_ host: PluginTestHost, _ service: String) -> [PluginJSON] {
        host.serviceRequests.filter { $0.service == service }.map(\.request)
    }
}

