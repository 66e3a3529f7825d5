import Foundation
import PluginKit

/// The Swift example plugin: what a tool group looks like when written with PluginKit.
/// It greets, counts with progress, greets the CloverDX node through a host service, and offers a
/// prompt and resources, so every part of the plugin contract has a working example.
struct HelloPlugin: Plugin {
    let id = "hello-swift"
    let version = "1.0.0"
    let summary: String? = "The PluginKit example: greetings, progress, a host service, a prompt and resources"
    /// From plugins.json settings: the greeting word.
    let greeting: String
    /// The host's log and configuration, outside any call.
    let environment: PluginEnvironment

    /// The configuration key hello_node signs its greeting with, when set.
    static let signatureKey = "clover.mcp.hello.signature"

    init(environment: PluginEnvironment, settings: PluginJSON) {
        self.environment = environment
        greeting = settings["greeting"]?.stringValue ?? "Hello"
    }

    struct NodeGreeting: Encodable {
        let greeting: String
        let nodeId: String
        let timeZone: String
        let signature: String?
    }

    struct GreetArguments: Decodable, Sendable {
        let name: String
    }

    struct Greeting: Encodable {
        let greeting: String
        let name: String
    }

    struct CountArguments: Decodable, Sendable {
        let to: Int
        /// Pause between steps, so progress is visible; capped at one second.
        let delayMs: Int?
    }

    var tools: [ToolDefinition] {
        [
            ToolDefinition(
                name: "hello_greet", title: "Greet someone",
                description: "Returns a greeting for a name. An example tool of the Swift example plugin.",
                inputSchema: #"{"type":"object","properties":{"name":{"type":"string","description":"Who to greet"}},"required":["name"],"additionalProperties":false}"#,
                outputSchema: #"{"type":"object","properties":{"greeting":{"type":"string"},"name":{"type":"string"}},"required":["greeting","name"]}"#,
                arguments: GreetArguments.self
            ) { [greeting] arguments, _ in
                let name = arguments.name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw ToolError.invalidArguments("hello_greet: \"name\" must not be empty") }
                let text = "\(greeting), \(name)!"
                return try .structured(Greeting(greeting: text, name: name), text: text)
            },
            ToolDefinition(
                name: "hello_count", title: "Count with progress",
                description: "Counts from 1 to `to` (at most 1000), reporting progress; stops early when cancelled.",
                inputSchema: #"{"type":"object","properties":{"to":{"type":"integer","minimum":1,"maximum":1000},"delayMs":{"type":"integer","minimum":0,"maximum":1000}},"required":["to"],"additionalProperties":false}"#,
                arguments: CountArguments.self
            ) { arguments, call in
                guard (1...1000).contains(arguments.to) else { throw ToolError.invalidArguments("hello_count: \"to\" must be 1 to 1000") }
                let delay = min(max(arguments.delayMs ?? 0, 0), 1000)
                var reached = 0
                for step in 1...arguments.to {
                    if call.isCancelled { break }
                    if delay > 0 { usleep(useconds_t(delay * 1000)) }
                    reached = step
                    call.progress(Double(step), total: Double(arguments.to), message: "counted \(step)")
                }
                call.log(.info, "counted to \(reached)")
                return .text(reached == arguments.to ? "Counted to \(reached)." : "Cancelled after \(reached).")
            },
            ToolDefinition(
                name: "hello_node", title: "Greet the CloverDX node",
                description: "Greets the CloverDX node this server runs next to, by its id and time zone (the host service "
                    + "installation.info), signed with the configuration value \(Self.signatureKey) when it is set.",
                inputSchema: #"{"type":"object","properties":{},"additionalProperties":false}"#,
                outputSchema: #"{"type":"object","properties":{"greeting":{"type":"string"},"nodeId":{"type":"string"},"timeZone":{"type":"string"},"signature":{"type":"string"}},"required":["greeting","nodeId","timeZone"]}"#,
                arguments: NoArguments.self
            ) { [greeting, environment] _, call in
                let installation: HostServices.InstallationInfo.Answer
                do {
                    installation = try call.installation.info()
                } catch let refused as ServiceRefused {
                    throw refused.toolError(about: "hello_node")
                }
                let signature = environment.config(Self.signatureKey)
                let text = "\(greeting), \(installation.nodeId) (\(installation.timeZone.id))!" + (signature.map { " — \($0)" } ?? "")
                return try .structured(NodeGreeting(greeting: text, nodeId: installation.nodeId, timeZone: installation.timeZone.id,
                                                    signature: signature), text: text)
            },
        ]
    }

    var prompts: [PromptDefinition] {
        [PromptDefinition(name: "hello_introduce", title: "Introduce someone",
                          description: "Asks the model to write a short introduction.",
                          arguments: [.init(name: "name", description: "Who to introduce", required: true)])]
    }

    var resources: [ResourceDefinition] {
        [ResourceDefinition(uri: "hello://about", name: "about", title: "About the hello plugin",
                            description: "What this example plugin shows.")]
    }

    var resourceTemplates: [ResourceDefinition] {
        [ResourceDefinition(uri: "hello://greeting/{name}", name: "greeting", title: "A greeting",
                            description: "A greeting for the name in the URI.")]
    }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents {
        if uri == "hello://about" {
            return ResourceContents(uri: uri, text: "The hello-swift plugin is the PluginKit example: tools, a prompt, resources.")
        }
        let prefix = "hello://greeting/"
        guard uri.hasPrefix(prefix), uri.count > prefix.count else { throw NotFound() }
        let name = String(uri.dropFirst(prefix.count)).removingPercentEncoding ?? ""
        return ResourceContents(uri: uri, text: "\(greeting), \(name)!")
    }

    func getPrompt(name: String, arguments: [String: String], call: CallContext) throws -> PromptResult {
        guard name == "hello_introduce" else { throw NotFound() }
        let person = arguments["name"] ?? "someone"
        return PromptResult(description: "Introduce \(person)",
                            messages: [(role: "user", text: "Write a two-sentence introduction of \(person).")])
    }

    func complete(argument: String, value: String, call: CallContext) -> [String] {
        guard argument == "name" else { return [] }
        return ["Ada", "Alan", "Grace", "Linus"].filter { $0.lowercased().hasPrefix(value.lowercased()) }
    }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func helloPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { environment, settings in
        HelloPlugin(environment: environment, settings: settings)
    }
}
