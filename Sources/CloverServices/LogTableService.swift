import enum CloverServiceContract.HostServices
import LogCatalogue
import LogTables
import MCPProtocol
import PluginHost
import SystemDatabase

/// "logs.table": SQL over a structured log. The host loads the window of one log (performance,
/// job-queue, access, user-action) into an in-memory SQLite table and runs the plugin's one SELECT on
/// it through the system database's read-only guard; plugins never open a database themselves.
struct LogTableService: HostService {
    let name = HostServices.LogsTable.name
    let grant = HostServices.LogsTable.grant
    let isHeavy = true
    let tables: LogTables

    /// Rows returned unless the request says otherwise.
    static let defaultMaxRows = 1_000

    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        let logID = try LogServices.requiredString(request, "log")
        guard let kind = LogTableKind(logID: logID) else {
            throw ServiceError(.invalidArguments, "\"log\" \"\(logID.prefix(100))\" has no table; use one of "
                + LogTableKind.allCases.map(\.logID).joined(separator: ", "))
        }
        guard let sql = request["sql"]?.stringValue else {
            throw ServiceError(.invalidArguments, "\"sql\" is required: one SELECT over table \(kind.tableName)")
        }
        let defaults = QueryLimits()
        let limits = QueryLimits(maxRows: Int(request["maxRows"]?.intValue ?? Int64(Self.defaultMaxRows)),
                                 maxBytes: Int(request["maxBytes"]?.intValue ?? Int64(defaults.maxBytes)),
                                 timeout: request["timeoutMs"]?.intValue.map { .milliseconds($0) } ?? defaults.timeout)
        let query = LogTableRequest(log: kind, from: try LogServices.timestamp(request, "from"), to: try LogServices.timestamp(request, "to"),
                                    sql: sql, limits: limits)
        let answer = try await serviceErrors(name) {
            try await tables.query(query, progress: { progress in
                context.request?.reportProgress(Double(progress.processedBytes), total: Double(progress.totalBytes))
            }, isCancelled: { context.isCancelled })
        }
        return json(answer)
    }

    private func json(_ answer: LogTableAnswer) -> JSONValue {
        let result = answer.result
        let (seconds, attoseconds) = answer.elapsed.components
        var json: JSONValue = [
            "table": .string(answer.table),
            "columns": .array(result.columns.map { ["name": .string($0.name), "type": .string($0.type)] }),
            "rows": .array(result.rows.map(JSONValue.array)),
            "truncated": .bool(result.truncated),
            "loadedRows": .int(Int64(answer.loadedRows)),
            "loadTruncated": .bool(answer.loadTruncated),
            "firstTime": answer.firstTime.map { .string($0.description) } ?? .null,
            "lastTime": answer.lastTime.map { .string($0.description) } ?? .null,
            "elapsedMs": .int(seconds * 1_000 + attoseconds / 1_000_000_000_000_000),
            "warnings": .array(answer.warnings.map(JSONValue.string)),
        ]
        if let reason = result.truncationReason { json["truncationReason"] = .string(reason.rawValue) }
        return json
    }
}
