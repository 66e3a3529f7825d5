import Foundation
import Testing
@testable import DemoInstallation

/// Every line of every log parses with the layout of docs/CLOVERDX.md, "Log line layouts" (run logs: docs/JOB-LOG-FORMAT.md).
@Suite struct LogFormatTests {
    /// `%d{yyyy-MM-dd HH:mm:ss,SSS}[%-15.15t] %-16c{1} %-9p %m%n`
    static let serverLine = LinePattern(
        #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\[.{15}\] (?=[A-Za-z]+ * )[A-Za-z ]{16} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) {4} \S.*$"#)
    /// Stack-trace continuation lines, which carry no prefix.
    static let continuation = LinePattern(#"^(\t.+|Caused by: \S.*|[a-z][\w$]*(\.[\w$]+)+(: .*)?)$"#)

    func checkServerLog(_ base: String, fixture: DemoFixture) throws -> Int {
        var checked = 0
        var previousWasEvent = false
        for line in try fixture.lines(of: base) {
            if LogFormatTests.serverLine.matches(line) {
                previousWasEvent = true
            } else {
                #expect(previousWasEvent && LogFormatTests.continuation.matches(line), "\(base).log: unexpected line: \(line)")
            }
            checked += 1
        }
        return checked
    }

    @Test func serverLogsUseTheCloverDXLayout() throws {
        let fixture = try DemoFixture.get()
        for base in ["all", "worker", "node", "user-action", "data-service", "monitor"] {
            #expect(try checkServerLog(base, fixture: fixture) > 0, "\(base).log is empty")
        }
    }

    @Test func userActionAndDataServiceBodiesAreKeyValue() throws {
        let fixture = try DemoFixture.get()
        let userAction = LinePattern(#"^.{68}user=\S+ domain=(clover|LDAP|SAML) ip=[\d.]+ action=[A-Z_]+ result=(SUCCESS|FAILURE)( \S+=\S+)*$"#)
        for line in try fixture.lines(of: "user-action") { #expect(userAction.matches(line), "\(line)") }
        let dataService = LinePattern(#"^.{68}user=\S+ ip=[\d.]+ uri=/clover/data-service/\S+ status=\d{3} duration=\d+ ms$"#)
        for line in try fixture.lines(of: "data-service") { #expect(dataService.matches(line), "\(line)") }
    }

    @Test func serverIntegrationLogHasDesignerCalls() throws {
        let pattern = LinePattern(#"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d{1,3}(\.\d{1,3}){3} user=[^,\s]+, operation=\w+ (SUCCESS|FAILURE) duration=\d+ ms$"#)
        let lines = try DemoFixture.get().lines(of: "server-integration")
        #expect(lines.count > 100)
        for line in lines { #expect(pattern.matches(line), "\(line)") }
    }

    @Test func performanceLogHasDocumentedKeysInOrderEveryThreeSeconds() throws {
        let n = #"-?\d+(\.\d+)?"#
        let pattern = LinePattern(#"^\{"time":"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})"(,"hbAge":\d+)?,"cGC":N(,"wGC":N)?,"cHeap":N(,"wHeap":N)?,"sysCPU":N,"cCPU":N(,"wCPU":N)?,"jobs":\d+,"jobQueue":\d+,"cThread":\d+(,"wThread":\d+)?,"swap":N,"cFD":\d+(,"wFD":\d+)?,"cUptime":\d+(,"wUptime":\d+)?\}$"#
            .replacingOccurrences(of: "N", with: n))
        let lines = try DemoFixture.get().lines(of: "performance")
        #expect(lines.count > 6 * 28_000)
        var threeSecondSteps = 0
        var previous: String?
        for line in lines {
            guard let groups = pattern.captures(line) else {
                Issue.record("performance.log: \(line)")
                continue
            }
            if let p = previous, let a = LogFormatTests.seconds(p), let b = LogFormatTests.seconds(groups[1]), abs(b - a - 3) < 0.05 {
                threeSecondSteps += 1
            }
            previous = groups[1]
        }
        #expect(Double(threeSecondSteps) > Double(lines.count) * 0.99)
        // A sample parses as JSON too.
        for line in lines.prefix(50) {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any])
        }
    }

    @Test func jobQueueLogHasDocumentedKeysInOrder() throws {
        let pattern = LinePattern(#"^\{"time":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}","queued":\d+,"running":\d+,"started":\d+,"cpu":\d+\.\d,"loadStep":\d+,"queueExecutions":\d+,"avgCpu":\d+\.\d,"coreLowMem":(true|false),"workerLowMem":(true|false),"nonBlockedJobs":\d+\}$"#)
        let lines = try DemoFixture.get().lines(of: "job-queue")
        #expect(lines.count > 6 * 28_000)
        for line in lines where !pattern.matches(line) { Issue.record("job-queue.log: \(line)") }
    }

    @Test func accessLogUsesTheDocumentedPattern() throws {
        let fixture = try DemoFixture.get()
        let pattern = LinePattern(#"^\d{1,3}(\.\d{1,3}){3} - (-|[\w.-]+) \[(\d\d)/([A-Z][a-z]{2})/(\d{4}):\d\d:\d\d:\d\d \+0100\] \d+ (GET|POST|PUT|DELETE) /clover/\S* HTTP/1\.1 \d{3} (\d+|-)$"#)
        let dir = fixture.root.appendingPathComponent("tomcatlogs")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("localhost_access_log.") }.sorted()
        #expect(files.count == 7)
        var statuses: Set<String> = []
        for file in files {
            let date = String(file.dropFirst("localhost_access_log.".count).prefix(10))
            for line in try DemoFixture.text(of: dir.appendingPathComponent(file)).split(separator: "\n") {
                guard let g = pattern.captures(line) else {
                    Issue.record("\(file): \(line)")
                    continue
                }
                statuses.insert(String(line.split(separator: " ").dropLast().last!))
                let month = DemoClock.monthNames.firstIndex(of: g[4]).map { DemoClock.pad2($0 + 1) } ?? "?"
                // Requests finishing after midnight may have started the day before.
                let requestDate = "\(g[5])-\(month)-\(g[3])"
                #expect(requestDate == date || requestDate < date, "\(file): \(line)")
            }
        }
        for status in ["200", "201", "302", "401", "403", "500"] { #expect(statuses.contains(status), "no \(status) in the access logs") }
    }

    @Test func catalinaLogUsesTheOneLineFormatter() throws {
        let fixture = try DemoFixture.get()
        let pattern = LinePattern(#"^\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d\.\d{3} (SEVERE|WARNING|INFO|FINE) \[[^\]]+\] [\w.$]+ .+$"#)
        let dir = fixture.root.appendingPathComponent("tomcatlogs")
        var sawStartup = false
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasPrefix("catalina.") {
            for line in try DemoFixture.text(of: dir.appendingPathComponent(file)).split(separator: "\n") {
                #expect(pattern.matches(line) || line.hasPrefix("\t"), "\(file): \(line)")
                if line.contains("Server startup in [") { sawStartup = true }
            }
        }
        #expect(sawStartup)
    }

    /// `%d %-5p %-3X{runId} [%t] %m%n`, and the tracking tables' fixed columns.
    @Test func runLogsUseTheEngineLayoutAndTrackingColumns() throws {
        let fixture = try DemoFixture.get()
        let prefix = LinePattern(#"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (INFO |WARN |ERROR|FATAL) (\d{3,}) \[([^\]]+)\] (.*)$"#)
        let statuses: Set<String> = ["N/A", "READY", "RUNNING", "WAITING", "FINISHED_OK", "ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"]
        let graphDir = fixture.root.appendingPathComponent("cloverlogs/graph")
        let files = try FileManager.default.contentsOfDirectory(atPath: graphDir.path).filter { $0.hasSuffix(".log") }
        #expect(files.count > 2000)
        var tables = 0
        for file in files {
            let runId = String(file.dropLast(4))
            var table: String?   // "graph" or "jobflow" while inside a tracking table
            var lastTime = ""
            for line in try DemoFixture.text(of: graphDir.appendingPathComponent(file)).split(separator: "\n") {
                guard let g = prefix.captures(line) else {
                    // Continuation: parameters, composite error messages, stack traces.
                    #expect(!line.isEmpty && table == nil, "\(file): \(line)")
                    continue
                }
                #expect(g[3] == runId, "\(file): \(line)")
                #expect(g[1] >= lastTime, "\(file): time goes back: \(line)")
                lastTime = g[1]
                let message = g[5]
                if message.hasPrefix("Node                   ID        Port") {
                    table = "graph"
                    tables += 1
                } else if message == "Node                   ID         Port      #Records" {
                    table = "jobflow"
                    tables += 1
                } else if message.hasPrefix("---------------------------------** End of Log **") {
                    table = nil
                } else if let kind = table, !message.hasPrefix("-------") {
                    let isNode = message.count == 79 && !message.hasPrefix(" ") && statuses.contains(message.suffix(15).trimmingCharacters(in: .whitespaces))
                    let isPort = kind == "graph" ? (message.count == 79 || (message.count == 10 && message.hasPrefix(" %cpu:"))) : message.count == 52
                    #expect(isNode || isPort, "\(file): bad tracking line (\(message.count) chars): '\(message)'")
                }
            }
        }
        #expect(tables > 2000)
    }

    static func seconds(_ time: String) -> Double? {
        // yyyy-MM-dd HH:mm:ss.SSS → seconds of the day (day changes are rare enough to ignore).
        let parts = time.dropFirst(11).split(whereSeparator: { $0 == ":" || $0 == "." })
        guard parts.count == 4, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]), let ms = Double(parts[3]) else {
            return nil
        }
        return h * 3600 + m * 60 + s + ms / 1000
    }
}
