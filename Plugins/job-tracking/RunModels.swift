import CloverPluginSupport

/// Which runs `job_list` and `job_statistics` look at. Times are the server's wall clock; both ends
/// are inclusive.
struct RunFilter: Sendable {
    var sandbox: String?
    var jobFile: String?
    /// True: `jobFile` is the whole sandbox-relative path; false: any part of it, case-insensitively.
    var jobFileExact = false
    var statuses: [String] = []
    var window = TimeWindow()
    /// Only runs with an ID up to this one: keeps the pages of one listing stable while new runs arrive.
    var newestRunId: Int64?
}

/// One line of the run history.
struct RunSummary: Encodable, Sendable {
    let runId: Int64
    let sandbox: String
    let jobFile: String
    let jobType: String
    let executionType: String
    let status: String
    let user: String
    let node: String
    let submitTime: String
    let startTime: String?
    let stopTime: String?
    let durationMs: Int64?
    let errorComponent: String?
    /// The first line of the error message, shortened.
    let errorMessage: String?
}

/// One run's full record (docs/CLOVERDX.md, "Run records").
struct RunRecord: Encodable, Sendable {
    struct RunError: Encodable, Sendable {
        let componentId: String?
        let componentType: String?
        let message: String?
        /// The Java stack trace, as the server stored it (cut when very long).
        let exception: String?
    }

    struct Parameter: Encodable, Sendable {
        /// INPUT_PARAM, INPUT_DICT or OUTPUT_DICT.
        let kind: String
        let name: String
        let value: String?
    }

    let runId: Int64
    let parentRunId: Int64
    let rootRunId: Int64
    let sandbox: String
    let jobFile: String
    let jobType: String
    let executionType: String
    let status: String
    let user: String
    let node: String
    let submitTime: String
    let startTime: String?
    let stopTime: String?
    let durationMs: Int64?
    var error: RunError?
    let logFile: String?
    var parameters: [Parameter] = []
    /// Runs this one started (a jobflow's child jobs), oldest first.
    var children: [RunSummary] = []
    var childrenTruncated = false
    /// Which `RunSource` answered (`database` or `rest`) and what it could not tell.
    var source = ""
    var notes: [String] = []
}

/// A run's tracking: graph → phase → node → port (docs/CLOVERDX.md, "Tracking: graph, phase, node, port"). Decodable because the REST
/// API's `/executions/{runId}/tracking` answers in this shape.
struct RunTracking: Codable, Sendable {
    struct Port: Codable, Sendable {
        /// `Input` or `Output`.
        let type: String
        let index: Int64
        let records: Int64
        let bytes: Int64
        let recordsPerSecPeak: Int64?
        let bytesPerSecPeak: Int64?
    }

    struct Node: Codable, Sendable {
        let id: String
        let name: String
        let type: String
        let status: String
        let cpuTimeMs: Int64
        let peakCpu: Double?
        let allocBytes: Int64?
        var ports: [Port]
    }

    struct Phase: Codable, Sendable {
        let phase: Int64
        let status: String
        let executionTimeMs: Int64
        let memoryBytes: Int64?
        var nodes: [Node]
    }

    let runId: Int64
    let status: String
    let executionTimeMs: Int64?
    var phases: [Phase]
}

/// Counts and durations of one job over a window.
struct JobExecutionStats: Encodable, Sendable {
    let sandbox: String
    let jobFile: String
    let runs: Int64
    /// Runs that reached a final status.
    let finished: Int64
    /// Runs that ended ERROR, ABORTED, TIMEOUT or UNKNOWN.
    let failures: Int64
    /// failures ÷ finished (4 decimals), nil when none finished.
    let failureRate: Double?
    /// Nearest-rank percentiles and maximum of the finished runs' durations.
    let p50Ms: Int64?
    let p95Ms: Int64?
    let maxMs: Int64?

    init(sandbox: String, jobFile: String, runs: Int64, finished: Int64, failures: Int64, p50Ms: Int64?, p95Ms: Int64?, maxMs: Int64?) {
        self.sandbox = sandbox
        self.jobFile = jobFile
        self.runs = runs
        self.finished = finished
        self.failures = failures
        failureRate = finished > 0 ? (Double(failures) / Double(finished) * 10_000).rounded() / 10_000 : nil
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.maxMs = maxMs
    }
}
