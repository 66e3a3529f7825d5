import CloverPluginSupport
import PluginKit
import Synchronization

/// Runs read from CloverDX's REST API (docs/CLOVERDX.md, "REST API v1 executions"), for a sidecar that cannot reach the system
/// database.
///
/// The API filters its newest-first execution list by sandbox, whole job file and one status only.
/// Everything else — a time window, part of a job file, several statuses, the runs after a snapshot,
/// a jobflow's child runs, statistics — pages through the list and is worked out here, in the order
/// the system database gives (newest submitted first). Paging stops at the first run submitted
/// before the window, or after `pageCap` pages, which a note then says. The API has no run
/// parameters (`run_record_param`) and no log file path: records from here have neither, and say so.
struct RESTRunSource: RunSource {
    let name = "rest"
    let place = "the CloverDX REST API"
    private let call: CallContext
    private let executions: RESTExecutions
    private let clock: ServerTime
    private let memory: Memory

    /// Runs per request, and requests per scan: at most 10,000 runs are looked at.
    static let pageSize = 500
    static let pageCap = 20

    /// - Parameter notes: what the answers should say from the start (why this source was chosen).
    init(call: CallContext, notes: [String] = []) {
        self.call = call
        executions = RESTExecutions(call: call)
        clock = ServerTime.of(call)
        memory = Memory(notes: notes)
    }

    var notes: [String] { memory.notes }

    func newestRunId() throws -> Int64? {
        try executions.page([], startIndex: 0, pageSize: 1).members.map(\.runId).max()
    }

    func count(_ filter: RunFilter) throws -> Int64 {
        Int64(try matching(filter).count)
    }

    func list(_ filter: RunFilter, offset: Int, limit: Int) throws -> [RunSummary] {
        let runs = try matching(filter)
        guard offset < runs.count else { return [] }
        return runs[max(0, offset)..<min(runs.count, max(0, offset) + max(0, limit))].map(\.summary)
    }

    func record(_ runId: Int64, childLimit: Int) throws -> RunRecord? {
        guard let member = try executions.execution(runId) else { return nil }
        let run = Run(member, clock: clock)
        memory.note("the REST API gives no run parameters and no log file path: \"parameters\" is empty; job_get_log shows the parameters the run logged")
        // Children are submitted after their jobflow: the scan stops at it.
        let children = try scan([], since: run.submitted)
            .filter { $0.member.parentRunId == runId && $0.member.runId != runId }
            .sorted { $0.member.runId < $1.member.runId }
        let error = member.jobError.map {
            RunRecord.RunError(componentId: $0.componentId, componentType: $0.componentType, message: $0.message, exception: $0.exception)
        }
        var record = RunRecord(
            runId: runId, parentRunId: member.parentRunId ?? runId, rootRunId: member.rootRunId ?? runId, sandbox: run.summary.sandbox,
            jobFile: run.summary.jobFile, jobType: run.summary.jobType, executionType: run.summary.executionType, status: run.summary.status,
            user: run.summary.user, node: run.summary.node, submitTime: run.summary.submitTime, startTime: member.startTime,
            stopTime: member.stopTime, durationMs: member.duration, error: error, logFile: nil)
        record.children = children.prefix(childLimit).map(\.summary)
        record.childrenTruncated = children.count > childLimit
        return record
    }

    func tracking(_ runId: Int64) throws -> RunTracking? {
        guard var tracking = try executions.tracking(runId) else { return nil }
        // The system database's order, whatever order the server sends.
        tracking.phases.sort { $0.phase < $1.phase }
        for phase in tracking.phases.indices {
            tracking.phases[phase].nodes.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
            for node in tracking.phases[phase].nodes.indices {
                tracking.phases[phase].nodes[node].ports.sort {
                    ($0.type == "Input" ? 0 : 1, $0.index) < ($1.type == "Input" ? 0 : 1, $1.index)
                }
            }
        }
        return tracking
    }

    func jobStatistics(_ filter: RunFilter) throws -> [JobExecutionStats] {
        struct Job {
            var runs: Int64 = 0, finished: Int64 = 0, failures: Int64 = 0
            var durations: [Int64] = []
        }
        var jobs: [JobKey: Job] = [:]
        for run in try matching(filter) {
            let status = run.summary.status
            let key = JobKey(sandbox: run.summary.sandbox, jobFile: run.summary.jobFile)
            var job = jobs[key] ?? Job()
            job.runs += 1
            if RunStatusNames.final.contains(status) {
                job.finished += 1
                if let duration = run.summary.durationMs { job.durations.append(duration) }
            }
            if RunStatusNames.failed.contains(status) { job.failures += 1 }
            jobs[key] = job
        }
        return jobs.map { key, job in
            let sorted = job.durations.sorted()
            // Nearest rank in integers, ceil(p·n) = (n·p% + 99) / 100: the system database's formula.
            func rank(_ percent: Int) -> Int64? { sorted.isEmpty ? nil : sorted[(sorted.count * percent + 99) / 100 - 1] }
            return JobExecutionStats(sandbox: key.sandbox, jobFile: key.jobFile, runs: job.runs, finished: job.finished, failures: job.failures,
                                     p50Ms: rank(50), p95Ms: rank(95), maxMs: sorted.last)
        }
    }

    func recentRuns(limit: Int) throws -> [(runId: Int64, status: String)] {
        var runs: [Int64: String] = [:]
        for page in 0..<min(Self.pageCap, (max(1, limit) + Self.pageSize - 1) / Self.pageSize) {
            let members = try executions.page([], startIndex: page * Self.pageSize, pageSize: Self.pageSize).members
            for member in members { runs[member.runId] = member.status ?? "" }
            if members.count < Self.pageSize { break }
        }
        return runs.sorted { $0.key > $1.key }.prefix(max(1, limit)).map { ($0.key, $0.value) }
    }

    /// The API lists no sandboxes: the sandboxes of the newest runs.
    func sandboxCodes() throws -> [String] {
        Set(try executions.page([], startIndex: 0, pageSize: Self.pageSize).members.compactMap(\.sandboxCode))
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The runs matching `filter`, newest submitted first (then highest run ID, as the database sorts).
    private func matching(_ filter: RunFilter) throws -> [Run] {
        var query: [(name: String, value: String)] = []
        if let sandbox = filter.sandbox { query.append(("sandboxCode", sandbox)) }
        if filter.jobFileExact, let jobFile = filter.jobFile { query.append(("jobFile", jobFile)) }
        if filter.statuses.count == 1 { query.append(("status", filter.statuses[0])) }
        return try scan(query, since: filter.window.from).filter { $0.matches(filter) }.sorted { a, b in
            if a.submitted != b.submitted { return (a.submitted ?? WallClock(milliseconds: .min)) > (b.submitted ?? WallClock(milliseconds: .min)) }
            return a.member.runId > b.member.runId
        }
    }

    /// The runs the server lists for `query`, newest first, down to the first one submitted before
    /// `since`; at most `pageCap` pages. One tool call asks for the same scan more than once (a page
    /// and its total, statistics and recent failures): it is read once.
    private func scan(_ query: [(name: String, value: String)], since: WallClock?) throws -> [Run] {
        let key = query.map { "\($0.name)=\($0.value)" }.joined(separator: "&") + "|" + (since.map { String($0.milliseconds) } ?? "")
        if let known = memory.scan(key) { return known }
        var runs: [Run] = []
        var seen = Set<Int64>()
        var read = 0
        for page in 1...Self.pageCap {
            if call.isCancelled { throw ToolError.failed("cancelled") }
            let answer = try executions.page(query, startIndex: read, pageSize: Self.pageSize)
            var passedSince = false
            // A run submitted while paging shifts the list by one: the repeat is dropped.
            for member in answer.members where seen.insert(member.runId).inserted {
                let run = Run(member, clock: clock)
                runs.append(run)
                if let since, let submitted = run.submitted, submitted < since { passedSince = true }
            }
            read += answer.members.count
            let pages = answer.totalItems.map { min(Self.pageCap, max(page, Int(($0 + Int64(Self.pageSize) - 1) / Int64(Self.pageSize)))) }
            call.progress(Double(page), total: pages.map(Double.init), message: "read \(read) runs from the CloverDX REST API")
            let atEnd = answer.members.count < Self.pageSize || answer.totalItems.map { Int64(read) >= $0 } ?? false
            if passedSince || atEnd {
                memory.remember(key, runs)
                return runs
            }
        }
        memory.note("""
            the REST API filters runs by sandbox, whole job file and one status only, so they are read newest first: only the \
            newest \(read) were read (\(Self.pageCap) pages) and older runs are left out of this answer; narrow the window with \
            from/to, or read the system database (clover.mcp.sidecar.jobs.source=database)
            """)
        memory.remember(key, runs)
        return runs
    }
}

private struct JobKey: Hashable {
    let sandbox: String
    let jobFile: String
}

/// One listed execution as a run-history line, with its submit time on the server's clock.
private struct Run: Sendable {
    let member: RESTExecutions.Member
    let summary: RunSummary
    let submitted: WallClock?

    init(_ member: RESTExecutions.Member, clock: ServerTime) {
        self.member = member
        summary = RunSummary(
            runId: member.runId, sandbox: member.sandboxCode ?? "", jobFile: member.jobFile ?? "", jobType: member.jobType ?? "",
            executionType: member.executionType ?? "", status: member.status ?? "", user: member.username ?? "", node: member.nodeId ?? "",
            submitTime: member.submitTime ?? "", startTime: member.startTime, stopTime: member.stopTime, durationMs: member.duration,
            errorComponent: member.jobError?.componentId, errorMessage: member.jobError?.message.map(RunText.shortMessage))
        submitted = member.submitTime.flatMap { try? clock.parse($0, argument: "submitTime") }
    }

    /// `filter` as the system database applies it: both window ends inclusive, a job file's part
    /// without regard to case.
    func matches(_ filter: RunFilter) -> Bool {
        if let sandbox = filter.sandbox, summary.sandbox != sandbox { return false }
        if let jobFile = filter.jobFile {
            let found = filter.jobFileExact ? summary.jobFile == jobFile : summary.jobFile.lowercased().contains(jobFile.lowercased())
            if !found { return false }
        }
        if !filter.statuses.isEmpty, !filter.statuses.contains(summary.status) { return false }
        if let from = filter.window.from, !(submitted.map { $0 >= from } ?? false) { return false }
        if let to = filter.window.to, !(submitted.map { $0 <= to } ?? false) { return false }
        if let newest = filter.newestRunId, summary.runId > newest { return false }
        return true
    }
}

/// What one source instance (one tool call) has read and noted.
private final class Memory: Sendable {
    private struct Contents {
        var scans: [String: [Run]] = [:]
        var notes: [String]
    }

    private let contents: Mutex<Contents>

    init(notes: [String]) {
        contents = Mutex(Contents(notes: notes))
    }

    var notes: [String] { contents.withLock { $0.notes } }

    func note(_ text: String) {
        contents.withLock { if !$0.notes.contains(text) { $0.notes.append(text) } }
    }

    func scan(_ key: String) -> [Run]? { contents.withLock { $0.scans[key] } }

    func remember(_ key: String, _ runs: [Run]) {
        contents.withLock { $0.scans[key] = runs }
    }
}
