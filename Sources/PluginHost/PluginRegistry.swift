import CloverMCPPluginABI
import Foundation
import Logging
import MCPProtocol
import Synchronization

/// What applying a plugins.json did, for the log and the CLI.
public struct PluginSetReport: Sendable {
    public var active: [String] = []
    public var disabled: [String] = []
    public var failed: [PluginLoadError] = []
}

/// The active plugins and everything they offer; serves the MCP catalog by calling into them.
///
/// Applying a new manifest swaps the whole set at once; requests already running finish on the
/// plugin they started with. Changes are announced through `changes`.
public final class PluginRegistry: MCPCatalog {
    public let loader: PluginLoader
    public let changes: ChangeHub
    public let pool: CallPool
    public let defaultTimeout: Duration
    /// Where the line per tool call goes.
    public let audit: ToolCallAudit
    /// Read-only mode and individually switched tools: hidden from tools/list and refused when called.
    public let governance: ToolGovernance
    private let logger: Logger
    private let state = Mutex(State())
    /// One apply at a time (a file change and SIGHUP may race), so a library is never entered twice.
    private let applying = Mutex(())

    private struct State {
        var active: [ActivePlugin] = []
        var toolOwners: [String: Int] = [:]
        var promptOwners: [String: Int] = [:]
        var resourceOwners: [String: Int] = [:]
        /// Loaded libraries by plugin id and path, reused when a plugin is enabled again.
        var loaded: [String: LoadedPlugin] = [:]
    }

    struct ActivePlugin: Sendable {
        let plugin: LoadedPlugin
        let timeout: Duration
        let templates: [(template: JSONValue, matcher: URITemplateMatcher)]
        /// Scopes from plugins.json that a caller needs to see any of this plugin.
        let scopes: [String]

        func visible(to client: ClientContext?) -> Bool {
            client?.principal?.allows(scopes) ?? true
        }
    }

    public init(loader: PluginLoader, changes: ChangeHub, pool: CallPool = CallPool(),
                defaultTimeout: Duration = .seconds(30), audit: ToolCallAudit = ToolCallAudit(),
                governance: ToolGovernance = .open, logger: Logger) {
        self.loader = loader
        self.governance = governance
        self.audit = audit
        self.changes = changes
        self.pool = pool
        self.defaultTimeout = defaultTimeout
        self.logger = logger
    }

    /// The plugins serving now, in plugins.json order.
    public var activePlugins: [LoadedPlugin] { state.withLock { $0.active.map(\.plugin) } }

    /// The scopes the active plugins ask for, in plugins.json order (for the protected-resource metadata).
    public var pluginScopes: [String] {
        state.withLock { state in
            var scopes: [String] = []
            for scope in state.active.flatMap(\.scopes) where !scopes.contains(scope) { scopes.append(scope) }
            return scopes
        }
    }

    /// Makes `manifest` the active set: loads what is newly enabled, unregisters what is gone or
    /// disabled, skips (and reports) what fails. Announces the lists that changed.
    @discardableResult
    public func apply(_ manifest: PluginManifest) -> PluginSetReport {
        applying.withLock { _ in applyExclusively(manifest) }
    }

    private func applyExclusively(_ manifest: PluginManifest) -> PluginSetReport {
        var report = PluginSetReport()
        let manifestDirectory = manifest.fileURL?.deletingLastPathComponent()
        var cache = state.withLock { $0.loaded }
        var next: [ActivePlugin] = []
        var toolOwners: [String: Int] = [:]
        var promptOwners: [String: Int] = [:]
        var resourceOwners: [String: Int] = [:]

        for entry in manifest.plugins {
            guard entry.enabled else {
                report.disabled.append(entry.id)
                continue
            }
            let plugin: LoadedPlugin
            do {
                let path = try loader.resolve(entry, manifestDirectory: manifestDirectory).path
                let cacheKey = entry.id + "\u{0}" + path
                if let cached = cache[cacheKey], entry.sha256 == nil {
                    plugin = cached
                } else {
                    plugin = try loader.load(entry, manifestDirectory: manifestDirectory)
                    cache[cacheKey] = plugin
                }
            } catch {
                report.failed.append(error)
                continue
            }
            plugin.handle.grants.withLock { $0 = Set(entry.grants) }
            let index = next.count
            if let problem = Self.clash(plugin, next, toolOwners, promptOwners, resourceOwners) {
                report.failed.append(PluginLoadError(pluginID: entry.id, reason: problem))
                continue
            }
            for name in plugin.toolNames { toolOwners[name] = index }
            for prompt in plugin.prompts { if let name = prompt["name"]?.stringValue { promptOwners[name] = index } }
            for resource in plugin.resources { if let uri = resource["uri"]?.stringValue { resourceOwners[uri] = index } }
            let timeout = entry.timeoutMilliseconds.map { Duration.milliseconds($0) } ?? defaultTimeout
            let templates = plugin.resourceTemplates.compactMap { template -> (JSONValue, URITemplateMatcher)? in
                guard let text = template["uriTemplate"]?.stringValue else { return nil }
                return (template, URITemplateMatcher(template: text))
            }
            next.append(ActivePlugin(plugin: plugin, timeout: timeout, templates: templates, scopes: entry.scopes))
            report.active.append(entry.id)
        }

        let (before, after) = state.withLock { state -> ([ActivePlugin], [ActivePlugin]) in
            let before = state.active
            state.active = next
            state.toolOwners = toolOwners
            state.promptOwners = promptOwners
            state.resourceOwners = resourceOwners
            state.loaded = cache
            return (before, next)
        }
        for error in report.failed { logger.error("\(error.description)") }
        announceChanges(from: before, to: after)
        return report
    }

    /// Why `plugin` cannot join the set built so far, or nil.
    private static func clash(_ plugin: LoadedPlugin, _ active: [ActivePlugin], _ tools: [String: Int],
                              _ prompts: [String: Int], _ resources: [String: Int]) -> String? {
        for name in plugin.toolNames {
            if let owner = tools[name] {
                return "tool \"\(name)\" is already provided by plugin \"\(active[owner].plugin.id)\"; disable one of them or rename the tool"
            }
        }
        for prompt in plugin.prompts {
            if let name = prompt["name"]?.stringValue, let owner = prompts[name] {
                return "prompt \"\(name)\" is already provided by plugin \"\(active[owner].plugin.id)\""
            }
        }
        for resource in plugin.resources {
            if let uri = resource["uri"]?.stringValue, let owner = resources[uri] {
                return "resource \(uri) is already provided by plugin \"\(active[owner].plugin.id)\""
            }
        }
        return nil
    }

    private func announceChanges(from before: [ActivePlugin], to after: [ActivePlugin]) {
        func signature(_ set: [ActivePlugin], _ list: (LoadedPlugin) -> [JSONValue]) -> [JSONValue] {
            set.flatMap { list($0.plugin) }
        }
        if signature(before, \.tools) != signature(after, \.tools) { changes.publish(.tools) }
        if signature(before, { $0.resources + $0.resourceTemplates }) != signature(after, { $0.resources + $0.resourceTemplates }) {
            changes.publish(.resources)
        }
        if signature(before, \.prompts) != signature(after, \.prompts) { changes.publish(.prompts) }
    }

    // MARK: - MCPCatalog

    public func listTools(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.tools) }.filter(governance.allows)
    }

    public func listResources(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.resources) }
    }

    public func listResourceTemplates(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.resourceTemplates) }
    }

    public func listPrompts(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.prompts) }
    }

    public func requiredScopes(forTool name: String) -> [String] {
        state.withLock { state in state.toolOwners[name].map { state.active[$0].scopes } ?? [] }
    }

    public func callTool(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue {
        let start = ContinuousClock.now
        let found = state.withLock { state in state.toolOwners[name].map { state.active[$0] } }
        var outcome = ToolCallAudit.Outcome.ok
        defer { audit.record(tool: name, plugin: found?.plugin.id, client: context.client, outcome: outcome, duration: .now - start) }
        // A tool the caller may not use is reported like a missing one: its existence is not the caller's business.
        guard let owner = found, owner.visible(to: context.client) else {
            outcome = found == nil ? .unknownTool : .denied
            throw MCPError.invalidParams("unknown tool \"\(name)\"; tools/list shows the available tools")
        }
        let tool = owner.plugin.tools.first(where: { $0["name"]?.stringValue == name })
        // Named plainly rather than reported as unknown: the operator chose this, and the caller should know why.
        if let tool, let refusal = governance.refusal(tool) {
            outcome = .denied
            return JSONValue.toolError(refusal)
        }
        if let schema = tool?["inputSchema"],
           let problem = ToolArgumentCheck.problem(arguments, schema: schema) {
            outcome = .toolError
            return JSONValue.toolError("\(name): \(problem)")
        }
        let argumentBytes = arguments.serialized()
        let callOutcome = await invoke(owner, context: context) { descriptor, call in
            guard let entry = descriptor.pointee.call_tool else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return withBuffers(name, argumentBytes) { namePointer, nameLength, argumentsPointer, argumentsLength in
                entry(descriptor.pointee.context, call, namePointer, nameLength, argumentsPointer, argumentsLength)
            }
        }
        switch callOutcome {
        case .finished(let status, let call):
            if status == CDXMCP_OK {
                guard let result = call.result else {
                    outcome = .toolError
                    return JSONValue.toolError("tool \"\(name)\" of plugin \"\(owner.plugin.id)\" returned no result")
                }
                guard result["content"]?.arrayValue != nil else {
                    outcome = .toolError
                    return JSONValue.toolError("tool \"\(name)\" of plugin \"\(owner.plugin.id)\" returned a result without a \"content\" array")
                }
                if result["isError"]?.boolValue == true { outcome = .toolError }
                return result
            }
            outcome = context.cancellation.isCancelled ? .cancelled : .toolError
            let message = call.errorMessage ?? "tool \"\(name)\" failed (status \(status)) without a message"
            return JSONValue.toolError(message)
        case .abandoned:
            outcome = .cancelled
            return JSONValue.toolError("tool \"\(name)\" was cancelled: the server is shutting down")
        case .timedOut:
            outcome = .timeout
            logger.warning("tool \"\(name)\" of plugin \"\(owner.plugin.id)\" timed out after \(owner.timeout)")
            return JSONValue.toolError("tool \"\(name)\" did not finish within \(Self.format(owner.timeout)) and was cancelled; narrow the request (a shorter time range, fewer rows) and try again")
        }
    }

    public func readResource(uri: String, context: RequestContext) async throws -> JSONValue {
        guard let owner = resourceOwner(uri), owner.visible(to: context.client) else { throw ResourceNotFound(uri: uri) }
        let uriBytes = Array(uri.utf8)
        let outcome = await invoke(owner, context: context) { descriptor, call in
            guard let entry = descriptor.pointee.read_resource else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return uriBytes.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { entry(descriptor.pointee.context, call, $0.baseAddress, $0.count) }
            }
        }
        let result = try Self.requireResult(outcome, what: "resource \(uri)", notFound: ResourceNotFound(uri: uri))
        guard let contents = result["contents"]?.arrayValue, !contents.isEmpty else {
            throw MCPError.internalError("plugin \"\(owner.plugin.id)\" returned no contents for \(uri)")
        }
        return result
    }

    public func getPrompt(name: String, arguments: JSONValue, context: RequestContext) async throws -> JSONValue {
        guard let owner = state.withLock({ state in state.promptOwners[name].map { state.active[$0] } }), owner.visible(to: context.client) else {
            throw MCPError.invalidParams("unknown prompt \"\(name)\"; prompts/list shows the available prompts")
        }
        if let prompt = owner.plugin.prompts.first(where: { $0["name"]?.stringValue == name }) {
            for argument in prompt["arguments"]?.arrayValue ?? [] where argument["required"]?.boolValue == true {
                if let argumentName = argument["name"]?.stringValue, arguments[argumentName] == nil {
                    throw MCPError.invalidParams("prompt \"\(name)\" needs the argument \"\(argumentName)\"")
                }
            }
        }
        let argumentBytes = arguments.serialized()
        let outcome = await invoke(owner, context: context) { descriptor, call in
            guard let entry = descriptor.pointee.get_prompt else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return withBuffers(name, argumentBytes) { namePointer, nameLength, argumentsPointer, argumentsLength in
                entry(descriptor.pointee.context, call, namePointer, nameLength, argumentsPointer, argumentsLength)
            }
        }
        return try Self.requireResult(outcome, what: "prompt \"\(name)\"", notFound: MCPError.invalidParams("unknown prompt \"\(name)\""))
    }

    public func complete(_ request: JSONValue, context: RequestContext) async throws -> JSONValue {
        let empty: JSONValue = ["completion": ["values": [], "hasMore": false]]
        let ref = request["ref"]
        let owner: ActivePlugin? = state.withLock { state in
            switch ref?["type"]?.stringValue {
            case "ref/prompt":
                return ref?["name"]?.stringValue.flatMap { state.promptOwners[$0] }.map { state.active[$0] }
            case "ref/resource":
                guard let uri = ref?["uri"]?.stringValue else { return nil }
                return state.active.first { active in
                    active.templates.contains { $0.template["uriTemplate"]?.stringValue == uri }
                        || active.plugin.resources.contains { $0["uri"]?.stringValue == uri }
                }
            default:
                return nil
            }
        }
        guard let owner, owner.visible(to: context.client), owner.plugin.descriptor.pointee.complete != nil else { return empty }
        let requestBytes = request.serialized()
        let outcome = await invoke(owner, context: context) { descriptor, call in
            guard let entry = descriptor.pointee.complete else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return requestBytes.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { entry(descriptor.pointee.context, call, $0.baseAddress, $0.count) }
            }
        }
        guard case .finished(let status, let call) = outcome, status == CDXMCP_OK, let result = call.result,
              result["completion"]?["values"]?.arrayValue != nil else { return empty }
        return result
    }

    // MARK: - Calling into plugins

    enum CallOutcome: Sendable {
        case finished(cdxmcp_status, PluginCall)
        case timedOut
        case abandoned
    }

    /// Runs one entry point of `owner` on the call pool, with its timeout and the request's cancellation.
    private func invoke(_ owner: ActivePlugin, context: RequestContext,
                        _ body: @escaping @Sendable (UnsafePointer<cdxmcp_plugin>, OpaquePointer) -> cdxmcp_status) async -> CallOutcome {
        let call = PluginCall(context: context, plugin: owner.plugin.handle)
        let plugin = owner.plugin
        let outcome = await pool.run(timeout: owner.timeout, onTimeout: { call.abandon() }) { () -> cdxmcp_status in
            if plugin.isSerial { plugin.serialLock.lock() }
            defer { if plugin.isSerial { plugin.serialLock.unlock() } }
            // The call object stays retained until the plugin returns, even after a timeout.
            let pointer = Unmanaged.passRetained(call)
            defer { pointer.release() }
            return body(plugin.descriptor, OpaquePointer(pointer.toOpaque()))
        }
        switch outcome {
        case .finished(let status): return .finished(status, call)
        case .timedOut: return .timedOut
        case .abandoned: return .abandoned
        }
    }

    private func resourceOwner(_ uri: String) -> ActivePlugin? {
        state.withLock { state in
            if let index = state.resourceOwners[uri] { return state.active[index] }
            return state.active.first { active in active.templates.contains { $0.matcher.matches(uri) } }
        }
    }

    private static func requireResult(_ outcome: CallOutcome, what: String, notFound: any Error) throws -> JSONValue {
        switch outcome {
        case .timedOut:
            throw MCPError.internalError("\(what) timed out")
        case .abandoned:
            throw MCPError.internalError("\(what) was cancelled: the server is shutting down")
        case .finished(let status, let call):
            if status == CDXMCP_OK, let result = call.result { return result }
            if status == CDXMCP_NOT_FOUND { throw notFound }
            if status == CDXMCP_INVALID_ARGUMENTS { throw MCPError.invalidParams(call.errorMessage ?? "invalid arguments for \(what)") }
            throw MCPError.internalError(call.errorMessage ?? "\(what) failed with status \(status)")
        }
    }

    private static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}

/// Passes two Swift byte sequences to C as (pointer, length) pairs.
private func withBuffers<R>(_ name: String, _ json: [UInt8],
                            _ body: (UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int) -> R) -> R {
    let nameBytes = Array(name.utf8)
    return nameBytes.withUnsafeBufferPointer { nameBuffer in
        json.withUnsafeBufferPointer { jsonBuffer in
            nameBuffer.withMemoryRebound(to: CChar.self) { namePointer in
                jsonBuffer.withMemoryRebound(to: CChar.self) { jsonPointer in
                    body(namePointer.baseAddress, namePointer.count, jsonPointer.baseAddress, jsonPointer.count)
                }
            }
        }
    }
}
