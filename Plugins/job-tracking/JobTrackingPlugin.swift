import CloverPluginSupport
import Foundation
import PluginKit

/// Job tracking: run history, one run's record and tracking, execution statistics; prompts to
/// troubleshoot a failure and report on executions; runs as resources.
struct JobTrackingPlugin: Plugin {
    let id = "job-tracking"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    /// Where runs come from: the system database or the REST API (`clover.mcp.sidecar.jobs.source`).
    private static let source: @Sendable (CallContext) throws -> any RunSource = RunSourceChoice.source(for:)

    var tools: [ToolDefinition] {
        [
            JobListTool.definition(source: Self.source),
            JobStatusTool.definition(source: Self.source),
            JobTrackingTool.definition(source: Self.source),
            JobStatisticsTool.definition(source: Self.source),
        ]
    }

    var prompts: [PromptDefinition] { JobPrompts.definitions }

    var resourceTemplates: [ResourceDefinition] {
        [
            ResourceDefinition(uri: "cloverdx://jobs/{runId}", name: "job-run", title: "Job run record",
                               description: "One run's record as job_get_status returns it: status, times, error, parameters, child runs.",
                               mimeType: "application/json"),
            ResourceDefinition(uri: "cloverdx://jobs/{runId}/tracking", name: "job-run-tracking", title: "Job run tracking",
                               description: "One run's tracking (phases, components, ports) as job_get_tracking returns it.",
                               mimeType: "application/json"),
        ]
    }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents {
        let prefix = "cloverdx://jobs/"
        guard uri.hasPrefix(prefix) else { throw NotFound() }
        let path = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard path.count == 1 || (path.count == 2 && path[1] == "tracking") else { throw NotFound() }
        let runId = try RunIdentifier.parse(text: path[0])
        let source = try Self.source(call)
        let json = path.count == 1 ? try PluginJSON(encoding: JobStatusTool.load(runId, source: source))
                                   : try PluginJSON(encoding: JobTrackingTool.load(runId, source: source))
        return ResourceContents(uri: uri, mimeType: "application/json", text: json.text)
    }

    func getPrompt(name: String, arguments: [String: String], call: CallContext) throws -> PromptResult {
        switch name {
        case "troubleshoot_failed_job": return try JobPrompts.troubleshoot(arguments, source: Self.source(call), clock: ServerTime.of(call))
        case "job_execution_report": return try JobPrompts.report(arguments, source: Self.source(call), clock: ServerTime.of(call))
        default: throw NotFound()
        }
    }

    /// Run IDs of the newest runs by prefix, failed runs first (the prompt wants failures; the
    /// resource templates take any run); sandbox codes by prefix.
    func complete(argument: String, value: String, call: CallContext) -> [String] {
        let typed = value.trimmingCharacters(in: .whitespaces)
        switch argument {
        case "runId":
            guard typed.allSatisfy(\.isNumber), let runs = try? Self.source(call).recentRuns(limit: 2_000) else { return [] }
            let matching = runs.filter { String($0.runId).hasPrefix(typed) }
            let failed = matching.filter { RunStatusNames.failed.contains($0.status) }
            return (failed + matching.filter { !RunStatusNames.failed.contains($0.status) }).map { String($0.runId) }
        case "sandbox":
            let codes = (try? Self.source(call).sandboxCodes()) ?? []
            return codes.filter { $0.lowercased().hasPrefix(typed.lowercased()) }
        default:
            return []
        }
    }
}

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func jobTrackingPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    JobTrackingPlugin(settings: settings)
}
