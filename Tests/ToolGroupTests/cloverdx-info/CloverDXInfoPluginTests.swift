import Foundation
import PluginKit
import PluginKitTesting
import CloverDXInfoPlugin
import Testing

/// Canned answers in the wire format of Sources/CloverServices/SandboxServices.swift and SQLServices.swift,
/// over the emulation schema of docs/CLOVERDX.md §7.2.
private enum Fixtures {
    static let sandboxes: PluginJSON = .object([
        "source": .string("database"),
        "sandboxes": .array([
            .object(["code": .string("dwh"), "name": .string("Data warehouse"), "rootPath": .string("/opt/clover/sandboxes/dwh"),
                     "type": .string("shared"), "owner": .string("admin"), "suspended": .bool(false), "exists": .bool(true)]),
            .object(["code": .string("crm"), "name": .string("CRM sync"), "rootPath": .string("/opt/clover/sandboxes/crm"),
                     "type": .string("local"), "owner": .string("mnovak"), "suspended": .bool(true), "exists": .bool(false)]),
        ]),
        "warning": .string("sandbox crm: its folder /opt/clover/sandboxes/crm does not exist on this machine"),
    ])

    static func rows(_ columns: [String], _ rows: [[PluginJSON]], truncated: Bool = false) -> PluginJSON {
        var answer: [String: PluginJSON] = [
            "columns": .array(columns.map { .object(["name": .string($0), "type": .string("text")]) }),
            "rows": .array(rows.map(PluginJSON.array)), "truncated": .bool(truncated), "elapsedMs": .number(3),
        ]
        if truncated { answer["truncationReason"] = .string("rowLimit") }
        return .object(answer)
    }

    static let triggerColumns = ["id", "name", "sandbox_code", "job_file", "enabled", "trigger_text", "owner", "last_run_id", "last_status", "last_stop"]

    static let database: PluginTestHost.ServiceHandler = { request in
        let sql = request["sql"]?.stringValue ?? ""
        if sql.contains("FROM schedule t") {
            return rows(triggerColumns, [
                [.number(1), .string("Nightly orders"), .string("dwh"), .string("graph/LoadOrders.grf"), .number(1), .string("0 10 2 * * ?"),
                 .string("scheduler"), .number(18350), .string("ERROR"), .string("2025-03-05T02:10:07.561+01:00")],
                [.number(2), .string("Weekly archive"), .string("dwh"), .string("jobflow/Archive.jbf"), .number(0), .string("0 0 4 ? * SUN"),
                 .string("admin"), .null, .null, .null],
            ], truncated: true)
        }
        if sql.contains("FROM event_listener t") { return rows(triggerColumns, []) }
        if sql.contains("FROM data_service_endpoint t") {
            return rows(triggerColumns, [[.number(7), .string("Orders API"), .string("dwh"), .string("data-service/Orders.rjob"), .bool(true),
                                          .string("GET /orders/v1"), .null, .null, .null, .null]])
        }
        if sql.contains("FROM clover_user") {
            return rows(["username", "full_name", "domain", "disabled", "last_login"], [
                [.string("admin"), .string("Administrator"), .string("clover"), .number(0), .string("2025-03-05T08:14:02.331+01:00")],
                [.string("jdoe"), .string("Jane Doe"), .string("LDAP"), .number(1), .null],
            ])
        }
        if sql.contains("FROM user_group_member") {
            return rows(["username", "group_code"], [[.string("admin"), .string("admins")], [.string("admin"), .string("operators")],
                                                     [.string("jdoe"), .string("operators")]])
        }
        if sql.contains("FROM user_group") {
            return rows(["group_code", "name", "description"], [[.string("admins"), .string("Administrators"), .null],
                                                                [.string("operators"), .string("Operators"), .string("Run and monitor jobs")]])
        }
        throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "unexpected SQL: \(sql)")
    }

    static func files(offset: Int, count: Int, total: Int) -> PluginJSON {
        var answer: [String: PluginJSON] = [
            "sandbox": .string("dwh"), "path": .string("graph"),
            "files": .array((offset..<offset + count).map { index in
                .object(["path": .string("graph/Load\(index).grf"), "bytes": .number(Double(4_000 + index)),
                         "modified": .string("2025-03-01T09:30:00Z")])
            }),
            "total": .number(Double(total)), "offset": .number(Double(offset)), "truncated": .bool(offset + count < total),
            "scanLimited": .bool(false),
        ]
        if offset + count < total { answer["nextOffset"] = .number(Double(offset + count)) }
        return .object(answer)
    }

    static func noGrant(_ grant: String, _ service: String) -> ServiceRefused {
        ServiceRefused(status: Int32(CDXMCP_DENIED),
                       message: "plugin \"cloverdx-info\" has no grant \"\(grant)\" for \(service); add it to the plugin's \"grants\" in plugins.json")
    }
}

@Suite struct CloverDXInfoPluginTests {
    @Test func oneSectionReadsOnlyItsService() throws {
        let host = try PluginTestHost(services: ["sandboxes.list": { _ in Fixtures.sandboxes }, "sql.query": Fixtures.database],
                                      make: cloverDXInfoPlugin)
        let run = host.runTool("cloverdx_info", arguments: .object(["section": .string("sandboxes")]))

        #expect(!run.isError, "\(run.text)")
        #expect(host.serviceRequests.map(\.service) == ["sandboxes.list"])
        #expect(run.structured?["schedules"] == nil && run.structured?["users"] == nil)
        #expect(run.structured?["sandboxes"]?["sandboxes"]?[1]?["exists"] == .bool(false))
        #expect(run.text.hasPrefix("Sandboxes (2, from the system database):"))
        #expect(run.text.contains("/opt/clover/sandboxes/crm (missing)"))
        #expect(run.text.contains("Note: sandbox crm: its folder /opt/clover/sandboxes/crm does not exist"))

        let license = host.runTool("cloverdx_info", arguments: .object(["section": .string("license")]))
        #expect(!license.isError)
        #expect(license.structured?["unavailable"]?[0]?["section"] == .string("license"))
        #expect(license.text.contains("license: unavailable: the sidecar has no source for license data"))
    }

    @Test func anUnknownSectionIsAnArgumentError() throws {
        let host = try PluginTestHost(make: cloverDXInfoPlugin)
        let run = host.runTool("cloverdx_info", arguments: .object(["section": .string("licence")]))
        #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(run.text == #"cloverdx_info: "section" must be all, license, sandboxes, schedules, eventListeners, dataServices, users (got "licence")"#)
        #expect(host.serviceRequests.isEmpty)
    }

    @Test func withoutTheSQLGrantTheDatabaseSectionsAreUnavailableAndSandboxesStillAnswer() throws {
        let host = try PluginTestHost(services: [
            "sandboxes.list": { _ in Fixtures.sandboxes }, "sql.query": { _ in throw Fixtures.noGrant("sql.read", "sql.query") },
        ], make: cloverDXInfoPlugin)
        let run = host.runTool("cloverdx_info")

        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["sandboxes"]?["sandboxes"]?.arrayValue?.count == 2)
        let unavailable = run.structured?["unavailable"]?.arrayValue ?? []
        #expect(unavailable.compactMap { $0["section"]?.stringValue } == ["license", "schedules", "eventListeners", "dataServices", "users"])
        for item in unavailable.dropFirst() {
            #expect(item["reason"] == .string("system database: plugin \"cloverdx-info\" has no grant \"sql.read\" for sql.query; add it to the plugin's \"grants\" in plugins.json"))
        }
        #expect(run.text.contains("users: unavailable: system database: plugin \"cloverdx-info\" has no grant \"sql.read\""))
    }

    @Test func schedulesAndUsersJoinTheirLastRunsAndGroupsWithoutSecrets() throws {
        let host = try PluginTestHost(services: ["sandboxes.list": { _ in Fixtures.sandboxes }, "sql.query": Fixtures.database],
                                      make: cloverDXInfoPlugin)
        let run = host.runTool("cloverdx_info")
        #expect(!run.isError, "\(run.text)")

        let statements = host.serviceRequests.filter { $0.service == "sql.query" }.compactMap { $0.request["sql"]?.stringValue }
        #expect(statements.count == 6)
        #expect(statements.contains { $0.contains("FROM schedule t LEFT JOIN run_record r ON r.id = t.last_run_id") })
        #expect(statements.contains { $0.contains("t.http_method || ' ' || t.url_path AS trigger_text") })
        #expect(!statements.contains { $0.lowercased().contains("email") || $0.lowercased().contains("password") })

        let schedules = try #require(run.structured?["schedules"]?.arrayValue)
        #expect(schedules[0]["enabled"] == .bool(true) && schedules[1]["enabled"] == .bool(false))
        #expect(schedules[0]["lastRunStatus"] == .string("ERROR"))
        #expect(run.structured?["dataServices"]?[0]?["enabled"] == .bool(true))
        #expect(run.structured?["eventListeners"] == .array([]))
        #expect(run.text.contains("Schedules (2, 1 enabled):"))
        #expect(run.text.contains("dwh:graph/LoadOrders.grf"))
        #expect(run.text.contains("18350 ERROR"))
        #expect(run.text.contains("Event listeners (0, 0 enabled):"))
        // A truncated list says how to see the rest.
        #expect(run.structured?["notes"] == .array([.string("schedule: only the first 2 rows; query schedule with the system-db tools for the rest")]))

        let users = try #require(run.structured?["users"])
        #expect(users["users"]?[0]?["groups"] == .array([.string("admins"), .string("operators")]))
        #expect(users["users"]?[1]?["disabled"] == .bool(true))
        #expect(users["groups"]?[1]?["members"] == .number(2))
        #expect(run.text.contains("Users (2, 1 disabled):"))
        #expect(run.text.contains("Groups (2):"))
    }

    @Test func listingFilesPagesWithTheHostsOffset() throws {
        let host = try PluginTestHost(services: ["sandbox.files": { request in
            let offset = Int(request["offset"]?.doubleValue ?? 0), limit = Int(request["limit"]?.doubleValue ?? 500)
            return Fixtures.files(offset: offset, count: min(limit, 450 - offset), total: 450)
        }], make: cloverDXInfoPlugin)

        let first = host.runTool("sandbox_list_files", arguments: .object([
            "sandbox": .string("dwh"), "path": .string("graph"), "pattern": .string("*.grf"),
        ]))
        #expect(!first.isError, "\(first.text)")
        let request = try #require(host.serviceRequests.last?.request)
        #expect(request == .object(["sandbox": .string("dwh"), "path": .string("graph"), "pattern": .string("*.grf"),
                                    "limit": .number(200), "offset": .number(0)]))
        #expect(first.structured?["nextCursor"] == .string("200"))
        #expect(first.structured?["files"]?.arrayValue?.count == 200)
        #expect(first.text.hasPrefix("450 files in dwh:graph matching *.grf (showing 1–200):"))
        #expect(first.text.contains("Note: 250 more files: call again with cursor \"200\""))

        let last = host.runTool("sandbox_list_files", arguments: .object([
            "sandbox": .string("dwh"), "path": .string("graph"), "cursor": .string("400"), "limit": .number(9_000),
        ]))
        #expect(!last.isError, "\(last.text)")
        #expect(host.serviceRequests.last?.request["offset"] == .number(400))
        #expect(host.serviceRequests.last?.request["limit"] == .number(5_000))
        #expect(last.structured?["nextCursor"] == nil)
        #expect(last.text.contains("(showing 401–450)"))
        #expect(last.text.contains("Note: \"limit\" 9000 was lowered to the maximum of 5000"))

        let asked = host.serviceRequests.count
        let bad = host.runTool("sandbox_list_files", arguments: .object(["sandbox": .string("dwh"), "cursor": .string("next")]))
        #expect(bad.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(bad.text.contains("\"cursor\" must be the nextCursor of an earlier sandbox_list_files answer"))
        let missing = host.runTool("sandbox_list_files", arguments: .object(["path": .string("graph")]))
        #expect(missing.text == "sandbox_list_files: missing required argument \"sandbox\"")
        #expect(host.serviceRequests.count == asked)
    }

    @Test func readingAFileSaysWhatWasCutOrMasked() throws {
        let host = try PluginTestHost(services: ["sandbox.read": { request in
            let path = request["path"]?.stringValue ?? ""
            if path == "conn/dwh.cfg" {
                throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS),
                                     message: "conn/dwh.cfg is hidden from MCP: clover.mcp.sandbox.deniedFiles matches it (conn/*.cfg)")
            }
            if request["sandbox"] == .string("sales") {
                throw ServiceRefused(status: Int32(CDXMCP_NOT_FOUND), message: "no sandbox \"sales\"; the sandboxes are: crm, dwh")
            }
            if path == "data-in/orders.zip" {
                return .object(["sandbox": .string("dwh"), "path": .string(path), "bytes": .number(81_920), "offset": .number(0),
                                "binary": .bool(true), "text": .string(""), "maskedSecrets": .number(0), "truncated": .bool(false)])
            }
            return .object(["sandbox": .string("dwh"), "path": .string(path), "bytes": .number(2_500_000), "offset": .number(0),
                            "binary": .bool(false), "text": .string(#"<Graph name="LoadOrders"><Connection password="*****"/>"#),
                            "maskedSecrets": .number(1), "truncated": .bool(true), "nextOffset": .number(1_048_576)])
        }], make: cloverDXInfoPlugin)

        let graph = host.runTool("sandbox_read_file", arguments: .object(["sandbox": .string("dwh"), "path": .string("graph/LoadOrders.grf")]))
        #expect(!graph.isError, "\(graph.text)")
        #expect(graph.text.hasPrefix(#"<Graph name="LoadOrders">"#))
        #expect(graph.text.contains("[1 secret value(s) such as passwords are shown as *****]"))
        #expect(graph.text.hasSuffix("[truncated: bytes 0–1048576 of 2500000 shown; call again with offset 1048576 for more]"))
        #expect(graph.structured?["nextOffset"] == .number(1_048_576))

        let zip = host.runTool("sandbox_read_file", arguments: .object(["sandbox": .string("dwh"), "path": .string("data-in/orders.zip")]))
        #expect(zip.text == "dwh:data-in/orders.zip is a binary file (81920 bytes); its content is not shown.")

        let hidden = host.runTool("sandbox_read_file", arguments: .object(["sandbox": .string("dwh"), "path": .string("conn/dwh.cfg")]))
        #expect(hidden.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(hidden.text.contains("hidden from MCP: clover.mcp.sandbox.deniedFiles"))
        let unknown = host.runTool("sandbox_read_file", arguments: .object(["sandbox": .string("sales"), "path": .string("graph/A.grf")]))
        #expect(unknown.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(unknown.text.contains("no sandbox \"sales\"; the sandboxes are: crm, dwh"))

        let asked = host.serviceRequests.count
        for (arguments, message) in [
            (#"{"sandbox":"dwh","path":"graph/A.grf","maxBytes":0}"#, #""maxBytes" must be 1 to 16777216"#),
            (#"{"sandbox":"dwh","path":"graph/A.grf","offset":-1}"#, #""offset" must be 0 or more"#),
        ] {
            let run = host.runTool("sandbox_read_file", arguments: try PluginJSON(parsing: arguments))
            #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
            #expect(run.text.contains(message))
        }
        #expect(host.serviceRequests.count == asked)
        #expect(host.serviceRequests.first?.request == .object(["sandbox": .string("dwh"), "path": .string("graph/LoadOrders.grf")]))
    }
}
