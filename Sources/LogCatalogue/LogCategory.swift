/// What kind of log a ``LogDescriptor`` is, after the Server Console's log types (docs/CLOVERDX.md, "cloverlogs files").
public enum LogCategory: String, Sendable, Hashable, CaseIterable, Codable {
    /// `all.log`: job starts and ends, logins, the Worker's command line and output.
    case server
    /// `worker.log` (or `worker_<node>.log`): the Worker JVM.
    case worker
    /// `node.log`: cluster messages and job delegation.
    case cluster
    /// `user-action.log`: logins, logouts, user changes.
    case userAction = "user-action"
    /// `server-audit.log`: ServerFacade and JDBC-proxy calls (off by default).
    case audit
    /// `server-integration.log`: Designer-to-Server calls.
    case serverIntegration = "server-integration"
    /// `data-service.log`: data service calls.
    case dataService = "data-service"
    /// `monitor.log`: Operations Dashboard monitor changes.
    case monitor
    /// `remote-data-manager.log`.
    case remoteDataManager = "remote-data-manager"
    /// `performance.log`: JSON metrics every 3 s.
    case performance
    /// `job-queue.log`: JSON job-queue metrics every 3 s.
    case jobQueue = "job-queue"
    /// Tomcat's `localhost_access_log.<date>.txt`, all days as one log.
    case access
    /// Tomcat's `catalina.<date>.log` and `catalina.out`.
    case catalina
    /// One job run's log, `graph/<runId>.log`.
    case job
}
