import CloverPluginSupport
import PluginKit

/// `job_get_status`: one run's record, parameters and child runs.
enum JobStatusTool {
    struct Arguments: Decodable, Sendable {
        let runId: PluginJSON?
    }

    /// Child runs listed at most; a jobflow that starts more says so.
    static let childLimit = 200
    /// Longer stack traces are cut: their first lines and the "Caused by" chain matter most.
    static let exceptionLimit = 12_000
    /// Child runs shown in the text; all listed ones are in structuredContent.
    static let textChildren = 20

    static func definition(source: @escaping @Sendable (CallContext) throws -> any RunSource) -> ToolDefinition {
        ToolDefinition(
            name: "job_get_status", title: "Get one run's status",
            description: """
                The record of one job run by its run ID: status, sandbox and job file, parent and root run (a child of a jobflow \
                points at it), node, user, submit/start/stop time, duration, the error (component ID and type, message, Java \
                exception with stack trace), input parameters (not when runs come from the REST API: see `source`), and the child \
                runs a jobflow started with their statuses. Use it \
                after job_list to see why a run failed; then job_get_tracking for record counts and job_get_log for the run log.
                """,
            inputSchema: JobSchemas.runIdInput,
            outputSchema: outputSchema,
            arguments: Arguments.self
        ) { arguments, call in
            let runId = try RunIdentifier.parse(arguments.runId)
            let record = try load(runId, source: source(call))
            return try .structured(record, text: text(record))
        }
    }

    /// The record of `runId`, its exception cut to `exceptionLimit` characters.
    /// - Throws: `ToolError.invalidArguments` when there is no such run.
    static func load(_ runId: Int64, source: any RunSource) throws -> RunRecord {
        guard var record = try source.record(runId, childLimit: childLimit) else { throw unknownRun(runId, source: source) }
        if let error = record.error, let exception = error.exception, exception.count > exceptionLimit {
            record.error = RunRecord.RunError(
                componentId: error.componentId, componentType: error.componentType, message: error.message,
                exception: String(exception.prefix(exceptionLimit)) + "\n… (\(exception.count - exceptionLimit) more characters; job_get_log has the full trace)")
        }
        record.source = source.name
        record.notes = source.notes
        return record
    }

    static func unknownRun(_ runId: Int64, source: any RunSource) -> ToolError {
        let newest = (try? source.newestRunId()).flatMap { $0 }.map { " (run IDs go up to \($0))" } ?? ""
        return ToolError.invalidArguments("no run \(runId) in \(source.place)\(newest); use job_list to find run IDs")
    }

    private static let outputSchema = """
        {"type":"object","properties":{"runId":{"type":"integer"},"parentRunId":{"type":"integer"},"rootRunId":{"type":"integer"},
        "sandbox":{"type":"string"},"jobFile":{"type":"string"},"jobType":{"type":"string"},"executionType":{"type":"string"},
        "status":{"type":"string"},"user":{"type":"string"},"node":{"type":"string"},"submitTime":{"type":"string"},
        "startTime":{"type":"string"},"stopTime":{"type":"string"},"durationMs":{"type":"integer"},"logFile":{"type":"string"},
        "error":{"type":"object","properties":{"componentId":{"type":"string"},"componentType":{"type":"string"},
        "message":{"type":"string"},"exception":{"type":"string"}}},
        "parameters":{"type":"array","items":{"type":"object","properties":{"kind":{"type":"string"},"name":{"type":"string"},
        "value":{"type":"string"}},"required":["kind","name"]}},
        "children":{"type":"array","items":\(JobSchemas.runSummary)},"childrenTruncated":{"type":"boolean"},
        "source":\(JobSchemas.source),"notes":{"type":"array","items":{"type":"string"}}},
        "required":["runId","parentRunId","rootRunId","sandbox","jobFile","status","submitTime","parameters","children","childrenTruncated",
        "source","notes"]}
        """

    static func text(_ record: RunRecord) -> String {
        var lines = ["Run \(record.runId): \(record.status) — \(record.sandbox)/\(record.jobFile) (\(record.jobType), \(record.executionType))"]
        if record.parentRunId != record.runId || record.rootRunId != record.runId {
            lines.append("Started by run \(record.parentRunId) (root run \(record.rootRunId))")
        }
        lines.append("User \(record.user) on \(record.node); submitted \(RunText.time(record.submitTime)), started \(RunText.time(record.startTime)), "
                     + "stopped \(RunText.time(record.stopTime)); duration \(RunText.duration(record.durationMs))")
        if let error = record.error {
            let component = [error.componentId, error.componentType.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            lines.append("Error\(component.isEmpty ? "" : " in " + component): \(error.message ?? "")")
            if let exception = error.exception {
                let causes = exception.split(separator: "\n").filter { $0.hasPrefix("Caused by:") }.map(String.init)
                lines.append("Exception: " + RunText.shortMessage(exception))
                lines += causes.map { "  " + RunText.shortMessage($0) }
            }
        }
        if !record.parameters.isEmpty {
            lines.append("Parameters: " + record.parameters.map { "\($0.name)=\($0.value ?? "")" }.joined(separator: ", "))
        }
        if !record.children.isEmpty {
            lines.append("Child runs (\(record.children.count)\(record.childrenTruncated ? "+, more not shown" : "")):")
            let rows = record.children.prefix(textChildren).map {
                [String($0.runId), $0.status, "\($0.sandbox)/\($0.jobFile)", RunText.duration($0.durationMs),
                 [$0.errorComponent, $0.errorMessage].compactMap { $0 }.joined(separator: ": ")]
            }
            lines.append(TextTable.render(header: ["runId", "status", "job", "duration", "error"], rows: rows))
            if record.children.count > textChildren {
                lines.append("… \(record.children.count - textChildren) more child run(s) in structuredContent.")
            }
        }
        lines += record.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}
