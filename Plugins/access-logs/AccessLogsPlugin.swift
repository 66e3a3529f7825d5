import CloverPluginSupport
import Foundation
import PluginKit

/// Access logs: Tomcat HTTP access and user-action (login) events, search and statistics.
struct AccessLogsPlugin: Plugin {
    let id = "access-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func accessLogsPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        AccessLogsPlugin(settings: settings)
    }
}
