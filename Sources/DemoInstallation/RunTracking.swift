/// Tracking of one run (graph → phase → node → port), derived from the run's own random stream so
/// the system database rows and the tracking tables in the run log show the same numbers.
struct RunTracking {
    struct Port {
        let isInput: Bool
        let index: Int
        var records: Int
        var bytes: Int
        var recordPeak: Int
        var bytePeak: Int
    }

    struct Node {
        let component: ComponentSpec
        var status: String
        var cpuTimeMs: Int
        var peakCpu: Double
        var allocBytes: Int
        var inputs: [Port]
        var outputs: [Port]
    }

    struct Phase {
        let number: Int
        var status: String
        let start: Int64
        let end: Int64
        var memoryBytes: Int
        var nodes: [Node]
        var durationMs: Int64 { max(1, end - start) }
    }

    var phases: [Phase]

    init(run: DemoRun, model: DemoModel) {
        let spec = DemoCatalogue.jobs[run.job]
        var r = DemoRandom(seed: model.seed, stream: "tracking", item: run.id)
        phases = []
        guard !run.phaseStarts.isEmpty else { return }
        let executed = run.phaseStarts.filter { $0 <= run.logEnd }.count
        guard executed > 0 else { return }
        let lastStatus: String
        switch run.status {
        case .finishedOK: lastStatus = "FINISHED_OK"
        case .error: lastStatus = "ERROR"
        case .aborted, .timeout: lastStatus = "ABORTED"
        default: lastStatus = "RUNNING"
        }
        // How far the last executed phase got.
        var lastFraction = 1.0
        if run.status != .finishedOK {
            switch run.failure?.kind {
            case .connectionRefused, .fileNotFound, .tooManyOpenFiles: lastFraction = 0
            case .httpUnavailable: lastFraction = 0.01
            case .malformedRecord: lastFraction = min(1, Double(run.failure!.detail) / Double(max(1, run.records)))
            default: lastFraction = r.double(0.2...0.9)
            }
        }
        let isJobflow = spec.kind == .jobflow
        let childStatuses: [[RunStatus]] = run.children.map { ids in ids.compactMap { model.run(id: $0)?.status } }

        for p in 0..<executed {
            let isLast = p == executed - 1
            let fraction = isLast ? lastFraction : 1.0
            let start = run.phaseStarts[p]
            let end = max(start + 1, min(run.phaseEnds.indices.contains(p) ? run.phaseEnds[p] : start + 1, run.logEnd))
            let seconds = Double(max(1, end - start)) / 1000
            var nodes: [Node] = []
            let phaseComponents = spec.components.filter { $0.phase == p }
            let totalWeight = phaseComponents.reduce(0) { $0 + $1.cpuWeight }
            for component in phaseComponents {
                var status = isLast ? (lastStatus == "ERROR" ? "ABORTED" : lastStatus) : "FINISHED_OK"
                if isLast, let f = run.failure, spec.components[f.component].id == component.id, run.status == .error { status = "ERROR" }
                if isJobflow {
                    status = jobflowNodeStatus(component, spec: spec, run: run, childStatuses: childStatuses)
                }
                func port(_ edge: EdgeSpec, input: Bool) -> Port {
                    let ownFraction = (input ? spec.components.first { $0.id == edge.to }!.phase : spec.components.first { $0.id == edge.from }!.phase) == p
                        ? fraction : 1.0
                    var records: Int
                    if isJobflow {
                        records = jobflowTokens(edge, spec: spec, run: run, childStatuses: childStatuses)
                    } else {
                        switch edge.volume {
                        case .share(let share): records = Int(Double(run.records) * share * ownFraction)
                        case .fixed(let n): records = ownFraction > 0 ? n : 0
                        }
                    }
                    // Both ends of an edge see the same bytes and peaks.
                    var edgeRandom = DemoRandom(seed: model.seed, stream: "edge-\(edge.from)-\(edge.fromPort)", item: run.id)
                    let bytes = Int(Double(records * edge.bytesPerRecord) * edgeRandom.double(0.92...1.08))
                    let rate = Double(records) / seconds
                    let peakFactor = edgeRandom.double(1.2...2.4)
                    return Port(isInput: input, index: input ? edge.toPort : edge.fromPort, records: records, bytes: bytes,
                                recordPeak: Int(rate * peakFactor), bytePeak: Int(Double(bytes) / seconds * peakFactor))
                }
                let inputs = spec.edges.filter { $0.to == component.id }.sorted { $0.toPort < $1.toPort }.map { port($0, input: true) }
                let outputs = spec.edges.filter { $0.from == component.id }.sorted { $0.fromPort < $1.fromPort }.map { port($0, input: false) }
                let share = totalWeight > 0 ? component.cpuWeight / totalWeight : 1
                let busy = min(0.97, (0.08 + 0.55 * share) * r.double(0.7...1.2))
                let cpuMs = Int(Double(end - start) * busy * (isLast ? max(fraction, 0.02) : 1))
                nodes.append(Node(component: component, status: status, cpuTimeMs: cpuMs, peakCpu: min(0.99, busy * r.double(1.1...1.6)),
                                  allocBytes: Int(Double(run.memoryMB) * 1_048_576 * share * r.double(0.5...0.9)),
                                  inputs: inputs, outputs: outputs))
            }
            let phaseStatus: String
            if !isLast { phaseStatus = "FINISHED_OK" } else if isJobflow { phaseStatus = run.status == .finishedOK ? "FINISHED_OK" : lastStatus } else {
                phaseStatus = lastStatus
            }
            let memory = Int(Double(run.memoryMB) * 1_048_576 * spec.phaseWeights[p] * r.double(0.8...1.2) + 4_194_304)
            phases.append(Phase(number: p, status: phaseStatus, start: start, end: end, memoryBytes: memory, nodes: nodes))
        }
    }

    private func jobflowStepIndex(_ componentId: String, _ spec: JobSpec) -> Int? {
        spec.steps.firstIndex { $0.componentId == componentId }
    }

    private func jobflowNodeStatus(_ component: ComponentSpec, spec: JobSpec, run: DemoRun, childStatuses: [[RunStatus]]) -> String {
        if run.status == .running || run.status == .unknown { return "RUNNING" }
        if run.status == .finishedOK { return "FINISHED_OK" }
        if let f = run.failure, spec.components[f.component].id == component.id { return "ERROR" }
        // A failed jobflow: steps that completed stay FINISHED_OK, the rest is aborted.
        if let step = jobflowStepIndex(component.id, spec) {
            let statuses = childStatuses.indices.contains(step) ? childStatuses[step] : []
            return !statuses.isEmpty && statuses.allSatisfy { $0 == .finishedOK } ? "FINISHED_OK" : "ABORTED"
        }
        return component.type == "DATA_GENERATOR" ? "FINISHED_OK" : "ABORTED"
    }

    /// Tokens that passed a jobflow edge: one per launched or successful child.
    private func jobflowTokens(_ edge: EdgeSpec, spec: JobSpec, run: DemoRun, childStatuses: [[RunStatus]]) -> Int {
        if let step = jobflowStepIndex(edge.from, spec) {
            return childStatuses.indices.contains(step) ? childStatuses[step].filter { $0 == .finishedOK }.count : 0
        }
        if let step = jobflowStepIndex(edge.to, spec) {
            return childStatuses.indices.contains(step) ? childStatuses[step].count : 0
        }
        if case .fixed(let n) = edge.volume { return n }
        return 1
    }

    /// The failing node's "(In0: n recs, Out0: m recs)" at the moment it failed.
    func recordsMessage(componentId: String) -> String {
        for phase in phases {
            if let node = phase.nodes.first(where: { $0.component.id == componentId }) {
                let parts = node.inputs.map { "In\($0.index): \($0.records) recs" } + node.outputs.map { "Out\($0.index): \($0.records) recs" }
                return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
            }
        }
        return ""
    }
}
