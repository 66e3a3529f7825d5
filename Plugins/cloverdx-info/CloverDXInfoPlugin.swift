import CloverPluginSupport
import Foundation
import PluginKit

/// CloverDX info: license, sandboxes, schedules, listeners, users; sandbox files.
struct CloverDXInfoPlugin: Plugin {
    let id = "cloverdx-info"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func cloverDXInfoPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                             descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        CloverDXInfoPlugin(settings: settings)
    }
}
