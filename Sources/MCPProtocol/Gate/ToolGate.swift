/// The one gate between the protocol and every catalog's tools. `MCPServer` serves `tools/list` and
/// `tools/call` only through it, so plugins, proxied tools and anything added later meet the same
/// rules, in this order:
///
/// 1. the tool is resolved by name, once;
/// 2. the caller's scopes must cover the tool's (else `InsufficientScope`, answered like an unknown tool);
/// 3. the operator's switches (`ToolGovernance`) must allow it (else a tool error naming the setting);
/// 4. the arguments must fit its `inputSchema` (else a tool error naming the argument);
/// 5. then the catalog runs it, and one audit line records who called what and how it ended.
public struct ToolGate: Sendable {
    public let catalog: any MCPCatalog
    public let governance: ToolGovernance
    public let audit: ToolCallAudit

    public init(catalog: any MCPCatalog, governance: ToolGovernance = .open, audit: ToolCallAudit = ToolCallAudit()) {
        self.catalog = catalog
        self.governance = governance
        self.audit = audit
    }

    /// The tools `client` may see: its scopes cover them and the operator has not switched them off.
    public func listTools(for client: ClientContext) -> [JSONValue] {
        let principal = client.principal
        return catalog.tools().compactMap { tool in
            guard principal?.allows(tool.requiredScopes) ?? true, governance.allows(tool.definition) else { return nil }
            return tool.definition
        }
    }

    /// Calls tool `name` if the caller and the operator allow it and the arguments fit.
    /// - Throws: `MCPError.invalidParams` for an unknown tool, `InsufficientScope` for a hidden one.
    public func callTool(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        let start = ContinuousClock.now
        let tool = catalog.tool(named: name)
        var outcome = ToolCallOutcome.ok
        defer { audit.record(tool: name, provider: tool?.provider, client: context.client, outcome: outcome, duration: .now - start) }
        guard let tool else {
            outcome = .unknownTool
            throw MCPError.unknownTool(name)
        }
        let missing = context.client.principal?.missing(tool.requiredScopes) ?? []
        guard missing.isEmpty else {
            outcome = .denied
            throw InsufficientScope(tool: name, missing: missing)
        }
        // Named plainly rather than reported as unknown: the operator chose this, and the caller should know why.
        if let refusal = governance.refusal(tool.definition) {
            outcome = .denied
            return .toolError(refusal)
        }
        if let schema = tool.definition["inputSchema"], let problem = ToolArgumentCheck.problem(arguments, schema: schema) {
            outcome = .toolError
            return .toolError("\(name): \(problem)")
        }
        do {
            let answer = try await catalog.callTool(tool, arguments: arguments, context: context)
            outcome = answer.outcome
            return answer.result
        } catch {
            outcome = context.cancellation.isCancelled ? .cancelled : .toolError
            throw error
        }
    }
}

extension MCPError {
    /// A tool that does not exist, or that the caller may not know of.
    public static func unknownTool(_ name: String) -> MCPError {
        .invalidParams("unknown tool \"\(name)\"; tools/list shows the available tools")
    }
}
