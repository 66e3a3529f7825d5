/// The columns of the host's `performance` and `job_queue` log tables (docs/CLOVERDX.md, "Performance log"
/// and "Job queue log"), with
/// units, for tool descriptions, statistics and rendering.
struct PerfMetric: Sendable {
    let name: String
    let unit: String
    let meaning: String

    /// performance.log: one sample every 3 s; `c` = collected by the Core, `w` = by the Worker.
    static let performance: [PerfMetric] = [
        PerfMetric(name: "hbAge", unit: "s", meaning: "age of the Worker's last heartbeat; about 60 → the Core restarts the Worker"),
        PerfMetric(name: "cGC", unit: "%", meaning: "Core CPU time in GC since the previous sample, 0-100"),
        PerfMetric(name: "wGC", unit: "%", meaning: "Worker CPU time in GC since the previous sample, 0-100"),
        PerfMetric(name: "cHeap", unit: "GB", meaning: "Core used heap"),
        PerfMetric(name: "wHeap", unit: "GB", meaning: "Worker used heap"),
        PerfMetric(name: "sysCPU", unit: "%", meaning: "machine CPU, 10 s average, 0-100"),
        PerfMetric(name: "cCPU", unit: "%", meaning: "Core process CPU, 10 s average"),
        PerfMetric(name: "wCPU", unit: "%", meaning: "Worker process CPU, 10 s average"),
        PerfMetric(name: "jobs", unit: "count", meaning: "jobs running on this node"),
        PerfMetric(name: "jobQueue", unit: "count", meaning: "jobs waiting in the job queue"),
        PerfMetric(name: "cThread", unit: "count", meaning: "Core live threads"),
        PerfMetric(name: "wThread", unit: "count", meaning: "Worker live threads"),
        PerfMetric(name: "swap", unit: "GB", meaning: "OS swap used"),
        PerfMetric(name: "cFD", unit: "count", meaning: "Core open file descriptors (not on Windows)"),
        PerfMetric(name: "wFD", unit: "count", meaning: "Worker open file descriptors"),
        PerfMetric(name: "cUptime", unit: "s", meaning: "Core uptime"),
        PerfMetric(name: "wUptime", unit: "s", meaning: "Worker uptime; drops when the Worker restarts"),
    ]

    /// job-queue.log: one sample every 3 s.
    static let jobQueue: [PerfMetric] = [
        PerfMetric(name: "queued", unit: "count", meaning: "jobs waiting in the queue"),
        PerfMetric(name: "running", unit: "count", meaning: "jobs running"),
        PerfMetric(name: "started", unit: "count", meaning: "jobs started in the last 3 s"),
        PerfMetric(name: "cpu", unit: "%", meaning: "CPU the queue sees, 0-100"),
        PerfMetric(name: "loadStep", unit: "count", meaning: "how many jobs the queue admits at once"),
        PerfMetric(name: "queueExecutions", unit: "count", meaning: "jobs started from the queue in the last 3 s"),
        PerfMetric(name: "avgCpu", unit: "%", meaning: "average CPU the queue sees"),
        PerfMetric(name: "coreLowMem", unit: "0/1", meaning: "the Core is low on memory"),
        PerfMetric(name: "workerLowMem", unit: "0/1", meaning: "the Worker is low on memory"),
        PerfMetric(name: "nonBlockedJobs", unit: "count", meaning: "jobflows not blocking the queue"),
    ]

    /// `name (unit: meaning)` for each metric, for descriptions.
    static func describe(_ metrics: [PerfMetric]) -> String {
        metrics.map { "\($0.name) (\($0.unit)) \($0.meaning)" }.joined(separator: "; ")
    }
}
