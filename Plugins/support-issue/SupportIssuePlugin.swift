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

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func supportIssuePlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    SupportIssuePlugin(settings: settings)
}
