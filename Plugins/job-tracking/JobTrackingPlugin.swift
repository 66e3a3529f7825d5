import CloverPluginSupport
import Foundation
import PluginKit

/// Job tracking: run history, one run's record and tracking, execution statistics.
struct JobTrackingPlugin: Plugin {
    let id = "job-tracking"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func jobTrackingPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        JobTrackingPlugin(settings: settings)
    }
}
