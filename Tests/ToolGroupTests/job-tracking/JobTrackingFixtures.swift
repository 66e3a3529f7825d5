import Foundation
import PluginKit
import PluginKitTesting

/// Canned answers in the wire format of the host's services (Sources/CloverServices), with run records
/// of the emulation schema (docs/CLOVERDX.md §7.2) and REST executions (§6.1).
enum JobFixtures {
    static let databaseSource = ["clover.mcp.sidecar.jobs.source": "database"]

    /// `installation.info` of a node in Prague (UTC+01:00 in March).
    static func installation(restAPI: String? = nil) -> PluginJSON {
        .object([
            "nodeId": .string("node01"), "home": .string("/opt/clover"), "serverLogs": .string("/opt/clover/cloverlogs"), "tomcatLogs": .string("/opt/tomcat/logs"),
            "jobLogs": .string("/opt/clover/sandboxes/.jobs"), "sandboxes": .string("/opt/clover/sandboxes"),
            "systemDatabase": restAPI == nil ? .object(["engine": .string("postgresql")]) : .null,
            "restAPI": restAPI.map(PluginJSON.string) ?? .null,
            "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3_600)]),
            "supportPortal": .object(["configured": .bool(false), "rateLimitMs": .number(60_000)]),
        ])
    }

    /// A `sql.query` answer; column types as PostgreSQL names them.
    static func rows(_ columns: [String], _ rows: [[PluginJSON]], truncated: Bool = false, reason: String? = nil) -> PluginJSON {
        var answer: [String: PluginJSON] = [
            "columns": .array(columns.enumerated().map { index, name in
                let sample = rows.first.flatMap { index < $0.count ? $0[index] : nil }
                let type = sample?.doubleValue != nil ? "int8" : "text"
                return .object(["name": .string(name), "type": .string(type)])
            }),
            "rows": .array(rows.map(PluginJSON.array)), "truncated": .bool(truncated), "elapsedMs": .number(4),
        ]
        if let reason { answer["truncationReason"] = .string(reason) }
        return .object(answer)
    }

    struct Run {
        let id: Int64
        var sandbox = "dwh"
        var jobFile = "graph/LoadOrders.grf"
        var jobType = "ETL_GRAPH"
        var executionType = "STANDALONE"
        var status = "FINISHED_OK"
        var user = "scheduler"
        var submit = "2025-03-05T02:00:00.020+01:00"
        var start: String? = "2025-03-05T02:00:00.031+01:00"
        var stop: String? = "2025-03-05T02:00:04.120+01:00"
        var durationMs: Int64? = 4_089
        var errorComponent: String?
        var errorMessage: String?
    }

    static let summaryColumns = ["id", "sandbox_code", "job_file", "job_type", "execution_type", "status", "username", "node_id",
                                 "submit_time", "start_time", "stop_time", "duration_ms", "error_component_id", "error_message"]

    static func summaries(_ runs: [Run]) -> PluginJSON {
        func text(_ value: String?) -> PluginJSON { value.map(PluginJSON.string) ?? .null }
        return rows(summaryColumns, runs.map { run in
            [.number(Double(run.id)), .string(run.sandbox), .string(run.jobFile), .string(run.jobType), .string(run.executionType),
             .string(run.status), .string(run.user), .string("node01"), .string(run.submit), text(run.start), text(run.stop),
             run.durationMs.map { .number(Double($0)) } ?? .null, text(run.errorComponent), text(run.errorMessage)]
        })
    }

    /// The failed nightly load: DB_OUTPUT_TABLE0 could not reach the warehouse.
    static let failedLoad = Run(
        id: 18350, status: "ERROR", submit: "2025-03-05T02:10:00.020+01:00", start: "2025-03-05T02:10:00.031+01:00",
        stop: "2025-03-05T02:10:07.561+01:00", durationMs: 7_530, errorComponent: "DB_OUTPUT_TABLE0", errorMessage: "Connection refused")
    static let jobflow = Run(id: 18349, jobFile: "jobflow/NightlyLoad.jbf", jobType: "JOBFLOW", executionType: "JOBFLOW",
                             submit: "2025-03-05T02:05:00.000+01:00", stop: "2025-03-05T02:09:41.300+01:00", durationMs: 281_269)
    static let sync = Run(id: 18348, sandbox: "crm", jobFile: "graph/SyncCustomers.grf", submit: "2025-03-05T01:30:00.000+01:00",
                          stop: "2025-03-05T01:31:12.000+01:00", durationMs: 71_969)

    static func sql(_ request: PluginJSON) -> String { request["sql"]?.stringValue ?? "" }

    /// The `OFFSET n` of a listing statement.
    static func offset(_ sql: String) -> Int? {
        sql.firstMatch(of: /OFFSET (\d+)/).flatMap { Int($0.1) }
    }

    static func unexpected(_ sql: String) -> ServiceRefused {
        ServiceRefused(status: Int32(CDXMCP_FAILED), message: "the fake database does not know this statement: \(sql)")
    }

    /// The host's refusal when a plugin lacks a grant (Sources/PluginHost/PluginCall.swift).
    static func noGrant(_ grant: String, for service: String) -> ServiceRefused {
        ServiceRefused(status: Int32(CDXMCP_DENIED),
                       message: "plugin \"job-tracking\" has no grant \"\(grant)\" for \(service); add it to the plugin's \"grants\" in plugins.json")
    }

    /// One REST `Execution` member (docs/CLOVERDX.md §6.1, the emulator's fields).
    static func member(_ run: Run) -> PluginJSON {
        var member: [String: PluginJSON] = [
            "@self": .string("http://cdx01:8080/clover/api/rest/v1/executions/\(run.id)"), "@type": .string("Execution"),
            "runId": .number(Double(run.id)), "sandboxCode": .string(run.sandbox), "jobFile": .string(run.jobFile),
            "jobType": .string(run.jobType), "executionType": .string(run.executionType), "status": .string(run.status),
            "username": .string(run.user), "nodeId": .string("node01"), "parentRunId": .number(Double(run.id)),
            "rootRunId": .number(Double(run.id)), "submitTime": .string(run.submit),
        ]
        if let start = run.start { member["startTime"] = .string(start) }
        if let stop = run.stop { member["stopTime"] = .string(stop) }
        if let duration = run.durationMs { member["duration"] = .number(Double(duration)) }
        if let component = run.errorComponent {
            member["jobError"] = .object(["componentId": .string(component), "message": .string(run.errorMessage ?? "")])
        }
        return .object(member)
    }

    /// An `http.request` answer carrying a JSON body.
    static func http(_ status: Int, _ body: PluginJSON) -> PluginJSON {
        .object(["status": .number(Double(status)), "headers": .object(["Content-Type": .string("application/json")]), "body": .string(body.text)])
    }

    static func collection(_ members: [PluginJSON], total: Int, start: Int) -> PluginJSON {
        .object([
            "@self": .string("http://cdx01:8080/clover/api/rest/v1/executions"), "@type": .string("ExecutionCollection"),
            "@totalItems": .number(Double(total)), "@startIndex": .number(Double(start)), "@pageItems": .number(Double(members.count)),
            "members": .array(members),
        ])
    }
}

/// Lets a @Sendable service handler change its answers between calls.
final class Mutable<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

extension PluginTestHost {
    /// The SQL statements sent to `sql.query`, in order.
    var statements: [String] {
        serviceRequests.filter { $0.service == "sql.query" }.compactMap { $0.request["sql"]?.stringValue }
    }

    var httpPaths: [String] {
        serviceRequests.filter { $0.service == "http.request" }.compactMap { $0.request["path"]?.stringValue }
    }
}
