import CloverPluginSupport
import Foundation
import PluginKit

/// The prompts of job-tracking: troubleshoot one failed run, write an execution report.
enum JobPrompts {
    static let definitions = [
        PromptDefinition(
            name: "troubleshoot_failed_job", title: "Troubleshoot a failed job run",
            description: "Walks through one failed run (the latest failure when no runId is given) with job_get_status, job_get_log, "
                + "server_logs_search and job_get_tracking, and asks for the failing component, the cause and a fix.",
            arguments: [.init(name: "runId", description: "The failed run's ID; empty for the most recent failure")]),
        PromptDefinition(
            name: "job_execution_report", title: "Job execution report",
            description: "Asks for a report on job executions over a time window from job_statistics and job_list: volumes, "
                + "failure rates, slowest jobs, failures grouped by cause, recommendations.",
            arguments: [.init(name: "from", description: "Start of the window (server time or -7d); default 7 days ago"),
                        .init(name: "to", description: "End of the window; default now"),
                        .init(name: "sandbox", description: "Only this sandbox (code); empty for all")]),
    ]

    static func troubleshoot(_ arguments: [String: String], source: any RunSource, clock: ServerTime) throws -> PromptResult {
        let requested = arguments["runId"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let runId: Int64
        if let requested {
            runId = try RunIdentifier.parse(text: requested)
        } else if let latest = try source.list(RunFilter(statuses: RunStatusNames.failed), offset: 0, limit: 1).first {
            runId = latest.runId
        } else {
            return PromptResult(description: "No failed runs to troubleshoot", messages: [(role: "user", text: """
                The CloverDX system database records no failed job runs. Call job_list (status ["ERROR","ABORTED","TIMEOUT","UNKNOWN"]) \
                to confirm, then job_list without filters to show the most recent runs and their statuses.
                """)])
        }
        guard let record = try source.record(runId, childLimit: JobStatusTool.childLimit) else {
            throw JobStatusTool.unknownRun(runId, source: source)
        }
        let job = "\(record.sandbox)/\(record.jobFile)"
        var facts = ["Run \(runId) of \(job) (\(record.jobType)) has status \(record.status); submitted \(record.submitTime)"
                     + (record.stopTime.map { ", stopped \($0)" } ?? "") + (record.durationMs.map { " after \(RunText.duration($0))" } ?? "") + "."]
        if record.parentRunId != runId {
            facts.append("It was started by run \(record.parentRunId) (root run \(record.rootRunId)); look at that run too.")
        }
        if let error = record.error {
            let component = [error.componentId, error.componentType.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            if !component.isEmpty { facts.append("Failing component: \(component).") }
            if let message = error.message { facts.append("Error message: \(RunText.shortMessage(message))") }
            if let cause = error.exception?.split(separator: "\n").last(where: { $0.hasPrefix("Caused by:") }) {
                facts.append("Deepest cause in the stack trace: \(RunText.shortMessage(String(cause)))")
            }
        }
        let failedChildren = record.children.filter { RunStatusNames.failed.contains($0.status) }
        if !failedChildren.isEmpty {
            facts.append("Failed child runs: " + failedChildren.map { "\($0.runId) \($0.jobFile) \($0.status)" }.joined(separator: ", ") + ".")
        }
        let around = try clock.parse(record.stopTime ?? record.startTime ?? record.submitTime, argument: "stopTime")
        let logWindow = "{\"from\": \"\(around.adding(seconds: -300).text)\", \"to\": \"\(around.adding(seconds: 60).text)\"}"
        let text = """
            Troubleshoot CloverDX job run \(runId) (\(job)).

            What the system database says now:
            \(facts.map { "- " + $0 }.joined(separator: "\n"))

            Use these tools, in this order:
            1. job_get_status {"runId": \(runId)}: the full record, the Java exception with its stack trace, the input parameters \
            and, for a jobflow, the child runs. If a child run failed, look at that child the same way: its error is usually the cause.
            2. job_get_log {"runId": \(runId), "mode": "errors"}: the ERROR/FATAL lines of the run log with their context.
            3. server_logs_search with the window around the failure \(logWindow): what the server logged meanwhile \
            (connection failures, OutOfMemoryError, Worker restarts, "Too many open files").
            4. job_get_tracking {"runId": \(runId)}: which phase and component stopped, and how many records reached it.

            Then report: the failing component (ID, name, type), the error message, the root cause from the stack trace \
            ("Caused by" lines) and the server logs, and a concrete fix (configuration, data, connection or job change), \
            and whether re-running the job is safe.
            """
        return PromptResult(description: "Troubleshoot run \(runId) (\(record.status))", messages: [(role: "user", text: text)])
    }

    static func report(_ arguments: [String: String], source: any RunSource, clock: ServerTime) throws -> PromptResult {
        func value(_ name: String) -> String? {
            arguments[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let window = try TimeWindow.parse(from: value("from") ?? "-7d", to: value("to") ?? "now", clock: clock)
        let sandbox = value("sandbox")
        if let sandbox, let known = try? source.sandboxCodes(), !known.isEmpty, !known.contains(sandbox) {
            throw ToolError.invalidArguments("no sandbox \"\(sandbox)\"; sandboxes: \(known.joined(separator: ", "))")
        }
        let from = window.from?.text ?? "", to = window.to?.text ?? ""
        let scope = sandbox.map { ", \"sandbox\": \"\($0)\"" } ?? ""
        let text = """
            Write a job execution report for the CloverDX Server\(sandbox.map { ", sandbox \($0)" } ?? ""), for runs submitted \
            from \(from) to \(to) (server time).

            Use these tools:
            1. job_statistics {"from": "\(from)", "to": "\(to)"\(scope)}: runs, failures, failure rate and duration p50/p95 \
            per job, the slowest jobs and the most recent failures.
            2. job_list {"status": "ERROR", "from": "\(from)", "to": "\(to)"\(scope), "limit": 100}: every run that ended \
            with an error, with its failing component and message (page on with the cursor if truncated).
            3. job_list {"status": ["ABORTED", "TIMEOUT", "UNKNOWN"], "from": "\(from)", "to": "\(to)"\(scope), "limit": 100}: \
            runs that were aborted, timed out or interrupted.
            4. Optionally job_get_status for a failure whose message does not explain itself.

            The report: a summary (runs, failure rate, anything unusual); the jobs with the most failures and their failure \
            rates; the slowest jobs (p95) and any job whose maximum is far above its p95; the failures grouped by cause \
            (component and message), with run IDs; and recommendations, most important first. Use tables where they help.
            """
        return PromptResult(description: "Job execution report \(from) – \(to)", messages: [(role: "user", text: text)])
    }
}
