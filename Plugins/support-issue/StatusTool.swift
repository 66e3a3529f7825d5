import PluginKit

/// `support_issue_status`: where reported issues stand in the outbox and at the portal.
enum StatusTool {
    struct Arguments: Decodable, Sendable {
        let id: String?
        let limit: Int?
    }

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "support_issue_status", title: "Support issue status",
            description: """
                Shows where support reports made with report_support_issue stand: queued (with when it is expected to go), \
                sending, sent (with the portal's issue id) or failed (the portal refused it; the error says why). "id" is \
                the report id (R-…), the portal's issue id or the idempotency key; without it the most recent reports are \
                listed, newest first ("limit", default 20).
                """,
            inputSchema: SupportSchemas.statusInput, outputSchema: SupportSchemas.statusOutput, arguments: Arguments.self
        ) { arguments, call in
            var request: [String: PluginJSON] = [:]
            if let id = arguments.id { request["id"] = .string(id) }
            if let limit = arguments.limit { request["limit"] = .number(Double(limit)) }
            let answer = try call.answer(of: "support.status", .object(request))
            return ToolResult(content: [.object(["type": .string("text"), "text": .string(ReportText.status(answer))])], structuredContent: answer)
        }
    }
}
