import CloverPluginSupport
import PluginKit

/// Runs read from the CloverDX system database through the host's `sql.query` (docs/CLOVERDX.md, "Emulation schema":
/// `run_record`, `run_record_param`, `tracking_phase`/`_node`/`_port`, `sandbox`).
///
/// Every statement runs unchanged on SQLite and PostgreSQL: no engine functions, values quoted with
/// `SQLText`, numbers only from validated integers. Times are ISO text with the server's offset
/// (`2025-03-05T02:10:00.020+01:00`); a window compares them with `WallClock.isoText`, the same text
/// without the offset. Rows are put in order in Swift where collations could differ.
struct SystemDatabaseRunSource: RunSource {
    let call: CallContext
    let name = "database"
    let place = "the system database"
    let notes: [String] = []

    private static let summaryColumns = """
        id, sandbox_code, job_file, job_type, execution_type, status, username, node_id, submit_time, start_time, \
        stop_time, duration_ms, error_component_id, error_message
        """

    func newestRunId() throws -> Int64? {
        try query("SELECT MAX(id) AS newest FROM run_record").rows.first?.int("newest")
    }

    func count(_ filter: RunFilter) throws -> Int64 {
        try query("SELECT COUNT(*) AS matching FROM run_record WHERE \(conditions(filter))").rows.first?.int("matching") ?? 0
    }

    func list(_ filter: RunFilter, offset: Int, limit: Int) throws -> [RunSummary] {
        let sql = """
            SELECT \(Self.summaryColumns) FROM run_record WHERE \(conditions(filter))
            ORDER BY submit_time DESC, id DESC LIMIT \(max(0, limit)) OFFSET \(max(0, offset))
            """
        return try query(sql, maxRows: max(1, limit)).rows.map(summary)
    }

    func record(_ runId: Int64, childLimit: Int) throws -> RunRecord? {
        let sql = """
            SELECT id, parent_id, root_id, node_id, sandbox_code, job_file, job_type, execution_type, status, username,
                   submit_time, start_time, stop_time, duration_ms, error_component_id, error_component_type, error_message,
                   exception, log_file
            FROM run_record WHERE id = \(runId)
            """
        guard let row = try query(sql).rows.first else { return nil }
        let hasError = ["error_component_id", "error_component_type", "error_message", "exception"].contains { row.string($0) != nil }
        var record = RunRecord(
            runId: runId, parentRunId: row.int("parent_id") ?? runId, rootRunId: row.int("root_id") ?? runId,
            sandbox: row.string("sandbox_code") ?? "", jobFile: row.string("job_file") ?? "", jobType: row.string("job_type") ?? "",
            executionType: row.string("execution_type") ?? "", status: row.string("status") ?? "", user: row.string("username") ?? "",
            node: row.string("node_id") ?? "", submitTime: row.string("submit_time") ?? "", startTime: row.string("start_time"),
            stopTime: row.string("stop_time"), durationMs: row.int("duration_ms"),
            error: hasError ? RunRecord.RunError(componentId: row.string("error_component_id"), componentType: row.string("error_component_type"),
                                                 message: row.string("error_message"), exception: row.string("exception")) : nil,
            logFile: row.string("log_file"))
        record.parameters = try query("SELECT kind, name, value FROM run_record_param WHERE run_id = \(runId)", maxRows: 10_000).rows
            .map { RunRecord.Parameter(kind: $0.string("kind") ?? "", name: $0.string("name") ?? "", value: $0.string("value")) }
            .sorted { $0.kind != $1.kind ? $0.kind.utf8.lexicographicallyPrecedes($1.kind.utf8) : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let children = try query("""
            SELECT \(Self.summaryColumns) FROM run_record WHERE parent_id = \(runId) AND id <> \(runId)
            ORDER BY id LIMIT \(childLimit + 1)
            """, maxRows: childLimit + 1).rows.map(summary)
        record.children = Array(children.prefix(childLimit))
        record.childrenTruncated = children.count > childLimit
        return record
    }

    func tracking(_ runId: Int64) throws -> RunTracking? {
        guard let run = try query("SELECT status, duration_ms FROM run_record WHERE id = \(runId)").rows.first else { return nil }
        let ports = try query("""
            SELECT node_id, port_type, port_index, total_records, total_bytes, record_peak, byte_peak
            FROM tracking_port WHERE run_id = \(runId)
            """, maxRows: 10_000).rows
        var portsByNode: [String: [RunTracking.Port]] = [:]
        for row in ports {
            portsByNode[row.string("node_id") ?? "", default: []].append(RunTracking.Port(
                type: row.string("port_type") ?? "", index: row.int("port_index") ?? 0, records: row.int("total_records") ?? 0,
                bytes: row.int("total_bytes") ?? 0, recordsPerSecPeak: row.int("record_peak"), bytesPerSecPeak: row.int("byte_peak")))
        }
        let nodes = try query("""
            SELECT phase_num, node_id, node_name, node_type, status, cpu_time_ms, peak_cpu, alloc_bytes
            FROM tracking_node WHERE run_id = \(runId)
            """, maxRows: 10_000).rows
        var nodesByPhase: [Int64: [RunTracking.Node]] = [:]
        for row in nodes {
            let id = row.string("node_id") ?? ""
            // Inputs before outputs, each by index, as the engine prints them.
            let ports = (portsByNode[id] ?? []).sorted { ($0.type == "Input" ? 0 : 1, $0.index) < ($1.type == "Input" ? 0 : 1, $1.index) }
            nodesByPhase[row.int("phase_num") ?? 0, default: []].append(RunTracking.Node(
                id: id, name: row.string("node_name") ?? "", type: row.string("node_type") ?? "", status: row.string("status") ?? "",
                cpuTimeMs: row.int("cpu_time_ms") ?? 0, peakCpu: row.double("peak_cpu"), allocBytes: row.int("alloc_bytes"), ports: ports))
        }
        let phases = try query("""
            SELECT phase_num, status, exec_time_ms, memory_bytes FROM tracking_phase WHERE run_id = \(runId) ORDER BY phase_num
            """, maxRows: 10_000).rows.map { row in
            let number = row.int("phase_num") ?? 0
            return RunTracking.Phase(phase: number, status: row.string("status") ?? "", executionTimeMs: row.int("exec_time_ms") ?? 0,
                                     memoryBytes: row.int("memory_bytes"),
                                     nodes: (nodesByPhase[number] ?? []).sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) })
        }
        return RunTracking(runId: runId, status: run.string("status") ?? "", executionTimeMs: run.int("duration_ms"), phases: phases)
    }

    func jobStatistics(_ filter: RunFilter) throws -> [JobExecutionStats] {
        let final = RunStatusNames.final.map(SQLText.literal).joined(separator: ", ")
        let failed = RunStatusNames.failed.map(SQLText.literal).joined(separator: ", ")
        // Nearest-rank percentile p of n values is the ceil(p·n)-th, in integers (n·p% + 99) / 100:
        // the same in SQLite and PostgreSQL, without engine-specific percentile functions.
        let sql = """
            WITH windowed AS (
                SELECT sandbox_code, job_file, status, duration_ms FROM run_record WHERE \(conditions(filter))
            ), ranked AS (
                SELECT sandbox_code, job_file, duration_ms,
                       ROW_NUMBER() OVER (PARTITION BY sandbox_code, job_file ORDER BY duration_ms) AS rank_in_job,
                       COUNT(*) OVER (PARTITION BY sandbox_code, job_file) AS finished_in_job
                FROM windowed WHERE duration_ms IS NOT NULL AND status IN (\(final))
            ), percentiles AS (
                SELECT sandbox_code, job_file,
                       MAX(CASE WHEN rank_in_job = (finished_in_job * 50 + 99) / 100 THEN duration_ms END) AS p50_ms,
                       MAX(CASE WHEN rank_in_job = (finished_in_job * 95 + 99) / 100 THEN duration_ms END) AS p95_ms,
                       MAX(duration_ms) AS max_ms
                FROM ranked GROUP BY sandbox_code, job_file
            ), counts AS (
                SELECT sandbox_code, job_file, COUNT(*) AS runs,
                       SUM(CASE WHEN status IN (\(final)) THEN 1 ELSE 0 END) AS finished,
                       SUM(CASE WHEN status IN (\(failed)) THEN 1 ELSE 0 END) AS failures
                FROM windowed GROUP BY sandbox_code, job_file
            )
            SELECT c.sandbox_code, c.job_file, c.runs, c.finished, c.failures, p.p50_ms, p.p95_ms, p.max_ms
            FROM counts c LEFT JOIN percentiles p ON p.sandbox_code = c.sandbox_code AND p.job_file = c.job_file
            """
        return try query(sql, maxRows: 10_000).rows.map { row in
            JobExecutionStats(sandbox: row.string("sandbox_code") ?? "", jobFile: row.string("job_file") ?? "", runs: row.int("runs") ?? 0,
                              finished: row.int("finished") ?? 0, failures: row.int("failures") ?? 0,
                              p50Ms: row.int("p50_ms"), p95Ms: row.int("p95_ms"), maxMs: row.int("max_ms"))
        }
    }

    func recentRuns(limit: Int) throws -> [(runId: Int64, status: String)] {
        try query("SELECT id, status FROM run_record ORDER BY id DESC LIMIT \(max(1, limit))", maxRows: max(1, limit)).rows
            .compactMap { row in row.int("id").map { ($0, row.string("status") ?? "") } }
    }

    func sandboxCodes() throws -> [String] {
        try query("SELECT code FROM sandbox", maxRows: 10_000).rows.compactMap { $0.string("code") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The WHERE conditions of `filter`, joined by AND.
    private func conditions(_ filter: RunFilter) -> String {
        var parts = ["1 = 1"]
        if let sandbox = filter.sandbox { parts.append("sandbox_code = \(SQLText.literal(sandbox))") }
        if let jobFile = filter.jobFile {
            // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            parts.append(filter.jobFileExact ? "job_file = \(SQLText.literal(jobFile))"
                                             : "LOWER(job_file) LIKE \(SQLText.likeLiteral(jobFile.lowercased(), contains: true))")
        }
        if !filter.statuses.isEmpty { parts.append("status IN (\(filter.statuses.map(SQLText.literal).joined(separator: ", ")))") }
        // "…020+01:00" sorts after its own prefix "…020", so `>=` keeps a run submitted exactly at
        // `from`, and `< to + 1 ms` keeps one submitted at `to`.
        if let from = filter.window.from { parts.append("submit_time >= \(SQLText.literal(from.isoText))") }
        if let to = filter.window.to { parts.append("submit_time < \(SQLText.literal(to.adding(seconds: 0.001).isoText))") }
        if let newest = filter.newestRunId { parts.append("id <= \(newest)") }
        return parts.joined(separator: " AND ")
    }

    private func summary(_ row: SQLRow) -> RunSummary {
        RunSummary(
            runId: row.int("id") ?? 0, sandbox: row.string("sandbox_code") ?? "", jobFile: row.string("job_file") ?? "",
            jobType: row.string("job_type") ?? "", executionType: row.string("execution_type") ?? "", status: row.string("status") ?? "",
            user: row.string("username") ?? "", node: row.string("node_id") ?? "", submitTime: row.string("submit_time") ?? "",
            startTime: row.string("start_time"), stopTime: row.string("stop_time"), durationMs: row.int("duration_ms"),
            errorComponent: row.string("error_component_id"), errorMessage: row.string("error_message").map(RunText.shortMessage))
    }

    private func query(_ sql: String, maxRows: Int = 1) throws -> SQLRows {
        let rows = try SQLRows.query(sql, maxRows: maxRows, call: call)
        guard !rows.truncated || rows.truncationReason == "rowLimit" else {
            throw ToolError.failed("the system database returned only part of the answer (\(rows.truncationReason ?? "cut short")); narrow the query (a shorter time window, one sandbox)")
        }
        return rows
    }
}
