import Foundation

/// The directories the catalogue may read, and nothing else. Any of them may be absent (nil, or a
/// path that does not exist): its logs are then simply not listed.
public struct LogRoots: Sendable, Hashable {
    /// CloverDX's `cloverlogs` directory (`all.log`, `worker.log`, `performance.log`, …).
    public var cloverLogs: String?
    /// Tomcat's log directory (`catalina.<date>.log`, `catalina.out`, `localhost_access_log.<date>.txt`).
    public var tomcatLogs: String?
    /// The job-run log directory, `graph.logs_path`, one `<runId>.log` per run. CloverDX's default is
    /// `cloverlogs/graph`; nil means no job logs.
    public var jobLogs: String?
    /// The server's time zone. CloverDX logs write local time without a zone, Tomcat's access log writes
    /// local time with an offset; when this is set, access-log times are converted to this zone's wall
    /// clock so they compare with the rest. When nil, they are taken as written, which is right whenever
    /// Tomcat runs in the server's zone (the usual case: same JVM).
    public var serverTimeZone: TimeZone?

    /// Roots as configured; paths are resolved (symlinks included) when a log is read.
    public init(cloverLogs: String? = nil, tomcatLogs: String? = nil, jobLogs: String? = nil, serverTimeZone: TimeZone? = nil) {
        self.cloverLogs = cloverLogs
        self.tomcatLogs = tomcatLogs
        self.jobLogs = jobLogs
        self.serverTimeZone = serverTimeZone
    }
}
