import CloverPluginSupport
import Foundation
import PluginKit

/// Job run logs: one run's log by runId, paged, or errors first.
struct JobLogsPlugin: Plugin {
    let id = "job-logs"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [JobLogTool.definition] }

    private static let uriPrefix = "cloverdx://jobs/"
    private static let uriSuffix = "/log"

    var resourceTemplates: [ResourceDefinition] {
        [ResourceDefinition(uri: "cloverdx://jobs/{runId}/log", name: "job-run-log", title: "Job run log",
                            description: "The log of one job run as written, its first MiB (job_get_log pages through the rest)")]
    }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents {
        guard uri.hasPrefix(Self.uriPrefix), uri.hasSuffix(Self.uriSuffix),
              let runText = String(uri.dropFirst(Self.uriPrefix.count).dropLast(Self.uriSuffix.count)).removingPercentEncoding,
              let runId = Int64(runText), runId >= 1 else { throw NotFound() }
        let page = try JobLogPage.read(runId: runId, cursor: nil, call: call)
        return ResourceContents(uri: uri, text: page.rendered)
    }

    /// `runId` of the resource template: the newest run IDs starting with what was typed.
    func complete(argument: String, value: String, call: CallContext) -> [String] {
        guard argument == "runId" else { return [] }
        return RunLookup.recentRunIDs(prefix: value.trimmingCharacters(in: .whitespaces), call: call)
    }
}

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func jobLogsPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    JobLogsPlugin(settings: settings)
}
