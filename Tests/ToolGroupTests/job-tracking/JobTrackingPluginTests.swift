import Foundation
import PluginKit
import PluginKitTesting
import JobTrackingPlugin
import Testing

@Suite struct JobTrackingPluginTests {
    typealias Run = JobFixtures.Run

    // MARK: job_list

    @Test func anEmptyListingOfAnUnknownSandboxNamesTheSandboxesThereAre() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() },
            "sql.query": { request in
                let sql = JobFixtures.sql(request)
                if sql.hasPrefix("SELECT MAX(id)") { return JobFixtures.rows(["newest"], [[.null]]) }
                if sql.hasPrefix("SELECT COUNT(*)") { return JobFixtures.rows(["matching"], [[.number(0)]]) }
                if sql.contains("ORDER BY submit_time DESC") { return JobFixtures.summaries([]) }
                if sql == "SELECT code FROM sandbox" {
                    return JobFixtures.rows(["code"], [[.string("dwh")], [.string("default")], [.string("crm")]])
                }
                throw JobFixtures.unexpected(sql)
            },
        ], make: jobTrackingPlugin)

        let run = host.runTool("job_list", arguments: .object(["sandbox": .string(" nosuch ")]))

        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["total"] == .number(0))
        #expect(run.structured?["truncated"] == .bool(false))
        #expect(run.structured?["nextCursor"] == nil)
        #expect(run.structured?["source"] == .string("database"))
        #expect(run.text.contains("No runs match (0 in total; sandbox=nosuch)."))
        #expect(run.text.contains("there is no sandbox \"nosuch\"; sandboxes: crm, default, dwh"))
        // The sandbox is trimmed and quoted; an empty history snapshots at run 0.
        let count = try #require(host.statements.first { $0.hasPrefix("SELECT COUNT(*)") })
        #expect(count.contains("sandbox_code = 'nosuch'"))
        #expect(count.contains("id <= 0"))
    }

    @Test func theCursorContinuesTheFirstPagesSnapshot() throws {
        let newest = Mutable<Int64>(18350)
        let older = Run(id: 18344, jobFile: "jobflow/NightlyLoad.jbf", jobType: "JOBFLOW", executionType: "JOBFLOW", status: "TIMEOUT",
                        submit: "2025-03-04T02:05:00.000+01:00", start: "2025-03-04T02:05:00.012+01:00", stop: "2025-03-04T04:05:00.000+01:00", durationMs: 7_200_000,
                        errorMessage: "Job execution timed out after 7200 s")
        let oldest = Run(id: 18331, status: "ERROR", submit: "2025-03-03T02:10:00.020+01:00", start: "2025-03-03T02:10:00.044+01:00",
                         stop: "2025-03-03T02:10:06.910+01:00", durationMs: 6_866, errorComponent: "DB_OUTPUT_TABLE0",
                         errorMessage: "Connection refused")
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() },
            "sql.query": { request in
                let sql = JobFixtures.sql(request)
                if sql.hasPrefix("SELECT MAX(id)") { return JobFixtures.rows(["newest"], [[.number(Double(newest.value))]]) }
                if sql.hasPrefix("SELECT COUNT(*)") { return JobFixtures.rows(["matching"], [[.number(3)]]) }
                switch JobFixtures.offset(sql) {
                case 0?: return JobFixtures.summaries([JobFixtures.failedLoad, older])
                case 2?: return JobFixtures.summaries([oldest])
                default: throw JobFixtures.unexpected(sql)
                }
            },
        ], make: jobTrackingPlugin)

        let first = host.runTool("job_list", arguments: .object([
            "jobFile": .string("Load"), "status": .array([.string("error"), .string("TIMEOUT")]), "limit": .number(2),
        ]))
        #expect(!first.isError, "\(first.text)")
        #expect(first.structured?["returned"] == .number(2))
        #expect(first.structured?["total"] == .number(3))
        #expect(first.structured?["truncated"] == .bool(true))
        let cursor = try #require(first.structured?["nextCursor"]?.stringValue)
        #expect(first.text.contains("Runs 1–2 of 3 (newest first; jobFile~Load, status=ERROR,TIMEOUT)."))
        #expect(first.text.contains("\"cursor\": \"\(cursor)\""))
        #expect(first.text.contains("18350") && first.text.contains("DB_OUTPUT_TABLE0: Connection refused"))
        let firstList = try #require(host.statements.last)
        #expect(firstList.contains("LOWER(job_file) LIKE '%load%' ESCAPE"))
        #expect(firstList.contains("status IN ('ERROR', 'TIMEOUT')"))
        #expect(firstList.contains("id <= 18350"))
        #expect(firstList.contains("LIMIT 2 OFFSET 0"))

        // A run arrives meanwhile; the next page keeps the first page's snapshot. The statuses may come in another order.
        newest.value = 18360
        let second = host.runTool("job_list", arguments: .object([
            "jobFile": .string("Load"), "status": .array([.string("TIMEOUT"), .string("ERROR")]), "limit": .number(2),
            "cursor": .string(cursor),
        ]))
        #expect(!second.isError, "\(second.text)")
        let secondList = try #require(host.statements.last)
        #expect(secondList.contains("LIMIT 2 OFFSET 2"))
        #expect(secondList.contains("id <= 18350"))
        #expect(host.statements.filter { $0.hasPrefix("SELECT MAX(id)") }.count == 1)
        #expect(second.structured?["runs"]?[0]?["runId"] == .number(18331))
        #expect(second.structured?["truncated"] == .bool(false))
        #expect(second.structured?["nextCursor"] == nil)
        #expect(second.text.hasPrefix("Runs 3–3 of 3"))
        #expect(!second.text.contains("More runs"))
    }

    @Test func aCursorIsRefusedByAnotherQuery() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() },
            "sql.query": { request in
                let sql = JobFixtures.sql(request)
                if sql.hasPrefix("SELECT MAX(id)") { return JobFixtures.rows(["newest"], [[.number(18350)]]) }
                if sql.hasPrefix("SELECT COUNT(*)") { return JobFixtures.rows(["matching"], [[.number(40)]]) }
                if sql.contains("ORDER BY submit_time DESC") { return JobFixtures.summaries([JobFixtures.failedLoad]) }
                throw JobFixtures.unexpected(sql)
            },
        ], make: jobTrackingPlugin)
        let first = host.runTool("job_list", arguments: .object(["sandbox": .string("dwh"), "limit": .number(1)]))
        let cursor = try #require(first.structured?["nextCursor"]?.stringValue)
        let asked = host.serviceRequests.count

        let otherSandbox = host.runTool("job_list", arguments: .object(["sandbox": .string("crm"), "cursor": .string(cursor)]))
        #expect(otherSandbox.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(otherSandbox.text.contains("\"cursor\" belongs to a different job_list query"))

        let damaged = host.runTool("job_list", arguments: .object(["sandbox": .string("dwh"), "cursor": .string("MS4yLjM")]))
        #expect(damaged.isError)
        #expect(damaged.text.contains("\"cursor\" is not one job_list returned"))
        // Neither reached the database.
        #expect(host.serviceRequests.count == asked)
    }

    @Test(arguments: [
        ("job_list", #"{"status":"FAILED"}"#, #""status": unknown status "FAILED". Known statuses: N_A, READY"#),
        ("job_list", #"{"jobFileMatch":"regex"}"#, #""jobFileMatch" must be "contains" or "exact", got "regex""#),
        ("job_list", #"{"limit":0}"#, #""limit" must be at least 1 (got 0)"#),
        ("job_list", #"{"from":"yesterday"}"#, #""from": cannot read "yesterday" as a time"#),
        ("job_statistics", #"{"from":"2025-03-05","to":"2025-03-04"}"#, #""from" (2025-03-05 00:00:00.000) is after "to""#),
        ("job_get_status", #"{"runId":"18350"}"#, #""runId" must be a JSON integer, not the string "18350""#),
        ("job_get_status", #"{}"#, #"missing required argument "runId""#),
        ("job_get_tracking", #"{"runId":-4}"#, #""runId" must be above 0, got -4"#),
    ])
    func argumentMistakesReachTheModelNamingTheArgument(tool: String, arguments: String, message: String) throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() },
            "sql.query": { request in
                let sql = JobFixtures.sql(request)
                if sql.hasPrefix("SELECT MAX(id)") { return JobFixtures.rows(["newest"], [[.number(18350)]]) }
                throw JobFixtures.unexpected(sql)
            },
        ], make: jobTrackingPlugin)
        let run = host.runTool(tool, arguments: try PluginJSON(parsing: arguments))
        #expect(run.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(run.text.contains(message), "\(run.text)")
        #expect(host.statements.filter { !$0.hasPrefix("SELECT MAX(id)") }.isEmpty)
    }

    // MARK: where runs come from

    @Test func withoutTheSQLGrantTheToolSaysWhichGrantIsMissing() throws {
        let denied: PluginTestHost.ServiceHandler = { _ in throw JobFixtures.noGrant("sql.read", for: "sql.query") }
        let database = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() }, "sql.query": denied,
        ], make: jobTrackingPlugin)
        let listing = database.runTool("job_list")
        #expect(listing.isError)
        #expect(listing.text.contains("system database: plugin \"job-tracking\" has no grant \"sql.read\" for sql.query"))

        // auto (the default): the probe is refused, and with no REST API either the answer says both.
        let automatic = try PluginTestHost(services: [
            "installation.info": { _ in JobFixtures.installation() }, "sql.query": denied,
        ], make: jobTrackingPlugin)
        let status = automatic.runTool("job_get_status", arguments: .object(["runId": .number(18350)]))
        #expect(status.isError)
        #expect(status.text.contains("no source of job runs"))
        #expect(status.text.contains("has no grant \"sql.read\""))
        #expect(status.text.contains("clover.mcp.sidecar.rest.url"))
        #expect(automatic.statements == ["SELECT 1 AS probe FROM run_record WHERE 1 = 0"])
    }

    @Test func autoReadsTheRESTAPIWhenTheDatabaseFailsAndSaysWhy() throws {
        let second = Run(id: 18331, status: "ERROR", submit: "2025-03-03T02:10:00.020+01:00", start: "2025-03-03T02:10:00.044+01:00",
                         stop: "2025-03-03T02:10:06.910+01:00", durationMs: 6_866, errorComponent: "DB_OUTPUT_TABLE0",
                         errorMessage: "Connection refused")
        let host = try PluginTestHost(services: [
            "installation.info": { _ in JobFixtures.installation(restAPI: "http://cdx01:8080/clover/") },
            "sql.query": { _ in throw ServiceRefused(status: Int32(CDXMCP_FAILED), message: "Connection to localhost:5432 refused") },
            "http.request": { request in
                let path = request["path"]?.stringValue ?? ""
                if path.contains("pageSize=1&") {
                    return JobFixtures.http(200, JobFixtures.collection([JobFixtures.member(JobFixtures.failedLoad)], total: 9_412, start: 0))
                }
                return JobFixtures.http(200, JobFixtures.collection(
                    [JobFixtures.member(JobFixtures.failedLoad), JobFixtures.member(second)], total: 2, start: 0))
            },
        ], make: jobTrackingPlugin)

        let run = host.runTool("job_list", arguments: .object(["sandbox": .string("dwh"), "status": .string("ERROR")]))

        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["source"] == .string("rest"))
        #expect(run.structured?["runs"]?.arrayValue?.compactMap { $0["runId"] } == [.number(18350), .number(18331)])
        let notes = run.structured?["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.contains("the system database did not answer (Connection to localhost:5432 refused)") })
        #expect(run.text.contains("Note: the system database did not answer"))
        // The API filters by sandbox and one status itself.
        #expect(host.httpPaths.first == "api/rest/v1/executions?pageSize=1&startIndex=0")
        #expect(host.httpPaths.contains("api/rest/v1/executions?pageSize=500&startIndex=0&sandboxCode=dwh&status=ERROR"))
        #expect(host.serviceRequests.filter { $0.service == "http.request" }.allSatisfy { $0.request["method"] == .string("GET") })
    }

    @Test func restFailuresSayWhatToCheck() throws {
        let unauthorized = try PluginTestHost(configuration: ["clover.mcp.sidecar.jobs.source": "rest"], services: [
            "installation.info": { _ in JobFixtures.installation(restAPI: "http://cdx01:8080/clover/") },
            "http.request": { _ in
                .object(["status": .number(401), "headers": .object([:]), "body": .string("<html><body>Unauthorized</body></html>")])
            },
        ], make: jobTrackingPlugin)
        let refused = unauthorized.runTool("job_get_status", arguments: .object(["runId": .number(18350)]))
        #expect(refused.isError)
        #expect(refused.text.contains("HTTP 401 Unauthorized"))
        #expect(refused.text.contains("clover.mcp.sidecar.rest.user"))
        #expect(unauthorized.httpPaths == ["api/rest/v1/executions/18350"])

        let unconfigured = try PluginTestHost(configuration: ["clover.mcp.sidecar.jobs.source": "REST"], services: [
            "installation.info": { _ in JobFixtures.installation() },
        ], make: jobTrackingPlugin)
        let missing = unconfigured.runTool("job_get_tracking", arguments: .object(["runId": .number(18350)]))
        #expect(missing.isError)
        #expect(missing.text.contains("no CloverDX REST API is configured"))

        let typo = try PluginTestHost(configuration: ["clover.mcp.sidecar.jobs.source": "jdbc"], make: jobTrackingPlugin)
        let wrong = typo.runTool("job_list")
        #expect(wrong.isError)
        #expect(wrong.text.contains("clover.mcp.sidecar.jobs.source=jdbc is not a source of job runs"))
    }

    // MARK: one run

    /// Run 18350, a child of jobflow 18349, failed writing to the warehouse.
    static let recordDatabase: PluginTestHost.ServiceHandler = { request in
        let sql = JobFixtures.sql(request)
        if sql.hasPrefix("SELECT MAX(id)") { return JobFixtures.rows(["newest"], [[.number(18352)]]) }
        if sql.contains("FROM run_record WHERE id = 18350") && sql.contains("exception") {
            let exception = """
                org.jetel.exception.JetelRuntimeException: Component [DB_OUTPUT_TABLE0:Write orders] finished with status ERROR.
                \tat org.jetel.graph.Node.run(Node.java:534)
                Caused by: org.postgresql.util.PSQLException: Connection to dwh-db:5432 refused.
                \tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)
                Caused by: java.net.ConnectException: Connection refused
                """
            return JobFixtures.rows(
                ["id", "parent_id", "root_id", "node_id", "sandbox_code", "job_file", "job_type", "execution_type", "status", "username",
                 "submit_time", "start_time", "stop_time", "duration_ms", "error_component_id", "error_component_type", "error_message",
                 "exception", "log_file"],
                [[.number(18350), .number(18349), .number(18349), .string("node01"), .string("dwh"), .string("graph/LoadOrders.grf"),
                  .string("ETL_GRAPH"), .string("STANDALONE"), .string("ERROR"), .string("scheduler"),
                  .string("2025-03-05T02:10:00.020+01:00"), .string("2025-03-05T02:10:00.031+01:00"), .string("2025-03-05T02:10:07.561+01:00"),
                  .number(7_530), .string("DB_OUTPUT_TABLE0"), .string("DB_OUTPUT_TABLE"), .string("Connection refused"), .string(exception),
                  .string("/opt/clover/sandboxes/.jobs/2025-03-05/graph_LoadOrders_18350.log")]])
        }
        if sql.contains("FROM run_record WHERE id = ") { return JobFixtures.summaries([]) }
        if sql.hasPrefix("SELECT kind, name, value FROM run_record_param WHERE run_id = 18350") {
            return JobFixtures.rows(["kind", "name", "value"], [
                [.string("OUTPUT_DICT"), .string("rowsWritten"), .string("0")],
                [.string("INPUT_PARAM"), .string("TARGET_TABLE"), .string("orders")],
                [.string("INPUT_PARAM"), .string("LOAD_DATE"), .string("2025-03-04")],
            ])
        }
        if sql.contains("WHERE parent_id = 18350 AND id <> 18350") { return JobFixtures.summaries([]) }
        if sql.hasPrefix("SELECT id, status FROM run_record ORDER BY id DESC") {
            return JobFixtures.rows(["id", "status"], [
                [.number(18352), .string("FINISHED_OK")], [.number(18351), .string("RUNNING")], [.number(18350), .string("ERROR")],
                [.number(18349), .string("FINISHED_OK")], [.number(18301), .string("TIMEOUT")], [.number(17999), .string("ERROR")],
            ])
        }
        throw JobFixtures.unexpected(sql)
    }

    @Test func aFailedRunsStatusShowsItsCauseParametersAndParent() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: ["sql.query": Self.recordDatabase],
                                      make: jobTrackingPlugin)
        let run = host.runTool("job_get_status", arguments: .object(["runId": .number(18350)]))

        #expect(!run.isError, "\(run.text)")
        #expect(run.text.hasPrefix("Run 18350: ERROR — dwh/graph/LoadOrders.grf (ETL_GRAPH, STANDALONE)"))
        #expect(run.text.contains("Started by run 18349 (root run 18349)"))
        #expect(run.text.contains("duration 7.5 s"))
        #expect(run.text.contains("Error in DB_OUTPUT_TABLE0 (DB_OUTPUT_TABLE): Connection refused"))
        #expect(run.text.contains("  Caused by: java.net.ConnectException: Connection refused"))
        #expect(run.text.contains("Parameters: LOAD_DATE=2025-03-04, TARGET_TABLE=orders, rowsWritten=0"))
        let parameters = run.structured?["parameters"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(parameters == ["LOAD_DATE", "TARGET_TABLE", "rowsWritten"])
        #expect(run.structured?["childrenTruncated"] == .bool(false))
        #expect(host.statements.contains { $0.contains("ORDER BY id LIMIT 201") })

        let unknown = host.runTool("job_get_status", arguments: .object(["runId": .number(99_999)]))
        #expect(unknown.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(unknown.text.contains("no run 99999 in the system database (run IDs go up to 18352)"))
    }

    @Test func trackingSortsPortsAndNamesTheBottlenecks() throws {
        @Sendable func port(_ node: String, _ type: String, _ index: Int, _ records: Int) -> [PluginJSON] {
            [.string(node), .string(type), .number(Double(index)), .number(Double(records)), .number(Double(records * 70)), .number(52_000), .null]
        }
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: ["sql.query": { request in
            let sql = JobFixtures.sql(request)
            if sql.hasPrefix("SELECT MAX(id)") { return JobFixtures.rows(["newest"], [[.number(18352)]]) }
            if sql.hasPrefix("SELECT status, duration_ms FROM run_record WHERE id = 18342") {
                return JobFixtures.rows(["status", "duration_ms"], [[.string("FINISHED_OK"), .number(7_640)]])
            }
            if sql.hasPrefix("SELECT status, duration_ms FROM run_record WHERE id = 18351") {
                return JobFixtures.rows(["status", "duration_ms"], [[.string("ENQUEUED"), .null]])
            }
            if sql.hasPrefix("SELECT status, duration_ms FROM run_record") { return JobFixtures.rows(["status", "duration_ms"], []) }
            let columns = ["node_id", "port_type", "port_index", "total_records", "total_bytes", "record_peak", "byte_peak"]
            if sql.contains("FROM tracking_port WHERE run_id = 18342") {
                return JobFixtures.rows(columns, [
                    port("EXT_FILTER0", "Output", 1, 1_500), port("EXT_FILTER0", "Output", 0, 118_500), port("EXT_FILTER0", "Input", 0, 120_000),
                    port("FLAT_FILE_READER0", "Output", 0, 120_000), port("DB_OUTPUT_TABLE0", "Input", 0, 118_500),
                ])
            }
            if sql.contains("FROM tracking_node WHERE run_id = 18342") {
                return JobFixtures.rows(["phase_num", "node_id", "node_name", "node_type", "status", "cpu_time_ms", "peak_cpu", "alloc_bytes"], [
                    [.number(1), .string("DB_OUTPUT_TABLE0"), .string("Write orders"), .string("DB_OUTPUT_TABLE"), .string("FINISHED_OK"),
                     .number(5_200), .number(0.81), .number(41_943_040)],
                    [.number(0), .string("FLAT_FILE_READER0"), .string("Read orders"), .string("FLAT_FILE_READER"), .string("FINISHED_OK"),
                     .number(1_850), .number(0.12), .number(31_457_280)],
                    [.number(0), .string("EXT_FILTER0"), .string("Valid orders"), .string("EXT_FILTER"), .string("FINISHED_OK"),
                     .number(640), .number(0.05), .null],
                ])
            }
            if sql.contains("FROM tracking_phase WHERE run_id = 18342") {
                return JobFixtures.rows(["phase_num", "status", "exec_time_ms", "memory_bytes"], [
                    [.number(0), .string("FINISHED_OK"), .number(1_400), .number(52_463_616)],
                    [.number(1), .string("FINISHED_OK"), .number(6_100), .number(73_400_320)],
                ])
            }
            if sql.contains("FROM tracking_") { return JobFixtures.rows(["run_id"], []) }
            throw JobFixtures.unexpected(sql)
        }], make: jobTrackingPlugin)

        let run = host.runTool("job_get_tracking", arguments: .object(["runId": .number(18342)]))
        #expect(!run.isError, "\(run.text)")
        #expect(run.text.hasPrefix("Tracking of run 18342: FINISHED_OK, 7.6 s, 2 phase(s)."))
        #expect(run.text.contains("Slowest phase: 1 (6.1 s, FINISHED_OK)."))
        #expect(run.text.contains("Most CPU time: DB_OUTPUT_TABLE0 \"Write orders\" (DB_OUTPUT_TABLE, phase 1): 5.2 s."))
        let filter = try #require(run.structured?["phases"]?[0]?["nodes"]?.arrayValue?.first { $0["id"] == .string("EXT_FILTER0") })
        let ports = filter["ports"]?.arrayValue?.map { "\($0["type"]?.stringValue ?? "") \($0["index"]?.cellText ?? "")" }
        #expect(ports == ["Input 0", "Output 0", "Output 1"])
        #expect(run.text.contains("118500/1500"))
        #expect(run.structured?["bottlenecks"]?["largestPort"]?["records"] == .number(120_000))

        let queued = host.runTool("job_get_tracking", arguments: .object(["runId": .number(18351)]))
        #expect(!queued.isError)
        #expect(queued.text.contains("run 18351 (ENQUEUED) has no tracking: it never started a phase"))
        #expect(queued.structured?["bottlenecks"] == .object([:]))

        let unknown = host.runTool("job_get_tracking", arguments: .object(["runId": .number(20_000)]))
        #expect(unknown.text.contains("no run 20000 in the system database (run IDs go up to 18352)"))
    }

    // MARK: job_statistics

    @Test func statisticsFilterTheWindowAndRankJobsByFailures() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() },
            "sql.query": { request in
                let sql = JobFixtures.sql(request)
                if sql.hasPrefix("WITH windowed AS") {
                    return JobFixtures.rows(["sandbox_code", "job_file", "runs", "finished", "failures", "p50_ms", "p95_ms", "max_ms"], [
                        [.string("dwh"), .string("graph/SyncCustomers.grf"), .number(4), .number(4), .number(0), .number(70_000),
                         .number(300_000), .number(310_000)],
                        [.string("dwh"), .string("graph/LoadOrders.grf"), .number(10), .number(10), .number(3), .number(4_100),
                         .number(7_600), .number(12_000)],
                    ])
                }
                if sql.contains("ORDER BY submit_time DESC") { return JobFixtures.summaries([JobFixtures.failedLoad]) }
                throw JobFixtures.unexpected(sql)
            },
        ], make: jobTrackingPlugin)

        let run = host.runTool("job_statistics", arguments: .object([
            "from": .string("2025-03-04"), "to": .string("2025-03-05"), "sandbox": .string("dwh"),
        ]))

        #expect(!run.isError, "\(run.text)")
        let statistics = try #require(host.statements.first { $0.hasPrefix("WITH windowed AS") })
        #expect(statistics.contains("sandbox_code = 'dwh'"))
        #expect(statistics.contains("submit_time >= '2025-03-04T00:00:00.000'"))
        #expect(statistics.contains("submit_time < '2025-03-05T00:00:00.001'"))
        let failures = try #require(host.statements.last)
        #expect(failures.contains("status IN ('ERROR', 'ABORTED', 'TIMEOUT', 'UNKNOWN')"))
        #expect(failures.contains("LIMIT 10 OFFSET 0"))
        // Times carry the server's offset (Europe/Prague), taken from installation.info.
        #expect(run.structured?["from"] == .string("2025-03-04T00:00:00.000+01:00"))
        #expect(run.structured?["totals"]?["runs"] == .number(14))
        #expect(run.structured?["totals"]?["failures"] == .number(3))
        #expect(run.structured?["totals"]?["failureRate"] == .number(0.2143))
        #expect(run.structured?["jobs"]?[0]?["jobFile"] == .string("graph/LoadOrders.grf"))
        #expect(run.structured?["jobs"]?[0]?["failureRate"] == .number(0.3))
        #expect(run.structured?["slowest"]?[0]?["jobFile"] == .string("graph/SyncCustomers.grf"))
        #expect(run.text.hasPrefix("Job runs submitted 2025-03-04 00:00:00 – 2025-03-05 00:00:00 in sandbox dwh: 14 runs of 2 jobs, 3 failed (21.4% of 14 finished)."))
        #expect(run.text.contains("Slowest (p95): dwh/graph/SyncCustomers.grf 5 min 00 s; dwh/graph/LoadOrders.grf 7.6 s"))
        #expect(run.text.contains("Most recent failures:"))
    }

    // MARK: prompts, completion, resources

    @Test func troubleshootingPromptRendersTheRunsFactsAndLogWindow() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() }, "sql.query": Self.recordDatabase,
        ], make: jobTrackingPlugin)

        let prompt = host.getPrompt("troubleshoot_failed_job", arguments: ["runId": " 18350 "])
        #expect(prompt.status == Int32(CDXMCP_OK), "\(prompt.text)")
        #expect(prompt.result?["description"] == .string("Troubleshoot run 18350 (ERROR)"))
        #expect(prompt.text.contains("Run 18350 of dwh/graph/LoadOrders.grf (ETL_GRAPH) has status ERROR"))
        #expect(prompt.text.contains("It was started by run 18349 (root run 18349)"))
        #expect(prompt.text.contains("Failing component: DB_OUTPUT_TABLE0 (DB_OUTPUT_TABLE)."))
        #expect(prompt.text.contains("Deepest cause in the stack trace: Caused by: java.net.ConnectException: Connection refused"))
        // Five minutes before to one after the stop, in server time.
        #expect(prompt.text.contains(#"{"from": "2025-03-05 02:05:07.561", "to": "2025-03-05 02:11:07.561"}"#))
        #expect(prompt.text.contains(#"job_get_log {"runId": 18350, "mode": "errors"}"#))

        let bad = host.getPrompt("troubleshoot_failed_job", arguments: ["runId": "LoadOrders"])
        #expect(bad.isError)
        #expect(bad.text.contains("\"runId\" must be a run ID"))
    }

    @Test func troubleshootingWithoutFailuresAndAReportForAnUnknownSandbox() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: [
            "installation.info": { _ in JobFixtures.installation() },
            "sql.query": { request in
                let sql = JobFixtures.sql(request)
                if sql.contains("ORDER BY submit_time DESC") { return JobFixtures.summaries([]) }
                if sql == "SELECT code FROM sandbox" { return JobFixtures.rows(["code"], [[.string("dwh")], [.string("crm")]]) }
                throw JobFixtures.unexpected(sql)
            },
        ], make: jobTrackingPlugin)

        let prompt = host.getPrompt("troubleshoot_failed_job")
        #expect(!prompt.isError, "\(prompt.text)")
        #expect(prompt.result?["description"] == .string("No failed runs to troubleshoot"))
        let latestFailure = try #require(host.statements.first)
        #expect(latestFailure.contains("status IN ('ERROR', 'ABORTED', 'TIMEOUT', 'UNKNOWN')"))
        #expect(latestFailure.contains("LIMIT 1 OFFSET 0"))

        let report = host.getPrompt("job_execution_report", arguments: ["sandbox": "sales", "from": "2025-03-01"])
        #expect(report.isError)
        #expect(report.text.contains("no sandbox \"sales\"; sandboxes: crm, dwh"))

        let dwh = host.getPrompt("job_execution_report", arguments: ["sandbox": "dwh", "from": "2025-03-01", "to": "2025-03-02 06:00"])
        #expect(!dwh.isError, "\(dwh.text)")
        #expect(dwh.text.contains(#"job_statistics {"from": "2025-03-01 00:00:00.000", "to": "2025-03-02 06:00:00.000", "sandbox": "dwh"}"#))
    }

    @Test func runIdCompletionOffersFailedRunsFirstAndResourcesReadRecords() throws {
        let host = try PluginTestHost(configuration: JobFixtures.databaseSource, services: ["sql.query": Self.recordDatabase],
                                      make: jobTrackingPlugin)
        #expect(host.complete(argument: "runId", value: "183") == ["18350", "18301", "18352", "18351", "18349"])
        let asked = host.serviceRequests.count
        #expect(host.complete(argument: "runId", value: "x").isEmpty)
        #expect(host.serviceRequests.count == asked)

        let resource = host.readResource("cloverdx://jobs/18350")
        #expect(resource.status == Int32(CDXMCP_OK), "\(resource.text)")
        let record = try PluginJSON(parsing: resource.text)
        #expect(record["runId"] == .number(18350))
        #expect(record["error"]?["componentId"] == .string("DB_OUTPUT_TABLE0"))
        #expect(record["source"] == .string("database"))

        #expect(host.readResource("cloverdx://jobs/18350/log").status == Int32(CDXMCP_NOT_FOUND))
        let notANumber = host.readResource("cloverdx://jobs/latest")
        #expect(notANumber.isError)
        #expect(notANumber.text.contains("\"runId\" must be a run ID"))
    }
}
