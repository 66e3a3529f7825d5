import Foundation
import PluginKit
import PluginKitTesting
import SupportIssuePlugin
import Testing

/// The host's services as Sources/CloverServices answers them (SupportServices.swift, SQLServices.swift,
/// LogServices.swift, LogTableService.swift), around the failed run 18350 of docs/CLOVERDX.md.
private final class FakeSupportHost: @unchecked Sendable {
    static let portal = "https://support.cloverdx.com/api/v1/issues"
    private let lock = NSLock()
    private var accepted: [String: String] = [:]
    var configured = true
    var refused: [String: String] = [:]

    func services() -> [String: PluginTestHost.ServiceHandler] {
        var services: [String: PluginTestHost.ServiceHandler] = [
            "installation.info": { _ in
                .object(["nodeId": .string("node01"), "home": .string("/opt/clover"), "serverLogs": .string("/opt/clover/cloverlogs"),
                         "tomcatLogs": .string("/opt/tomcat/logs"), "jobLogs": .string("/opt/clover/sandboxes/.jobs"),
                         "sandboxes": .string("/opt/clover/sandboxes"), "systemDatabase": .object(["engine": .string("postgresql")]),
                         "restAPI": .null, "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3_600)]),
                         "supportPortal": .object(["configured": .bool(true), "rateLimitMs": .number(60_000)])])
            },
            "host.info": { _ in
                .object(["name": .string("cloverdx-mcp"), "version": .string("0.9.0"), "pid": .number(4_242),
                         "startedAt": .string("2025-03-04T09:12:00Z"), "uptimeSeconds": .number(93_784),
                         "plugins": .array([.object(["id": .string("support-issue"), "version": .string("1.0.0"), "tools": .number(2),
                                                     "resources": .number(0), "prompts": .number(0)])])])
            },
            "sql.query": { request in
                let sql = request["sql"]?.stringValue ?? ""
                let columns = ["id", "sandbox_code", "job_file", "status", "node_id", "submit_time", "start_time", "stop_time", "duration_ms",
                               "error_component_id", "error_message", "exception"]
                let rows: [PluginJSON] = sql.contains("18350") ? [.array([
                    .number(18350), .string("dwh"), .string("graph/LoadOrders.grf"), .string("ERROR"), .string("node01"),
                    .string("2025-03-05T02:10:00.020+01:00"), .string("2025-03-05T02:10:00.031+01:00"), .string("2025-03-05T02:10:07.561+01:00"),
                    .number(7_530), .string("DB_OUTPUT_TABLE0"), .string("Connection refused"),
                    .string("org.jetel.exception.JetelRuntimeException: Component [DB_OUTPUT_TABLE0] finished with status ERROR.\nCaused by: java.net.ConnectException: Connection refused"),
                ])] : []
                return .object(["columns": .array(columns.map { .object(["name": .string($0), "type": .string("text")]) }),
                                "rows": .array(rows), "truncated": .bool(false), "elapsedMs": .number(3)])
            },
            "logs.search": { request in
                func entry(_ time: String, _ level: String, _ logger: String, _ message: String, file: String) -> PluginJSON {
                    .object(["time": .string(time), "level": .string(level), "thread": .string("ecutorThread-15"), "logger": .string(logger),
                             "message": .string(message), "text": .string("\(time) \(level) \(message)"), "file": .string(file),
                             "line": .number(12), "truncated": .bool(false)])
                }
                let entries: [PluginJSON]
                switch request["log"]?.stringValue {
                case "job/18350"?:
                    entries = [entry("2025-03-05 02:10:07.540", "ERROR", "DB_OUTPUT_TABLE0", "Connection to dwh-db:5432 refused",
                                     file: "graph_LoadOrders_18350.log")]
                case "all"? where request["regex"] != nil:
                    entries = [entry("2025-02-20 06:00:01.114", "INFO", "ServerStartup", "CloverDX Server 7.4.1 (build 7.4.1.12) starting, node node01",
                                     file: "all.log")]
                case "all"?:
                    entries = [entry("2025-03-05 02:10:07.561", "ERROR", "ExecutionManager",
                                     "Job runId=18350 finished status=ERROR component=DB_OUTPUT_TABLE0: Connection refused", file: "all.log")]
                default:
                    entries = []
                }
                return .object(["entries": .array(entries), "matched": .number(Double(entries.count)), "scannedBytes": .number(1_024),
                                "totalBytes": .number(1_024), "warnings": .array([]),
                                "truncated": .object(["entryText": .bool(false), "pageBytes": .bool(false), "limit": .bool(false)])])
            },
            "logs.table": { _ in
                .object(["table": .string("performance"),
                         "columns": .array(["samples", "core_heap_max", "worker_heap_max", "cpu_max", "jobs_max", "queue_max", "heartbeat_age_max"]
                            .map { .object(["name": .string($0), "type": .string("REAL")]) }),
                         "rows": .array([.array([.number(200), .number(0.71), .number(3.92), .number(88.5), .number(6), .number(2), .number(4)])]),
                         "truncated": .bool(false), "loadedRows": .number(200), "loadTruncated": .bool(false),
                         "firstTime": .string("2025-03-05 02:05:01.000"), "lastTime": .string("2025-03-05 02:15:07.000"),
                         "elapsedMs": .number(9), "warnings": .array([])])
            },
            "support.status": { [self] request in
                if let id = request["id"]?.stringValue, id != "R-1741165807561-2913" {
                    throw ServiceRefused(status: Int32(CDXMCP_NOT_FOUND),
                                         message: "no support report \"\(id)\" in the outbox; support.status without an id lists the recent ones")
                }
                guard configured else {
                    return .object(["configured": .bool(false), "destination": .null, "rateLimitMs": .number(60_000), "reports": .array([])])
                }
                return .object(["configured": .bool(true), "destination": .string(Self.portal), "rateLimitMs": .number(60_000), "reports": .array([
                    .object(["id": .string("R-1741165807561-2913"), "idempotencyKey": .string("cdxmcp-5f1b0c9e3a7d2e41"), "state": .string("sent"),
                             "summary": .string("Nightly LoadOrders fails: connection refused"), "severity": .string("high"),
                             "createdAt": .string("2025-03-05T09:10:07.561Z"), "attempts": .number(1),
                             "sentAt": .string("2025-03-05T09:11:02.004Z"), "issueId": .string("CDX-48211")]),
                    .object(["id": .string("R-1741079400000-77"), "idempotencyKey": .string("cdxmcp-00aa"), "state": .string("failed"),
                             "summary": .string("Worker restarts"), "severity": .string("medium"), "createdAt": .string("2025-03-04T09:10:00.000Z"),
                             "attempts": .number(5), "lastError": .string("HTTP 422: severity is not allowed for this contract")]),
                ])])
            },
            "support.report": { [self] request in
                guard configured else {
                    throw ServiceRefused(status: Int32(CDXMCP_FAILED), message: "nowhere to send support reports on this server: an administrator sets clover.mcp.customer.portal.api.url (and .api.token), or clover.mcp.support.email with CloverDX's email.smtp.* settings")
                }
                let key = request["idempotencyKey"]?.stringValue ?? ""
                let (id, duplicate) = lock.withLock { () -> (String, Bool) in
                    if let known = accepted[key] { return (known, true) }
                    let id = "R-1741165807561-\(2913 + accepted.count)"
                    accepted[key] = id
                    return (id, false)
                }
                return .object([
                    "report": .object(["id": .string(id), "idempotencyKey": .string(key), "state": .string("queued"),
                                       "summary": request["report"]?["summary"] ?? .null, "severity": request["report"]?["severity"] ?? .null,
                                       "createdAt": .string("2025-03-05T09:10:07.561Z"), "attempts": .number(0),
                                       "expectedSendAt": .string("2025-03-05T09:11:07.561Z")]),
                    "duplicate": .bool(duplicate), "destination": .string(Self.portal), "rateLimitMs": .number(60_000),
                ])
            },
            "support.package": { request in
                let key = request["idempotencyKey"]?.stringValue ?? ""
                return .object(["file": .string("support-package-\(key).zip"), "location": .string("/var/lib/cloverdx-mcp/support/support-package-\(key).zip"),
                                "bytes": .number(18_734_112), "capBytes": .number(52_428_800),
                                "files": .array([.string("configuration.properties"), .string("all.log"), .string("catalina.2025-03-05.log")]),
                                "omittedFiles": .number(2)])
            },
        ]
        for (service, grant) in refused {
            services[service] = { _ in
                throw ServiceRefused(status: Int32(CDXMCP_DENIED),
                                     message: "plugin \"support-issue\" has no grant \"\(grant)\" for \(service); add it to the plugin's \"grants\" in plugins.json")
            }
        }
        return services
    }
}

@Suite struct SupportIssuePluginTests {
    static let issue: [String: PluginJSON] = [
        "summary": .string("Nightly LoadOrders fails: connection refused"),
        "description": .string("Since the database move on Monday the 02:10 load fails every night."),
        "severity": .string("high"), "runIds": .array([.number(18350), .number(18350)]),
    ]

    static func arguments(_ extra: [String: PluginJSON] = [:]) -> PluginJSON {
        .object(issue.merging(extra) { $1 })
    }

    @Test func theFirstCallOnlyPreviewsTheReportWithItsEvidence() throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        let run = host.runTool("report_support_issue", arguments: Self.arguments())

        #expect(!run.isError, "\(run.text)")
        #expect(!host.serviceRequests.contains { $0.service == "support.report" || $0.service == "support.package" })
        let answer = try #require(run.structured)
        #expect(answer["mode"] == .string("preview"))
        #expect(answer["idempotencyKey"]?.stringValue?.wholeMatch(of: /cdxmcp-[0-9a-f]{16}/) != nil)
        let report = try #require(answer["report"])
        #expect(report["runIds"] == .array([.number(18350)]))
        #expect(report["reportedBy"] == .string("cloverdx-mcp"))
        let evidence = try #require(report["evidence"])
        // The runs' span, five minutes either side, in server time.
        #expect(evidence["window"] == .object(["from": .string("2025-03-05 02:05:00.031"), "to": .string("2025-03-05 02:15:07.561")]))
        #expect(evidence["server"]?["cloverdxVersion"] == .string("7.4.1 (build 7.4.1.12, from the Server's start-up line)"))
        #expect(evidence["runs"]?[0]?["logErrors"]?[0]?.stringValue?.contains("Connection to dwh-db:5432 refused") == true)
        #expect(evidence["performance"]?.arrayValue?.contains(.string("worker_heap_max: 3.92")) == true)
        #expect(evidence["unavailable"] == .array([]))

        #expect(run.text.hasPrefix("PREVIEW: nothing has been sent. This report would go to \(FakeSupportHost.portal)."))
        #expect(run.text.contains("Summary: Nightly LoadOrders fails: connection refused   Severity: high"))
        #expect(run.text.contains("Server: CloverDX 7.4.1 (build 7.4.1.12, from the Server's start-up line), node node01, window 2025-03-05 02:05:00.031 to 2025-03-05 02:15:07.561"))
        #expect(run.text.contains("Server log excerpts: 1 ERROR/WARN entries of all.log"))
        #expect(run.text.contains("call report_support_issue again with the same arguments and \"confirm\": true"))

        let sql = host.serviceRequests.first { $0.service == "sql.query" }?.request["sql"]?.stringValue ?? ""
        #expect(sql.contains("FROM run_record WHERE id IN (18350)"))
        let runLog = try #require(host.serviceRequests.first { $0.request["log"] == .string("job/18350") })
        #expect(runLog.request["levels"] == .array([.string("ERROR"), .string("FATAL")]))
        let excerpts = try #require(host.serviceRequests.first { $0.request["log"] == .string("all") && $0.request["levels"] != nil })
        #expect(excerpts.request["from"] == .string("2025-03-05 02:05:00.031"))
        #expect(excerpts.request["to"] == .string("2025-03-05 02:15:07.561"))
        let table = try #require(host.serviceRequests.first { $0.service == "logs.table" })
        #expect(table.request["log"] == .string("performance") && table.request["from"] == .string("2025-03-05 02:05:00.031"))
    }

    @Test func confirmingSendsThePreviewedReportOnceUnderItsKey() throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        let preview = host.runTool("report_support_issue", arguments: Self.arguments())
        let key = try #require(preview.structured?["idempotencyKey"]?.stringValue)
        let gathered = host.serviceRequests.filter { $0.service == "sql.query" }.count

        // The same report, its runIds in another order: the same key.
        let sent = host.runTool("report_support_issue", arguments: Self.arguments(["runIds": .array([.number(18350)]), "confirm": .bool(true)]))
        #expect(!sent.isError, "\(sent.text)")
        let request = try #require(host.serviceRequests.last { $0.service == "support.report" }?.request)
        #expect(request["idempotencyKey"] == .string(key))
        #expect(request["report"] == preview.structured?["report"])
        // What the user saw is sent: the evidence is not gathered again.
        #expect(host.serviceRequests.filter { $0.service == "sql.query" }.count == gathered)
        #expect(sent.structured?["mode"] == .string("submitted"))
        #expect(sent.text == "Report R-1741165807561-2913 accepted into the outbox (state queued) for \(FakeSupportHost.portal). "
            + "It goes out at about 2025-03-05T09:11:07.561Z (the portal is called at most once per 60 s). "
            + "Check delivery with support_issue_status {\"id\": \"R-1741165807561-2913\"}.")

        let again = host.runTool("report_support_issue", arguments: Self.arguments(["confirm": .bool(true)]))
        #expect(again.structured?["duplicate"] == .bool(true))
        #expect(again.text.hasPrefix("This report was already accepted as R-1741165807561-2913 (state queued); it is not sent twice."))

        // dryRun wins over confirm.
        let cautious = host.runTool("report_support_issue", arguments: Self.arguments(["confirm": .bool(true), "dryRun": .bool(true)]))
        #expect(cautious.structured?["mode"] == .string("preview"))
        #expect(host.serviceRequests.filter { $0.service == "support.report" }.count == 2)
    }

    @Test func whatTheReportSaysDecidesItsKeyAndThePackageCarriesIt() throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        func key(_ extra: [String: PluginJSON]) -> String? {
            host.runTool("report_support_issue", arguments: Self.arguments(extra)).structured?["idempotencyKey"]?.stringValue
        }
        let plain = try #require(key([:]))
        #expect(key(["severity": .string("critical")]) != plain)
        #expect(key(["description": .string("Since Monday.")]) != plain)
        #expect(key(["from": .string("2025-03-05 02:00"), "to": .string("2025-03-05 03:00")]) != plain)

        let withPackage = host.runTool("report_support_issue", arguments: Self.arguments(["attachSupportPackage": .bool(true)]))
        let packageKey = try #require(withPackage.structured?["idempotencyKey"]?.stringValue)
        #expect(packageKey != plain)
        let package = try #require(host.serviceRequests.last { $0.service == "support.package" })
        #expect(package.request == .object(["idempotencyKey": .string(packageKey)]))
        #expect(withPackage.structured?["report"]?["supportPackage"]?["omittedFiles"] == .number(2))
        #expect(withPackage.text.contains("Support package: /var/lib/cloverdx-mcp/support/support-package-\(packageKey).zip (18734112 bytes, 3 files, 2 files left out by the size cap)"))
    }

    @Test(arguments: [
        (#"{"description":"it broke"}"#, #""summary" is required: one line saying what is wrong"#),
        (#"{"summary":"   "}"#, #""summary" is required"#),
        ("{\"summary\":\"\(String(repeating: "x", count: 301))\"}", #""summary" has 301 characters; keep it to one line of at most 300"#),
        (#"{"summary":"Load fails","severity":"urgent"}"#, #"unknown "severity" "urgent"; use one of low, medium, high, critical"#),
        (#"{"summary":"Load fails","runIds":[1,2,3,4,5,6,7,8,9,10,11]}"#, "11 runIds; at most 10 per report"),
        (#"{"summary":"Load fails","from":"2025-03-05 03:00","to":"2025-03-05 02:00"}"#, #""from" (2025-03-05 03:00:00.000) is after "to""#),
        (#"{"summary":"Load fails","dryRun":false}"#, #""dryRun": false alone sends nothing"#),
        (#"{"summary":"Load fails","runIds":["18350"]}"#, #"report_support_issue: "runIds[0]" must be"#),
    ])
    func argumentMistakesAreRefusedBeforeAnythingIsGathered(arguments: String, message: String) throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        let run = host.runTool("report_support_issue", arguments: try PluginJSON(parsing: arguments))
        #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(run.text.contains(message), "\(run.text)")
        #expect(host.serviceRequests.allSatisfy { $0.service == "installation.info" })
    }

    @Test func anUnknownRunIsAnErrorAndNothingIsSent() throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        let run = host.runTool("report_support_issue", arguments: Self.arguments([
            "runIds": .array([.number(18350), .number(99_999)]), "confirm": .bool(true),
        ]))
        #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(run.text.contains("run 99999 does not exist in the system database; job_list shows recent runs"))
        #expect(!host.serviceRequests.contains { $0.service == "support.report" })
    }

    @Test func withoutAPortalThePreviewSaysSoAndConfirmingFails() throws {
        let fake = FakeSupportHost()
        fake.configured = false
        let host = try PluginTestHost(services: fake.services(), make: supportIssuePlugin)
        let preview = host.runTool("report_support_issue", arguments: Self.arguments())
        #expect(!preview.isError, "\(preview.text)")
        #expect(preview.structured?["configured"] == .bool(false))
        #expect(preview.text.hasPrefix("PREVIEW: nothing has been sent. This report would go to (no portal configured)."))
        #expect(preview.text.contains("nothing can be: no support portal is configured (clover.mcp.customer.portal.api.url)"))

        let confirm = host.runTool("report_support_issue", arguments: Self.arguments(["confirm": .bool(true)]))
        #expect(confirm.isError)
        #expect(confirm.text.contains("nowhere to send support reports on this server"))
    }

    @Test func missingGrantsLeaveEvidenceOutOrStopTheTool() throws {
        let fake = FakeSupportHost()
        fake.refused = ["sql.query": "sql.read", "logs.search": "logs.read", "logs.table": "logs.read"]
        let host = try PluginTestHost(services: fake.services(), make: supportIssuePlugin)
        let preview = host.runTool("report_support_issue", arguments: Self.arguments())
        #expect(!preview.isError, "\(preview.text)")
        #expect(preview.text.contains("Not included: run records: system database: plugin \"support-issue\" has no grant \"sql.read\" for sql.query"))
        #expect(preview.text.contains("Not included: all.log excerpts: plugin \"support-issue\" has no grant \"logs.read\" for logs.search"))
        #expect(preview.text.contains("Not included: performance summary: plugin \"support-issue\" has no grant \"logs.read\" for logs.table"))
        #expect(preview.text.contains("Not included: server version: "))
        // The run is still named, without a record.
        #expect(preview.structured?["report"]?["evidence"]?["runs"]?[0]?["runId"] == .number(18350))

        fake.refused = ["support.status": "support.write"]
        let denied = try PluginTestHost(services: fake.services(), make: supportIssuePlugin)
        let run = denied.runTool("report_support_issue", arguments: Self.arguments())
        #expect(run.isError)
        #expect(run.text.contains("plugin \"support-issue\" has no grant \"support.write\" for support.status"))
        let status = denied.runTool("support_issue_status")
        #expect(status.isError)
        #expect(status.text.contains("no grant \"support.write\""))
    }

    @Test func theStatusToolListsReportsAndPassesItsFilter() throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        let run = host.runTool("support_issue_status", arguments: .object(["limit": .number(5)]))
        #expect(!run.isError, "\(run.text)")
        #expect(host.serviceRequests.last?.request == .object(["limit": .number(5)]))
        #expect(run.text.hasPrefix("2 support report(s) for \(FakeSupportHost.portal):"))
        #expect(run.text.contains("sent 2025-03-05T09:11:02.004Z"))
        #expect(run.text.contains("CDX-48211"))
        #expect(run.text.contains("HTTP 422: severity is not allowed for this contract"))
        #expect(run.structured?["reports"]?.arrayValue?.count == 2)

        let unknown = host.runTool("support_issue_status", arguments: .object(["id": .string("R-1")]))
        #expect(unknown.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(unknown.text.contains("no support report \"R-1\" in the outbox"))
        #expect(host.serviceRequests.last?.request == .object(["id": .string("R-1")]))

        let fake = FakeSupportHost()
        fake.configured = false
        let unconfigured = try PluginTestHost(services: fake.services(), make: supportIssuePlugin).runTool("support_issue_status")
        #expect(unconfigured.text == "No support portal is configured on this server (clover.mcp.customer.portal.api.url), so no reports are sent.")
    }

    @Test func aRelativeWindowKeepsItsKeyFromPreviewToConfirmation() throws {
        let host = try PluginTestHost(services: FakeSupportHost().services(), make: supportIssuePlugin)
        let window: [String: PluginJSON] = ["from": .string("-2h"), "to": .string("now")]
        let preview = host.runTool("report_support_issue", arguments: Self.arguments(window))
        let key = try #require(preview.structured?["idempotencyKey"]?.stringValue)
        Thread.sleep(forTimeInterval: 0.01)
        let sent = host.runTool("report_support_issue", arguments: Self.arguments(window.merging(["confirm": .bool(true)]) { $1 }))
        #expect(!sent.isError, "\(sent.text)")
        // "-2h" and "now" resolve differently on every call: the confirmation still finds its preview by
        // the arguments as given, and sends that report under that key.
        #expect(sent.structured?["idempotencyKey"] == .string(key))
        #expect(sent.structured?["report"]?["evidence"]?["window"] == preview.structured?["report"]?["evidence"]?["window"])
        let again = host.runTool("report_support_issue", arguments: Self.arguments(window.merging(["confirm": .bool(true)]) { $1 }))
        #expect(again.structured?["idempotencyKey"] == .string(key))
    }
}
