import CloverPluginSupport
import PluginKit

/// Collects the ``Evidence`` through the host's services, never failing the report for a part it
/// cannot read (that part is listed as unavailable instead); only a runId that does not exist is an error.
struct EvidenceGatherer {
    let call: CallContext
    let clock: ServerTime
    static let maximumExcerpts = 20
    static let exceptionLines = 15

    func gather(_ request: ReportRequest) throws -> Evidence {
        var unavailable: [String] = []
        let runs = try runs(request.runIds, unavailable: &unavailable)
        let window = window(request.window, runs: runs)
        var evidence = Evidence(window: .init(from: window.from.text, to: window.to.text))
        evidence.runs = runs
        call.progress(1, total: 4, message: "runs read")
        evidence.server = server(unavailable: &unavailable)
        call.progress(2, total: 4, message: "deployment read")
        evidence.serverLogExcerpts = optional("all.log excerpts", &unavailable) { try excerpts(window) } ?? []
        call.progress(3, total: 4, message: "server log read")
        evidence.performance = optional("performance summary", &unavailable) { try performance(window) } ?? []
        evidence.unavailable = unavailable
        return evidence
    }

    /// A part of the evidence, or nil with the reason noted.
    private func optional<T>(_ what: String, _ unavailable: inout [String], _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch {
            unavailable.append("\(what): \(error)")
            return nil
        }
    }

    /// The window the user gave, else the runs' span with five minutes around it, else the last hour.
    private func window(_ given: TimeWindow, runs: [Evidence.Run]) -> (from: WallClock, to: WallClock) {
        let times = runs.flatMap { [$0.startTime ?? $0.submitTime, $0.stopTime] }.compactMap { $0 }
            .compactMap { try? clock.parse($0, argument: "run time") }
        let now = clock.wallClock(of: clock.now())
        let to = given.to ?? times.max()?.adding(seconds: 300) ?? now
        let from = given.from ?? times.min()?.adding(seconds: -300) ?? to.adding(seconds: -3_600)
        return (from, to)
    }

    private func runs(_ ids: [Int64], unavailable: inout [String]) throws -> [Evidence.Run] {
        guard !ids.isEmpty else { return [] }
        let sql = """
            SELECT id, sandbox_code, job_file, status, node_id, submit_time, start_time, stop_time, duration_ms,
                   error_component_id, error_message, exception
            FROM run_record WHERE id IN (\(ids.map(String.init).joined(separator: ", ")))
            """
        let rows: [SQLRow]
        do {
            rows = try SQLRows.query(sql, maxRows: ids.count, call: call).rows
        } catch {
            unavailable.append("run records: \(error)")
            return ids.map { Evidence.Run(runId: $0, jobFile: nil, sandbox: nil, status: nil, node: nil, submitTime: nil, startTime: nil,
                                          stopTime: nil, durationMs: nil, errorComponent: nil, errorMessage: nil, exception: nil) }
        }
        let found = Set(rows.compactMap { $0.int("id") })
        if let missing = ids.first(where: { !found.contains($0) }) {
            throw ToolError.invalidArguments("report_support_issue: run \(missing) does not exist in the system database; job_list shows recent runs and their runIds")
        }
        return rows.map { row in
            let exception = row.string("exception").map { text in
                text.split(separator: "\n", omittingEmptySubsequences: false).prefix(Self.exceptionLines).joined(separator: "\n")
            }
            var run = Evidence.Run(
                runId: row.int("id") ?? 0, jobFile: row.string("job_file"), sandbox: row.string("sandbox_code"), status: row.string("status"),
                node: row.string("node_id"), submitTime: row.string("submit_time"), startTime: row.string("start_time"),
                stopTime: row.string("stop_time"), durationMs: row.int("duration_ms"), errorComponent: row.string("error_component_id"),
                errorMessage: row.string("error_message"), exception: exception)
            run.logErrors = optional("the log of run \(run.runId)", &unavailable) {
                let answer = try call.answer(of: HostServices.LogsSearch.self, .init(log: "job/\(run.runId)", levels: ["ERROR", "FATAL"], limit: 5))
                return answer.entries.map { $0.abbreviated(maxLines: 10) }
            } ?? []
            return run
        }.sorted { $0.runId < $1.runId }
    }

    private func server(unavailable: inout [String]) -> Evidence.Server {
        var server = Evidence.Server()
        if let info = optional("installation", &unavailable, { try call.answer(of: HostServices.InstallationInfo.self, NoFields()) }) {
            server.nodeId = info.nodeId
            server.timeZone = info.timeZone.id
            server.databaseEngine = info.systemDatabase?.engine
        }
        server.sidecarVersion = optional("sidecar", &unavailable) { try call.answer(of: HostServices.HostInfo.self, NoFields()) }?.version
        // The newest start-up line names the version running now. The Worker's line counts too: it runs the
        // Core's version, and the Core's own line may have rotated out of the kept logs.
        let line = optional("server version", &unavailable) {
            try NewestLogMatch.find("all", regex: #"CloverDX (Server|Worker) \S+ \(build [^)]+\) starting"#, call: call).map { [$0] } ?? []
        }
        if let message = line?.first?.message,
           let match = message.firstMatch(of: #/CloverDX (Server|Worker) (\S+) \(build ([^)]+)\)/#) {
            server.cloverdxVersion = "\(match.2) (build \(match.3), from the \(match.1)'s start-up line)"
        } else if line != nil {
            unavailable.append("server version: no start-up line in the kept all.log files")
        }
        return server
    }

    private func excerpts(_ window: (from: WallClock, to: WallClock)) throws -> [String] {
        let answer = try call.answer(of: HostServices.LogsSearch.self, .init(log: "all", from: window.from.text, to: window.to.text,
                                                                             levels: ["ERROR", "FATAL", "WARN"], limit: Self.maximumExcerpts))
        return answer.entries.map { $0.abbreviated(maxLines: 8) }
    }

    private func performance(_ window: (from: WallClock, to: WallClock)) throws -> [String] {
        let answer = try call.answer(of: "logs.table", .object([
            "log": .string("performance"), "from": .string(window.from.text), "to": .string(window.to.text),
            "sql": .string("""
                SELECT COUNT(*) AS samples, MAX(cHeap) AS core_heap_max, MAX(wHeap) AS worker_heap_max, MAX(sysCPU) AS cpu_max,
                       MAX(jobs) AS jobs_max, MAX(jobQueue) AS queue_max, MAX(hbAge) AS heartbeat_age_max
                FROM performance
                """),
        ]))
        let names = (answer["columns"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" }
        guard let row = answer["rows"]?.arrayValue?.first?.arrayValue else { return [] }
        return zip(names, row).map { name, value in "\(name): \(value.cellText)" }
    }
}
