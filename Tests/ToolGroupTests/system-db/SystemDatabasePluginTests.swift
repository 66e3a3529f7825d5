import Foundation
import PluginKit
import PluginKitTesting
import SystemDatabasePlugin
import Testing

/// Canned answers in the wire format of Sources/CloverServices/SQLServices.swift (sql.query, sql.schema)
/// over a CloverDX system database on PostgreSQL.
enum SystemDatabaseFixture {
    static func answer(_ columns: [(String, String)], _ rows: [[PluginJSON]], truncationReason: String? = nil, elapsedMs: Int = 12) -> PluginJSON {
        var members: [String: PluginJSON] = [
            "columns": .array(columns.map { .object(["name": .string($0.0), "type": .string($0.1)]) }),
            "rows": .array(rows.map(PluginJSON.array)), "truncated": .bool(truncationReason != nil), "elapsedMs": .number(Double(elapsedMs)),
        ]
        if let truncationReason { members["truncationReason"] = .string(truncationReason) }
        return .object(members)
    }

    static let runColumns = [("id", "int8"), ("status", "varchar"), ("job_file", "varchar"), ("start_time", "varchar"), ("username", "varchar")]

    static func run(_ id: Int, _ status: String, _ job: String, _ start: String, _ user: String?) -> [PluginJSON] {
        [.number(Double(id)), .string(status), .string(job), .string(start), user.map(PluginJSON.string) ?? .null]
    }

    static let failedRuns = [
        run(18_350, "ERROR", "graph/LoadOrders.grf", "2025-03-05T02:10:00.020+01:00", "scheduler"),
        run(18_311, "ERROR", "jobflow/NightlyDWH.jbf", "2025-03-04T02:00:00.004+01:00", nil),
    ]

    static func column(_ name: String, _ type: String, nullable: Bool) -> PluginJSON {
        .object(["name": .string(name), "type": .string(type), "nullable": .bool(nullable)])
    }

    static let schema = PluginJSON.object([
        "engine": .string("postgreSQL"),
        "tables": .array([
            .object(["schema": .string("public"), "name": .string("run_record"), "kind": .string("table"), "columns": .array([
                column("id", "int8", nullable: false), column("status", "varchar", nullable: false), column("sandbox_code", "varchar", nullable: true),
                column("job_file", "varchar", nullable: false), column("start_time", "varchar", nullable: true),
                column("stop_time", "varchar", nullable: true), column("log_file", "varchar", nullable: true),
            ])]),
            .object(["schema": .string("public"), "name": .string("run_record_param"), "kind": .string("table"), "columns": .array([
                column("run_record_id", "int8", nullable: false), column("name", "varchar", nullable: false), column("value", "text", nullable: true),
            ])]),
            .object(["schema": .string("reporting"), "name": .string("failed_runs"), "kind": .string("view"), "columns": .array([
                column("id", "int8", nullable: true), column("job_file", "varchar", nullable: true),
            ])]),
        ]),
    ])

    static let denied = ServiceRefused(status: Int32(CDXMCP_DENIED),
                                       message: "plugin \"system-db\" has no grant \"sql.read\" for sql.query; add it to the plugin's \"grants\" in plugins.json")

    static func host(_ services: [String: PluginTestHost.ServiceHandler]) throws -> PluginTestHost {
        try PluginTestHost(services: services, make: systemDatabasePlugin)
    }
}

@Suite struct SystemDatabasePluginTests {
    typealias F = SystemDatabaseFixture

    @Test func theQueryReachesTheHostAsWrittenAndItsRowsAreRendered() throws {
        let sql = "SELECT id, status, job_file, start_time, username FROM run_record WHERE status = 'ERROR' ORDER BY id DESC"
        let host = try F.host(["sql.query": { _ in F.answer(F.runColumns, F.failedRuns) }])
        let run = host.runTool("server_db_execute_query", arguments: .object(["sql": .string(sql)]))
        #expect(!run.isError, "\(run.text)")
        #expect(host.serviceRequests.map(\.service) == ["sql.query"])
        #expect(host.serviceRequests.first?.request == .object(["sql": .string(sql), "maxRows": .number(100)]))

        #expect(run.structured?["rowCount"] == .number(2))
        #expect(run.structured?["truncated"] == .bool(false))
        #expect(run.structured?["columns"]?[2]?["name"] == .string("job_file"))
        let lines = run.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "2 row(s), 5 column(s), 12 ms.")
        #expect(lines.dropFirst().first?.split(separator: " ").map(String.init) == ["id", "status", "job_file", "start_time", "username"])
        let rows = lines.filter { $0.hasPrefix("183") }.map { $0.split(separator: " ").map(String.init) }
        #expect(rows == [["18350", "ERROR", "graph/LoadOrders.grf", "2025-03-05T02:10:00.020+01:00", "scheduler"],
                         ["18311", "ERROR", "jobflow/NightlyDWH.jbf", "2025-03-04T02:00:00.004+01:00"]])
        #expect(!run.text.contains("Note:"))
    }

    @Test func statementsOtherThanOneSelectAreRefusedAndNotRun() throws {
        let host = try F.host(["sql.query": { request in
            let sql = request["sql"]?.stringValue ?? ""
            if sql.uppercased().hasPrefix("DELETE") {
                throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "DELETE statements are not allowed: the CloverDX system database "
                    + "is read-only here. Only one read-only query is allowed: SELECT, WITH … SELECT, VALUES or TABLE name. Write a SELECT that "
                    + "reads the rows you want to inspect.")
            }
            if sql.contains(";") {
                throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "Only one statement per call is allowed, and there is more SQL "
                    + "after the ';' (at byte 26). Send each SELECT in its own call.")
            }
            return F.answer(F.runColumns, F.failedRuns)
        }])
        let delete = host.runTool("server_db_execute_query", arguments: .object(["sql": .string("DELETE FROM run_record WHERE id < 18000")]))
        #expect(delete.isError)
        #expect(delete.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(delete.text.hasPrefix("The query was refused and not run: DELETE statements are not allowed"))
        #expect(delete.structured == nil)

        let two = host.runTool("server_db_execute_query", arguments: .object(["sql": .string("SELECT 1 FROM run_record; DROP TABLE run_record")]))
        #expect(two.isError)
        #expect(two.text.contains("Only one statement per call is allowed"))
        #expect(host.serviceRequests.map { $0.request["sql"] }
            == [.string("DELETE FROM run_record WHERE id < 18000"), .string("SELECT 1 FROM run_record; DROP TABLE run_record")])

        for arguments: [String: PluginJSON] in [[:], ["sql": .string(" \n\t")], ["sql": .number(1)]] {
            let run = host.runTool("server_db_execute_query", arguments: .object(arguments))
            #expect(run.isError)
            #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
            #expect(run.text.contains("sql"), "\(run.text)")
        }
        #expect(host.serviceRequests.count == 2)
    }

    @Test func limitsAreKeptInBoundsAndTruncationIsExplained() throws {
        let host = try F.host(["sql.query": { request in
            let reason = request["timeoutMs"] == .number(100) ? "timeLimit" : "rowLimit"
            return F.answer(F.runColumns, F.failedRuns, truncationReason: reason, elapsedMs: reason == "timeLimit" ? 100 : 40)
        }])
        let big = host.runTool("server_db_execute_query", arguments: .object([
            "sql": .string("SELECT * FROM run_record"), "maxRows": .number(50_000), "timeoutMs": .number(120_000),
        ]))
        #expect(!big.isError, "\(big.text)")
        #expect(host.serviceRequests.last?.request["maxRows"] == .number(10_000))
        #expect(host.serviceRequests.last?.request["timeoutMs"] == .number(60_000))
        #expect(big.structured?["truncationReason"] == .string("rowLimit"))
        #expect(big.text.hasPrefix("2 row(s) (truncated), 5 column(s), 40 ms."))
        #expect(big.text.components(separatedBy: "maxRows 50000 was lowered to 10000").count == 2)
        #expect(big.text.contains("Note: timeoutMs 120000 was lowered to 60000."))
        // At the maximum already, raising maxRows is no advice.
        #expect(big.text.contains("Note: the query returned more than 10000 rows; narrow it with WHERE, or page with LIMIT … OFFSET."))

        let small = host.runTool("server_db_execute_query", arguments: .object(["sql": .string("SELECT * FROM run_record"), "maxRows": .number(2)]))
        #expect(small.text.contains("the query returned more than 2 rows; raise maxRows (at most 10000) or narrow it with WHERE"))

        let quick = host.runTool("server_db_execute_query", arguments: .object(["sql": .string("SELECT * FROM run_record"), "timeoutMs": .number(5)]))
        #expect(host.serviceRequests.last?.request["timeoutMs"] == .number(100))
        #expect(quick.text.contains("the query ran into its timeout after these rows"))

        let before = host.serviceRequests.count
        for (arguments, message) in [(["maxRows": PluginJSON.number(0)], "\"maxRows\" must be at least 1"),
                                     (["timeoutMs": .number(0)], "\"timeoutMs\" must be at least 1")] {
            var all = arguments
            all["sql"] = .string("SELECT 1")
            let run = host.runTool("server_db_execute_query", arguments: .object(all))
            #expect(run.isError)
            #expect(run.text.contains(message), "\(run.text)")
        }
        #expect(host.serviceRequests.count == before)
    }

    @Test func aLongResultShowsItsFirstRowsAndKeepsAllInStructuredContent() throws {
        let rows = (0..<60).map { F.run(18_300 + $0, "FINISHED_OK", "graph/LoadOrders.grf", "2025-03-05T02:00:00.000+01:00", "scheduler") }
        let host = try F.host(["sql.query": { _ in F.answer(F.runColumns, rows) }])
        let run = host.runTool("server_db_execute_query", arguments: .object(["sql": .string("SELECT * FROM run_record ORDER BY id")]))
        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["rows"]?.arrayValue?.count == 60)
        #expect(run.text.contains("18349 "))
        #expect(!run.text.contains("18350 "))
        #expect(run.text.contains("… 10 more row(s) in structuredContent."))
    }

    @Test func refusalsOfTheHostAndTheDatabaseSaySo() throws {
        let denied = try F.host(["sql.query": { _ in throw F.denied }, "sql.schema": { _ in throw F.denied }])
        for run in [denied.runTool("server_db_execute_query", arguments: .object(["sql": .string("SELECT 1")])),
                    denied.runTool("server_db_get_schema"), denied.readResource("cloverdx://database/schema")] {
            #expect(run.isError)
            #expect(run.status == Int32(CDXMCP_FAILED))
            #expect(run.text.contains("system database: plugin \"system-db\" has no grant \"sql.read\""), "\(run.text)")
        }

        let down = try F.host(["sql.query": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_FAILED), message: "cannot connect to PostgreSQL at dwh-db:5432: connection refused")
        }])
        let run = down.runTool("server_db_execute_query", arguments: .object(["sql": .string("SELECT 1")]))
        #expect(run.isError)
        #expect(run.status == Int32(CDXMCP_FAILED))
        #expect(run.text == "system database: cannot connect to PostgreSQL at dwh-db:5432: connection refused")
    }

    @Test func schemaPatternsBecomeLikePatternsAndTablesOneLineEach() throws {
        let host = try F.host(["sql.schema": { request in
            request["tablePattern"] == .string("%nothing%") ? .object(["engine": .string("postgreSQL"), "tables": .array([])]) : F.schema
        }])
        for (typed, sent) in [("run", "%run%"), (" run_record ", "%run\\_record%"), ("tracking_*", "tracking_%"), ("50%", "50%")] {
            _ = host.runTool("server_db_get_schema", arguments: .object(["tablePattern": .string(typed)]))
            #expect(host.serviceRequests.last?.request == .object(["tablePattern": .string(sent)]), "\(typed)")
        }

        let run = host.runTool("server_db_get_schema", arguments: .object(["tablePattern": .string("run")]))
        #expect(!run.isError, "\(run.text)")
        let lines = run.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("PostgreSQL system database, 3 table(s) matching \"run\".") == true)
        #expect(lines.contains("run_record: id int8, status varchar, sandbox_code varchar?, job_file varchar, start_time varchar?, "
            + "stop_time varchar?, log_file varchar?"))
        #expect(lines.contains("reporting.failed_runs (view): id int8?, job_file varchar?"))
        #expect(run.structured?["engine"] == .string("postgreSQL"))
        #expect(run.structured?["tables"]?.arrayValue?.count == 3)

        let none = host.runTool("server_db_get_schema", arguments: .object(["tablePattern": .string("nothing")]))
        #expect(!none.isError)
        #expect(none.text.hasPrefix("No table of the PostgreSQL system database matches \"nothing\""))

        let resource = host.readResource("cloverdx://database/schema")
        #expect(host.serviceRequests.last?.request == .object([:]))
        #expect(resource.text.contains("run_record_param: run_record_id int8, name varchar, value text?"))
        #expect(host.readResource("cloverdx://database/tables").status == Int32(CDXMCP_NOT_FOUND))
    }
}
