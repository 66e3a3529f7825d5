import PluginKit
import PerformanceLogsPlugin

/// The library's only exported symbol: the ABI's entry, which hands the host the plugin's descriptor.
@_cdecl("cdxmcp_plugin_entry_v1")
public func performanceLogsPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                                       descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor, make: performanceLogsPlugin)
}
