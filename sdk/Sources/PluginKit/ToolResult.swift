/// What a tool hands back: text for the model, optional structured data, whether it is an error.
public struct ToolResult: Sendable {
    public var content: [PluginJSON]
    public var structuredContent: PluginJSON?
    public var isError: Bool

    public init(content: [PluginJSON], structuredContent: PluginJSON? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// A plain text result.
    public static func text(_ text: String) -> ToolResult {
        ToolResult(content: [.object(["type": .string("text"), "text": .string(text)])])
    }

    /// Structured data plus a text rendering for clients that ignore `structuredContent`
    /// (by default the JSON itself, as the spec recommends).
    public static func structured<T: Encodable>(_ value: T, text: String? = nil) throws -> ToolResult {
        let json = try PluginJSON(encoding: value)
        return ToolResult(content: [.object(["type": .string("text"), "text": .string(text ?? json.text)])],
                          structuredContent: json)
    }

    var json: PluginJSON {
        var members: [String: PluginJSON] = ["content": .array(content), "isError": .bool(isError)]
        if let structuredContent { members["structuredContent"] = structuredContent }
        return .object(members)
    }
}
