import Foundation
import PluginKit
import PluginKitTesting

/// A CloverDX installation as the host's services describe it (Sources/CloverServices: installation.info,
/// host.info, logs.list/search/tail, sql.query, config.effective), with the start-up lines of
/// docs/CLOVERDX.md §4.8.
struct FakeInstallation: Sendable {
    struct Entry: Sendable {
        let time: String
        let level: String
        let thread: String
        let logger: String
        let message: String
        let file: String

        /// The line as written: log4j's layout for cloverlogs, JULI's one-line layout for catalina.
        var text: String {
            if file.hasPrefix("catalina") { return "\(time) \(level) [\(thread)] \(logger) \(message)" }
            return time.replacingOccurrences(of: ".", with: ",") + "[\(thread)] \(logger) \(level) \(message)"
        }

        var json: PluginJSON {
            .object([
                "time": .string(time), "level": .string(level), "thread": .string(thread), "logger": .string(logger),
                "message": .string(message), "text": .string(text), "file": .string(file), "line": .number(1), "truncated": .bool(false),
            ])
        }
    }

    var logs: [String: [Entry]]
    var performance: String? = #"{"time":"2025-03-05 10:15:00.000","hbAge":2,"cGC":0.4,"wGC":3.1,"cHeap":0.61,"wHeap":2.87,"sysCPU":41.5,"cCPU":1.2,"wCPU":37.9,"jobs":4,"jobQueue":1,"cThread":212,"wThread":301,"swap":0.0,"cFD":388,"wFD":512,"cUptime":86400,"wUptime":25330}"#
    var configuration: [(key: String, value: String, masked: Bool)] = [
        ("jdbc.password", "*****", true), ("jdbc.url", "jdbc:postgresql://dwh-db:5432/clover", false),
        ("sandboxes.home", "/opt/clover/sandboxes", false), ("worker.maxHeapSize", "4096", false),
    ]

    static let worker = "worker0@node01:10500"
    static let coreStart = Entry(time: "2025-02-20 06:00:01.114", level: "INFO", thread: "main", logger: "ServerStartup",
                                 message: "CloverDX Server 7.4.1 (build 7.4.1.12) starting, node node01", file: "all.log")
    static let workerCommand = Entry(
        time: "2025-03-05 03:12:50.000", level: "INFO", thread: "WorkerManager", logger: "WorkerManager",
        message: "Starting Worker \(worker): /opt/java/openjdk/bin/java -Xmx6g -Xms512m -XX:+UseG1GC -Djdbc.password=s3cret "
            + "-Dclover.worker.port=10500 -cp /opt/tomcat/webapps/clover/WEB-INF/lib/* com.cloveretl.server.worker.WorkerMain",
        file: "all.log")
    static let workerStart = Entry(time: "2025-03-05 03:12:52.100", level: "INFO", thread: "s StdOut reader", logger: "WorkerProcess",
                                   message: "[\(worker)]: CloverDX Worker 7.4.1 (build 7.4.1.12) starting on node01", file: "all.log")
    static let workerJava = Entry(time: "2025-03-05 03:12:52.400", level: "INFO", thread: "s StdOut reader", logger: "WorkerProcess",
                                  message: "[\(worker)]: Java: 21.0.5+11-LTS (Eclipse Adoptium), max heap 4096 MB", file: "all.log")
    static let jobEnd = Entry(time: "2025-03-05 10:15:02.000", level: "INFO", thread: "ecutorThread-15", logger: "ExecutionManager",
                              message: "Job runId=18352 finished status=FINISHED_OK", file: "all.log")
    static let catalina: [Entry] = [
        ("Server version name:   Apache Tomcat/10.1.34"), ("Server built:          Dec 5 2024 22:01:19 UTC"),
        ("OS Name:               Linux"), ("OS Version:            5.15.0-105-generic"), ("Architecture:          amd64"),
        ("Java Home:             /opt/java/openjdk"), ("JVM Version:           21.0.5+11-LTS"), ("JVM Vendor:            Eclipse Adoptium"),
        ("CATALINA_HOME:         /opt/tomcat"), ("Command line argument: -Djavax.net.ssl.trustStorePassword=changeit"),
    ].enumerated().map { index, message in
        Entry(time: "2025-02-20 05:59:20.1\(index)0", level: "INFO", thread: "main",
              logger: "org.apache.catalina.startup.VersionLoggerListener.log", message: message, file: "catalina.2025-02-20.log")
    }

    static let complete = FakeInstallation(logs: [
        "all": [coreStart, workerCommand, workerStart, workerJava, jobEnd],
        "worker": [Entry(time: "2025-03-05 03:12:52.000", level: "INFO", thread: "main", logger: "WorkerMain",
                         message: "Starting CloverDX Worker 7.4.1 (build 7.4.1.12) on node01, port 10500", file: "worker.log")],
        "catalina": catalina,
    ])

    static let installationInfo: PluginJSON = .object([
        "nodeId": .string("node01"), "home": .string("/opt/clover"), "serverLogs": .string("/opt/clover/cloverlogs"),
        "tomcatLogs": .string("/opt/tomcat/logs"), "jobLogs": .string("/opt/clover/sandboxes/.jobs"), "sandboxes": .string("/opt/clover/sandboxes"),
        "systemDatabase": .object(["engine": .string("postgresql")]), "restAPI": .string("http://cdx01:8080/clover/"),
        "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3_600)]),
        "supportPortal": .object(["configured": .bool(true), "rateLimitMs": .number(60_000)]),
    ])

    static let hostInfo: PluginJSON = .object([
        "name": .string("cloverdx-mcp"), "version": .string("0.9.0"), "pid": .number(4_242), "startedAt": .string("2025-03-04T09:12:00Z"),
        "uptimeSeconds": .number(93_784),
        "plugins": .array([
            .object(["id": .string("server-info"), "version": .string("1.0.0"), "tools": .number(1), "resources": .number(1), "prompts": .number(1)]),
            .object(["id": .string("job-tracking"), "version": .string("1.0.0"), "tools": .number(4), "resources": .number(0), "prompts": .number(2)]),
        ]),
    ])

    /// The handlers; `refused` names services answered with the host's no-grant refusal.
    func services(refused: [String: String] = [:]) -> [String: PluginTestHost.ServiceHandler] {
        let logs = self.logs, performance = self.performance, configuration = self.configuration
        var services: [String: PluginTestHost.ServiceHandler] = [
            "installation.info": { _ in Self.installationInfo },
            "host.info": { _ in Self.hostInfo },
            "logs.list": { _ in
                let ids = logs.keys.sorted() + (performance == nil ? [] : ["performance"])
                return .object(["logs": .array(ids.map { id in
                    let entries = logs[id] ?? []
                    let file = entries.first?.file ?? "\(id).log"
                    return .object([
                        "id": .string(id), "category": .string(id == "all" ? "server" : id),
                        "files": .array([.object(["name": .string(file), "bytes": .number(48_213)])]), "bytes": .number(48_213),
                        "firstTime": .string(entries.first?.time ?? "2025-03-04 10:15:00.000"),
                        "lastTime": .string(entries.last?.time ?? "2025-03-05 10:15:00.000"),
                    ])
                })])
            },
            "logs.search": { request in
                guard let id = request["log"]?.stringValue, let entries = logs[id] else {
                    throw ServiceRefused(status: Int32(CDXMCP_NOT_FOUND), message: "no log \"\(request["log"]?.stringValue ?? "")\"")
                }
                let regex = try request["regex"]?.stringValue.map { try Regex($0) }
                let from = request["from"]?.stringValue, to = request["to"]?.stringValue
                let matching = entries.filter { entry in
                    (from.map { entry.time >= $0 } ?? true) && (to.map { entry.time <= $0 } ?? true)
                        && (regex.map { entry.text.contains($0) } ?? true)
                }
                let limit = Int(request["limit"]?.doubleValue ?? 100)
                return .object([
                    "entries": .array(matching.prefix(limit).map(\.json)), "matched": .number(Double(min(limit, matching.count))),
                    "scannedBytes": .number(48_213), "totalBytes": .number(48_213),
                    "truncated": .object(["entryText": .bool(false), "pageBytes": .bool(false), "limit": .bool(matching.count > limit)]),
                    "warnings": .array([]),
                ])
            },
            // The host answers logs.tail with the same page as logs.search (LogServices.json(page)).
            "logs.tail": { request in
                var entries: [PluginJSON] = []
                if request["log"] == .string("performance"), let performance {
                    let time = (try? PluginJSON(parsing: performance))?["time"]?.stringValue
                    entries = [.object([
                        "time": time.map(PluginJSON.string) ?? .null, "level": .null, "thread": .null, "logger": .null,
                        "message": .string(performance), "text": .string(performance), "file": .string("performance.log"), "line": .null,
                        "truncated": .bool(false),
                    ])]
                }
                return .object([
                    "entries": .array(entries), "matched": .number(Double(entries.count)), "scannedBytes": .number(4_096),
                    "totalBytes": .number(2_306_112), "warnings": .array([]),
                    "truncated": .object(["entryText": .bool(false), "pageBytes": .bool(false), "limit": .bool(false)]),
                ])
            },
            "sql.query": { request in
                guard request["sql"]?.stringValue?.contains("FROM cluster_node") == true else {
                    throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "unexpected SQL")
                }
                return .object([
                    "columns": .array(["node_id", "url", "status", "last_heartbeat"].map { .object(["name": .string($0), "type": .string("text")]) }),
                    "rows": .array([
                        .array([.string("node01"), .string("http://cdx01:8080/clover"), .string("READY"), .string("2025-03-05T10:14:58.000+01:00")]),
                        .array([.string("node02"), .string("http://cdx02:8080/clover"), .string("SUSPENDED"), .string("2025-03-05T09:02:11.000+01:00")]),
                    ]),
                    "truncated": .bool(false), "elapsedMs": .number(2),
                ])
            },
            "config.effective": { _ in
                .object([
                    "entries": .array(configuration.map { entry in
                        var json: [String: PluginJSON] = ["key": .string(entry.key), "value": .string(entry.value),
                                                          "source": .string("/opt/clover/conf/cloverServer.properties")]
                        if entry.masked { json["masked"] = .bool(true) }
                        return .object(json)
                    }),
                    "privatePatterns": .array([.string("*password*"), .string("*secret*")]),
                ])
            },
        ]
        for (service, grant) in refused {
            services[service] = { _ in
                throw ServiceRefused(status: Int32(CDXMCP_DENIED),
                                     message: "plugin \"server-info\" has no grant \"\(grant)\" for \(service); add it to the plugin's \"grants\" in plugins.json")
            }
        }
        return services
    }
}
