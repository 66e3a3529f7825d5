import CloverInstallation
import CurlHTTP
import Foundation
import HostConfiguration
import Logging
import LogCatalogue
import LogTables
import PluginHost
import SystemDatabase

/// The host services for one CloverDX installation: what plugins may ask for, each behind a grant.
/// A part the installation lacks (no database configured, no REST URL) is left out, and `problems`
/// says why, so the rest still serves.
public struct InstallationServices: Sendable {
    public let directory: HostServiceDirectory
    /// The system database. Its `run()` must be running while plugins query (PostgreSQL's connection pool).
    public let database: (any SystemDatabase)?
    /// What could not be offered, for the log and `doctor`.
    public let problems: [String]
    /// The plugins "host.info" reports: attach the registry once it is made.
    public let plugins = PluginInventory()
    /// Delivers queued support reports: its `run()` must be running while the server serves.
    public let support: SupportDesk?

    /// - Parameter configuration: the host's configuration, for "config.effective" and the sandbox file filters.
    public init(installation: CloverInstallation, configuration: HostConfiguration = HostConfiguration(), version: String, logger: Logger) {
        var services: [any HostService] = [InstallationInfoService(installation: installation)]
        let privateKeys = PrivateProperties(listed: configuration[ConfigKey.privateProperties])
        services.append(ConfigurationService(configuration: configuration, privateKeys: privateKeys))
        services.append(HostInfoService(version: version, started: Date(), plugins: plugins))
        var problems: [String] = []

        let catalogue = LogCatalogue(roots: LogRoots(cloverLogs: installation.serverLogs?.path,
                                                     tomcatLogs: installation.tomcatLogs?.path,
                                                     jobLogs: installation.jobLogs?.path,
                                                     serverTimeZone: installation.timeZone))
        services += LogServices.all(catalogue)
        services.append(LogTableService(tables: LogTables(catalogue: catalogue)))

        var database: (any SystemDatabase)?
        if let settings = installation.systemDatabase {
            do {
                database = try SystemDatabaseEndpoint(jdbcURL: settings.jdbcURL, username: settings.username, password: settings.password)
                    .open(logger: logger)
            } catch {
                problems.append("system database: \(error)")
            }
        } else {
            problems.append("system database: no jdbc.url in the configuration")
        }
        if let database { services += SQLServices.all(database) }
        services += SandboxServices.all(SandboxCatalogue(database: database, installation: installation), filter: SandboxFileFilter(configuration: configuration),
                                        masking: SecretMasking(privateKeys: privateKeys))

        if let rest = installation.restAPI {
            let credentials = rest.username.map { BasicCredentials(user: $0, password: rest.password ?? "") }
            do {
                let client = try HTTPClient(configuration: .init(allowedBases: [AllowedBase(rest.baseURL, credentials: credentials)], version: version))
                services.append(CloverDXHTTPService(baseURL: rest.baseURL, client: client))
            } catch {
                problems.append("REST API: \(error)")
            }
        }
        var support: SupportDesk?
        var package: SupportPackage?
        do {
            let settings = try SupportSettings(installation: installation, configuration: configuration)
            let (desk, problem) = settings.desk(version: version, logger: logger)
            support = desk
            package = settings.package
            if let problem { problems.append(problem) }
        } catch {
            problems.append("support reports: \(error)")
        }
        services += SupportServices.all(desk: support, package: package, rateLimitMs: installation.supportPortal.rateLimitMilliseconds)
        self.support = support
        self.directory = HostServiceDirectory(services, heavyCalls: HeavyCallGate(Self.heavyCallSettings(configuration, problems: &problems)))
        Self.limitSQLiteMemory(configuration, problems: &problems)
        self.database = database
        self.problems = problems
    }

    private static func heavyCallSettings(_ configuration: HostConfiguration, problems: inout [String]) -> HeavyCallGate.Settings {
        let defaults = HeavyCallGate.Settings()
        do {
            return HeavyCallGate.Settings(
                maxRunning: try configuration.int(ConfigKey.heavyCallsMax, default: defaults.maxRunning, range: 1...1024),
                maxWaiting: defaults.maxWaiting,
                maxWait: .milliseconds(try configuration.int(ConfigKey.heavyCallsWaitMs, default: Int(defaults.maxWait.components.seconds) * 1000,
                                                             range: 0...600_000)))
        } catch {
            problems.append("heavy calls: \(error); using \(defaults.maxRunning) at once, waiting up to \(defaults.maxWait)")
            return defaults
        }
    }

    /// SQLite's heap is one per process, so its ceiling is set here, where the configuration is read.
    private static func limitSQLiteMemory(_ configuration: HostConfiguration, problems: inout [String]) {
        let fallback = SQLiteLimits.defaultHeapMegabytes
        do {
            SQLiteLimits.limitHeap(megabytes: try configuration.int(ConfigKey.sqlMemoryLimitMB, default: fallback, range: 16...65_536))
        } catch {
            problems.append("SQL memory: \(error); using \(fallback) MB")
            SQLiteLimits.limitHeap(megabytes: fallback)
        }
    }
}
