import enum CloverServiceContract.HostServices
import Foundation
import MCPProtocol
import PluginHost
import Synchronization

/// The plugins serving now, for "host.info". The registry is made after the services it hands to
/// plugins, so it is attached here once it exists.
public final class PluginInventory: Sendable {
    private let registry = Mutex<PluginRegistry?>(nil)

    public init() {}

    /// Makes `registry`'s active plugins the ones "host.info" reports.
    public func attach(_ registry: PluginRegistry) {
        self.registry.withLock { $0 = registry }
    }

    var activePlugins: [LoadedPlugin] {
        registry.withLock { $0 }?.activePlugins ?? []
    }
}

/// "host.info": the sidecar itself: version, process, uptime and loaded plugins.
struct HostInfoService: HostService {
    let name = HostServices.HostInfo.name
    let grant = HostServices.HostInfo.grant
    let version: String
    let started: Date
    let plugins: PluginInventory

    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        let startedText = started.formatted(.iso8601)
        return [
            "name": "cloverdx-mcp",
            "version": .string(version),
            "pid": .int(Int64(ProcessInfo.processInfo.processIdentifier)),
            "startedAt": .string(startedText),
            "uptimeSeconds": .int(Int64(Date().timeIntervalSince(started).rounded(.down))),
            "plugins": .array(plugins.activePlugins.map { plugin in
                [
                    "id": .string(plugin.id), "version": .string(plugin.version), "tools": .int(Int64(plugin.tools.count)),
                    "resources": .int(Int64(plugin.resources.count + plugin.resourceTemplates.count)),
                    "prompts": .int(Int64(plugin.prompts.count)),
                ]
            }),
        ]
    }
}
