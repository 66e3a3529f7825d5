/// What `cloverdx_info` reports. Every section is optional: one that was not asked for is left out,
/// one that could not be read is named in `unavailable` with the reason.
struct CloverDXInfo: Encodable {
    var sandboxes: SandboxesInfo?
    var schedules: [TriggeredJob]?
    var eventListeners: [TriggeredJob]?
    var dataServices: [TriggeredJob]?
    var users: UsersInfo?
    var unavailable: [Unavailable] = []
    /// Lists cut short, and how to see the rest.
    var notes: [String] = []
}

/// A section that could not be read, and why.
struct Unavailable: Encodable {
    let section: String
    let reason: String
}

struct SandboxesInfo: Encodable {
    /// "database" (the system database's sandbox table) or "folders" (sandboxes.home).
    let source: String
    let sandboxes: [SandboxSummary]
    let warning: String?
}

struct SandboxSummary: Encodable {
    let code: String
    let name: String?
    let type: String?
    let owner: String?
    let suspended: Bool?
    let rootPath: String
    /// Whether the sandbox's folder exists on this machine.
    let exists: Bool
}

/// A schedule, event listener or data service endpoint: something that starts a job, and how its
/// last run went.
struct TriggeredJob: Encodable {
    let id: Int64?
    let name: String
    let sandbox: String?
    let jobFile: String?
    let enabled: Bool?
    /// Cron expression (schedules), event type and source (listeners), method and URL path (data services).
    let trigger: String?
    let owner: String?
    let lastRunId: Int64?
    let lastRunStatus: String?
    let lastRunStopTime: String?
}

struct UsersInfo: Encodable {
    let users: [UserSummary]
    let groups: [GroupSummary]
}

/// A user without anything secret: no password, no e-mail.
struct UserSummary: Encodable {
    let username: String
    let fullName: String?
    let domain: String?
    let disabled: Bool?
    let lastLogin: String?
    let groups: [String]
}

struct GroupSummary: Encodable {
    let code: String
    let name: String?
    let description: String?
    let members: Int
}
