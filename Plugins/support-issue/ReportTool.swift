import CloverPluginSupport
import PluginKit

/// `report_support_issue`: composes a report with the installation's evidence, previews it, and on
/// confirmation hands it to the host's durable outbox for the customer portal.
enum ReportTool {
    /// The report exactly as the portal receives it (the host adds the report id and idempotency key).
    struct SupportReport: Encodable {
        let summary: String
        let description: String
        let severity: String
        let runIds: [Int64]
        let evidence: Evidence
        /// Where the support package is on the sidecar, and what it holds; nil when none was asked for.
        let supportPackage: PluginJSON?
        let reportedBy = "cloverdx-mcp"
    }

    struct Answer: Encodable {
        let mode: String
        let idempotencyKey: String
        let configured: Bool
        let destination: String?
        let rateLimitMs: Int64?
        let report: PluginJSON
        let outbox: PluginJSON?
        let duplicate: Bool?
        let next: String
    }

    static func definition(previews: PreviewCache) -> ToolDefinition {
        ToolDefinition(
            name: "report_support_issue", title: "Report a support issue to CloverDX",
            description: """
                Reports a problem to CloverDX support (the customer portal, or e-mail where the server is set up so), \
                with evidence the tool gathers itself: the server \
                version and node, the records, errors and log errors of the runs in "runIds", ERROR/WARN entries of all.log \
                and a performance summary of the incident window ("from"/"to", else the runs' span ± 5 minutes, else the \
                last hour). It writes to the outside world, so it works in two steps: first call it with dryRun (the \
                default) and show the user the preview of exactly what would be sent; only when the user agrees, call it \
                again with the same arguments and "confirm": true. The report is stored durably and delivered in the \
                background (one portal call per rate-limit interval, retried when the portal is down); the same report \
                confirmed twice is sent once. support_issue_status shows where it is. "attachSupportPackage": true \
                also builds CloverDX's support package (configuration with secrets masked, the newest server and Tomcat \
                logs, at most 50 MB) on the sidecar and references it in the report. "summary" (one line) is required; \
                "description" holds at most 64 KiB; "severity": low, medium (default), high or critical.
                """,
            inputSchema: SupportSchemas.reportInput, outputSchema: SupportSchemas.reportOutput,
            annotations: ToolAnnotations(readOnly: false, destructive: false, idempotent: true, openWorld: true),
            arguments: ReportRequest.Arguments.self
        ) { arguments, call in
            let clock = ServerTime.of(call)
            let request = try ReportRequest(arguments, clock: clock)
            if request.dryRunRefused {
                throw ToolError.invalidArguments("report_support_issue: \"dryRun\": false alone sends nothing. Show the user the preview (call without dryRun), and once they agree call again with the same arguments and \"confirm\": true")
            }
            // A confirmation sends its preview under the preview's key; a new preview is made afresh.
            let previewed = request.wantsToSend ? previews.preview(for: request.asGiven) : nil
            let key = previewed?.key ?? request.idempotencyKey
            let destination = try call.answer(of: "support.status", .object(["limit": .number(1)]))
            let configured = destination["configured"]?.boolValue ?? false
            let report: PluginJSON
            if let previewed {
                report = previewed.report
            } else {
                let evidence = try EvidenceGatherer(call: call, clock: clock).gather(request)
                let package = request.attachSupportPackage
                    ? try call.answer(of: "support.package", .object(["idempotencyKey": .string(key)])) : nil
                report = try PluginJSON(encoding: SupportReport(
                    summary: request.summary, description: request.description, severity: request.severity,
                    runIds: request.runIds, evidence: evidence, supportPackage: package))
            }
            guard request.wantsToSend else {
                previews.remember(report, key: key, arguments: request.asGiven)
                let next = configured
                    ? "Nothing was sent. Show this preview to the user; if they agree, call report_support_issue again with the same arguments and \"confirm\": true."
                    : "Nothing was sent, and nothing can be: no support portal is configured (clover.mcp.customer.portal.api.url). Give the user this report to file by hand."
                let answer = Answer(mode: "preview", idempotencyKey: key, configured: configured, destination: destination["destination"]?.stringValue,
                                    rateLimitMs: destination["rateLimitMs"]?.int64Value, report: report, outbox: nil, duplicate: nil, next: next)
                return try .structured(answer, text: ReportText.preview(answer, request: request))
            }
            let queued = try call.answer(of: "support.report", .object(["report": report, "idempotencyKey": .string(key)]))
            let outbox = queued["report"] ?? .object([:])
            let duplicate = queued["duplicate"]?.boolValue ?? false
            let id = outbox["id"]?.stringValue ?? "?"
            let answer = Answer(mode: "submitted", idempotencyKey: key, configured: true, destination: queued["destination"]?.stringValue,
                                rateLimitMs: queued["rateLimitMs"]?.int64Value, report: report, outbox: outbox, duplicate: duplicate,
                                next: "Check delivery with support_issue_status {\"id\": \"\(id)\"}.")
            return try .structured(answer, text: ReportText.submitted(answer))
        }
    }
}
