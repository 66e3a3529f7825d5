import CloverPluginSupport
import PluginKit

/// `analyze_server_logs`: steers a model through an incident: errors first in a narrow window, then wider.
enum AnalyzeServerLogsPrompt {
    static let defaultMinutes = 15

    static let definition = PromptDefinition(
        name: "analyze_server_logs", title: "Analyze server logs around a time",
        description: "Investigate what the CloverDX Server logged around a moment: errors and warnings first, then the wider context.",
        arguments: [
            .init(name: "around", description: "The moment of interest: \(ServerTime.acceptedFormats)", required: true),
            .init(name: "minutes", description: "Minutes before and after it to look at (default \(defaultMinutes))"),
            .init(name: "appender", description: "Which log (default all): main, worker, cluster, user_actions, audit, … or a log ID"),
        ])

    static func render(arguments: [String: String], call: CallContext) throws -> PromptResult {
        guard let aroundText = arguments["around"], !aroundText.isEmpty else {
            throw ToolError.invalidArguments("analyze_server_logs needs \"around\": \(ServerTime.acceptedFormats)")
        }
        let clock = ServerTime.of(call)
        let around = try clock.parse(aroundText, argument: "around")
        let minutesText = arguments["minutes"] ?? ""
        guard let minutes = minutesText.isEmpty ? defaultMinutes : Int(minutesText), minutes > 0, minutes <= 24 * 60 else {
            throw ToolError.invalidArguments("\"minutes\" must be a whole number of minutes from 1 to 1440 (got \"\(minutesText)\")")
        }
        let appender = arguments["appender"].flatMap { $0.isEmpty ? nil : $0 } ?? "all"
        let from = around.adding(seconds: Double(-minutes * 60)).text
        let to = around.adding(seconds: Double(minutes * 60)).text
        let wideFrom = around.adding(seconds: Double(-minutes * 240)).text
        let wideTo = around.adding(seconds: Double(minutes * 240)).text
        let text = """
            Find out what happened on the CloverDX Server around \(around.text) (server local time, UTC\(clock.offsetText(at: around))).

            1. Call server_logs_search with appender "\(appender)", from "\(from)", to "\(to)", levels ["ERROR","WARN"]. \
            Read the stack traces: the last "Caused by:" line usually names the root cause.
            2. If a run ID (runId=…) appears, search for it with pattern "runId=<id>" and no levels to see the run's whole story; \
            job_get_log with mode "errors" shows that run's own log, if the job-logs tools are available.
            3. Then widen: the same window without levels, then from "\(wideFrom)" to "\(wideTo)" with levels ERROR and WARN, \
            and other appenders (worker for the Worker JVM, cluster for node messages, user_actions for logins). \
            server_logs_list shows which logs exist and the time each covers. Page with nextCursor when hasMore is true.
            4. Report: the first error in time, its cause, what it affected (runs, users, components), and whether it repeats.
            """
        return PromptResult(description: "Analyze the \(appender) log around \(around.text)", messages: [(role: "user", text: text)])
    }
}
