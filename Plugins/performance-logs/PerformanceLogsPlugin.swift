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

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func performanceLogsPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    PerformanceLogsPlugin(settings: settings)
}
