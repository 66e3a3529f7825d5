import CloverPluginSupport
import Foundation
import PluginKit

/// `server_perf_logs_summary`: the incidents in a window of performance.log, then min/avg/max/p95 of
/// every metric (per bucket when asked), all computed by SQL in the host.
enum PerfSummaryTool {
    struct Arguments: Decodable, Sendable {
        let from: String?
        let to: String?
        let bucketMinutes: Int?
    }

    struct Result: Encodable {
        let window: PerfWindow
        /// The Worker's max heap from worker.maxHeapSize (GB), when configured.
        let workerMaxHeapGB: Double?
        let incidents: [PerfIncident]
        let samples: Int
        let firstTime: String?
        let lastTime: String?
        let metrics: [PerfStatistics.Stat]
        let bucketMinutes: Int?
        let buckets: [PerfStatistics.Bucket]?
        let warnings: [String]
        let notes: [String]
    }

    /// The metrics shown per bucket in the text (every metric is in structuredContent).
    static let bucketTextMetrics: [(metric: String, statistic: String)] = [
        ("wHeap", "max"), ("wGC", "max"), ("sysCPU", "avg"), ("jobs", "max"), ("jobQueue", "max"), ("hbAge", "max"), ("cFD", "max"),
    ]

    static var definition: ToolDefinition {
        let rules = "heapPressure: wHeap ≥ \(Int(PerfIncidentRules.heapFraction * 100))% of the Worker's max heap (worker.maxHeapSize; else of the "
            + "window's highest wHeap) while wGC > \(Int(PerfIncidentRules.gcPercent))%; heartbeat: hbAge ≥ \(Int(PerfIncidentRules.heartbeatSeconds)) s; "
            + "workerRestart / coreRestart: wUptime / cUptime drops; swap: swap > \(PerfIncidentRules.swapGB) GB; queue: jobQueue ≥ "
            + "\(PerfIncidentRules.queuedJobs); samplingGap: no sample for ≥ \(PerfIncidentRules.gapSeconds) s; fdLeak: cFD or wFD 30-minute "
            + "averages rising \(PerfIncidentRules.fdRisingSteps)+ steps in a row and 25% in all"
        return ToolDefinition(
            name: "server_perf_logs_summary", title: "Summarize performance logs",
            description: """
                Summarizes the CloverDX server's performance.log over a time window: first the incidents it shows, each with \
                its start and end time (server local time), then min/avg/p95/max of every metric (heap in GB, CPU and GC in %, \
                threads, file descriptors, jobs, uptimes in s), optionally per time bucket. Start here when asked about server \
                health, slowness, out-of-memory, Worker restarts or a stuck job queue; then look closer with \
                server_perf_logs_query and the server logs around an incident's times. Incidents (samples closer than \
                \(PerfIncidentRules.episodeGapSeconds) s form one episode): \(rules). \
                `from`/`to`: \(ServerTime.acceptedFormats); without them the last 24 hours of the log. `bucketMinutes` (1-1440) adds \
                per-bucket statistics, buckets aligned to the server's clock (at most \(PerfStatistics.maximumBuckets)).
                """,
            inputSchema: """
                {"type":"object","properties":{
                "from":{"type":"string","description":"Window start (server local time, ISO with zone, or relative like -6h); default: 24 h before the log's end"},
                "to":{"type":"string","description":"Window end; default: the log's end"},
                "bucketMinutes":{"type":"integer","minimum":1,"maximum":1440,"description":"Also give statistics per bucket of this many minutes"}},
                "additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{
                "window":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}}},
                "workerMaxHeapGB":{"type":"number"},
                "incidents":{"type":"array","items":{"type":"object","properties":{"kind":{"type":"string"},"metric":{"type":"string"},
                "start":{"type":"string"},"end":{"type":"string"},"samples":{"type":"integer"},"peak":{"type":["number","null"]},
                "description":{"type":"string"}},"required":["kind","metric","start","end","samples","description"]}},
                "samples":{"type":"integer"},"firstTime":{"type":"string"},"lastTime":{"type":"string"},
                "metrics":{"type":"array","items":{"$ref":"#/$defs/stat"}},"bucketMinutes":{"type":"integer"},
                "buckets":{"type":"array","items":{"type":"object","properties":{"start":{"type":"string"},"samples":{"type":"integer"},
                "metrics":{"type":"array","items":{"$ref":"#/$defs/stat"}}},"required":["start","samples","metrics"]}},
                "warnings":{"type":"array","items":{"type":"string"}},"notes":{"type":"array","items":{"type":"string"}}},
                "required":["window","incidents","samples","metrics","warnings","notes"],
                "$defs":{"stat":{"type":"object","properties":{"metric":{"type":"string"},"unit":{"type":"string"},"samples":{"type":"integer"},
                "min":{"type":["number","null"]},"avg":{"type":["number","null"]},"max":{"type":["number","null"]},"p95":{"type":["number","null"]}},
                "required":["metric","unit","samples"]}}}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let result = try run(arguments, call: call)
            return try .structured(result, text: text(result))
        }
    }

    static func run(_ arguments: Arguments, call: CallContext) throws -> Result {
        if let minutes = arguments.bucketMinutes, !(1...1_440).contains(minutes) {
            throw ToolError.invalidArguments("\"bucketMinutes\" must be 1 to 1440 (got \(minutes))")
        }
        let clock = ServerTime.of(call)
        let window = LogWindow.resolve(try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: clock), log: "performance",
                                       clock: clock, call: call)
        if let minutes = arguments.bucketMinutes, let from = window.from, let to = window.to {
            let buckets = (to.milliseconds - from.milliseconds) / Int64(minutes * 60_000) + 1
            if buckets > PerfStatistics.maximumBuckets {
                throw ToolError.invalidArguments("bucketMinutes \(minutes) makes \(buckets) buckets from \(from) to \(to); at most "
                    + "\(PerfStatistics.maximumBuckets): use bucketMinutes ≥ \((to.milliseconds - from.milliseconds) / Int64(PerfStatistics.maximumBuckets - 1) / 60_000 + 1) or a shorter window")
            }
        }
        let maxHeap = PerfIncidentRules.gigabytes(maxHeapSize: call.environment.config("worker.maxHeapSize"))
        let (statistics, loaded) = try PerfStatistics.load(window: window, bucketMinutes: arguments.bucketMinutes, call: call)
        if call.isCancelled { throw ToolError.failed("server_perf_logs_summary was cancelled") }
        let (incidents, moreIncidents) = try PerfIncidentRules(workerMaxHeap: maxHeap).detect(window: window, call: call)
        var notes: [String] = []
        if moreIncidents {
            notes.append("more than \(PerfIncidentRules.maximumIncidents) incidents; the earliest are listed: narrow the window for later ones")
        }
        if loaded.loadTruncated {
            notes.append("only the samples up to \(loaded.lastTime ?? "?") were loaded (the host's row cap); narrow from/to for the rest")
        }
        if statistics.samples == 0 {
            notes.append("performance.log has no samples from \(window.from?.text ?? "its start") to \(window.to?.text ?? "its end")")
        }
        return Result(window: PerfWindow(window), workerMaxHeapGB: maxHeap, incidents: incidents, samples: statistics.samples,
                      firstTime: statistics.firstTime, lastTime: statistics.lastTime, metrics: statistics.metrics,
                      bucketMinutes: arguments.bucketMinutes, buckets: statistics.buckets, warnings: loaded.warnings, notes: notes)
    }

    static func text(_ result: Result) -> String {
        var lines = ["Performance \(result.window.from ?? "from the start") … \(result.window.to ?? "to the end"): \(result.samples) samples"
            + (result.firstTime.map { " (\($0) … \(result.lastTime ?? "?"))" } ?? "") + "."]
        if result.incidents.isEmpty {
            lines.append("No incidents.")
        } else {
            lines.append("Incidents (\(result.incidents.count)):")
            lines += result.incidents.map { "- \($0.start) → \($0.end)  \($0.kind): \($0.description)" }
        }
        if !result.metrics.isEmpty, result.samples > 0 {
            func cell(_ value: Double?) -> String { value.map(PerfFormat.number) ?? "" }
            lines.append("")
            lines.append(TextTable.render(header: ["metric", "unit", "samples", "min", "avg", "p95", "max"], rows: result.metrics.map {
                [$0.metric, $0.unit, String($0.samples), cell($0.min), cell($0.avg), cell($0.p95), cell($0.max)]
            }))
        }
        if let buckets = result.buckets, !buckets.isEmpty {
            lines.append("")
            lines.append("Per \(result.bucketMinutes ?? 0) min (all metrics in structuredContent):")
            let header = ["bucket", "samples"] + bucketTextMetrics.map { "\($0.metric) \($0.statistic)" }
            lines.append(TextTable.render(header: header, rows: buckets.map { bucket in
                [bucket.start, String(bucket.samples)] + bucketTextMetrics.map { wanted in
                    let stat = bucket.metrics.first { $0.metric == wanted.metric }
                    return (wanted.statistic == "avg" ? stat?.avg : stat?.max).map(PerfFormat.number) ?? ""
                }
            }))
        }
        lines += result.warnings.map { "Warning: \($0)." }
        lines += result.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}
