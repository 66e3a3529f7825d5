import CloverPluginSupport
import PluginKit

/// What the system database knows about runs, where the run log alone cannot tell: why a run has no
/// log, and which run IDs exist for completion. Optional: without the `sql.read` grant or a database
/// these answer nil / nothing and the tools fall back to the host's own messages.
enum RunLookup {
    /// The log ID the host's catalogue gives run `runId`'s log.
    static func logID(_ runId: Int64) -> String { "job/\(runId)" }

    /// The sentence that explains a missing run log, or nil when the database cannot be asked.
    static func missingLogExplanation(runId: Int64, hostMessage: String, call: CallContext) -> String? {
        let sql = "SELECT id, status, sandbox_code, job_file, stop_time, log_file FROM run_record WHERE id = \(runId)"
        guard let rows = try? SQLRows.query(sql, maxRows: 1, call: call) else { return nil }
        guard let run = rows.rows.first else {
            return "job_get_log: there is no run \(runId): the system database has no such run ID. job_list shows recent runs and their IDs"
        }
        let job = [run.string("sandbox_code"), run.string("job_file")].compactMap { $0 }.joined(separator: "/")
        let finished = run.string("stop_time").map { ", finished \($0)" } ?? ""
        let recorded = run.string("log_file").map { " (run_record.log_file: \($0))" } ?? ""
        return "job_get_log: run \(runId) exists (\(job), status \(run.string("status") ?? "?")\(finished)) but has no log file\(recorded): "
            + "\(hostMessage). job_get_status and job_get_tracking still describe the run"
    }

    /// The newest run IDs that start with `prefix` (digits only), newest first.
    static func recentRunIDs(prefix: String, call: CallContext) -> [String] {
        guard prefix.allSatisfy(\.isASCIIDigitCharacter) else { return [] }
        let filter = prefix.isEmpty ? "" : " WHERE CAST(id AS TEXT) LIKE \(SQLText.literal(prefix + "%"))"
        let sql = "SELECT id FROM run_record\(filter) ORDER BY id DESC LIMIT 20"
        guard let rows = try? SQLRows.query(sql, maxRows: 20, call: call) else { return [] }
        return rows.rows.compactMap { $0.int("id").map(String.init) }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
