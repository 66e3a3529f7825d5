import CloverPluginSupport
import Foundation
import PluginKit

/// Job run logs: one run's log by runId, paged, or errors first.
struct JobLogsPlugin: Plugin {
    let id = "job-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func jobLogsPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        JobLogsPlugin(settings: settings)
    }
}
