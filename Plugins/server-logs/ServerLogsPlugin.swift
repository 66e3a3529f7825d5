import CloverPluginSupport
import Foundation
import PluginKit

/// Server logs: search all.log, worker.log and the other cloverlogs by time, level, regex and text.
struct ServerLogsPlugin: Plugin {
    let id = "server-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [ServerLogsSearchTool.definition, ServerLogsListTool.definition] }

    var prompts: [PromptDefinition] { [AnalyzeServerLogsPrompt.definition] }

    var resourceTemplates: [ResourceDefinition] {
        [ResourceDefinition(uri: LogTailResource.template, name: "server-log-tail", title: "Server log tail",
                            description: "The last \(LogTailResource.entries) entries of one server log; logId is a log ID from "
                                + "server_logs_list (all, worker, node, user-action, catalina, …) or an appender name")]
    }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents {
        try LogTailResource.read(uri: uri, call: call)
    }

    func getPrompt(name: String, arguments: [String: String], call: CallContext) throws -> PromptResult {
        guard name == AnalyzeServerLogsPrompt.definition.name else { throw NotFound() }
        return try AnalyzeServerLogsPrompt.render(arguments: arguments, call: call)
    }

    /// `appender` (the prompt's argument) and `logId` (the resource template's variable), from the logs that exist.
    func complete(argument: String, value: String, call: CallContext) -> [String] {
        guard argument == "appender" || argument == "logId", let available = try? LogListing.all(call: call) else { return [] }
        if argument == "appender" { return LogSelection.completions(value, available: available) }
        return available.map(\.id).filter { $0.lowercased().hasPrefix(value.lowercased()) }
    }
}

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func serverLogsPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    ServerLogsPlugin(settings: settings)
}
