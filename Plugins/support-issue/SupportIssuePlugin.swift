import PluginKit

/// Support issues: report a problem to the CloverDX customer portal with gathered evidence, after a
/// preview and the user's confirmation, and follow its delivery.
struct SupportIssuePlugin: Plugin {
    let id = "support-issue"
    let version = "1.0.0"
    let previews = PreviewCache()

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [ReportTool.definition(previews: previews), StatusTool.definition] }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func supportIssuePluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                                   descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { _, settings in
        SupportIssuePlugin(settings: settings)
    }
}
