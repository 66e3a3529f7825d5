import CloverPluginSupport
import PluginKit

/// `job_get_log`: one run's log, a page (up to 1 MiB) at a time, or its errors with the cause first.
enum JobLogTool {
    struct Arguments: Decodable, Sendable {
        /// Kept as JSON so a string or a fraction gets a message about run IDs, not about decoding.
        let runId: PluginJSON?
        let mode: String?
        let cursor: String?
    }

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "job_get_log", title: "Get a job run's log",
            description: """
                Reads the log of one job run (graph or jobflow execution) by its run ID, e.g. from job_list or from \
                "runId=…" in the server log. mode "errors" gives the ERROR and WARN entries with their stack traces, the failure \
                cause first with the lines that led to it, then the "Summary of Phases execution" table that shows which phase \
                failed: start here for a failed run. mode "page" (default) gives the log as written, up to 1 MiB per call; \
                pass nextCursor back as "cursor" for the next part.
                """,
            inputSchema: #"""
                {"type":"object","additionalProperties":false,"required":["runId"],"properties":{
                 "runId":{"type":"integer","minimum":1,"description":"The run ID (a positive whole number), e.g. 18350"},
                 "mode":{"type":"string","enum":["page","errors"],"description":"page (default): the log text in order, 1 MiB per call; errors: errors and warnings, cause first, then the phase summary"},
                 "cursor":{"type":"string","description":"page mode: nextCursor of the previous page of the same run"}}}
                """#,
            outputSchema: outputSchema, arguments: Arguments.self
        ) { arguments, call in
            let runId = try validatedRunId(arguments.runId)
            switch arguments.mode ?? "page" {
            case "page":
                let page = try JobLogPage.read(runId: runId, cursor: arguments.cursor.flatMap { $0.isEmpty ? nil : $0 }, call: call)
                return try .structured(page, text: page.rendered)
            case "errors":
                guard arguments.cursor == nil else {
                    throw ToolError.invalidArguments("job_get_log: \"cursor\" belongs to mode \"page\"; mode \"errors\" answers in one call")
                }
                let report = try JobLogErrors.read(runId: runId, call: call)
                return try .structured(report, text: report.rendered)
            case let other:
                throw ToolError.invalidArguments("job_get_log: \"mode\" is \"\(other)\"; use \"page\" (the log text) or \"errors\" (errors and warnings, cause first)")
            }
        }
    }

    /// - Throws: `ToolError.invalidArguments` for anything but a whole number of 1 or more.
    static func validatedRunId(_ value: PluginJSON?) throws -> Int64 {
        guard let value else { throw ToolError.invalidArguments("job_get_log: missing required argument \"runId\" (a run ID such as 18350)") }
        guard let runId = value.int64Value, runId >= 1 else {
            throw ToolError.invalidArguments("job_get_log: \"runId\" must be a positive whole number such as 18350 (a JSON number, not a string); "
                + "got \(value.text). job_list shows recent run IDs")
        }
        return runId
    }

    /// Reads through the host, turning a missing run log into a sentence that says why.
    static func answer<S: HostServiceContract>(_ service: S.Type, _ request: S.Request, runId: Int64, call: CallContext) throws -> S.Answer {
        do {
            return try call.call(service, request)
        } catch let refused as ServiceRefused {
            if refused.status == cdxmcp_status(CDXMCP_NOT_FOUND) {
                throw ToolError.invalidArguments(RunLookup.missingLogExplanation(runId: runId, hostMessage: refused.message, call: call)
                    ?? "job_get_log: \(refused.message)")
            }
            if refused.status == cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) { throw ToolError.invalidArguments("job_get_log: \(refused.message)") }
            throw ToolError.failed("job_get_log: \(refused.message)")
        }
    }

    static let outputSchema = #"""
        {"type":"object","required":["runId","mode","log"],"properties":{
         "runId":{"type":"integer"},"mode":{"type":"string","enum":["page","errors"]},"log":{"type":"string"},
         "totalBytes":{"type":"integer","description":"size of the run's log files"},
         "text":{"type":"string","description":"page: the log text of this page, as written"},
         "bytes":{"type":"integer"},"entryCount":{"type":"integer"},"entries":{"type":"array","description":"errors: the problems, cause first"},"firstLine":{"type":["integer","null"]},"lastLine":{"type":["integer","null"]},
         "hasMore":{"type":"boolean"},"nextCursor":{"type":["string","null"]},
         "errorCount":{"type":"integer"},"warningCount":{"type":"integer"},"complete":{"type":"boolean"},
         "summary":{"type":["object","null"]},"notes":{"type":"array","items":{"type":"string"}}}}
        """#
}
