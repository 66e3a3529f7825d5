import MCPProtocol

/// `echo_arguments` compiled into the host: the C example plugin's tool (Plugins/examples/echo-c)
/// with the same name, schema and answer, but no dlopen, no C ABI and no call-pool thread. It is
/// the reference for measuring what the plugin boundary costs (bench/echo-host), not a tool anyone
/// needs, and not part of the shipping binary.
///
/// It sits beneath the server's gate like any catalog, so a comparison with the C plugin differs
/// only in the plugin call. Every other tool is served by `next`; a plugin's `echo_arguments` is
/// hidden behind this one.
public struct BuiltinEchoCatalog: MCPCatalog {
    public static let toolName = "echo_arguments"

    /// The tools/list entry, member for member the C plugin's.
    public static let tool = CatalogTool(definition: [
        "name": .string(toolName),
        "title": "Echo arguments",
        "description": "Returns the arguments it was called with, as text and as structured content. The plain-C example plugin's tool.",
        "inputSchema": ["type": "object", "properties": ["text": ["type": "string"]]],
        "annotations": ["readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false],
    ], provider: "builtin", target: Builtin())

    struct Builtin: Sendable {}

    public let next: any MCPCatalog

    public init(next: any MCPCatalog) {
        self.next = next
    }

    public func tools() -> [CatalogTool] {
        [Self.tool] + next.tools().filter { $0.name != Self.toolName }
    }

    public func tool(named name: String) -> CatalogTool? {
        name == Self.toolName ? Self.tool : next.tool(named: name)
    }

    public func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult {
        guard tool.target is Builtin else { return try await next.callTool(tool, arguments: arguments, context: context) }
        // The plugin gets the arguments as compact JSON text and answers with that text verbatim.
        return ToolCallResult([
            "content": [["type": "text", "text": .string(arguments.jsonText)]],
            "structuredContent": ["arguments": arguments],
            "isError": false,
        ])
    }

    public func listResources(for client: ClientContext) -> [JSONValue] { next.listResources(for: client) }
    public func listResourceTemplates(for client: ClientContext) -> [JSONValue] { next.listResourceTemplates(for: client) }
    public func listPrompts(for client: ClientContext) -> [JSONValue] { next.listPrompts(for: client) }

    public func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue {
        try await next.readResource(uri: uri, context: context)
    }

    public func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        try await next.getPrompt(name: name, arguments: arguments, context: context)
    }

    public func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        try await next.complete(request, context: context)
    }
}
