import CloverMCPPluginABI
import MCPProtocol

/// What a plugin offers, read from its descriptor and checked against the MCP rules. The same value
/// describes a plugin in the host and one in a worker process (which sends it as JSON).
public struct PluginOffer: Sendable, Equatable {
    /// The id the descriptor gives; plugins.json's id is the one used.
    public let declaredID: String
    public let version: String
    public let summary: String?
    public let tools: [JSONValue]
    public let resources: [JSONValue]
    public let resourceTemplates: [JSONValue]
    public let prompts: [JSONValue]
    public let isSerial: Bool
    /// The descriptor's struct_size: the header version the plugin was built against.
    public let descriptorSize: Int
    /// Whether the descriptor has a `complete` entry point.
    public let completes: Bool

    /// Why a descriptor or its JSON form cannot be served.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    init(declaredID: String, version: String, summary: String?, tools: [JSONValue], resources: [JSONValue],
         resourceTemplates: [JSONValue], prompts: [JSONValue], isSerial: Bool, descriptorSize: Int,
         callsTools: Bool, readsResources: Bool, getsPrompts: Bool, completes: Bool) throws(Problem) {
        if let problem = ToolDefinitionCheck.problem(tools: tools, callable: callsTools) { throw Problem(description: problem) }
        if !resources.isEmpty || !resourceTemplates.isEmpty, !readsResources {
            throw Problem(description: "it lists resources but has no read_resource entry point")
        }
        if !prompts.isEmpty, !getsPrompts { throw Problem(description: "it lists prompts but has no get_prompt entry point") }
        self.declaredID = declaredID
        self.version = version
        self.summary = summary
        self.tools = tools
        self.resources = resources
        self.resourceTemplates = resourceTemplates
        self.prompts = prompts
        self.isSerial = isSerial
        self.descriptorSize = descriptorSize
        self.completes = completes
    }

    /// Reads a descriptor the host copied (`PluginLoader.copyDescriptor`).
    init(_ plugin: cdxmcp_plugin) throws(Problem) {
        guard plugin.abi_version == CDXMCP_ABI_VERSION else {
            throw Problem(description: "built for ABI \(plugin.abi_version), this host speaks ABI \(CDXMCP_ABI_VERSION): rebuild it against CloverMCPPluginABI \(CDXMCP_ABI_VERSION)")
        }
        guard let idPointer = plugin.id else { throw Problem(description: "its descriptor has no id") }
        func list(_ pointer: UnsafePointer<CChar>?, _ field: String) throws(Problem) -> [JSONValue] {
            guard let pointer else { return [] }
            guard let value = try? JSONValue.parse(String(cString: pointer)), let items = value.arrayValue else {
                throw Problem(description: "its \(field) is not a JSON array")
            }
            return items
        }
        try self.init(
            declaredID: String(cString: idPointer), version: plugin.version.map { String(cString: $0) } ?? "unknown",
            summary: plugin.description.map { String(cString: $0) },
            tools: try list(plugin.tools_json, "tools_json"), resources: try list(plugin.resources_json, "resources_json"),
            resourceTemplates: try list(plugin.resource_templates_json, "resource_templates_json"),
            prompts: try list(plugin.prompts_json, "prompts_json"), isSerial: plugin.flags & UInt32(CDXMCP_PLUGIN_SERIAL) != 0,
            descriptorSize: Int(plugin.struct_size), callsTools: plugin.call_tool != nil, readsResources: plugin.read_resource != nil,
            getsPrompts: plugin.get_prompt != nil, completes: plugin.complete != nil)
    }

    /// The offer as a worker sends it to the host.
    var json: JSONValue {
        var value: JSONValue = [
            "id": .string(declaredID), "version": .string(version), "tools": .array(tools), "resources": .array(resources),
            "resourceTemplates": .array(resourceTemplates), "prompts": .array(prompts), "serial": .bool(isSerial),
            "descriptorSize": .int(Int64(descriptorSize)), "completes": .bool(completes),
        ]
        if let summary { value["summary"] = .string(summary) }
        return value
    }

    /// An offer a worker sent, checked again: the worker runs the plugin's code, so nothing it says is trusted.
    init(json: JSONValue) throws(Problem) {
        func list(_ key: String) throws(Problem) -> [JSONValue] {
            guard let items = json[key]?.arrayValue else { throw Problem(description: "the worker's offer has no \"\(key)\" array") }
            return items
        }
        guard let id = json["id"]?.stringValue, let version = json["version"]?.stringValue else {
            throw Problem(description: "the worker's offer has no id or version")
        }
        let tools = try list("tools"), resources = try list("resources"), templates = try list("resourceTemplates")
        let prompts = try list("prompts")
        // The worker already checked which entry points exist; what it lists is what it can serve.
        try self.init(declaredID: id, version: version, summary: json["summary"]?.stringValue, tools: tools, resources: resources,
                      resourceTemplates: templates, prompts: prompts, isSerial: json["serial"]?.boolValue ?? false,
                      descriptorSize: Int(json["descriptorSize"]?.intValue ?? 0), callsTools: true, readsResources: true,
                      getsPrompts: true, completes: json["completes"]?.boolValue ?? false)
    }
}
