import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GRDB
import Testing
@testable import DemoInstallation

/// The system database, the run logs and the server logs tell one story.
@Suite struct StoryConsistencyTests {
    @Test func everyFailedRunHasItsStackTraceAndItsAllLogLine() throws {
        let fixture = try DemoFixture.get()
        let failed = try fixture.database().read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, stop_time, error_component_id, error_message, exception, log_file FROM run_record WHERE status = 'ERROR'
                """)
        }
        #expect(failed.count >= 10)
        let finished = LinePattern(#"^(\S+ \S+)\[.{15}\] ExecutionManager ERROR     Job runId=(\d+) finished status=ERROR component=(\S+): (.*)$"#)
        var allLog: [String: [String]] = [:]
        for line in try fixture.lines(of: "all") where line.contains("finished status=ERROR") {
            if let g = finished.captures(line) { allLog[g[2]] = g }
        }
        for row in failed {
            let id: Int = row["id"]
            let message: String = row["error_message"]
            let component: String = row["error_component_id"]
            let logFile: String = row["log_file"]
            let exception: String? = row["exception"]
            let log = try String(contentsOfFile: logFile, encoding: .utf8)
            #expect(log.contains(message), "run \(id): the run log lacks '\(message)'")
            #expect(log.contains("Error details:\n") && log.contains("\n\tat "), "run \(id): no stack trace in \(logFile)")
            #expect(log.contains("Phase finished with error - stopping job run"), "run \(id)")
            #expect(exception.map { log.contains($0) } == true, "run \(id): the stored exception differs from the run log's")
            guard let line = allLog[String(id)] else {
                Issue.record("run \(id): no 'finished status=ERROR' line in all.log")
                continue
            }
            #expect(line[1] == DemoFixture.log4jTime(fromISO: row["stop_time"]), "run \(id): all.log time \(line[1]) vs stop_time")
            #expect(line[3] == component && line[4] == message, "run \(id): \(line[0])")
        }
    }

    @Test func everyStartedRunHasItsLogAndStartLine() throws {
        let fixture = try DemoFixture.get()
        let runs = try fixture.database().read { db in
            try Row.fetchAll(db, sql: "SELECT id, start_time, log_file FROM run_record WHERE start_time IS NOT NULL")
        }
        let starting = LinePattern(#"^(\S+ \S+)\[.{15}\] ExecutionManager INFO      Starting job runId=(\d+) sandbox=\w+ job=\S+ user=\w+$"#)
        var starts: [String: String] = [:]
        for line in try fixture.lines(of: "all") where line.contains("Starting job") {
            if let g = starting.captures(line) { starts[g[2]] = g[1] }
        }
        for row in runs {
            let id: Int = row["id"]
            let logFile: String = row["log_file"]
            #expect(FileManager.default.fileExists(atPath: logFile), "run \(id): \(logFile) missing")
            #expect(starts[String(id)] == DemoFixture.log4jTime(fromISO: row["start_time"]), "run \(id): start line")
        }
    }

    @Test func childRunsReferenceExistingParents() throws {
        try DemoFixture.get().database().read { db in
            let children = try Int.fetchOne(db, sql: "SELECT count(*) FROM run_record WHERE parent_id <> id")!
            #expect(children > 300)
            let orphans = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM run_record c WHERE c.parent_id <> c.id
                AND NOT EXISTS (SELECT 1 FROM run_record p WHERE p.id = c.parent_id AND p.job_type = 'JOBFLOW')
                """)!
            #expect(orphans == 0)
            let wrongRoot = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM run_record c JOIN run_record p ON p.id = c.parent_id WHERE c.parent_id <> c.id AND c.root_id <> p.root_id
                """)!
            #expect(wrongRoot == 0)
            let badOrder = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM run_record c JOIN run_record p ON p.id = c.parent_id
                WHERE c.parent_id <> c.id AND (c.id < p.id OR c.submit_time < p.start_time)
                """)!
            #expect(badOrder == 0)
        }
    }

    @Test func statusesCoverTheServerVocabulary() throws {
        let counts = try DemoFixture.get().database().read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM run_record GROUP BY status").map {
                (($0["status"] as String), ($0["n"] as Int))
            })
        }
        let total = counts.values.reduce(0, +)
        #expect(total > 2500)
        #expect(Double(counts["FINISHED_OK"] ?? 0) > Double(total) * 0.95)
        for status in ["ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"] { #expect((counts[status] ?? 0) > 0, "no \(status) runs") }
    }

    @Test func trackingRowsMatchTheRunLogSummary() throws {
        let fixture = try DemoFixture.get()
        let rows = try fixture.database().read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.log_file, p.phase_num, p.status, p.exec_time_ms, p.memory_bytes FROM run_record r
                JOIN tracking_phase p ON p.run_id = r.id WHERE r.status IN ('FINISHED_OK', 'ERROR') AND r.job_type = 'ETL_GRAPH'
                ORDER BY r.id LIMIT 400
                """)
        }
        #expect(rows.count > 300)
        for row in rows {
            let log = try String(contentsOfFile: row["log_file"], encoding: .utf8)
            let phase: Int = row["phase_num"], status: String = row["status"]
            let exec: Int = row["exec_time_ms"], memory: Int = row["memory_bytes"]
            // Summary row: label(-18) status(-24) seconds(12) MB(18).
            func left(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
            func right(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
            let expected = left(String(phase), 18) + left(status, 24) + right(String(exec / 1000), 12) + right(String(memory / 1_048_576), 18)
            #expect(log.contains("] " + expected + "\n"), "run \(row["id"] as Int): summary row '\(expected)'")
        }
    }

    @Test func workerOutOfMemoryShowsInPerformanceAndWorkerLogs() throws {
        let fixture = try DemoFixture.get()
        let oom = try fixture.lines(of: "worker").first { $0.contains("FATAL") && $0.contains("java.lang.OutOfMemoryError: Java heap space") }
        let oomLine = try #require(oom)
        let crash = try #require(LogFormatTests.seconds(String(oomLine.prefix(23)).replacingOccurrences(of: ",", with: ".")))
        let crashDay = String(oomLine.prefix(10))
        #expect(try fixture.lines(of: "all").contains { $0.hasPrefix(crashDay) && $0.contains("[worker0@node01:10500]: java.lang.OutOfMemoryError: Java heap space") })

        var lastUptime: Int?
        var heapBefore = 0.0
        var resetAt: Double?
        var sawGap = false
        let crashClock = String(oomLine.dropFirst(11).prefix(5))
        let window = Set((-6...6).map { offset -> String in
            let minutes = Int(crashClock.prefix(2))! * 60 + Int(crashClock.suffix(2))! + offset
            return crashDay + " " + DemoClock.pad2(minutes / 60) + ":" + DemoClock.pad2(minutes % 60)
        })
        for line in try fixture.lines(of: "performance") where window.contains(String(line.dropFirst(9).prefix(16))) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let time = try #require(LogFormatTests.seconds(object["time"] as! String))
            if time < crash && time > crash - 60, let heap = object["wHeap"] as? Double { heapBefore = max(heapBefore, heap) }
            guard time >= crash - 30 else { continue }
            if let uptime = object["wUptime"] as? Int {
                if let last = lastUptime, uptime < last, resetAt == nil { resetAt = time }
                lastUptime = uptime
            } else if time > crash {
                sawGap = true
            }
        }
        #expect(heapBefore > 3.7, "wHeap before the crash: \(heapBefore)")
        #expect(sawGap, "no entries without Worker keys after the crash")
        let reset = try #require(resetAt, "wUptime never resets after the OOM")
        #expect(reset > crash && reset - crash < 180, "wUptime resets \(reset - crash) s after the OOM")

        // Runs in flight became UNKNOWN; the culprit ended in ERROR.
        try fixture.database().read { db in
            let culprit = try Row.fetchOne(db, sql: "SELECT * FROM run_record WHERE error_message = 'java.lang.OutOfMemoryError: Java heap space'")
            #expect(culprit?["status"] == "ERROR")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM run_record WHERE status = 'UNKNOWN' AND stop_time LIKE ?",
                                     arguments: [crashDay + "%"])! > 0)
        }
    }

    @Test func incidentsAppearInEveryLogThatWouldSeeThem() throws {
        let fixture = try DemoFixture.get()
        let all = try fixture.lines(of: "all")
        // The warehouse database outage.
        let refused = try fixture.database().read { db in
            try String.fetchAll(db, sql: "SELECT stop_time FROM run_record WHERE error_message = 'Connection refused' ORDER BY stop_time")
        }
        #expect(refused.count >= 3)
        if let first = refused.first, let last = refused.last {
            #expect(first.prefix(13) == last.prefix(13) || last.prefix(10) == first.prefix(10), "outage runs spread over \(first)…\(last)")
        }
        // The descriptor leak: cFD climbs to the limit, errors, then a restart.
        var maxFD = 0
        var afterRestart: Int?
        var previousFD = 0
        for line in try fixture.lines(of: "performance") {
            guard let range = line.range(of: "\"cFD\":") else { continue }
            let fd = Int(line[range.upperBound...].prefix { $0.isNumber })!
            maxFD = max(maxFD, fd)
            if previousFD > 4000 && fd < 600 && afterRestart == nil { afterRestart = fd }
            previousFD = fd
        }
        #expect(maxFD >= 4000 && maxFD <= 4096)
        #expect(afterRestart != nil, "cFD never drops after the leak")
        #expect(all.contains { $0.contains("Too many open files") })
        #expect(all.contains { $0.contains("finished status=UNKNOWN: interrupted by server restart") })
        // The job queue fills up and drains.
        var maxQueued = 0
        for line in try fixture.lines(of: "job-queue") {
            guard let range = line.range(of: "\"queued\":") else { continue }
            maxQueued = max(maxQueued, Int(line[range.upperBound...].prefix { $0.isNumber })!)
        }
        #expect(maxQueued >= 10)
        #expect(all.contains { $0.contains("Job queue is filling up") })
        #expect(try fixture.lines(of: "monitor").contains { $0.contains("monitor=\"Job queue\" health=FAILING") })
    }

    @Test func loginsInUserActionLogMatchAccessLogRequests() throws {
        let fixture = try DemoFixture.get()
        let login = LinePattern(#"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),\d{3}\[.{15}\] UserAction       INFO      user=\S+ domain=\S+ ip=([\d.]+) action=LOGIN result=(SUCCESS|FAILURE)"#)
        let access = LinePattern(#"^([\d.]+) - - \[(\d\d)/(\w{3})/(\d{4}):(\d\d:\d\d:\d\d) \+0100\] \d+ POST /clover/gui/login HTTP/1\.1 (\d{3}) "#)
        var requests: Set<String> = []
        let dir = fixture.root.appendingPathComponent("tomcatlogs")
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasPrefix("localhost_access_log.") {
            for line in try DemoFixture.text(of: dir.appendingPathComponent(file)).split(separator: "\n") {
                guard let g = access.captures(line) else { continue }
                let month = DemoClock.pad2(DemoClock.monthNames.firstIndex(of: g[3])! + 1)
                requests.insert("\(g[1]) \(g[4])-\(month)-\(g[2]) \(g[5]) \(g[6])")
            }
        }
        var logins = 0, failures = 0
        for line in try fixture.lines(of: "user-action") {
            guard let g = login.captures(line) else { continue }
            let status = g[4] == "SUCCESS" ? "302" : "401"
            if status == "401" { failures += 1 } else { logins += 1 }
            // The request started up to a second before the user action was logged.
            let seconds = LogFormatTests.seconds(g[1] + " " + g[2] + ".000")!
            let candidates = [seconds, seconds - 1].map { s -> String in
                let t = Int(s)
                return "\(g[3]) \(g[1]) \(DemoClock.pad2(t / 3600)):\(DemoClock.pad2(t / 60 % 60)):\(DemoClock.pad2(t % 60)) \(status)"
            }
            #expect(candidates.contains { requests.contains($0) }, "no access-log request for \(line)")
        }
        #expect(logins > 20 && failures > 5)
    }

    @Test func databaseHasTheEmulationSchema() throws {
        let expected: [String: [String]] = [
            "run_record": ["id", "parent_id", "root_id", "node_id", "sandbox_code", "job_file", "job_type", "execution_type", "status", "username",
                           "submit_time", "start_time", "stop_time", "duration_ms", "error_component_id", "error_component_type",
                           "error_message", "exception", "log_file"],
            "run_record_param": ["run_id", "kind", "name", "value"],
            "tracking_phase": ["run_id", "phase_num", "status", "exec_time_ms", "memory_bytes"],
            "tracking_node": ["run_id", "phase_num", "node_id", "node_name", "node_type", "status", "cpu_time_ms", "alloc_bytes"],
            "tracking_port": ["run_id", "phase_num", "node_id", "port_type", "port_index", "total_records", "total_bytes"],
            "sandbox": ["code", "name", "root_path", "type", "owner", "suspended"],
            "clover_user": ["username", "domain", "email", "disabled", "last_login"],
            "user_group": ["group_code"],
            "user_group_member": ["username", "group_code"],
            "schedule": ["id", "name", "sandbox_code", "job_file", "enabled", "last_run_id"],
            "event_listener": ["id", "name", "sandbox_code", "job_file", "enabled", "last_run_id"],
            "data_service_endpoint": ["id", "name", "sandbox_code", "job_file", "enabled", "last_run_id"],
            "cluster_node": ["node_id", "url", "status", "last_heartbeat"],
        ]
        try DemoFixture.get().database().read { db in
            for (table, columns) in expected {
                let actual = try db.columns(in: table).map(\.name)
                for column in columns { #expect(actual.contains(column), "\(table).\(column) missing") }
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")! > 0, "\(table) is empty")
            }
        }
    }

    @Test func configurationPointsAtTheGeneratedFiles() throws {
        let fixture = try DemoFixture.get()
        let text = try String(contentsOf: fixture.root.appendingPathComponent("conf/clover.properties"), encoding: .utf8)
        var properties: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { properties[String(parts[0])] = String(parts[1]) }
        }
        let root = fixture.root.standardizedFileURL.path
        #expect(properties["clover.home"] == root)
        #expect(properties["sandboxes.home"] == root + "/sandboxes")
        #expect(properties["jdbc.url"] == "jdbc:sqlite:" + root + "/data/clover-system.db")
        #expect(properties["graph.logs_path"] == root + "/cloverlogs/graph")
        #expect(properties["logging.dir"] == root)
        #expect(properties["cluster.node.id"] == "node01")
        #expect(properties["clover.mcp.enabled"] == "true")
        #expect(properties["clover.mcp.anonymous.access.enabled"] == "true")
        #expect(properties["worker.maxHeapSize"] != nil && properties["jdbc.password"]?.isEmpty == false)
        for sandbox in ["dwh", "crm", "reporting"] {
            let base = fixture.root.appendingPathComponent("sandboxes/\(sandbox)")
            #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent("workspace.prm").path))
            let graphs = try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent("graph").path)
            #expect(graphs.contains { $0.hasSuffix(".grf") })
            for graph in graphs where graph.hasSuffix(".grf") {
                let xml = try Data(contentsOf: base.appendingPathComponent("graph/" + graph))
                #expect(XMLParser(data: xml).parse(), "\(sandbox)/graph/\(graph) is not well-formed XML")
            }
        }
        let jobflows = try FileManager.default.contentsOfDirectory(atPath: fixture.root.appendingPathComponent("sandboxes/dwh/jobflow").path)
        #expect(jobflows.contains("NightlyLoad.jbf"))
        for file in ["dwh/jobflow/NightlyLoad.jbf", "crm/jobflow/CustomerSync.jbf", "reporting/data-service/Orders.rjob"] {
            let xml = try Data(contentsOf: fixture.root.appendingPathComponent("sandboxes/" + file))
            #expect(XMLParser(data: xml).parse(), "\(file) is not well-formed XML")
        }
    }
}
