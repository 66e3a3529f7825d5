import ArgumentParser
import Foundation
import HostConfiguration
import Hummingbird
import HummingbirdCore
import Logging
import MCPAuth
import MCPProxy
import MCPProtocol
import MCPTransport
import PluginHost
import ServiceLifecycle

/// `cloverdx-mcp serve`: the MCP server, over Streamable HTTP or stdio.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP over Streamable HTTP (default) or stdio.",
        discussion: """
            HTTP answers at /mcp (or --path) and at CloverDX's own /clover/mcp/mcp. The server binds 127.0.0.1
            unless told otherwise; a non-loopback address needs authentication, or --allow-unauthenticated-remote.
            plugins.json is watched: edits (or `cloverdx-mcp plugins enable|disable`, or SIGHUP) apply without a restart.
            """
    )

    @OptionGroup var host: HostOptions

    @Option(name: .long, help: ArgumentHelp("Address to listen on (default 127.0.0.1:8765; port 0 picks a free one).", valueName: "host:port"))
    var http: String?

    @Flag(name: .long, help: "Serve MCP on stdin/stdout instead of HTTP (logs go to stderr).")
    var stdio = false

    @Option(name: .long, help: ArgumentHelp("MCP endpoint path (default /mcp).", valueName: "path"))
    var path: String?

    @Flag(name: .long, help: "Allow a non-loopback address although no authentication is configured.")
    var allowUnauthenticatedRemote = false

    func run() async throws {
        let configuration = try host.configuration()
        let logger = host.makeLogger(configuration)
        let settings = try ServeSettings(configuration: configuration, http: http, path: path,
                                         allowUnauthenticatedRemote: allowUnauthenticatedRemote)
        guard settings.mcpEnabled else {
            throw ValidationError("MCP is switched off (clover.mcp.enabled=false); set it to true to serve")
        }
        let manifestURL = try host.manifestURL(configuration)
        let (_, hostServices) = try host.installation(configuration, logger: logger)
        let changes = ChangeHub()
        var loader = host.loader(configuration, logger: logger, services: hostServices.directory)
        let workerStatus = WorkerStatusFile(url: WorkerStatusFile.url(forManifest: manifestURL))
        loader.onWorkerStatusChange = { workerStatus.record($0, $1) }
        let registry = PluginRegistry(loader: loader, changes: changes,
                                      defaultTimeout: .milliseconds(settings.pluginTimeoutMs), logger: logger)
        hostServices.plugins.attach(registry)
        let reloader = PluginSetReloader(manifestURL: manifestURL, registry: registry, logger: logger)
        guard reloader.reload(reason: "start") else {
            throw ValidationError("\(manifestURL.path) cannot be used; see the error above")
        }
        // stdio and anonymous HTTP run as the anonymous user; with OAuth each HTTP request runs as its token's subject.
        let localUser: String
        var resourceServer: ResourceServer?
        switch settings.access {
        case .anonymousOnly(let user):
            localUser = user
        case .oauth(let oauth):
            localUser = oauth.anonymousUser ?? "clover"
            if !stdio {
                do {
                    resourceServer = try ResourceServer(settings: oauth, paths: settings.paths, version: CloverDXMCP.version, logger: logger)
                } catch {
                    throw ValidationError(String(describing: error))
                }
            }
        }
        // Proxy mode: the remote server's tools next to the plugins' (local names win).
        let remote = try RemoteProxy.catalog(configuration, timeout: .milliseconds(settings.pluginTimeoutMs), changes: changes, logger: logger)
        let local = ServeAssembly.localCatalog(registry)
        let catalog: any MCPCatalog = remote.map { CompositeCatalog(local: local, remote: $0) } ?? local
        // The server serves every catalog's tools through its one gate: scopes, the operator's switches, argument checks, audit.
        let server = MCPServer(identity: ServerIdentity.cloverDX(version: CloverDXMCP.version), catalog: catalog,
                               governance: try ToolGovernance(configuration: configuration),
                               options: ServerOptions(pageSize: settings.pageSize, cacheScope: resourceServer == nil ? "public" : "private",
                                                      localPrincipal: .anonymous(user: localUser)),
                               changes: changes)
        let hangup = SignalReload.install(reloader)
        defer { hangup.cancel() }

        if stdio {
            let watcher = Task { await reloader.run() }
            let database = Task { await hostServices.database?.run() }
            let proxy = Task { await remote?.run() }
            let support = Task { await hostServices.support?.run() }
            defer {
                watcher.cancel()
                database.cancel()
                proxy.cancel()
                support.cancel()
            }
            await StdioTransport(server: server, logger: logger).run()
            return
        }

        // Anonymous access is unauthenticated access, with or without OAuth next to it.
        let anonymous = resourceServer.map { $0.settings.anonymousUser != nil } ?? true
        if anonymous && !settings.isLoopback && !settings.allowUnauthenticatedRemote {
            throw ValidationError("""
                refusing to serve MCP without authentication on \(settings.host): anyone who can reach it could read \
                the installation's logs and database. Bind 127.0.0.1, configure OAuth (clover.mcp.oauth.issuer and \
                clover.mcp.oauth.resource) without anonymous access, or pass --allow-unauthenticated-remote \
                (clover.mcp.sidecar.allow.unauthenticated.remote=true) if a proxy in front authenticates.
                """)
        }
        if anonymous && !settings.isLoopback {
            logger.warning("serving without authentication on \(settings.host) (anonymous access as \"\(localUser)\"); only do this behind an authenticating proxy")
        }
        if let resourceServer {
            let fallback = resourceServer.settings.anonymousUser.map { " (requests without a token run as \"\($0)\")" } ?? ""
            logger.notice("OAuth on: tokens from \(resourceServer.settings.issuer) for \(resourceServer.settings.resource)\(fallback)")
        }
        let endpoint = MCPHTTPEndpoint(
            server: server,
            options: HTTPTransportOptions(paths: settings.paths, maxBodyBytes: settings.maxBodyBytes,
                                          allowedOrigins: Set(settings.allowedOrigins), requireLoopbackHost: settings.isLoopback),
            logger: logger, authenticator: resourceServer?.authenticator)
        let primaryPath = settings.paths[0]
        let connections = ConnectionCap(limit: settings.maxConnections)
        let channel = HTTP1Channel.Configuration(additionalChannelHandlers: [connections.handler()],
                                                 idleTimeout: .milliseconds(Int64(settings.idleTimeoutMs)))
        let (serverBuilder, scheme) = try ServeTLS.serverBuilder(configuration, channel: channel)
        func application<Responder: HTTPResponder>(_ responder: Responder) -> any Service where Responder.Context == BasicRequestContext {
            Application(
                responder: responder,
                server: serverBuilder,
                configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: nil),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? settings.port
                    logger.notice("cloverdx-mcp \(CloverDXMCP.version) listening on \(scheme)://\(settings.hostForURL):\(port)\(primaryPath) with \(registry.activePlugins.count) plugins")
                },
                logger: logger)
        }
        let app = resourceServer.map { application($0.responder(wrapping: endpoint, pluginScopes: { registry.pluginScopes })) }
            ?? application(endpoint)
        // Services shut down in reverse order: running calls are told to stop before the server drains.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app), .init(service: ReloaderService(reloader: reloader))]
        if let database = hostServices.database {
            services.append(.init(service: BackgroundWork { await database.run() }))
        }
        // Support reports accepted earlier, even by a process that crashed, are delivered from here.
        if let support = hostServices.support {
            services.append(.init(service: BackgroundWork { await support.run() }))
        }
        if let remote {
            services.append(.init(service: BackgroundWork { await remote.run() }))
        }
        services.append(.init(service: CancelCallsOnShutdown(inFlight: server.inFlight)))
        var lifecycle = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Calls that ignore cancellation are abandoned after this, within a container's usual 10 s stop grace.
        lifecycle.maximumGracefulShutdownDuration = .seconds(8)
        let group = ServiceGroup(configuration: lifecycle)
        try await group.run()
        registry.pool.shutdown()
        registry.stopWorkers()
        logger.notice("cloverdx-mcp stopped")
    }
}

/// How `serve` builds the catalog beneath the gate from the plugin registry. The shipping binary
/// serves the registry as it is; a benchmark build (bench/echo-host) sets this once, before the
/// command runs, to add a tool compiled into the host.
public enum ServeAssembly {
    nonisolated(unsafe) public static var localCatalog: @Sendable (PluginRegistry) -> any MCPCatalog = { $0 }
}

/// The serve settings resolved from flags and configuration keys.
struct ServeSettings {
    var host: String
    var port: Int
    var paths: [String]
    var maxBodyBytes: Int
    var idleTimeoutMs: Int
    var maxConnections: Int
    var allowedOrigins: [String]
    var pluginTimeoutMs: Int
    var pageSize: Int
    var mcpEnabled: Bool
    var allowUnauthenticatedRemote: Bool
    /// Anonymous, or OAuth bearer tokens (with or without anonymous access next to them).
    var access: AccessMode

    static let defaultListen = "127.0.0.1:8765"

    init(configuration: HostConfiguration, http: String?, path: String?, allowUnauthenticatedRemote: Bool) throws {
        do {
            let listen = http ?? configuration[ConfigKey.httpListen] ?? Self.defaultListen
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw ValidationError("listen address \"\(listen)\" must be HOST:PORT, e.g. 127.0.0.1:8765")
            }
            var hostPart = String(listen[..<colon])
            if hostPart.hasPrefix("[") && hostPart.hasSuffix("]") { hostPart = String(hostPart.dropFirst().dropLast()) }
            host = hostPart.isEmpty ? "127.0.0.1" : hostPart
            self.port = port
            let primary = path ?? configuration[ConfigKey.httpPath] ?? "/mcp"
            guard primary.hasPrefix("/") else { throw ValidationError("endpoint path \"\(primary)\" must start with /") }
            paths = primary == "/clover/mcp/mcp" ? [primary] : [primary, "/clover/mcp/mcp"]
            maxBodyBytes = try configuration.int(ConfigKey.maxBodyBytes, default: 4 << 20, range: 1024...(256 << 20))
            idleTimeoutMs = try configuration.int(ConfigKey.httpIdleTimeoutMs, default: 30_000, range: 100...3_600_000)
            maxConnections = try configuration.int(ConfigKey.httpMaxConnections, default: 1024, range: 1...1_000_000)
            allowedOrigins = configuration.list(ConfigKey.allowedOrigins)
            pluginTimeoutMs = try Self.pluginTimeoutMs(configuration)
            pageSize = try configuration.int(ConfigKey.pageSize, default: 100, range: 1...10_000)
            mcpEnabled = try configuration.bool(ConfigKey.enabled, default: true)
            self.allowUnauthenticatedRemote = try allowUnauthenticatedRemote
                || configuration.bool(ConfigKey.allowUnauthenticatedRemote, default: false)
            access = try AccessMode.load(configuration)
        } catch let error as HostConfiguration.Invalid {
            throw ValidationError(error.description)
        }
    }

    /// `clover.mcp.sidecar.plugin.timeout.ms`, for `serve` and `call` alike; a bad value names the key.
    static func pluginTimeoutMs(_ configuration: HostConfiguration) throws -> Int {
        do {
            return try configuration.int(ConfigKey.pluginTimeoutMs, default: 30_000, range: 10...3_600_000)
        } catch let error as HostConfiguration.Invalid {
            throw ValidationError(error.description)
        }
    }

    var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
    var hostForURL: String { host.contains(":") ? "[\(host)]" : host }
}

/// Runs the plugins.json watcher as a service, so it stops with the server.
struct ReloaderService: Service {
    let reloader: PluginSetReloader
    func run() async throws {
        await cancelWhenGracefulShutdown { await reloader.run() }
    }
}

/// Work that runs until shutdown, such as the system database's connection pool.
struct BackgroundWork: Service {
    let work: @Sendable () async -> Void
    func run() async throws {
        await cancelWhenGracefulShutdown { await work() }
    }
}

/// On shutdown, tells running calls to stop, so cooperative plugins return at once.
struct CancelCallsOnShutdown: Service {
    let inFlight: InFlightRequests
    func run() async throws {
        try? await gracefulShutdown()
        inFlight.cancelAll()
    }
}

/// SIGHUP reloads plugins.json, as operators expect of a daemon.
enum SignalReload {
    static func install(_ reloader: PluginSetReloader) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { reloader.reload(reason: "SIGHUP") }
        source.resume()
        return source
    }
}

extension ServerIdentity {
    static func cloverDX(version: String) -> ServerIdentity {
        ServerIdentity(
            name: "cloverdx-mcp", title: "CloverDX MCP", version: version,
            instructions: """
                Tools for troubleshooting and monitoring a CloverDX Server: its deployment, server and performance logs, \
                access logs, job runs and their logs and tracking, and read-only SQL on its system database. \
                Start broad (server info, recent failed jobs), then narrow to one run's log and tracking. \
                Every tool only reads, except report_support_issue, which asks before it sends anything.
                """)
    }
}
