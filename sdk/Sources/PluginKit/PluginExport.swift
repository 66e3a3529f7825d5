import Foundation

/// C-compatible pointer types of the entry function, so a Swift plugin's entry needs no raw types:
///
/// ```swift
/// @_cdecl("cdxmcp_plugin_entry_v1")
/// public func pluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes,
///                         settingsLength: Int, descriptor: DescriptorSlot) -> Int32 {
///     PluginExport.start(host, plugin, settings, settingsLength, descriptor) { environment, settings in
///         HelloPlugin(environment: environment, settings: settings)
///     }
/// }
/// ```
public typealias HostTable = UnsafePointer<cdxmcp_host_api>?
public typealias PluginHandle = OpaquePointer?
public typealias SettingsBytes = UnsafePointer<CChar>?
public typealias DescriptorSlot = UnsafeMutablePointer<UnsafePointer<cdxmcp_plugin>?>?

/// Builds the C descriptor for a Swift `Plugin` and routes the host's calls to it.
public enum PluginExport {
    /// Runs the plugin's entry: creates the plugin and hands the host its descriptor.
    /// Errors thrown by `make` fail the entry; their text reaches the operator (set_load_error, or the
    /// log on a host older than ABI 1.1).
    public static func start(
        _ host: HostTable, _ handle: PluginHandle, _ settings: SettingsBytes, _ settingsLength: Int,
        _ descriptor: DescriptorSlot, make: (PluginEnvironment, PluginJSON) throws -> any Plugin
    ) -> Int32 {
        guard let host, let descriptor else { return cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) }
        let environment = PluginEnvironment(table: host, handle: handle)
        guard host.pointee.abi_version == CDXMCP_ABI_VERSION, HostTableFields.size(of: host) >= HostTableFields.version1Size else {
            environment.failLoad("host speaks ABI \(host.pointee.abi_version) with a \(HostTableFields.size(of: host))-byte table; "
                + "this plugin needs ABI \(CDXMCP_ABI_VERSION) with at least \(HostTableFields.version1Size) bytes")
            return cdxmcp_status(CDXMCP_UNSUPPORTED)
        }
        do {
            let settingsJSON = settings.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: settingsLength), as: UTF8.self) } ?? "{}"
            let plugin = try make(environment, try PluginJSON(parsing: settingsJSON.isEmpty ? "{}" : settingsJSON))
            if let problem = plugin.tools.lazy.compactMap(\.problem).first {
                environment.failLoad(problem)
                return cdxmcp_status(CDXMCP_INVALID_ARGUMENTS)
            }
            descriptor.pointee = ExportedPlugin(plugin: plugin, environment: environment).descriptor
            return cdxmcp_status(CDXMCP_OK)
        } catch {
            environment.failLoad("\(error)")
            return cdxmcp_status(CDXMCP_FAILED)
        }
    }
}

/// A Swift plugin behind its C descriptor. Created once per load and never freed, like the library.
final class ExportedPlugin: Sendable {
    let plugin: any Plugin
    let environment: PluginEnvironment
    let toolsByName: [String: ToolDefinition]
    nonisolated(unsafe) private(set) var descriptor: UnsafePointer<cdxmcp_plugin>! = nil

    init(plugin: any Plugin, environment: PluginEnvironment) {
        self.plugin = plugin
        self.environment = environment
        self.toolsByName = Dictionary(plugin.tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let pointer = UnsafeMutablePointer<cdxmcp_plugin>.allocate(capacity: 1)
        pointer.initialize(to: cdxmcp_plugin())
        pointer.pointee.struct_size = UInt32(MemoryLayout<cdxmcp_plugin>.size)
        pointer.pointee.abi_version = UInt32(CDXMCP_ABI_VERSION)
        pointer.pointee.id = UnsafePointer(strdup(plugin.id))
        pointer.pointee.version = UnsafePointer(strdup(plugin.version))
        pointer.pointee.tools_json = UnsafePointer(strdup(PluginJSON.array(plugin.tools.map(\.descriptor)).text))
        pointer.pointee.resources_json = UnsafePointer(strdup(PluginJSON.array(plugin.resources.map { $0.json(uriKey: "uri") }).text))
        pointer.pointee.resource_templates_json = UnsafePointer(strdup(PluginJSON.array(plugin.resourceTemplates.map { $0.json(uriKey: "uriTemplate") }).text))
        pointer.pointee.prompts_json = UnsafePointer(strdup(PluginJSON.array(plugin.prompts.map(\.json)).text))
        pointer.pointee.flags = plugin.isSerial ? UInt32(CDXMCP_PLUGIN_SERIAL) : 0
        pointer.pointee.description = plugin.summary.map { UnsafePointer(strdup($0)) }
        pointer.pointee.call_tool = { context, call, name, nameLength, arguments, argumentsLength in
            ExportedPlugin.from(context).callTool(call, CBuffers.string(name, nameLength), CBuffers.string(arguments, argumentsLength))
        }
        pointer.pointee.read_resource = { context, call, uri, uriLength in
            ExportedPlugin.from(context).readResource(call, CBuffers.string(uri, uriLength))
        }
        pointer.pointee.get_prompt = { context, call, name, nameLength, arguments, argumentsLength in
            ExportedPlugin.from(context).getPrompt(call, CBuffers.string(name, nameLength), CBuffers.string(arguments, argumentsLength))
        }
        pointer.pointee.complete = { context, call, request, requestLength in
            ExportedPlugin.from(context).complete(call, CBuffers.string(request, requestLength))
        }
        pointer.pointee.context = Unmanaged.passRetained(self).toOpaque()
        descriptor = UnsafePointer(pointer)
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> ExportedPlugin {
        Unmanaged<ExportedPlugin>.fromOpaque(context!).takeUnretainedValue()
    }

    private func callContext(_ call: OpaquePointer?) -> CallContext { CallContext(host: environment, call: call) }

    func callTool(_ call: OpaquePointer?, _ name: String, _ arguments: String) -> cdxmcp_status {
        let context = callContext(call)
        guard let tool = toolsByName[name] else {
            return fail(call, CDXMCP_NOT_FOUND, "plugin \(plugin.id) has no tool \"\(name)\"")
        }
        do {
            return hand(call, try tool.run(arguments.isEmpty ? "{}" : arguments, context).json)
        } catch ToolError.invalidArguments(let message) {
            return fail(call, CDXMCP_INVALID_ARGUMENTS, message)
        } catch {
            return fail(call, CDXMCP_FAILED, "\(error)")
        }
    }

    func readResource(_ call: OpaquePointer?, _ uri: String) -> cdxmcp_status {
        do {
            let contents = try plugin.readResource(uri: uri, call: callContext(call))
            return hand(call, .object(["contents": .array([.object([
                "uri": .string(contents.uri), "mimeType": .string(contents.mimeType), "text": .string(contents.text),
            ])])]))
        } catch is NotFound {
            return fail(call, CDXMCP_NOT_FOUND, "no resource \(uri)")
        } catch {
            return fail(call, CDXMCP_FAILED, "\(error)")
        }
    }

    func getPrompt(_ call: OpaquePointer?, _ name: String, _ arguments: String) -> cdxmcp_status {
        do {
            let values = try JSONDecoder().decode([String: String].self, from: Data((arguments.isEmpty ? "{}" : arguments).utf8))
            let result = try plugin.getPrompt(name: name, arguments: values, call: callContext(call))
            return hand(call, .object([
                "description": .string(result.description),
                "messages": .array(result.messages.map {
                    .object(["role": .string($0.role), "content": .object(["type": .string("text"), "text": .string($0.text)])])
                }),
            ]))
        } catch is NotFound {
            return fail(call, CDXMCP_NOT_FOUND, "no prompt \(name)")
        } catch {
            return fail(call, CDXMCP_FAILED, "\(error)")
        }
    }

    func complete(_ call: OpaquePointer?, _ request: String) -> cdxmcp_status {
        guard let json = try? PluginJSON(parsing: request),
              let argument = json["argument"]?["name"]?.stringValue else {
            return fail(call, CDXMCP_INVALID_ARGUMENTS, "completion request without an argument name")
        }
        let values = plugin.complete(argument: argument, value: json["argument"]?["value"]?.stringValue ?? "", call: callContext(call))
        let page = Array(values.prefix(100))  // MCP caps a completion at 100 values
        return hand(call, .object(["completion": .object([
            "values": .array(page.map(PluginJSON.string)), "total": .number(Double(values.count)),
            "hasMore": .bool(values.count > page.count),
        ])]))
    }

    private func hand(_ call: OpaquePointer?, _ result: PluginJSON) -> cdxmcp_status {
        guard let setResult = environment.table.pointee.set_result else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
        // The host parses the result, so it is written directly rather than through JSONEncoder.
        var bytes: [UInt8] = []
        result.write(to: &bytes)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { setResult(call, $0.baseAddress, $0.count) }
        }
    }

    private func fail(_ call: OpaquePointer?, _ status: Int, _ message: String) -> cdxmcp_status {
        if let setError = environment.table.pointee.set_error {
            CBuffers.withBytes(message) { setError(call, $0, $1) }
        }
        return cdxmcp_status(status)
    }
}

