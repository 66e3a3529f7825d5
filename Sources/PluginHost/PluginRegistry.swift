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

/// The active plugins and everything they offer. This file applies plugin sets; serving them as the
/// MCP catalog, by calling into the plugins, is `PluginRegistry+Catalog.swift`.
///
/// Applying a new manifest swaps the whole set at once; requests already running finish on the
/// plugin they started with. Changes are announced through `changes`.
public final class PluginRegistry: Sendable {
    public let loader: PluginLoader
    public let changes: ChangeHub
    public let pool: CallPool
    public let defaultTimeout: Duration
    let logger: Logger
    let state = Mutex(State())
    /// One apply at a time (a file change and SIGHUP may race), so a library is never entered twice.
    private let applying = Mutex(())

    struct State {
        var active: [ActivePlugin] = []
        /// Every active plugin's tools, in plugins.json order, and the same by name.
        var tools: [CatalogTool] = []
        var toolsByName: [String: CatalogTool] = [:]
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
                defaultTimeout: Duration = .seconds(30), logger: Logger) {
        self.loader = loader
        self.changes = changes
        self.pool = pool
        self.defaultTimeout = defaultTimeout
        self.logger = logger
    }

    /// The plugins serving now, in plugins.json order.
    public var activePlugins: [LoadedPlugin] { state.withLock { $0.active.map(\.plugin) } }

    /// Stops the worker processes of isolated plugins (the server is shutting down).
    public func stopWorkers() {
        for plugin in state.withLock({ Array($0.loaded.values) }) { plugin.stopWorker(because: "the server is shutting down") }
    }

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
        let previouslyLoaded = state.withLock { $0.loaded }
        var cache = previouslyLoaded
        var next: [ActivePlugin] = []
        var tools: [CatalogTool] = []
        var toolsByName: [String: CatalogTool] = [:]
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
                let cacheKey = [entry.id, path, entry.isolation.rawValue, entry.memoryLimitMB.map(String.init) ?? ""].joined(separator: "\u{0}")
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
            if let problem = Self.clash(plugin, next, toolsByName, promptOwners, resourceOwners) {
                report.failed.append(PluginLoadError(pluginID: entry.id, reason: problem))
                continue
            }
            for prompt in plugin.prompts { if let name = prompt["name"]?.stringValue { promptOwners[name] = index } }
            for resource in plugin.resources { if let uri = resource["uri"]?.stringValue { resourceOwners[uri] = index } }
            let timeout = entry.timeoutMilliseconds.map { Duration.milliseconds($0) } ?? defaultTimeout
            let templates = plugin.resourceTemplates.compactMap { template -> (JSONValue, URITemplateMatcher)? in
                guard let text = template["uriTemplate"]?.stringValue else { return nil }
                return (template, URITemplateMatcher(template: text))
            }
            let active = ActivePlugin(plugin: plugin, timeout: timeout, templates: templates, scopes: entry.scopes)
            for definition in plugin.tools {
                let tool = CatalogTool(definition: definition, provider: entry.id, requiredScopes: entry.scopes, target: active)
                tools.append(tool)
                toolsByName[tool.name] = tool
            }
            next.append(active)
            report.active.append(entry.id)
        }

        // An isolated plugin that left the set has its worker stopped and is forgotten: a worker costs
        // a process, and enabling the plugin again starts a fresh one. (A library in this process
        // stays cached: it cannot be unloaded safely.)
        // A plugin with a sha256 is loaded again on every apply, so its previous copy counts too.
        var retired: [LoadedPlugin] = []
        for plugin in Array(previouslyLoaded.values) + Array(cache.values)
        where plugin.worker != nil && !next.contains(where: { $0.plugin === plugin }) && !retired.contains(where: { $0 === plugin }) {
            retired.append(plugin)
        }
        cache = cache.filter { _, plugin in !retired.contains { $0 === plugin } }

        let (before, after) = state.withLock { state -> ([ActivePlugin], [ActivePlugin]) in
            let before = state.active
            state.active = next
            state.tools = tools
            state.toolsByName = toolsByName
            state.promptOwners = promptOwners
            state.resourceOwners = resourceOwners
            state.loaded = cache
            return (before, next)
        }
        for plugin in retired {
            let stillListed = next.contains { $0.plugin.id == plugin.id }
            plugin.stopWorker(because: stillListed
                ? "plugins.json was reloaded and the plugin started again (its sha256 is checked on every load); try again"
                : "it was disabled or removed in plugins.json")
        }
        for error in report.failed { logger.error("\(error.description)") }
        announceChanges(from: before, to: after)
        return report
    }

    /// Why `plugin` cannot join the set built so far, or nil.
    private static func clash(_ plugin: LoadedPlugin, _ active: [ActivePlugin], _ tools: [String: CatalogTool],
                              _ prompts: [String: Int], _ resources: [String: Int]) -> String? {
        for name in plugin.toolNames {
            if let owner = tools[name] {
                return "tool \"\(name)\" is already provided by plugin \"\(owner.provider)\"; disable one of them or rename the tool"
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
}
