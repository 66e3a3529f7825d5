import CloverPluginSupport
import Foundation
import PluginKit

/// System database: schema and read-only SELECT.
struct SystemDatabasePlugin: Plugin {
    let id = "system-db"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func systemDatabasePluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        SystemDatabasePlugin(settings: settings)
    }
}
