import CloverPluginSupport
import Foundation
import PluginKit

/// User access and authentication events: Tomcat's access log and user-action.log, searched and
/// counted through SQL the host runs over them (`logs.table`).
struct AccessLogsPlugin: Plugin {
    let id = "access-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [AccessStatsTool.definition, AccessSearchTool.definition] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func accessLogsPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                                  descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        AccessLogsPlugin(settings: settings)
    }
}
