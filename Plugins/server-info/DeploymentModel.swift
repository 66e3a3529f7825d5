/// What `server_deployment` reports. Each section is read on its own; one that cannot be read is
/// left out and named in `unavailable` with the reason, so the rest still answers.
struct Deployment: Encodable {
    var server: ServerFacts?
    var worker: WorkerFacts?
    var runtime: RuntimeFacts?
    var platform: PlatformFacts?
    var cluster: ClusterFacts?
    var installation: InstallationFacts?
    var configuration: ConfigurationFacts?
    var sidecar: SidecarFacts?
    var unavailable: [Unavailable] = []
}

struct Unavailable: Encodable {
    let section: String
    let reason: String
}

/// The Core: version and build from its last start-up line in all.log, else from the Worker's
/// (both ship in one webapp, so they are one version).
struct ServerFacts: Encodable {
    let version: String
    let build: String
    let nodeId: String?
    /// Where version and build were read.
    let versionSource: String
    /// Server local time of the last start.
    var startedAt: String?
    /// Where the start time comes from: the start-up line, or the latest performance sample's Core uptime.
    var startedAtSource: String?
}

/// The Worker JVM, from its last start-up lines in all.log / worker.log.
struct WorkerFacts: Encodable {
    var version: String?
    var build: String?
    var startedAt: String?
    /// As the Worker reports it: `21.0.5+11-LTS (Eclipse Adoptium)`.
    var java: String?
    /// From `-Xmx` on the Worker's command line, else its own report, else `worker.maxHeapSize`.
    var maxHeapMB: Int?
    var commandLine: String?
}

/// The latest performance.log sample (DOMAIN §4.4): uptimes, heap, threads, CPU, jobs.
struct RuntimeFacts: Encodable {
    /// Server local time of the sample.
    let sampleTime: String?
    let coreUptimeSeconds: Double?
    let workerUptimeSeconds: Double?
    let coreHeapGB: Double?
    let workerHeapGB: Double?
    let coreThreads: Double?
    let workerThreads: Double?
    let coreCPU: Double?
    let workerCPU: Double?
    let systemCPU: Double?
    let runningJobs: Double?
    let queuedJobs: Double?
    let swapGB: Double?
    let coreOpenFiles: Double?
    let workerOpenFiles: Double?
    let heartbeatAgeSeconds: Double?
}

/// Tomcat, JVM and OS as Tomcat logged them at its last start.
struct PlatformFacts: Encodable {
    let loggedAt: String?
    let tomcat: String?
    let jvmVersion: String?
    let jvmVendor: String?
    let os: String?
    let javaHome: String?
    let catalinaHome: String?
}

struct ClusterFacts: Encodable {
    let nodes: [ClusterNode]
}

struct ClusterNode: Encodable {
    let nodeId: String
    let url: String?
    let status: String?
    let lastHeartbeat: String?
}

/// Where the installation keeps things, as the sidecar found it.
struct InstallationFacts: Encodable {
    let nodeId: String?
    let home: String?
    let serverLogs: String?
    let tomcatLogs: String?
    let jobLogs: String?
    let sandboxes: String?
    let systemDatabaseEngine: String?
    let restAPI: String?
    let timeZone: String?
    let utcOffsetSeconds: Int?
}

struct ConfigurationFacts: Encodable {
    /// Sorted by key; secret values are `*****`.
    let entries: [ConfigurationEntry]
    let maskedKeys: Int
}

struct ConfigurationEntry: Encodable {
    let key: String
    let value: String
    let source: String?
}

/// This MCP sidecar.
struct SidecarFacts: Encodable {
    let version: String
    let pid: Int?
    let startedAt: String?
    let uptimeSeconds: Int?
    let plugins: [SidecarPlugin]
}

struct SidecarPlugin: Encodable {
    let id: String
    let version: String
    let tools: Int
}
