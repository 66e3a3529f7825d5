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

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func accessLogsPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    AccessLogsPlugin(settings: settings)
}
