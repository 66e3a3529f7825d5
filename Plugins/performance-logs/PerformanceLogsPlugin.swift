import CloverPluginSupport
import Foundation
import PluginKit

/// Performance logs: SQL over performance.log and job-queue.log samples, summaries and incidents.
/// The host loads the samples into an SQL table (`logs.table`); the plugin writes the SQL and shapes the answer.
struct PerformanceLogsPlugin: Plugin {
    let id = "performance-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [PerfSummaryTool.definition, PerfQueryTool.definition] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func performanceLogsPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                                       descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        PerformanceLogsPlugin(settings: settings)
    }
}
