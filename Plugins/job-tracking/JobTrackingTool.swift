import CloverPluginSupport
import PluginKit

/// `job_get_tracking`: one run's phases, components and ports, and where the time went.
enum JobTrackingTool {
    struct Arguments: Decodable, Sendable {
        let runId: PluginJSON?
    }

    /// The tracking plus a short answer to "where is the bottleneck?".
    struct Report: Encodable {
        struct SlowestPhase: Encodable {
            let phase: Int64
            let executionTimeMs: Int64
            let status: String
        }

        struct BusiestComponent: Encodable {
            let id: String
            let name: String
            let type: String
            let phase: Int64
            let cpuTimeMs: Int64
        }

        struct LargestPort: Encodable {
            let nodeId: String
            let type: String
            let index: Int64
            let records: Int64
            let bytes: Int64
        }

        struct Bottlenecks: Encodable {
            let slowestPhase: SlowestPhase?
            let busiestComponent: BusiestComponent?
            let largestPort: LargestPort?
        }

        let runId: Int64
        let status: String
        let executionTimeMs: Int64?
        let phases: [RunTracking.Phase]
        let bottlenecks: Bottlenecks
        let notes: [String]
        /// `database` or `rest`: where the tracking came from.
        let source: String
    }

    static func definition(source: @escaping @Sendable (CallContext) throws -> any RunSource) -> ToolDefinition {
        ToolDefinition(
            name: "job_get_tracking", title: "Get one run's tracking",
            description: """
                The tracking of one job run: per phase its status, execution time and memory; per component (node) its ID, name, \
                type, status, CPU time, peak CPU (0-1) and allocated bytes; per port (Input/Output, index) the records and bytes \
                that passed and the peak rates. Adds a bottleneck summary: the slowest phase, the component with the most CPU \
                time and the port that carried the most records. Use it to see where a run spent its time or stopped, and how \
                many records reached each component.
                """,
            inputSchema: JobSchemas.runIdInput,
            outputSchema: outputSchema,
            arguments: Arguments.self
        ) { arguments, call in
            let runId = try RunIdentifier.parse(arguments.runId)
            let report = try load(runId, source: source(call))
            return try .structured(report, text: text(report))
        }
    }

    /// The tracking report of `runId`.
    /// - Throws: `ToolError.invalidArguments` when there is no such run.
    static func load(_ runId: Int64, source: any RunSource) throws -> Report {
        guard let tracking = try source.tracking(runId) else { throw JobStatusTool.unknownRun(runId, source: source) }
        let phase = tracking.phases.max { $0.executionTimeMs < $1.executionTimeMs }
        let nodes = tracking.phases.flatMap { phase in phase.nodes.map { (phase: phase.phase, node: $0) } }
        let busiest = nodes.max { $0.node.cpuTimeMs < $1.node.cpuTimeMs }
        let ports = nodes.flatMap { entry in entry.node.ports.map { (node: entry.node.id, port: $0) } }
        let largest = ports.max { $0.port.records < $1.port.records }
        var notes: [String] = []
        if tracking.phases.isEmpty {
            notes.append("run \(runId) (\(tracking.status)) has no tracking: it never started a phase")
        }
        notes.append("\(source.place) keeps final totals only: no waiting-record backlog per port; job_get_log shows the periodic tracking")
        notes += source.notes
        return Report(
            runId: runId, status: tracking.status, executionTimeMs: tracking.executionTimeMs, phases: tracking.phases,
            bottlenecks: Report.Bottlenecks(
                slowestPhase: phase.map { Report.SlowestPhase(phase: $0.phase, executionTimeMs: $0.executionTimeMs, status: $0.status) },
                busiestComponent: busiest.map {
                    Report.BusiestComponent(id: $0.node.id, name: $0.node.name, type: $0.node.type, phase: $0.phase, cpuTimeMs: $0.node.cpuTimeMs)
                },
                largestPort: largest.map {
                    Report.LargestPort(nodeId: $0.node, type: $0.port.type, index: $0.port.index, records: $0.port.records, bytes: $0.port.bytes)
                }),
            notes: notes, source: source.name)
    }

    private static let outputSchema = """
        {"type":"object","properties":{"runId":{"type":"integer"},"status":{"type":"string"},"executionTimeMs":{"type":"integer"},
        "phases":{"type":"array","items":{"type":"object","properties":{"phase":{"type":"integer"},"status":{"type":"string"},
        "executionTimeMs":{"type":"integer"},"memoryBytes":{"type":"integer"},
        "nodes":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"},
        "type":{"type":"string"},"status":{"type":"string"},"cpuTimeMs":{"type":"integer"},"peakCpu":{"type":"number"},
        "allocBytes":{"type":"integer"},"ports":{"type":"array","items":{"type":"object","properties":{
        "type":{"type":"string","enum":["Input","Output"]},"index":{"type":"integer"},"records":{"type":"integer"},
        "bytes":{"type":"integer"},"recordsPerSecPeak":{"type":"integer"},"bytesPerSecPeak":{"type":"integer"}},
        "required":["type","index","records","bytes"]}}},"required":["id","name","type","status","cpuTimeMs","ports"]}}},
        "required":["phase","status","executionTimeMs","nodes"]}},
        "bottlenecks":{"type":"object","properties":{"slowestPhase":{"type":"object"},"busiestComponent":{"type":"object"},
        "largestPort":{"type":"object"}}},"notes":{"type":"array","items":{"type":"string"}},"source":\(JobSchemas.source)},
        "required":["runId","status","phases","bottlenecks","notes","source"]}
        """

    static func text(_ report: Report) -> String {
        var lines = ["Tracking of run \(report.runId): \(report.status), \(RunText.duration(report.executionTimeMs)), \(report.phases.count) phase(s)."]
        if !report.phases.isEmpty {
            lines.append(TextTable.render(
                header: ["phase", "status", "time", "memory", "components"],
                rows: report.phases.map { [String($0.phase), $0.status, RunText.duration($0.executionTimeMs), RunText.bytes($0.memoryBytes), String($0.nodes.count)] }))
            var rows: [[String]] = []
            for phase in report.phases {
                for node in phase.nodes {
                    let inputs = node.ports.filter { $0.type == "Input" }.map { String($0.records) }.joined(separator: "/")
                    let outputs = node.ports.filter { $0.type == "Output" }.map { String($0.records) }.joined(separator: "/")
                    rows.append([String(phase.phase), node.id, node.name, node.type, node.status, RunText.duration(node.cpuTimeMs),
                                 node.peakCpu.map { "\(Int(($0 * 100).rounded()))%" } ?? "", inputs, outputs])
                }
            }
            lines.append("")
            lines.append(TextTable.render(header: ["phase", "component", "name", "type", "status", "cpu", "peak", "in records", "out records"],
                                          rows: rows, maxCellWidth: 40))
        }
        let b = report.bottlenecks
        if let phase = b.slowestPhase { lines.append("Slowest phase: \(phase.phase) (\(RunText.duration(phase.executionTimeMs)), \(phase.status)).") }
        if let node = b.busiestComponent {
            lines.append("Most CPU time: \(node.id) \"\(node.name)\" (\(node.type), phase \(node.phase)): \(RunText.duration(node.cpuTimeMs)).")
        }
        if let port = b.largestPort {
            lines.append("Most records: \(port.nodeId) \(port.type) \(port.index): \(port.records) records, \(RunText.bytes(port.bytes)).")
        }
        lines += report.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}
