import MCPProtocol

/// `echo_arguments` compiled into the host: the C example plugin's tool (Plugins/examples/echo-c)
/// with the same name, schema and answer, but no dlopen, no C ABI and no call-pool thread. It is
/// the reference for measuring what the plugin boundary costs (`serve --builtin-echo`, bench/), not
/// a tool anyone needs.
///
/// It goes through the same governance, argument check and audit line as a plugin's tool, so a
/// comparison with the C plugin differs only in the plugin call. Everything else, and every other
/// tool, is served by `next`; a plugin's `echo_arguments` is hidden behind this one.
public struct BuiltinEchoCatalog: MCPCatalog {
    public static let toolName = "echo_arguments"

    /// The tools/list entry, member for member the C plugin's.
    public static let tool: JSONValue = [
        "name": .string(toolName),
        "title": "Echo arguments",
        "description": "Returns the arguments it was called with, as text and as structured content. The plain-C example plugin's tool.",
        "inputSchema": ["type": "object", "properties": ["text": ["type": "string"]]],
        "annotations": ["readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false],
    ]

    public let next: any MCPCatalog
    public let audit: ToolCallAudit
    public let governance: ToolGovernance

    public init(next: any MCPCatalog, audit: ToolCallAudit = ToolCallAudit(), governance: ToolGovernance = .open) {
        self.next = next
        self.audit = audit
        self.governance = governance
    }

    public func listTools(for client: ClientContext) -> [JSONValue] {
        let others = next.listTools(for: client).filter { $0["name"]?.stringValue != Self.toolName }
        return governance.allows(Self.tool) ? [Self.tool] + others : others
    }

    public func callTool(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue {
        guard name == Self.toolName else { return try await next.callTool(name: name, arguments: arguments, context: context) }
        let start = ContinuousClock.now
        var outcome = ToolCallAudit.Outcome.ok
        defer { audit.record(tool: name, plugin: "builtin", client: context.client, outcome: outcome, duration: .now - start) }
        if let refusal = governance.refusal(Self.tool) {
            outcome = .denied
            return .toolError(refusal)
        }
        if let schema = Self.tool["inputSchema"], let problem = ToolArgumentCheck.problem(arguments, schema: schema) {
            outcome = .toolError
            return .toolError("\(name): \(problem)")
        }
        // The plugin gets the arguments as compact JSON text and answers with that text verbatim.
        return [
            "content": [["type": "text", "text": .string(arguments.jsonText)]],
            "structuredContent": ["arguments": arguments],
            "isError": false,
        ]
    }

    public func requiredScopes(forTool name: String) -> [String] {
        name == Self.toolName ? [] : next.requiredScopes(forTool: name)
    }

    public func listResources(for client: ClientContext) -> [JSONValue] { next.listResources(for: client) }
    public func listResourceTemplates(for client: ClientContext) -> [JSONValue] { next.listResourceTemplates(for: client) }
    public func listPrompts(for client: ClientContext) -> [JSONValue] { next.listPrompts(for: client) }

    public func readResource(uri: String, context: RequestContext) async throws -> JSONValue {
        try await next.readResource(uri: uri, context: context)
    }

    public func getPrompt(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue {
        try await next.getPrompt(name: name, arguments: arguments, context: context)
    }

    public func complete(_ request: JSONValue, context: RequestContext) async throws -> JSONValue {
        try await next.complete(request, context: context)
    }
}
