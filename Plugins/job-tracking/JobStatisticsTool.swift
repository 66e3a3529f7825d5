import CloverPluginSupport
import Foundation
import PluginKit

/// `job_statistics`: how jobs ran over a window — volumes, failure rates, durations, recent failures.
enum JobStatisticsTool {
    struct Arguments: Decodable, Sendable {
        let from: String?
        let to: String?
        let sandbox: String?
    }

    struct Report: Encodable {
        struct Totals: Encodable {
            let runs: Int64
            let finished: Int64
            let failures: Int64
            let failureRate: Double?
            let jobs: Int
        }

        let from: String
        let to: String
        let sandbox: String?
        let totals: Totals
        /// Most failures first, then most runs.
        let jobs: [JobExecutionStats]
        let jobsTruncated: Bool
        /// Highest p95 duration first.
        let slowest: [JobExecutionStats]
        let recentFailures: [RunSummary]
        /// `database` or `rest`, and what that source could not cover.
        let source: String
        let notes: [String]
    }

    static let jobLimit = 100
    static let slowestLimit = 5
    static let failureLimit = 10

    static func definition(source: @escaping @Sendable (CallContext) throws -> any RunSource) -> ToolDefinition {
        ToolDefinition(
            name: "job_statistics", title: "Job execution statistics",
            description: """
                Reports on job execution patterns over a time window (runs submitted between `from` and `to`; default the last 7 \
                days) and optionally one sandbox: per job the number of runs, failures (runs that ended ERROR, ABORTED, TIMEOUT or \
                UNKNOWN), failure rate (failures ÷ finished runs), duration p50/p95 (nearest rank) and maximum of finished runs; \
                the slowest jobs by p95; the most recent failures with component and message. Use it for "which jobs fail most", \
                "what got slower", or a daily/weekly execution report; follow up with job_list and job_get_status. Times: \
                \(ServerTime.acceptedFormats).
                """,
            inputSchema: """
                {"type":"object","properties":{
                "from":\(JobSchemas.timeArgument("Start of the window (submit time); default 7 days ago")),
                "to":\(JobSchemas.timeArgument("End of the window (submit time); default now")),
                "sandbox":{"type":"string","description":"Only this sandbox (code, e.g. dwh)"}},"additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"},"sandbox":{"type":"string"},
                "totals":{"type":"object","properties":{"runs":{"type":"integer"},"finished":{"type":"integer"},
                "failures":{"type":"integer"},"failureRate":{"type":"number"},"jobs":{"type":"integer"}},"required":["runs","failures","jobs"]},
                "jobs":{"type":"array","items":\(jobSchema)},"jobsTruncated":{"type":"boolean"},
                "slowest":{"type":"array","items":\(jobSchema)},"recentFailures":{"type":"array","items":\(JobSchemas.runSummary)},
                "source":\(JobSchemas.source),"notes":{"type":"array","items":{"type":"string"}}},
                "required":["from","to","totals","jobs","jobsTruncated","slowest","recentFailures","source","notes"]}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let report = try run(arguments, source: source(call), clock: ServerTime.of(call))
            return try .structured(report, text: text(report))
        }
    }

    private static let jobSchema = """
        {"type":"object","properties":{"sandbox":{"type":"string"},"jobFile":{"type":"string"},"runs":{"type":"integer"},
        "finished":{"type":"integer"},"failures":{"type":"integer"},"failureRate":{"type":"number"},"p50Ms":{"type":"integer"},
        "p95Ms":{"type":"integer"},"maxMs":{"type":"integer"}},"required":["sandbox","jobFile","runs","finished","failures"]}
        """

    static func run(_ arguments: Arguments, source: any RunSource, clock: ServerTime) throws -> Report {
        let window = try TimeWindow.parse(from: arguments.from ?? "-7d", to: arguments.to ?? "now", clock: clock)
        let sandbox = arguments.sandbox.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let filter = RunFilter(sandbox: sandbox, window: window)
        let all = try source.jobStatistics(filter)
        func precedes(_ a: JobExecutionStats, _ b: JobExecutionStats) -> Bool {
            if a.failures != b.failures { return a.failures > b.failures }
            if a.runs != b.runs { return a.runs > b.runs }
            return (a.sandbox + "/" + a.jobFile).utf8.lexicographicallyPrecedes((b.sandbox + "/" + b.jobFile).utf8)
        }
        let jobs = all.sorted(by: precedes)
        let slowest = all.filter { $0.p95Ms != nil }.sorted { a, b in
            a.p95Ms != b.p95Ms ? (a.p95Ms ?? 0) > (b.p95Ms ?? 0) : precedes(a, b)
        }
        var failedFilter = filter
        failedFilter.statuses = RunStatusNames.failed
        let failures = try source.list(failedFilter, offset: 0, limit: failureLimit)
        let runs = all.reduce(0) { $0 + $1.runs }, finished = all.reduce(0) { $0 + $1.finished }, failed = all.reduce(0) { $0 + $1.failures }
        func iso(_ time: WallClock?) -> String { time.map { $0.isoText + clock.offsetText(at: $0) } ?? "" }
        return Report(
            from: iso(window.from), to: iso(window.to), sandbox: sandbox,
            totals: Report.Totals(runs: runs, finished: finished, failures: failed,
                                  failureRate: finished > 0 ? (Double(failed) / Double(finished) * 10_000).rounded() / 10_000 : nil,
                                  jobs: all.count),
            jobs: Array(jobs.prefix(jobLimit)), jobsTruncated: jobs.count > jobLimit,
            slowest: Array(slowest.prefix(slowestLimit)), recentFailures: failures, source: source.name, notes: source.notes)
    }

    static func text(_ report: Report) -> String {
        func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "" }
        let scope = report.sandbox.map { " in sandbox \($0)" } ?? ""
        let t = report.totals
        var lines = ["Job runs submitted \(RunText.time(report.from)) – \(RunText.time(report.to))\(scope): \(t.runs) runs of \(t.jobs) jobs, "
                     + "\(t.failures) failed (\(percent(t.failureRate)) of \(t.finished) finished)."]
        let notes = report.notes.map { "Note: \($0)." }
        guard t.runs > 0 else { return (lines + notes).joined(separator: "\n") }
        lines.append("")
        lines.append("Per job (most failures first\(report.jobsTruncated ? "; first \(jobLimit) of \(t.jobs)" : "")):")
        lines.append(TextTable.render(
            header: ["job", "runs", "failures", "rate", "p50", "p95", "max"],
            rows: report.jobs.map { ["\($0.sandbox)/\($0.jobFile)", String($0.runs), String($0.failures), percent($0.failureRate),
                                     RunText.duration($0.p50Ms), RunText.duration($0.p95Ms), RunText.duration($0.maxMs)] }))
        if !report.slowest.isEmpty {
            lines.append("")
            lines.append("Slowest (p95): " + report.slowest.map { "\($0.sandbox)/\($0.jobFile) \(RunText.duration($0.p95Ms))" }.joined(separator: "; "))
        }
        if !report.recentFailures.isEmpty {
            lines.append("")
            lines.append("Most recent failures:")
            lines.append(TextTable.render(
                header: ["stopped", "runId", "status", "job", "component", "message"],
                rows: report.recentFailures.map { [RunText.time($0.stopTime ?? $0.submitTime), String($0.runId), $0.status, "\($0.sandbox)/\($0.jobFile)",
                                                   $0.errorComponent ?? "", $0.errorMessage ?? ""] }))
        }
        return (lines + notes).joined(separator: "\n")
    }
}
