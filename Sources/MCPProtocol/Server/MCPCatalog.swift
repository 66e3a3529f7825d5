/// What the server serves: tools, resources and prompts. The plugin registry implements it; the
/// protocol layer knows nothing of plugins.
///
/// Lists return MCP objects in a deterministic order, in their newest shape; the server removes
/// fields an older client does not know. Calls return MCP result objects, or throw `MCPError`
/// (shown to the client as is) or `ResourceNotFound`.
public protocol MCPCatalog: Sendable {
    func listTools(for client: ClientContext) -> [JSONValue]
    func callTool(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue
    func listResources(for client: ClientContext) -> [JSONValue]
    func listResourceTemplates(for client: ClientContext) -> [JSONValue]
    func readResource(uri: String, context: RequestContext) async throws -> JSONValue
    func listPrompts(for client: ClientContext) -> [JSONValue]
    func getPrompt(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue
    func complete(_ request: JSONValue, context: RequestContext) async throws -> JSONValue
    /// Scopes a caller must hold to see and call tool `name` (empty for none or an unknown tool),
    /// so an HTTP transport can answer `403 insufficient_scope` before dispatching.
    func requiredScopes(forTool name: String) -> [String]
}

extension MCPCatalog {
    public func requiredScopes(forTool name: String) -> [String] { [] }
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
