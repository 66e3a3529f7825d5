/// The simulated week: every run with its times and outcome, the incidents, the people using the
/// server. Log writers and the database writer all read this one model, which is what keeps the
/// story consistent across files.
struct DemoModel {
    let seed: UInt64
    let clock: DemoClock
    let profile: DemoProfile
    /// First local midnight of the window.
    let windowStart: Int64
    let now: Int64
    let firstDay: Int64
    let days: Int
    let incidents: DemoIncidents
    let schedules: [DemoSchedule]
    var runs: [DemoRun]
    let firstRunId: Int
    var sessions: [ConsoleSession]
    var loginAttempts: [LoginAttempt]
    var designerCalls: [DesignerCall]
    var dataServiceCalls: [DataServiceCall]
    var userActions: [UserActionEvent]
    /// The installation's absolute path as the files name it (`clover.home`).
    var contentRoot = ""

    func run(id: Int) -> DemoRun? {
        let index = id - firstRunId
        return runs.indices.contains(index) ? runs[index] : nil
    }

    func job(of run: DemoRun) -> JobSpec {
        DemoCatalogue.jobs[run.job]
    }

    /// The Core (Tomcat) was up at `time`.
    func coreIsUp(at time: Int64) -> Bool {
        guard let down = incidents.coreDown, let up = incidents.coreUp else { return true }
        return time < down || time >= up
    }

    /// The Core and the Worker were both up at `time`.
    func workerIsUp(at time: Int64) -> Bool {
        if let crash = incidents.oomTime, let up = incidents.oomWorkerUp, time >= crash && time < up { return false }
        if let down = incidents.coreDown, let up = incidents.coreWorkerUp, time >= down && time < up { return false }
        return true
    }
}

struct DemoProfile: Sendable {
    let size: DemoSize
    /// Extra order schedules, one per region (`.large`).
    let regions: [String]
    let regionIntervalMinutes: Int
    /// Graphs the job queue lets run at once.
    let graphSlots: Int
    /// Run durations multiply by this (longer runs: more periodic tracking in the logs).
    let durationScale: Double
    /// Seconds between the monitoring system's REST polls.
    let monitoringPollSeconds: Int
    /// Monitoring clients polling at once.
    let monitoringClients: Int
    /// Extra Designer/console activity factor.
    let activity: Int
    let rollSizeLimit: Int
    let compressionLevel: Int32

    static func of(_ size: DemoSize) -> DemoProfile {
        switch size {
        case .small:
            return DemoProfile(size: size, regions: [], regionIntervalMinutes: 15, graphSlots: 12, durationScale: 1,
                               monitoringPollSeconds: 60, monitoringClients: 1, activity: 1,
                               rollSizeLimit: 20 * 1024 * 1024, compressionLevel: 6)
        case .large:
            return DemoProfile(size: size, regions: DemoCatalogue.largeRegions, regionIntervalMinutes: 5, graphSlots: 16,
                               durationScale: 8, monitoringPollSeconds: 2, monitoringClients: 6, activity: 4,
                               rollSizeLimit: 20 * 1024 * 1024, compressionLevel: 1)
        }
    }
}

/// When things went wrong this week. A `nil` incident did not fit in the window.
struct DemoIncidents: Sendable {
    /// Core file descriptors start leaking.
    var fdLeakStart: Int64?
    /// From here on "Too many open files" errors appear.
    var fdErrorsFrom: Int64?
    /// The admin restarts Tomcat to get rid of the leak.
    var coreDown: Int64?
    /// Tomcat has started again ("Server startup in …").
    var coreUp: Int64?
    /// The Worker is up again after the Core restart.
    var coreWorkerUp: Int64?
    /// The warehouse database is unreachable.
    var dbOutageStart: Int64?
    var dbOutageEnd: Int64?
    /// The Worker runs out of heap.
    var oomTime: Int64?
    /// The Core gives up on the Worker's heartbeat and kills it.
    var oomWorkerKill: Int64?
    /// The new Worker is up.
    var oomWorkerUp: Int64?
    /// The ad-hoc run that eats the heap.
    var oomCulpritSubmit: Int64?
    /// The month-end backfill that floods the job queue.
    var backfillSubmit: Int64?
    /// Someone guesses the admin password from outside.
    var bruteForceStart: Int64?
    /// The CRM API is slow for this hour's sync: its child run times out.
    var slowCRMSync: Int64?
    /// A developer starts a run from Designer and aborts it.
    var abortedDesignerRun: Int64?

    func inDatabaseOutage(_ time: Int64) -> Bool {
        guard let a = dbOutageStart, let b = dbOutageEnd else { return false }
        return time >= a && time < b
    }
}

enum RunStatus: String, Sendable {
    case finishedOK = "FINISHED_OK"
    case error = "ERROR"
    case aborted = "ABORTED"
    case timeout = "TIMEOUT"
    case unknown = "UNKNOWN"
    case running = "RUNNING"
    case enqueued = "ENQUEUED"

    var isFailure: Bool { self == .error || self == .aborted || self == .timeout || self == .unknown }
}

enum RunOrigin: Sendable, Equatable {
    case schedule(Int)
    case listener(Int)
    case console
    case designer
    case api
    case jobflow
}

struct RunFailure: Sendable {
    let kind: FailureKind
    /// Index into the job's components.
    let component: Int
    let time: Int64
    /// Record number, key value or similar detail the message quotes.
    let detail: Int
    /// The failed child of a jobflow.
    var childRunId: Int?
    var abortedBy: String?
}

struct DemoRun: Sendable {
    let id: Int
    var parentId: Int
    var rootId: Int
    let job: Int
    let username: String
    let origin: RunOrigin
    let clientIP: String?
    let submit: Int64
    var parameters: [(name: String, value: String)]
    var start: Int64 = -1
    var stop: Int64 = -1
    var status: RunStatus = .enqueued
    var failure: RunFailure?
    var phaseStarts: [Int64] = []
    var phaseEnds: [Int64] = []
    /// The run log has no lines after this (crash, restart, `now`).
    var logEnd: Int64 = .max
    var records = 0
    var memoryMB = 0
    /// Jobflows: child run IDs per step.
    var children: [[Int]] = []
    /// Which step of its parent launched this run.
    var parentStep = -1
    var executorThread: Int { 1 + (id * 7) % 40 }
    var waitedInQueue: Bool { start >= 0 && start - submit > 1500 }
    var hasLog: Bool { start >= 0 }
    var durationMs: Int64? { (start >= 0 && stop >= 0) ? stop - start : nil }
}

struct ConsoleSession: Sendable {
    let user: String
    let ip: String
    let login: Int64
    let logout: Int64
    /// Logged out by hand; otherwise the session timed out.
    let explicitLogout: Bool
}

struct LoginAttempt: Sendable {
    let time: Int64
    let user: String
    let ip: String
    let success: Bool
    /// "console" (form login) or "rest" (HTTP Basic).
    let channel: String
    let path: String
}

struct DesignerCall: Sendable {
    let time: Int64
    let user: String
    let ip: String
    let operation: String
    let success: Bool
    let durationMs: Int
    let detail: String
}

struct DataServiceCall: Sendable {
    let time: Int64
    let user: String
    let ip: String
    let uri: String
    let status: Int
    let durationMs: Int
    let bytes: Int
}

struct UserActionEvent: Sendable {
    let time: Int64
    let user: String
    let domain: String
    let ip: String
    let action: String
    let result: String
    let extra: String
}
