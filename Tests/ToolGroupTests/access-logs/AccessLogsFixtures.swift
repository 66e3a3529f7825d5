import AccessLogsPlugin
import Foundation
import PluginKit
import PluginKitTesting

/// Canned answers in the wire format of Sources/CloverServices (LogTableService.swift, LogServices.swift,
/// InstallationInfoService.swift): Tomcat's access log (with %D) and user-action.log of one node.
enum AccessFixture {
    static let installationInfo = PluginJSON.object([
        "nodeId": .string("node01"), "serverLogs": .string("/opt/clover/cloverlogs"), "tomcatLogs": .string("/opt/tomcat/logs"),
        "jobLogs": .string("/opt/clover/cloverlogs/jobs"), "sandboxes": .string("/opt/clover/sandboxes"),
        "systemDatabase": .object(["engine": .string("postgresql")]), "restAPI": .string("http://localhost:8080/clover"),
        "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3_600)]),
    ])

    static func log(_ id: String, _ category: String, _ file: String, _ bytes: Int, first: String, last: String) -> PluginJSON {
        .object([
            "id": .string(id), "category": .string(category),
            "files": .array([.object(["name": .string(file), "bytes": .number(Double(bytes))])]),
            "bytes": .number(Double(bytes)), "firstTime": .string(first), "lastTime": .string(last),
        ])
    }

    static let logsList = PluginJSON.object(["logs": .array([
        log("access", "access", "localhost_access_log.2025-03-05.txt", 3_145_728, first: "2025-03-05 00:00:02.000", last: "2025-03-05 10:14:59.000"),
        log("user-action", "user-action", "user-action.log", 40_960, first: "2025-03-01 07:58:10.004", last: "2025-03-05 09:41:22.331"),
    ])])

    static func column(_ name: String, _ type: String) -> PluginJSON { .object(["name": .string(name), "type": .string(type)]) }

    /// A logs.table answer (LogTableService.json).
    static func table(_ table: String, columns: [PluginJSON], rows: [[PluginJSON]], loadedRows: Int, loadTruncated: Bool = false,
                      firstTime: String? = "2025-03-04 10:14:59.000", lastTime: String? = "2025-03-05 10:14:59.000") -> PluginJSON {
        .object([
            "table": .string(table), "columns": .array(columns), "rows": .array(rows.map(PluginJSON.array)),
            "truncated": .bool(false), "loadedRows": .number(Double(loadedRows)), "loadTruncated": .bool(loadTruncated),
            "firstTime": firstTime.map(PluginJSON.string) ?? .null, "lastTime": lastTime.map(PluginJSON.string) ?? .null,
            "elapsedMs": .number(37), "warnings": .array([]),
        ])
    }

    /// `SELECT * FROM access`: the host's columns, duration_ms because the valve's pattern has %D.
    static let accessColumns = [column("time", "TEXT"), column("client", "TEXT"), column("user", "TEXT"), column("method", "TEXT"),
                                column("path", "TEXT"), column("query", "TEXT"), column("protocol", "TEXT"), column("status", "INTEGER"),
                                column("bytes", "INTEGER"), column("duration_ms", "INTEGER")]

    static func request(_ time: String, _ client: String, _ user: String?, _ method: String, _ path: String, _ query: String?,
                        _ status: Int, _ bytes: Int?, _ milliseconds: Int) -> [PluginJSON] {
        [.string(time), .string(client), user.map(PluginJSON.string) ?? .null, .string(method), .string(path),
         query.map(PluginJSON.string) ?? .null, .string("HTTP/1.1"), .number(Double(status)), bytes.map { .number(Double($0)) } ?? .null,
         .number(Double(milliseconds))]
    }

    static let failingAPI: [[PluginJSON]] = [
        request("2025-03-05 02:10:07.000", "10.1.4.20", "api", "GET", "/clover/api/rest/v1/executions", "runId=18350", 503, 1_432, 30_012),
        request("2025-03-05 02:10:09.000", "10.1.4.20", "api", "POST", "/clover/api/rest/v1/jobs/dwh/graph/LoadOrders.grf/run", nil, 500, 611, 48),
        request("2025-03-05 02:10:40.000", "10.1.4.21", "api", "GET", "/clover/api/rest/v1/executions", "runId=18351", 502, nil, 30_001),
    ]

    /// `SELECT * FROM user_action`.
    static let userActionColumns = ["time", "user", "domain", "ip", "action", "result", "message"].map { column($0, "TEXT") }

    static func action(_ time: String, _ user: String, _ domain: String, _ ip: String, _ action: String, _ result: String,
                       _ message: String?) -> [PluginJSON] {
        [.string(time), .string(user), .string(domain), .string(ip), .string(action), .string(result), message.map(PluginJSON.string) ?? .null]
    }

    static let failedLogins: [[PluginJSON]] = [
        action("2025-03-05 08:14:40.906", "mnovak", "LDAP", "10.1.2.7", "LOGIN", "FAILURE", "reason=BAD_CREDENTIALS"),
        action("2025-03-05 08:14:52.118", "mnovak", "LDAP", "10.1.2.7", "LOGIN", "FAILURE", "reason=BAD_CREDENTIALS"),
    ]

    static func host(_ services: [String: PluginTestHost.ServiceHandler]) throws -> PluginTestHost {
        var all: [String: PluginTestHost.ServiceHandler] = [
            "installation.info": { _ in installationInfo },
            "logs.list": { _ in logsList },
        ]
        all.merge(services) { _, new in new }
        return try PluginTestHost(services: all, make: accessLogsPlugin)
    }

    static func requests(_ host: PluginTestHost, _ service: String) -> [PluginJSON] {
        host.serviceRequests.filter { $0.service == service }.map(\.request)
    }

    static let missingAccessLog = ServiceRefused(status: Int32(CDXMCP_NOT_FOUND), message: "no files for log \"access\" in /opt/tomcat/logs")
    static let missingUserActionLog = ServiceRefused(status: Int32(CDXMCP_NOT_FOUND),
                                                     message: "no files for log \"user-action\" in /opt/clover/cloverlogs")
}
