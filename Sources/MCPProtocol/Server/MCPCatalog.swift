/// What the server serves: tools, resources and prompts. The plugin registry and the proxy's remote
/// catalog implement it; the protocol layer knows nothing of plugins.
///
/// A catalog offers everything it has. Who may see or call a tool (scopes, the operator's switches,
/// argument checks, the audit line) is decided by the one gate every catalog is served through
/// (`ToolGate`), not by each catalog. Lists are in a deterministic order, in their newest shape; the
/// server removes fields an older client does not know. Calls return MCP result objects, or throw
/// `MCPError` (shown to the client as is) or `ResourceNotFound`.
public protocol MCPCatalog: Sendable {
    /// Every tool offered, in order.
    func tools() -> [CatalogTool]
    /// The tool called `name`, resolved once per call.
    func tool(named name: String) -> CatalogTool?
    /// Runs a tool this catalog resolved. A failure the model can act on is a result with `isError`.
    func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult

    func listResources(for client: ClientContext) -> [JSONValue]
    func listResourceTemplates(for client: ClientContext) -> [JSONValue]
    func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue
    func listPrompts(for client: ClientContext) -> [JSONValue]
    func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue
    func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue
}

/// One tool of a catalog: its `tools/list` entry, who provides it and what a caller needs to use it.
public struct CatalogTool: Sendable {
    /// The `tools/list` entry, newest shape.
    public let definition: JSONValue
    /// The tool's name, as `definition` gives it.
    public let name: String
    /// Who serves it, for the audit line: a plugin's id, or `remote` for a proxied tool.
    public let provider: String
    /// Scopes a caller must hold to see and call it (empty: none).
    public let requiredScopes: [String]
    /// The providing catalog's own handle on the tool (its plugin, say); nobody else reads it.
    public let target: any Sendable

    public init(definition: JSONValue, provider: String, requiredScopes: [String] = [], target: any Sendable = ()) {
        self.definition = definition
        self.name = definition["name"]?.stringValue ?? ""
        self.provider = provider
        self.requiredScopes = requiredScopes
        self.target = target
    }
}

/// What a tool call returned, and how it ended for the audit line.
public struct ToolCallResult: Sendable {
    /// The `tools/call` result object.
    public var result: JSONValue
    public var outcome: ToolCallOutcome

    /// `outcome` defaults to what the result says: `toolError` when it has `isError: true`, else `ok`.
    public init(_ result: JSONValue, outcome: ToolCallOutcome? = nil) {
        self.result = result
        self.outcome = outcome ?? (result["isError"]?.boolValue == true ? .toolError : .ok)
    }

    /// A result that tells the model what went wrong (`isError: true`), ended as `outcome`.
    public static func error(_ message: String, outcome: ToolCallOutcome = .toolError) -> ToolCallResult {
        ToolCallResult(.toolError(message), outcome: outcome)
    }
}

/// A caller asked for a tool its scopes do not cover. The server answers it like an unknown tool
/// (the tool's existence is not the caller's business); an HTTP transport with OAuth turns it into
/// `403 insufficient_scope` naming `missing`, so the client can step up.
public struct InsufficientScope: Error, Sendable {
    public let tool: String
    public let missing: [String]

    public init(tool: String, missing: [String]) {
        self.tool = tool
        self.missing = missing
    }
}

/// Which list changed; each becomes a `notifications/*/list_changed`.
public enum CatalogChange: Sendable, Hashable, CaseIterable {
    case tools, resources, prompts

    public var notificationMethod: String {
        switch self {
        case .tools: return "notifications/tools/list_changed"
        case .resources: return "notifications/resources/list_changed"
        case .prompts: return "notifications/prompts/list_changed"
        }
    }

    /// The filter field of a 2026-07-28 `subscriptions/listen` request.
    public var listenFilterField: String {
        switch self {
        case .tools: return "toolsListChanged"
        case .resources: return "resourcesListChanged"
        case .prompts: return "promptsListChanged"
        }
    }
}
