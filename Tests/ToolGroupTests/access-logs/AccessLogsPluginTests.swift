import AccessLogsPlugin
import Foundation
import PluginKit
import PluginKitTesting
import Testing

@Suite struct AccessLogsPluginTests {
    typealias F = AccessFixture

    @Test func searchWritesTheFiltersAsQuotedSQLOverTheAccessTable() throws {
        let host = try F.host(["logs.table": { _ in F.table("access", columns: F.accessColumns, rows: F.failingAPI, loadedRows: 1_240) }])
        let run = host.runTool("access_logs_search", arguments: .object([
            "from": .string("2025-03-05T01:00:00Z"), "to": .string("2025-03-05 03:00"), "status": .string("5XX"),
            "path": .string("^/clover/api/"), "user": .string("o'brien"), "ip": .string("10.1.4.20"),
        ]))
        #expect(!run.isError, "\(run.text)")
        let request = try #require(F.requests(host, "logs.table").first)
        #expect(request["log"] == .string("access"))
        #expect(request["from"] == .string("2025-03-05 02:00:00.000"))
        #expect(request["to"] == .string("2025-03-05 03:00:00.000"))
        // The quote in the user name is doubled: the filter stays a string literal.
        #expect(request["sql"] == .string("SELECT * FROM access WHERE status BETWEEN 500 AND 599 AND path REGEXP '^/clover/api/' AND "
            + "user = 'o''brien' COLLATE NOCASE AND client = '10.1.4.20' ORDER BY time, rowid LIMIT 51 OFFSET 0"))
        #expect(request["maxRows"] == .number(51))

        let events = try #require(run.structured?["events"]?.arrayValue)
        #expect(events.count == 3)
        #expect(events[0]["durationMs"] == .number(30_012))
        #expect(events[0]["duration_ms"] == nil)
        #expect(run.structured?["hasMore"] == .bool(false))
        #expect(run.text.hasPrefix("3 request(s) from 1 in 2025-03-05 02:00:00.000 … 2025-03-05 03:00:00.000 (1240 in the window before filtering)."))
        let first = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("2025-03-05 02:10:07.000") })
        #expect(first.split(separator: " ").map(String.init)
            == ["2025-03-05", "02:10:07.000", "10.1.4.20", "api", "GET", "/clover/api/rest/v1/executions?runId=18350",
                "503", "1432", "30012"])
        #expect(!run.text.contains("More events match"))
    }

    @Test func pagesContinueFromTheCursorOverTheSameWindow() throws {
        let host = try F.host(["logs.table": { _ in F.table("access", columns: F.accessColumns, rows: F.failingAPI, loadedRows: 1_240) }])
        let arguments: [String: PluginJSON] = ["status": .string("5xx"), "limit": .number(2)]

        let first = host.runTool("access_logs_search", arguments: .object(arguments))
        #expect(!first.isError, "\(first.text)")
        // One row more than the limit says whether there is more; it is not shown.
        #expect(first.structured?["count"] == .number(2))
        #expect(first.structured?["hasMore"] == .bool(true))
        let cursor = try #require(first.structured?["nextCursor"]?.stringValue)
        #expect(first.text.contains("More events match: call again with cursor \"\(cursor)\""))
        let firstRequest = try #require(F.requests(host, "logs.table").first)
        // Without from/to: the 24 hours before the access log's last entry.
        #expect(firstRequest["from"] == .string("2025-03-04 10:14:59.000"))
        #expect(firstRequest["to"] == .string("2025-03-05 10:14:59.000"))
        #expect(firstRequest["sql"]?.stringValue?.hasSuffix("LIMIT 3 OFFSET 0") == true)

        var next = arguments
        next["cursor"] = .string(cursor)
        let second = host.runTool("access_logs_search", arguments: .object(next))
        #expect(!second.isError, "\(second.text)")
        let secondRequest = try #require(F.requests(host, "logs.table").last)
        #expect(secondRequest["sql"]?.stringValue?.hasSuffix("LIMIT 3 OFFSET 2") == true)
        #expect(secondRequest["from"] == firstRequest["from"])
        #expect(secondRequest["to"] == firstRequest["to"])
        #expect(second.structured?["offset"] == .number(2))
        #expect(second.text.hasPrefix("2 request(s) from 3 in"))

        var other = next
        other["status"] = .string("4xx")
        let foreign = host.runTool("access_logs_search", arguments: .object(other))
        #expect(foreign.isError)
        #expect(foreign.text.contains("\"cursor\" belongs to a search with another source or other filters"))
        next["cursor"] = .string("page-2")
        let forged = host.runTool("access_logs_search", arguments: .object(next))
        #expect(forged.isError)
        #expect(forged.text.contains("\"cursor\" is not a cursor of access_logs_search"))
        #expect(F.requests(host, "logs.table").count == 2)
    }

    @Test func loginsComeFromTheUserActionLog() throws {
        let host = try F.host(["logs.table": { _ in F.table("user_action", columns: F.userActionColumns, rows: F.failedLogins, loadedRows: 460) }])
        let run = host.runTool("access_logs_search", arguments: .object([
            "source": .string("logins"), "result": .string("failure"), "user": .string("mnovak"),
            "from": .string("2025-03-05 08:00"), "to": .string("2025-03-05 09:00"),
        ]))
        #expect(!run.isError, "\(run.text)")
        let request = try #require(F.requests(host, "logs.table").first)
        #expect(request["log"] == .string("user-action"))
        #expect(request["sql"] == .string("SELECT * FROM user_action WHERE action IN ('LOGIN', 'LOGOUT') AND user = 'mnovak' COLLATE NOCASE AND "
            + "result = 'failure' COLLATE NOCASE ORDER BY time, rowid LIMIT 51 OFFSET 0"))
        #expect(run.structured?["source"] == .string("logins"))
        #expect(run.text.hasPrefix("2 event(s) from 1 in 2025-03-05 08:00:00.000 … 2025-03-05 09:00:00.000 (460 in the window before filtering)."))
        let row = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("2025-03-05 08:14:52.118") })
        #expect(row.split(separator: " ").map(String.init)
            == ["2025-03-05", "08:14:52.118", "mnovak", "LDAP", "10.1.2.7", "LOGIN", "FAILURE", "reason=BAD_CREDENTIALS"])
    }

    @Test func filtersThatDoNotFitTheSourceAreRefusedBeforeAnyLogIsLoaded() throws {
        let host = try F.host(["logs.table": { _ in F.table("access", columns: F.accessColumns, rows: [], loadedRows: 0) }])
        let cases: [([String: PluginJSON], String)] = [
            (["status": .string("50x")], "\"status\" \"50x\" is not a status"),
            (["status": .string("600")], "\"status\" \"600\" is not a status"),
            (["source": .string("logins"), "status": .string("5xx")], "\"status\" filters HTTP requests: use it with source http, not logins"),
            (["source": .string("user_actions"), "path": .string("^/clover")], "\"path\" filters HTTP requests"),
            (["action": .string("LOGIN")], "\"action\" filters user actions: use it with source logins or user_actions, not http"),
            (["source": .string("ftp")], "\"source\" \"ftp\" is not known"),
            (["path": .string("")], "\"path\" must be a regular expression of 1 to 1000 bytes"),
            (["limit": .number(0)], "\"limit\" must be at least 1"),
            (["from": .string("last tuesday")], "\"from\": cannot read \"last tuesday\""),
        ]
        for (arguments, message) in cases {
            let run = host.runTool("access_logs_search", arguments: .object(arguments))
            #expect(run.isError, "\(arguments)")
            #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
            #expect(run.text.contains(message), "\(run.text)")
        }
        #expect(F.requests(host, "logs.table").isEmpty)
    }

    @Test func aMissingAccessLogSaysWhereItWasLookedFor() throws {
        let host = try F.host(["logs.table": { _ in throw F.missingAccessLog }])
        let run = host.runTool("access_logs_search")
        #expect(run.isError)
        #expect(run.status == Int32(CDXMCP_FAILED))
        #expect(run.text.contains("the Tomcat access log (localhost_access_log.<date>.txt) is not available on this installation: "
            + "no files for log \"access\" in /opt/tomcat/logs"))
        #expect(run.text.contains("clover.mcp.sidecar.tomcat.logs.dir"))

        let denied = try F.host(["logs.table": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_DENIED), message: "plugin \"access-logs\" has no grant \"logs.read\" for logs.table; "
                + "add it to the plugin's \"grants\" in plugins.json")
        }])
        for tool in ["access_logs_search", "access_logs_stats"] {
            let refused = denied.runTool(tool)
            #expect(refused.isError)
            #expect(refused.text.contains("no grant \"logs.read\""), "\(tool): \(refused.text)")
        }
    }

    static let httpStatistics: PluginJSON = {
        func row(_ section: String, _ key: String?, _ requests: Int, _ errors: Int, _ p50: Double?, _ p95: Double?, _ p99: Double?) -> [PluginJSON] {
            [.string(section), key.map(PluginJSON.string) ?? .null, .number(Double(requests)), .number(Double(errors)),
             p50.map(PluginJSON.number) ?? .null, p95.map(PluginJSON.number) ?? .null, p99.map(PluginJSON.number) ?? .null]
        }
        let rows = [
            row("class", "2xx", 1_180, 0, nil, nil, nil), row("class", "3xx", 10, 0, nil, nil, nil),
            row("class", "4xx", 30, 0, nil, nil, nil), row("class", "5xx", 20, 0, nil, nil, nil),
            row("status", "200", 1_150, 0, nil, nil, nil), row("status", "204", 30, 0, nil, nil, nil), row("status", "302", 10, 0, nil, nil, nil),
            row("status", "401", 22, 0, nil, nil, nil), row("status", "404", 8, 0, nil, nil, nil), row("status", "500", 5, 0, nil, nil, nil),
            row("status", "502", 3, 0, nil, nil, nil), row("status", "503", 12, 0, nil, nil, nil),
            row("latency", nil, 1_240, 0, 42, 1_830, 30_005),
            row("path", "/clover/api/rest/v1/executions", 640, 15, nil, 30_002, nil), row("path", "/clover/gui/index.html", 300, 0, nil, 12, nil),
            row("errorPath", "/clover/api/rest/v1/executions", 15, 15, nil, 30_004, nil), row("errorPath", "/clover/api/rest/v1/login", 22, 22, nil, 35, nil),
            row("client", "10.1.4.20", 700, 18, nil, 29_990, nil), row("client", "10.1.2.3", 540, 32, nil, 210, nil),
        ]
        let columns = [F.column("section", "TEXT"), F.column("key", "TEXT"), F.column("requests", "INTEGER"), F.column("errors", "INTEGER"),
                       F.column("p50", "REAL"), F.column("p95", "REAL"), F.column("p99", "REAL")]
        return F.table("access", columns: columns, rows: rows, loadedRows: 1_240)
    }()

    static let loginStatistics: PluginJSON = {
        func row(_ section: String, _ key: String, _ extra: String?, _ n: Int, _ distinct: Int, _ first: String?, _ last: String?) -> [PluginJSON] {
            [.string(section), .string(key), extra.map(PluginJSON.string) ?? .null, .number(Double(n)), .number(Double(distinct)),
             first.map(PluginJSON.string) ?? .null, last.map(PluginJSON.string) ?? .null]
        }
        let rows = [
            row("total", "success", nil, 212, 14, "2025-03-04 09:58:10.004", "2025-03-05 09:41:22.331"),
            row("total", "failure", nil, 37, 3, "2025-03-05 08:14:40.906", "2025-03-05 08:29:12.400"),
            row("total", "logout", nil, 198, 14, "2025-03-04 10:30:00.120", "2025-03-05 09:40:02.001"),
            row("user", "mnovak", nil, 31, 1, "2025-03-05 08:14:40.906", "2025-03-05 08:29:12.400"),
            row("user", "admin", nil, 6, 2, "2025-03-05 08:20:01.000", "2025-03-05 08:21:30.000"),
            row("ip", "10.1.2.7", nil, 35, 2, "2025-03-05 08:14:40.906", "2025-03-05 08:29:12.400"),
            row("action", "LOGIN", "SUCCESS", 212, 0, nil, nil), row("action", "LOGIN", "FAILURE", 37, 0, nil, nil),
            row("action", "LOGOUT", "SUCCESS", 198, 0, nil, nil), row("action", "EXECUTE_JOB", "SUCCESS", 57, 0, nil, nil),
        ]
        let columns = [F.column("section", "TEXT"), F.column("key", "TEXT"), F.column("extra", "TEXT"), F.column("n", "INTEGER"),
                       F.column("distinctCount", "INTEGER"), F.column("first", "TEXT"), F.column("last", "TEXT")]
        return F.table("user_action", columns: columns, rows: rows, loadedRows: 504)
    }()

    @Test func statsComputeRatesAndRankingsFromBothLogs() throws {
        let host = try F.host(["logs.table": { request in
            request["log"] == .string("access") ? Self.httpStatistics : Self.loginStatistics
        }])
        let run = host.runTool("access_logs_stats", arguments: .object(["top": .number(500)]))
        #expect(!run.isError, "\(run.text)")

        let requests = F.requests(host, "logs.table")
        #expect(requests.map { $0["log"] } == [.string("access"), .string("user-action")])
        // Each log's own last day, and the lowered top in both queries.
        #expect(requests[0]["to"] == .string("2025-03-05 10:14:59.000"))
        #expect(requests[1]["to"] == .string("2025-03-05 09:41:22.331"))
        #expect(requests.allSatisfy { $0["sql"]?.stringValue?.contains("LIMIT 100)") == true })

        let http = try #require(run.structured?["http"])
        #expect(http["requests"] == .number(1_240))
        #expect(http["errorRate"] == .number(0.0403))
        #expect(http["serverErrorRate"] == .number(0.0161))
        #expect(http["topPaths"]?[0]?["errorRate"] == .number(0.0234))
        #expect(run.structured?["logins"]?["loginFailures"] == .number(37))
        #expect(run.structured?["logins"]?["actions"]?[0]?["action"] == .string("EXECUTE_JOB"))

        #expect(run.text.contains("HTTP: 1240 requests, errors 4.0% (4xx+5xx), server errors 1.6% (5xx); status classes: 2xx 1180, 3xx 10, 4xx 30, 5xx 20."))
        #expect(run.text.contains("Latency over 1240 requests: p50 42 ms, p95 1830 ms, p99 30005 ms."))
        #expect(run.text.contains("Logins: 212 successful, 37 failed; 198 logouts."))
        let perIP = try #require(run.text.split(separator: "\n").first { $0.hasPrefix("10.1.2.7 ") })
        #expect(perIP.split(separator: " ").map(String.init) == ["10.1.2.7", "35", "2", "2025-03-05", "08:14:40.906", "2025-03-05", "08:29:12.400"])
        #expect(run.text.contains("Note: \"top\" 500 was lowered to the maximum of 100."))
        #expect(run.text.contains("Note: Tomcat access log (localhost_access_log.<date>.txt): the last 24 hours of the log, "
            + "2025-03-04 10:14:59.000 … 2025-03-05 10:14:59.000."))
    }

    @Test func statsLeaveOutALogThatIsMissingAndFailWhenBothAre() throws {
        let partial = try F.host(["logs.table": { request in
            if request["log"] == .string("access") { throw F.missingAccessLog }
            return Self.loginStatistics
        }])
        let run = partial.runTool("access_logs_stats", arguments: .object(["from": .string("-7d")]))
        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["http"] == nil || run.structured?["http"] == .null)
        #expect(run.structured?["logins"]?["loginSuccesses"] == .number(212))
        #expect(!run.text.contains("HTTP:"))
        #expect(run.text.contains("Note: the Tomcat access log (localhost_access_log.<date>.txt) is not available on this installation: "
            + "no files for log \"access\" in /opt/tomcat/logs; its part is left out."))

        let none = try F.host(["logs.table": { request in
            throw request["log"] == .string("access") ? F.missingAccessLog : F.missingUserActionLog
        }])
        let failed = none.runTool("access_logs_stats")
        #expect(failed.isError)
        #expect(failed.text.contains("neither log is available"))
        #expect(failed.text.contains("/opt/tomcat/logs"))
        #expect(failed.text.contains("/opt/clover/cloverlogs"))
    }
}
