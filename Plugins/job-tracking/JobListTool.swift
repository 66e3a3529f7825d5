import CloverPluginSupport
import Foundation
import PluginKit

/// `job_list`: the run history, filtered and paged.
enum JobListTool {
    struct Arguments: Decodable, Sendable {
        let sandbox: String?
        let jobFile: String?
        let jobFileMatch: String?
        let status: StatusArgument?
        let from: String?
        let to: String?
        let limit: Int?
        let cursor: String?
    }

    struct Page: Encodable {
        let runs: [RunSummary]
        let returned: Int
        /// Runs matching the filters (in the listing's snapshot).
        let total: Int64
        let truncated: Bool
        let nextCursor: String?
        let notes: [String]
        /// `database` or `rest`: where the runs came from.
        let source: String
    }

    static func definition(source: @escaping @Sendable (CallContext) throws -> any RunSource) -> ToolDefinition {
        ToolDefinition(
            name: "job_list", title: "List job runs",
            description: """
                The history of job runs (graphs, jobflows, …) on the CloverDX Server, newest submitted first: run ID, sandbox, job file, \
                status, user, times, duration and the error of failed runs. Use it to find runs (e.g. recent failures with \
                status=ERROR) before looking at one with job_get_status, job_get_tracking or job_get_log. Filters combine with AND: \
                `sandbox` (code, exact), `jobFile` (part of the sandbox-relative path, case-insensitive; jobFileMatch=exact for the \
                whole path), `status` (one or a list of \(JobSchemas.statusList)), `from`/`to` (submit time, both inclusive; \
                \(ServerTime.acceptedFormats)). `limit` defaults to 20 (at most 500); when `truncated`, pass `nextCursor` as `cursor` \
                with the same filters for the next page.
                """,
            inputSchema: """
                {"type":"object","properties":{
                "sandbox":{"type":"string","description":"Sandbox code, e.g. dwh"},
                "jobFile":{"type":"string","description":"Job file, e.g. LoadOrders or graph/LoadOrders.grf"},
                "jobFileMatch":{"type":"string","enum":["contains","exact"],"description":"contains (default): any part of the path, ignoring case; exact: the whole path"},
                "status":{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}],"description":"One status or a list: \(JobSchemas.statusList)"},
                "from":\(JobSchemas.timeArgument("Runs submitted at or after this time")),
                "to":\(JobSchemas.timeArgument("Runs submitted at or before this time")),
                "limit":{"type":"integer","minimum":1,"description":"Runs per page, default 20, at most 500"},
                "cursor":{"type":"string","description":"nextCursor of the previous page of the same query"}},
                "additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{"runs":{"type":"array","items":\(JobSchemas.runSummary)},"returned":{"type":"integer"},
                "total":{"type":"integer"},"truncated":{"type":"boolean"},"nextCursor":{"type":"string"},
                "notes":{"type":"array","items":{"type":"string"}},"source":\(JobSchemas.source)},
                "required":["runs","returned","total","truncated","notes","source"]}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            try run(arguments, source: source(call), call: call)
        }
    }

    static func run(_ arguments: Arguments, source: any RunSource, call: CallContext) throws -> ToolResult {
        let statuses = try RunStatusNames.parse(arguments.status)
        let match = arguments.jobFileMatch ?? "contains"
        guard ["contains", "exact"].contains(match) else {
            throw ToolError.invalidArguments("\"jobFileMatch\" must be \"contains\" or \"exact\", got \"\(match)\"")
        }
        let limit = try ResultLimit(arguments.limit, default: 20, maximum: 500)
        var filter = RunFilter(sandbox: nonEmpty(arguments.sandbox), jobFile: nonEmpty(arguments.jobFile), jobFileExact: match == "exact",
                               statuses: statuses)
        let query = [filter.sandbox ?? "", filter.jobFile ?? "", match, statuses.sorted().joined(separator: ","),
                     arguments.from ?? "", arguments.to ?? ""]
        var offset = 0
        if let token = nonEmpty(arguments.cursor) {
            let cursor = try ListCursor(token: token, query: query)
            offset = cursor.offset
            filter.window = cursor.window
            filter.newestRunId = cursor.newestRunId
        } else {
            if arguments.from != nil || arguments.to != nil {
                filter.window = try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: ServerTime.of(call))
            }
            filter.newestRunId = try source.newestRunId() ?? 0
        }
        let total = try source.count(filter)
        let runs = try source.list(filter, offset: offset, limit: limit.value)
        let more = Int64(offset + runs.count) < total
        let next = more ? ListCursor(offset: offset + runs.count, newestRunId: filter.newestRunId ?? 0, window: filter.window, query: query).token : nil
        var notes = limit.note.map { [$0] } ?? []
        if runs.isEmpty, let sandbox = filter.sandbox, offset == 0, let known = try? source.sandboxCodes(), !known.contains(sandbox) {
            notes.append("there is no sandbox \"\(sandbox)\"; sandboxes: \(known.joined(separator: ", "))")
        }
        notes += source.notes
        let page = Page(runs: runs, returned: runs.count, total: total, truncated: more, nextCursor: next, notes: notes, source: source.name)
        return try .structured(page, text: text(page, offset: offset, filter: filter))
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    private static func text(_ page: Page, offset: Int, filter: RunFilter) -> String {
        var filters: [String] = []
        if let sandbox = filter.sandbox { filters.append("sandbox=\(sandbox)") }
        if let jobFile = filter.jobFile { filters.append("jobFile\(filter.jobFileExact ? "=" : "~")\(jobFile)") }
        if !filter.statuses.isEmpty { filters.append("status=\(filter.statuses.joined(separator: ","))") }
        if let from = filter.window.from { filters.append("from \(from)") }
        if let to = filter.window.to { filters.append("to \(to)") }
        let scope = filters.isEmpty ? "" : "; " + filters.joined(separator: ", ")
        var lines: [String]
        if page.runs.isEmpty {
            lines = ["No runs match (\(page.total) in total\(scope))."]
        } else {
            lines = ["Runs \(offset + 1)–\(offset + page.returned) of \(page.total) (newest first\(scope))."]
            let rows = page.runs.map { run in
                [String(run.runId), run.status, "\(run.sandbox)/\(run.jobFile)", RunText.time(run.submitTime), RunText.duration(run.durationMs),
                 [run.errorComponent, run.errorMessage].compactMap { $0 }.joined(separator: ": ")]
            }
            lines.append(TextTable.render(header: ["runId", "status", "job", "submitted", "duration", "error"], rows: rows))
        }
        lines += page.notes.map { "Note: \($0)." }
        if let next = page.nextCursor {
            lines.append("More runs: call job_list again with the same filters and \"cursor\": \"\(next)\".")
        }
        return lines.joined(separator: "\n")
    }
}
