import MCPProtocol

/// The local plugins' catalog merged with a remote server's (proxy mode).
///
/// On a name clash the local entry wins (tools and prompts by name, resources by URI, templates by
/// URI template): the sidecar's own tools are the ones its operator configured and secured, and a
/// remote that adds a tool of the same name must not change what a known name does.
public struct CompositeCatalog: MCPCatalog {
    public let local: any MCPCatalog
    public let remote: RemoteCatalog
    /// Why the operator switched a remote tool off (read-only mode, per-tool switches), or nil: the
    /// local registry applies the same policy to its own tools.
    public let toolRefusal: @Sendable (JSONValue) -> String?

    public init(local: any MCPCatalog, remote: RemoteCatalog, toolRefusal: @escaping @Sendable (JSONValue) -> String? = { _ in nil }) {
        self.local = local
        self.remote = remote
        self.toolRefusal = toolRefusal
    }

    public func listTools(for client: ClientContext) -> [JSONValue] {
        // A local tool the caller's scopes hide still owns its name (see `isLocal`).
        let remoteTools = remote.listTools(for: client).filter { tool in
            toolRefusal(tool) == nil && local.requiredScopes(forTool: tool["name"]?.stringValue ?? "").isEmpty
        }
        return merge(local.listTools(for: client), remoteTools, key: "name")
    }

    public func listResources(for client: ClientContext) -> [JSONValue] {
        merge(local.listResources(for: client), remote.listResources(for: client), key: "uri")
    }

    public func listResourceTemplates(for client: ClientContext) -> [JSONValue] {
        merge(local.listResourceTemplates(for: client), remote.listResourceTemplates(for: client), key: "uriTemplate")
    }

    public func listPrompts(for client: ClientContext) -> [JSONValue] {
        merge(local.listPrompts(for: client), remote.listPrompts(for: client), key: "name")
    }

    public func callTool(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue {
        if !isLocal(tool: name, for: context.client),
           let tool = remote.listTools(for: context.client).first(where: { $0["name"]?.stringValue == name }) {
            if let refusal = toolRefusal(tool) {
                return .toolError(refusal)
            }
            return try await remote.callTool(name: name, arguments: arguments, context: context)
        }
        return try await local.callTool(name: name, arguments: arguments, context: context)
    }

    public func readResource(uri: String, context: RequestContext) async throws -> JSONValue {
        do {
            return try await local.readResource(uri: uri, context: context)
        } catch let notFound as ResourceNotFound {
            guard remote.isConnected else { throw notFound }
            return try await remote.readResource(uri: uri, context: context)
        }
    }

    public func getPrompt(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue {
        if !Self.names(local.listPrompts(for: context.client), "name").contains(name),
           Self.names(remote.listPrompts(for: context.client), "name").contains(name) {
            return try await remote.getPrompt(name: name, arguments: arguments, context: context)
        }
        return try await local.getPrompt(name: name, arguments: arguments, context: context)
    }

    public func complete(_ request: JSONValue, context: RequestContext) async throws -> JSONValue {
        if let prompt = request["ref"]?["name"]?.stringValue,
           !Self.names(local.listPrompts(for: context.client), "name").contains(prompt),
           Self.names(remote.listPrompts(for: context.client), "name").contains(prompt) {
            return try await remote.complete(request, context: context)
        }
        return try await local.complete(request, context: context)
    }

    public func requiredScopes(forTool name: String) -> [String] { local.requiredScopes(forTool: name) }

    /// Whether tool `name` is the local side's: listed for this caller, or hidden from them by its
    /// plugin's scopes. A remote tool of the same name must not stand in for a local one the caller
    /// lacks the scopes for: the operator secured that name.
    private func isLocal(tool name: String, for client: ClientContext) -> Bool {
        !local.requiredScopes(forTool: name).isEmpty || Self.names(local.listTools(for: client), "name").contains(name)
    }

    private func merge(_ local: [JSONValue], _ remote: [JSONValue], key: String) -> [JSONValue] {
        let taken = Self.names(local, key)
        return local + remote.filter { $0[key]?.stringValue.map { !taken.contains($0) } ?? false }
    }

    private static func names(_ items: [JSONValue], _ key: String) -> Set<String> {
        Set(items.compactMap { $0[key]?.stringValue })
    }
}
