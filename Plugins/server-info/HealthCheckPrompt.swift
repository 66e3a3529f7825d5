import CloverPluginSupport
import PluginKit

/// The `server_health_check` prompt: asks the model to look at a time window with the diagnostic
/// tools of every group and sum up the server's health.
enum HealthCheckPrompt {
    static let definition = PromptDefinition(
        name: "server_health_check", title: "CloverDX Server health check",
        description: "Checks the CloverDX Server's health over a time window: deployment, performance, errors, jobs and HTTP traffic.",
        arguments: [
            .init(name: "from", description: "Start of the window: \(ServerTime.acceptedFormats)"),
            .init(name: "to", description: "End of the window (now when left out), same formats as from"),
            .init(name: "hours", description: "Instead of from/to: the last this many hours (24 by default)"),
        ])

    static func render(_ arguments: [String: String], call: CallContext) throws -> PromptResult {
        let from = arguments["from"].flatMap { $0.isEmpty ? nil : $0 }
        let to = arguments["to"].flatMap { $0.isEmpty ? nil : $0 }
        let window: String
        let range: String
        if from != nil || to != nil {
            // Checked now, so a typo is reported here rather than by five tools later.
            _ = try TimeWindow.parse(from: from, to: to, clock: ServerTime.of(call))
            window = "from \(from ?? "the start of the logs") to \(to ?? "now")"
            range = [from.map { "from=\"\($0)\"" }, to.map { "to=\"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
        } else {
            let text = arguments["hours"].flatMap { $0.isEmpty ? nil : $0 } ?? "24"
            guard let hours = Double(text), hours > 0, hours <= 24 * 90 else {
                throw ToolError.invalidArguments("server_health_check: \"hours\" must be a number of hours above 0 and at most 2160 (got \"\(text)\")")
            }
            let whole = DeploymentText.number(hours)
            window = "the last \(whole) hours"
            range = "from=\"-\(whole)h\""
        }
        let text = """
            Check the health of the CloverDX Server for \(window). Use these tools, passing \(range) where they take a time range:
            1. server_deployment (includeConfiguration false): version, cluster nodes and their status, Core and Worker \
            heap, threads and uptime, and anything unavailable.
            2. server_perf_logs_summary: heap, GC, CPU, threads, swap and open files over the window; note peaks, \
            Worker restarts (uptime dropping) and gaps in the samples.
            3. server_logs_search with level ERROR: the errors in the window; group them by kind and count them, \
            and look closer at the most frequent or most recent ones.
            4. job_statistics: runs, failure rates and the slowest or most failing jobs.
            5. access_logs_stats: HTTP status codes, slow requests and failed logins.
            Then write a short report: an overall verdict (healthy, degraded or failing), the findings ordered by severity \
            with their evidence (times, run IDs, counts), likely causes, and what to do next. Say which tools failed or \
            had no data, rather than guessing.
            """
        return PromptResult(description: "Health check of the CloverDX Server for \(window)", messages: [(role: "user", text: text)])
    }
}
