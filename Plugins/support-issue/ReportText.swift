import CloverPluginSupport
import PluginKit

/// The text renderings of the support tools: short, with what the user must decide or know.
enum ReportText {
    static func preview(_ answer: ReportTool.Answer, request: ReportRequest) -> String {
        let evidence = answer.report["evidence"]
        var lines = ["PREVIEW: nothing has been sent. This report would go to \(answer.destination ?? "(no portal configured)")."]
        lines.append("Summary: \(request.summary)   Severity: \(request.severity)")
        if !request.description.isEmpty {
            lines.append("Description: " + (request.description.count > 400 ? String(request.description.prefix(400)) + "…" : request.description))
        }
        let server = evidence?["server"]
        lines.append("Server: CloverDX \(server?["cloverdxVersion"]?.stringValue ?? "version unknown"), node \(server?["nodeId"]?.stringValue ?? "?"), "
            + "window \(evidence?["window"]?["from"]?.stringValue ?? "?") to \(evidence?["window"]?["to"]?.stringValue ?? "?")")
        let runs = evidence?["runs"]?.arrayValue ?? []
        if !runs.isEmpty {
            lines.append(TextTable.render(header: ["runId", "status", "job", "error"], rows: runs.map { run in
                [run["runId"]?.cellText ?? "", run["status"]?.stringValue ?? "", run["jobFile"]?.stringValue ?? "", run["errorMessage"]?.stringValue ?? ""]
            }))
        }
        let excerpts = evidence?["serverLogExcerpts"]?.arrayValue ?? []
        lines.append("Server log excerpts: \(excerpts.count) ERROR/WARN entries of all.log; performance: "
            + ((evidence?["performance"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")))
        if let package = answer.report["supportPackage"] {
            lines.append("Support package: \(package["location"]?.stringValue ?? "?") (\(package["bytes"]?.cellText ?? "?") bytes, "
                + "\(package["files"]?.arrayValue?.count ?? 0) files, \(package["omittedFiles"]?.cellText ?? "0") files left out by the size cap)")
        }
        for missing in (evidence?["unavailable"]?.arrayValue ?? []).compactMap(\.stringValue) {
            lines.append("Not included: \(missing)")
        }
        lines.append("The whole report is in structuredContent.report. " + answer.next)
        return lines.joined(separator: "\n")
    }

    static func submitted(_ answer: ReportTool.Answer) -> String {
        let outbox = answer.outbox
        let id = outbox?["id"]?.stringValue ?? "?"
        let state = outbox?["state"]?.stringValue ?? "?"
        var text = answer.duplicate == true
            ? "This report was already accepted as \(id) (state \(state)); it is not sent twice."
            : "Report \(id) accepted into the outbox (state \(state)) for \(answer.destination ?? "the portal")."
        if let issue = outbox?["issueId"]?.stringValue { text += " Portal issue: \(issue)." }
        if state == "queued", let at = outbox?["expectedSendAt"]?.stringValue {
            text += " It goes out at about \(at) (the portal is called at most once per \((answer.rateLimitMs ?? 0) / 1000) s)."
        }
        return text + " " + answer.next
    }

    static func status(_ answer: PluginJSON) -> String {
        let reports = answer["reports"]?.arrayValue ?? []
        guard answer["configured"]?.boolValue == true else {
            return "No support portal is configured on this server (clover.mcp.customer.portal.api.url), so no reports are sent."
        }
        guard !reports.isEmpty else { return "No support reports in the outbox." }
        let rows = reports.map { report -> [String] in
            let when = report["sentAt"]?.stringValue.map { "sent \($0)" } ?? report["expectedSendAt"]?.stringValue.map { "due \($0)" } ?? ""
            return [report["id"]?.stringValue ?? "", report["state"]?.stringValue ?? "", report["summary"]?.stringValue ?? "",
                    report["attempts"]?.cellText ?? "", when, report["issueId"]?.stringValue ?? report["lastError"]?.stringValue ?? ""]
        }
        return "\(reports.count) support report(s) for \(answer["destination"]?.stringValue ?? "the portal"):\n"
            + TextTable.render(header: ["id", "state", "summary", "attempts", "when", "issue / last error"], rows: rows)
    }
}
