/// A prompt a plugin offers: its MCP description; rendering is the plugin's `getPrompt`.
public struct PromptDefinition: Sendable {
    public struct Argument: Sendable {
        public var name: String
        public var description: String
        public var required: Bool
        public init(name: String, description: String, required: Bool = false) {
            self.name = name
            self.description = description
            self.required = required
        }
    }

    public var name: String
    public var title: String
    public var description: String
    public var arguments: [Argument]

    public init(name: String, title: String, description: String, arguments: [Argument] = []) {
        self.name = name
        self.title = title
        self.description = description
        self.arguments = arguments
    }

    var json: PluginJSON {
        .object([
            "name": .string(name), "title": .string(title), "description": .string(description),
            "arguments": .array(arguments.map {
                .object(["name": .string($0.name), "description": .string($0.description), "required": .bool($0.required)])
            }),
        ])
    }
}

/// A resource or resource template a plugin offers.
public struct ResourceDefinition: Sendable {
    /// A URI (`cloverdx://...`) or, for a template, an RFC 6570 URI template.
    public var uri: String
    public var name: String
    public var title: String
    public var description: String
    public var mimeType: String

    public init(uri: String, name: String, title: String, description: String, mimeType: String = "text/plain") {
        self.uri = uri
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
    }

    func json(uriKey: String) -> PluginJSON {
        .object([uriKey: .string(uri), "name": .string(name), "title": .string(title),
                 "description": .string(description), "mimeType": .string(mimeType)])
    }
}

/// The text of a read resource.
public struct ResourceContents: Sendable {
    public var uri: String
    public var mimeType: String
    public var text: String
    public init(uri: String, mimeType: String = "text/plain", text: String) {
        self.uri = uri
        self.mimeType = mimeType
        self.text = text
    }
}

/// A rendered prompt: messages for the model.
public struct PromptResult: Sendable {
    public var description: String
    /// (role, text) pairs; role is "user" or "assistant".
    public var messages: [(role: String, text: String)]
    public init(description: String, messages: [(role: String, text: String)]) {
        self.description = description
        self.messages = messages
    }
}

/// Thrown from `readResource` or `getPrompt` when the name or URI is not the plugin's.
public struct NotFound: Error {
    public init() {}
}

/// A tool-group plugin written in Swift. Implement this, then export it with `PluginExport.start`
/// from a `@_cdecl("cdxmcp_plugin_entry_v1")` function (see Plugins/examples/hello-swift).
public protocol Plugin: Sendable {
    /// Stable identifier, e.g. "server-logs".
    var id: String { get }
    var version: String { get }
    /// One line on what the plugin offers, shown by `cloverdx-mcp plugins list` and `verify`; nil by default.
    var summary: String? { get }
    var tools: [ToolDefinition] { get }
    var prompts: [PromptDefinition] { get }
    var resources: [ResourceDefinition] { get }
    var resourceTemplates: [ResourceDefinition] { get }
    /// When true the host never runs two calls of this plugin at once.
    var isSerial: Bool { get }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents
    func getPrompt(name: String, arguments: [String: String], call: CallContext) throws -> PromptResult
    /// Values for a prompt argument or template variable being typed; empty by default.
    func complete(argument: String, value: String, call: CallContext) -> [String]
}

extension Plugin {
    public var summary: String? { nil }
    public var prompts: [PromptDefinition] { [] }
    public var resources: [ResourceDefinition] { [] }
    public var resourceTemplates: [ResourceDefinition] { [] }
    public var isSerial: Bool { false }
    public func readResource(uri: String, call: CallContext) throws -> ResourceContents { throw NotFound() }
    public func getPrompt(name: String, arguments: [String: String], call: CallContext) throws -> PromptResult { throw NotFound() }
    public func complete(argument: String, value: String, call: CallContext) -> [String] { [] }
}
