/// MCP's tool annotations: hints for clients about what a tool does to the world.
public struct ToolAnnotations: Sendable {
    public var readOnly: Bool
    public var destructive: Bool
    public var idempotent: Bool
    public var openWorld: Bool

    public init(readOnly: Bool, destructive: Bool, idempotent: Bool, openWorld: Bool) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    /// A tool that only reads the installation: the usual kind here.
    public static let readOnly = ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: false)

    var json: PluginJSON {
        .object([
            "readOnlyHint": .bool(readOnly), "destructiveHint": .bool(destructive),
            "idempotentHint": .bool(idempotent), "openWorldHint": .bool(openWorld),
        ])
    }
}

/// One tool of a plugin: its MCP description and the Swift code that runs it.
public struct ToolDefinition: Sendable {
    public let name: String
    let descriptor: PluginJSON
    /// Runs the tool on the arguments as the host sent them (JSON text).
    let run: @Sendable (String, CallContext) throws -> ToolResult

    /// - Parameters:
    ///   - inputSchema: JSON Schema of the arguments, as JSON text (root `"type": "object"`).
    ///   - outputSchema: JSON Schema of `structuredContent`, if the tool returns it.
    ///   - arguments: the Decodable type the arguments are decoded into.
    public init<Arguments: Decodable & Sendable>(
        name: String, title: String, description: String, inputSchema: String, outputSchema: String? = nil,
        annotations: ToolAnnotations = .readOnly, arguments: Arguments.Type,
        run: @escaping @Sendable (Arguments, CallContext) throws -> ToolResult
    ) {
        self.name = name
        var members: [String: PluginJSON] = [
            "name": .string(name), "title": .string(title), "description": .string(description),
        ]
        var annotationMembers: [String: PluginJSON] = [:]
        if case .object(let hints) = annotations.json { annotationMembers = hints }
        annotationMembers["title"] = .string(title)
        members["annotations"] = .object(annotationMembers)
        // Schema typos surface when the plugin is loaded: the entry fails with this message.
        members["inputSchema"] = (try? PluginJSON(parsing: inputSchema)) ?? .string("invalid inputSchema JSON")
        if let outputSchema {
            members["outputSchema"] = (try? PluginJSON(parsing: outputSchema)) ?? .string("invalid outputSchema JSON")
        }
        self.descriptor = .object(members)
        self.run = { text, call in
            let decoded: Arguments
            do {
                decoded = try ArgumentDecoding.decode(Arguments.self, fromText: text)
            } catch {
                throw ToolError.invalidArguments(ArgumentDecoding.explain(error, tool: name))
            }
            return try run(decoded, call)
        }
    }

    /// Why the definition cannot be offered, or nil.
    var problem: String? {
        if descriptor["inputSchema"]?["type"]?.stringValue != "object" {
            return "tool \"\(name)\": inputSchema must be a JSON object with \"type\": \"object\""
        }
        if descriptor["outputSchema"]?.stringValue != nil {
            return "tool \"\(name)\": outputSchema is not valid JSON"
        }
        return nil
    }
}

/// An error a tool throws; the host shows its message to the model with `isError: true`.
public enum ToolError: Error, CustomStringConvertible {
    /// The arguments were wrong: say which and what is expected.
    case invalidArguments(String)
    /// The tool could not do its work: say why and what to try instead.
    case failed(String)

    public var description: String {
        switch self {
        case .invalidArguments(let message), .failed(let message): return message
        }
    }
}

/// Tools without arguments use this as their `arguments` type.
public struct NoArguments: Decodable, Sendable {}
