import CloverPluginSupport
import Foundation
import PluginKit

/// Server info: version, cluster, memory, configuration (secrets masked).
struct ServerInfoPlugin: Plugin {
    let id = "server-info"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func serverInfoPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        ServerInfoPlugin(settings: settings)
    }
}
