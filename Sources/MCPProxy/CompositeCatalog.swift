import MCPProtocol

/// The local plugins' catalog merged with a remote server's (proxy mode).
///
/// On a name clash the local entry wins (tools and prompts by name, resources by URI, templates by
/// URI template), whoever asks: the sidecar's own tools are the ones its operator configured and
/// secured, and a remote that adds a tool of the same name must not change what a known name does,
/// not even for a caller whose scopes hide the local one. Scopes and the operator's switches apply
/// to both sides alike, in the server's gate.
public struct CompositeCatalog: MCPCatalog {
    public let local: any MCPCatalog
    public let remote: RemoteCatalog

    public init(local: any MCPCatalog, remote: RemoteCatalog) {
        self.local = local
        self.remote = remote
    }

    public func tools() -> [CatalogTool] {
        let local = self.local.tools()
        let taken = Set(local.map(\.name))
        return local + remote.tools().filter { !taken.contains($0.name) }
    }

    public func tool(named name: String) -> CatalogTool? {
        local.tool(named: name) ?? remote.tool(named: name)
    }

    public func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult {
        tool.target is RemoteCatalog.RemoteTool
            ? try await remote.callTool(tool, arguments: arguments, context: context)
            : try await local.callTool(tool, arguments: arguments, context: context)
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

    public func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue {
        do {
            return try await local.readResource(uri: uri, context: context)
        } catch let notFound as ResourceNotFound {
            guard remote.isConnected else { throw notFound }
            return try await remote.readResource(uri: uri, context: context)
        }
    }

    public func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        if isRemotePrompt(name, for: context.client) {
            return try await remote.getPrompt(name: name, arguments: arguments, context: context)
        }
        return try await local.getPrompt(name: name, arguments: arguments, context: context)
    }

    public func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        if let prompt = request["ref"]?["name"]?.stringValue, isRemotePrompt(prompt, for: context.client) {
            return try await remote.complete(request, context: context)
        }
        return try await local.complete(request, context: context)
    }

    private func isRemotePrompt(_ name: String, for client: ClientContext) -> Bool {
        !Self.names(local.listPrompts(for: client), "name").contains(name) && Self.names(remote.listPrompts(for: client), "name").contains(name)
    }

    private func merge(_ local: [JSONValue], _ remote: [JSONValue], key: String) -> [JSONValue] {
        let taken = Self.names(local, key)
        return local + remote.filter { $0[key]?.stringValue.map { !taken.contains($0) } ?? false }
    }

    private static func names(_ items: [JSONValue], _ key: String) -> Set<String> {
        Set(items.compactMap { $0[key]?.stringValue })
    }
}
