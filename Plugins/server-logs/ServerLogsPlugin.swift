import CloverPluginSupport
import Foundation
import PluginKit

/// Server logs: search all.log, worker.log and the other cloverlogs by time, level, regex and text.
struct ServerLogsPlugin: Plugin {
    let id = "server-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func serverLogsPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        ServerLogsPlugin(settings: settings)
    }
}
