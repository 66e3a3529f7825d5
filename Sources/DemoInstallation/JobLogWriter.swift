/// Writes one run log per run (`graph.logs_path/<runId>.log`) in the engine's layout:
/// `%d %-5p %-3X{runId} [%t] %m%n`, the WatchDog's messages, periodic and final tracking tables
/// (GraphTrackingLogger / JobflowTrackingLogger column widths), the phase summary, and for failures
/// the engine's composite error message with the Java stack trace.
struct JobLogWriter {
    let model: DemoModel
    let buffer: TextBuffer
    let trackingIntervalMs: Int64 = 5000

    private static let finalBanner: StaticString = "----------------------** Final tracking Log for phase ["
    private static let periodicBanner: StaticString = "---------------------** Start of tracking Log for phase ["
    private static let graphFinalHeader: StaticString = "Node                   ID        Port       #Records        #KB  aRec/s   aKB/s"
    private static let graphPeriodicHeader: StaticString = "Node                   ID        Port       #Records        #KB   Rec/s    KB/s"
    private static let jobflowHeader: StaticString = "Node                   ID         Port      #Records"
    private static let rule: StaticString = "---------------------------------------------------------------------------------"
    private static let endOfLog: StaticString = "---------------------------------** End of Log **--------------------------------"

    /// The workspace parameters every sandbox declares (`workspace.prm`).
    static let workspaceParameters: [(name: String, value: String)] = [
        ("CONN_DIR", "${PROJECT}/conn"), ("DATAIN_DIR", "${PROJECT}/data-in"), ("DATAOUT_DIR", "${PROJECT}/data-out"),
        ("DATATMP_DIR", "${PROJECT}/data-tmp"), ("GRAPH_DIR", "${PROJECT}/graph"), ("JOBFLOW_DIR", "${PROJECT}/jobflow"),
        ("LIB_DIR", "${PROJECT}/lib"), ("LOOKUP_DIR", "${PROJECT}/lookup"), ("META_DIR", "${PROJECT}/meta"),
        ("PROFILE_DIR", "${PROJECT}/profile"), ("PROJECT", "."), ("SUBGRAPH_DIR", "${PROJECT}/graph/subgraph"),
        ("TRANS_DIR", "${PROJECT}/trans"),
    ]

    /// Renders the log of `run` into `buffer` (cleared first).
    func render(run: DemoRun, tracking: RunTracking, report: RunErrorReport?) {
        buffer.removeAll()
        guard run.start >= 0 else { return }
        let spec = DemoCatalogue.jobs[run.job]
        var r = DemoRandom(seed: model.seed, stream: "joblog", item: run.id)
        let limit = min(run.logEnd, run.stop >= 0 ? run.stop : model.now)
        var t = run.start
        let executor = "ExecutorThread-\(run.executorThread)"
        let watchdog = "WatchDog_\(run.id)"
        var lines = LineStream(buffer: buffer, runId: run.id, limit: limit)

        t += Int64(r.int(1...4))
        lines.line(t, "INFO", executor) { $0.write("Checking graph configuration...") }
        t += Int64(r.int(6...24))
        lines.line(t, "INFO", executor) { $0.write("Graph configuration is valid.") }
        for p in 0..<spec.phaseCount {
            t += Int64(r.int(1...4))
            lines.line(t, "INFO", executor) { b in b.write("Initializing phase "); b.int(p) }
        }
        let firstPhase = run.phaseStarts.first ?? (run.start + 60)
        let watchdogStart = max(t + 2, firstPhase - Int64(r.int(8...20)))
        t = watchdogStart
        lines.line(t, "INFO", watchdog) { b in b.write("Job execution type: "); b.write(spec.kind.jobType) }
        lines.line(t, "INFO", watchdog) { b in
            b.write("Job parameters: \n")
            let parameters = jobParameters(run: run, spec: spec)
            for (i, p) in parameters.enumerated() {
                b.write(p.name); b.byte(61); b.write(p.value)
                if i < parameters.count - 1 { b.newline() }
            }
        }
        t += 1
        lines.line(t, "INFO", watchdog) { b in
            b.write("Runtime classpath: [file:"); b.write(model.contentRoot); b.write("/sandboxes/"); b.write(spec.sandbox); b.write("/trans/]")
        }

        let failure = run.failure
        let failedPhase = (run.status == .error || run.status == .aborted || run.status == .timeout) && failure != nil
            ? tracking.phases.count - 1 : -1
        for phase in tracking.phases {
            let p = phase.number
            t = max(t + 1, phase.start)
            lines.line(t, "INFO", watchdog) { b in b.write("Starting up all nodes in phase ["); b.int(p); b.write("]") }
            t += Int64(r.int(1...5))
            lines.line(t, "INFO", watchdog) { $0.write("Successfully started all nodes in phase!") }
            let stopOfWork = p == failedPhase ? failure!.time : phase.end
            if spec.kind == .graph {
                var tick = phase.start + trackingIntervalMs
                while tick < stopOfWork && tick <= limit {
                    let at = tick + Int64(r.int(0...3))
                    let progress = Double(at - phase.start) / Double(max(1, stopOfWork - phase.start))
                    trackingBlock(&lines, at: at, phase: phase, final: false, progress: min(1, progress), spec: spec, thread: watchdog, r: &r)
                    tick += trackingIntervalMs
                }
            } else {
                childLines(&lines, run: run, spec: spec, phase: phase, r: &r)
            }
            t = max(t, stopOfWork)
            if p == failedPhase, let failure {
                if run.status == .error, let report {
                    if failure.kind == .outOfMemory {
                        lines.line(failure.time - 1, "FATAL", "\(report.componentId)_\(run.id)") { $0.write("java.lang.OutOfMemoryError: Java heap space") }
                    }
                    t = failure.time + Int64(r.int(0...2))
                    lines.line(t, "ERROR", watchdog) { $0.write(report.compositeMessage) }
                    lines.line(t, "ERROR", watchdog) { b in b.write("Error details:\n"); b.write(report.stackTrace) }
                    t = max(t + 1, phase.end)
                    lines.line(t, "INFO", watchdog) { b in
                        b.write("Execution of phase ["); b.int(p); b.write("] finished with error - elapsed time(sec): "); b.int64((t - watchdogStart) / 1000)
                    }
                    lines.line(t, "ERROR", watchdog) { $0.write("Phase finished with error - stopping job run") }
                } else {
                    t = failure.time
                    for node in phase.nodes {
                        lines.line(t, "WARN", watchdog) { b in b.write("Interrupted node: "); b.write(node.component.id) }
                    }
                    t = max(t + 1, phase.end)
                    lines.line(t, "INFO", watchdog) { b in
                        b.write("Execution of phase ["); b.int(p); b.write("] was aborted - elapsed time(sec): "); b.int64((t - watchdogStart) / 1000)
                    }
                    lines.line(t, "WARN", watchdog) { $0.write("Phase execution aborted") }
                }
            } else if run.stop >= 0 || phase.end <= limit {
                t = max(t, phase.end)
                if t <= limit && (run.status == .finishedOK || p < tracking.phases.count - 1) {
                    trackingBlock(&lines, at: t, phase: phase, final: true, progress: 1, spec: spec, thread: watchdog, r: &r)
                    lines.line(t, "INFO", watchdog) { b in
                        b.write("Execution of phase ["); b.int(p); b.write("] successfully finished - elapsed time(sec): ")
                        b.int64((t - watchdogStart) / 1000)
                    }
                }
            }
        }

        guard run.stop >= 0 && run.status != .unknown && run.status != .running else { return }
        t = max(t + Int64(r.int(2...6)), (tracking.phases.last?.end ?? t) + 1)
        lines.line(t, "INFO", watchdog) { $0.write("-----------------------** Summary of Phases execution **---------------------") }
        lines.line(t, "INFO", watchdog) { $0.write("Phase#            Finished Status         RunTime(sec)    MemoryAllocation(MB)") }
        for p in 0..<spec.phaseCount {
            let phase = tracking.phases.first { $0.number == p }
            lines.line(t, "INFO", watchdog) { b in
                b.field(String(p), -18)
                b.field(phase.map { $0.status == "N_A" ? "N/A" : $0.status } ?? "N/A", -24)
                b.field(Int((phase?.durationMs ?? 0) / 1000), 12)
                b.field((phase?.memoryBytes ?? 0) / (1024 * 1024), 18)
            }
        }
        lines.line(t, "INFO", watchdog) { $0.write("------------------------------** End of Summary **---------------------------") }
        let finished = max(t + 1, run.stop - Int64(r.int(3...12)))
        lines.line(finished, "INFO", watchdog) { b in
            b.write("WatchDog thread finished - total execution time: "); b.int64((finished - watchdogStart) / 1000); b.write(" (sec)")
        }
    }

    /// Parameters the run sees, sorted by name as the engine prints them.
    func jobParameters(run: DemoRun, spec: JobSpec) -> [(name: String, value: String)] {
        var all: [(name: String, value: String)] = JobLogWriter.workspaceParameters
        let set: (String, String) -> Void = { name, value in
            if let i = all.firstIndex(where: { $0.name == name }) { all[i].value = value } else { all.append((name, value)) }
        }
        for p in spec.parameters { set(p.name, p.value) }
        for p in run.parameters { set(p.name, p.value) }
        set("CLOVER_USERNAME", run.username)
        set("JOB_FILE", spec.path)
        set("NODE_ID", DemoCatalogue.nodeId)
        set("PARENT_RUN_ID", String(run.parentId))
        set("ROOT_RUN_ID", String(run.rootId))
        set("RUN_ID", String(run.id))
        set("SANDBOX_CODE", spec.sandbox)
        set("SANDBOX_ROOT", model.contentRoot + "/sandboxes/" + spec.sandbox)
        return all.sorted { $0.name < $1.name }
    }

    /// Jobflow component threads report the child jobs they start and see finish.
    private func childLines(_ lines: inout LineStream, run: DemoRun, spec: JobSpec, phase: RunTracking.Phase, r: inout DemoRandom) {
        var events: [(time: Int64, text: String, thread: String)] = []
        for (step, ids) in run.children.enumerated() {
            let thread = "\(spec.steps[step].componentId)_\(run.id)"
            for id in ids {
                guard let child = model.run(id: id) else { continue }
                let childSpec = DemoCatalogue.jobs[child.job]
                let url = "sandbox://\(childSpec.sandbox)/\(childSpec.path)"
                events.append((child.submit, "Job \(url) submitted, runId: \(child.id)", thread))
                if child.stop >= 0 {
                    events.append((child.stop + 3, "Job \(url) (runId \(child.id)) finished with status \(child.status.rawValue)", thread))
                }
            }
        }
        for e in events.sorted(by: { $0.time < $1.time }) {
            lines.line(e.time, "INFO", e.thread) { $0.write(e.text) }
        }
    }

    private func trackingBlock(_ lines: inout LineStream, at time: Int64, phase: RunTracking.Phase, final: Bool, progress: Double,
                               spec: JobSpec, thread: String, r: inout DemoRandom) {
        let p = phase.number
        lines.line(time, "INFO", thread) { b in
            b.write(final ? JobLogWriter.finalBanner : JobLogWriter.periodicBanner); b.int(p)
            b.write(final ? "] **---------------------" : "] **-------------------")
        }
        let heap = spec.path == "graph/AggregateSalesYearly.grf" ? r.int(3300...4000) : r.int(180...2600)
        lines.line(time, "INFO", thread) { b in
            b.write("Time: "); b.trackingTime(time); b.write(", JVM heap used: "); b.int(heap); b.write(" MB")
        }
        let isGraph = spec.kind == .graph
        lines.line(time, "INFO", thread) {
            $0.write(isGraph ? (final ? JobLogWriter.graphFinalHeader : JobLogWriter.graphPeriodicHeader) : JobLogWriter.jobflowHeader)
        }
        lines.line(time, "INFO", thread) { $0.write(JobLogWriter.rule) }
        let elapsedSeconds = Double(max(1, (final ? phase.durationMs : time - phase.start))) / 1000
        for node in phase.nodes {
            let status = final ? node.status : "RUNNING"
            lines.line(time, "INFO", thread) { b in
                b.field(node.component.name, -23); b.field(node.component.id, -41); b.field(status, 15)
            }
            let cpu = final ? Int(node.peakCpu * 100) : Int(node.peakCpu * 100 * r.double(0.35...0.9))
            var cpuPrinted = false
            if isGraph {
                for (i, port) in (node.inputs + node.outputs).enumerated() {
                    let label = (port.isInput ? "In:" : "Out:") + String(port.isInput ? i : i - node.inputs.count)
                    let records = final ? port.records : Int(Double(port.records) * progress)
                    let bytes = final ? port.bytes : Int(Double(port.bytes) * progress)
                    let flowFactor = final ? 1.0 : r.double(0.6...1.4)
                    let rate = Int(Double(records) / elapsedSeconds * flowFactor)
                    let byteRate = Int(Double(bytes) / elapsedSeconds * flowFactor)
                    lines.line(time, "INFO", thread) { b in
                        if !cpuPrinted {
                            b.field(" %cpu:", -6); b.field(cpu, -4); b.field(label, 27)
                        } else {
                            b.field(label, 37)
                        }
                        b.field(records, 15); b.field(bytes >> 10, 11); b.field(rate, 8); b.field(byteRate >> 10, 8)
                    }
                    cpuPrinted = true
                }
                if !cpuPrinted {
                    lines.line(time, "INFO", thread) { b in b.field(" %cpu:", -6); b.field(cpu, -4) }
                }
            } else {
                for port in node.inputs + node.outputs {
                    lines.line(time, "INFO", thread) { b in
                        b.field(port.isInput ? "In:" : "Out:", 38); b.field(port.index, -5); b.field(port.records, 9)
                    }
                }
            }
        }
        lines.line(time, "INFO", thread) { $0.write(JobLogWriter.endOfLog) }
    }
}

/// Appends prefixed log lines to a run log, dropping everything after the log's end.
struct LineStream {
    let buffer: TextBuffer
    let runId: Int
    let limit: Int64
    private var last: Int64 = .min
    private let runIdText: String

    init(buffer: TextBuffer, runId: Int, limit: Int64) {
        self.buffer = buffer
        self.runId = runId
        self.limit = limit
        runIdText = String(runId)
    }

    /// One log event; its message may span lines.
    mutating func line(_ time: Int64, _ level: StaticString, _ thread: String, _ message: (TextBuffer) -> Void) {
        let t = max(time, last)
        guard t <= limit else { return }
        last = t
        buffer.timestamp(t)
        buffer.byte(32)
        buffer.write(level)
        buffer.spaces(5 - level.utf8CodeUnitCount)
        buffer.byte(32)
        // %-3X{runId}: at least three characters, never cut.
        buffer.write(runIdText)
        buffer.spaces(3 - runIdText.utf8.count)
        buffer.write(" [")
        buffer.write(thread)
        buffer.write("] ")
        message(buffer)
        buffer.newline()
    }
}
