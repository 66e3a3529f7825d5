// swift-tools-version:6.1
// cloverdx-mcp: an MCP host for CloverDX Server whose tool groups are plugins loaded through a C ABI.
import PackageDescription

/// The log scan and the log tables are optimized in debug builds too: they read hundreds of megabytes
/// in the tests, where an unoptimized build spends most of its time in generic metadata lookups.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let pluginABI = Target.Dependency.product(name: "CloverMCPPluginABI", package: "sdk")
let pluginKit = Target.Dependency.product(name: "PluginKit", package: "sdk")
let pluginKitTesting = Target.Dependency.product(name: "PluginKitTesting", package: "sdk")

/// The CloverDX tool groups. Each is two targets: its code (Plugins/<folder>, unit-tested in-process by
/// <module>Tests with PluginKitTesting) and its entry symbol (Plugins/<folder>/entry), which alone makes the
/// shared library: one test binary links every group's code, and could not link nine entry symbols.
let toolGroups: [(module: String, folder: String)] = [
    ("ServerLogsPlugin", "server-logs"), ("PerformanceLogsPlugin", "performance-logs"), ("AccessLogsPlugin", "access-logs"),
    ("JobLogsPlugin", "job-logs"), ("JobTrackingPlugin", "job-tracking"), ("SystemDatabasePlugin", "system-db"),
    ("ServerInfoPlugin", "server-info"), ("CloverDXInfoPlugin", "cloverdx-info"), ("SupportIssuePlugin", "support-issue"),
]

let toolGroupTargets: [Target] = toolGroups.flatMap { group -> [Target] in
    [
        .target(name: group.module, dependencies: [pluginKit, "CloverPluginSupport"], path: "Plugins/\(group.folder)",
                exclude: ["entry", "__toolsnaps__"]),
        .target(name: group.module + "Entry", dependencies: [.target(name: group.module), pluginKit], path: "Plugins/\(group.folder)/entry"),
        .testTarget(name: group.module + "Tests", dependencies: [.target(name: group.module), "CloverPluginSupport", pluginKit, pluginKitTesting],
                    path: "Tests/ToolGroupTests/\(group.folder)"),
    ]
}

let package = Package(
    name: "cloverdx-mcp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cloverdx-mcp", targets: ["cloverdx-mcp"]),
        // Example plugins: real shared libraries, loaded by the host with dlopen.
        .library(name: "HelloSwiftPlugin", type: .dynamic, targets: ["HelloSwiftPlugin"]),
        .library(name: "EchoCPlugin", type: .dynamic, targets: ["EchoCPlugin"]),
        // The CloverDX tool groups, one shared library each (listed in plugins.json).
    ] + toolGroups.map { .library(name: $0.module, type: .dynamic, targets: [$0.module + "Entry"]) } + [
        // Plugins that misbehave on purpose, or are built against other versions of the header, for the loader's tests.
        .library(name: "FaultyTestPlugin", type: .dynamic, targets: ["FaultyTestPlugin"]),
        .library(name: "MisbehavingCTestPlugin", type: .dynamic, targets: ["MisbehavingCTestPlugin"]),
        .library(name: "ABIv1TestPlugin", type: .dynamic, targets: ["ABIv1TestPlugin"]),
        .library(name: "ABIFutureTestPlugin", type: .dynamic, targets: ["ABIFutureTestPlugin"]),
        .library(name: "WrongABITestPlugin", type: .dynamic, targets: ["WrongABITestPlugin"]),
        .library(name: "NoEntryTestPlugin", type: .dynamic, targets: ["NoEntryTestPlugin"]),
    ],
    dependencies: [
        // The plugin SDK (ABI header, PluginKit, PluginKitTesting): its own package, so plugin authors need nothing else.
        .package(path: "sdk"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.1.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // JSON values: parser, serializer, ordered objects.
        .target(name: "JSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        // JSON-RPC 2.0 and the MCP protocol for every revision: the dispatcher, the server, the one tool gate; no I/O.
        .target(
            name: "MCPProtocol",
            dependencies: ["JSON", "HostConfiguration", .product(name: "Logging", package: "swift-log")]
        ),
        // Streamable HTTP (Hummingbird) and stdio in front of MCPProtocol.
        .target(
            name: "MCPTransport",
            dependencies: [
                "MCPProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A client of a remote Streamable HTTP MCP server (libcurl): the proxy's and the bridge's.
        .target(name: "RemoteMCP", dependencies: ["MCPProtocol", "CurlHTTP"]),
        // Proxy mode (`clover.mcp.remote.*`): a remote server's tools, resources and prompts next to the plugins'.
        .target(name: "MCPProxy", dependencies: ["MCPProtocol", "RemoteMCP"]),
        // The stdio-to-Streamable-HTTP bridge for desktop apps (`cloverdx-mcp bridge`).
        .target(
            name: "MCPBridge",
            dependencies: ["MCPProtocol", "MCPTransport", "RemoteMCP"]
        ),
        // Desktop extensions: the MCPB bundle (a zip with manifest.json) that runs the bridge.
        // Zip archives (deflate via zlib): desktop extension bundles and support packages.
        .target(name: "ZipArchive", dependencies: ["CZlib"]),
        .target(name: "DesktopExtension", dependencies: ["JSON", "ZipArchive"]),
        // OAuth 2.1 resource server in front of the HTTP transport: bearer tokens (JWT or introspection),
        // protected-resource metadata, the authorization server's metadata mirrored at our origin.
        .target(
            name: "MCPAuth",
            dependencies: [
                "MCPProtocol", "MCPTransport", "HostConfiguration", "CurlHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Loader, registry, plugins.json, host function table, call pool, reload.
        .target(
            name: "PluginHost",
            dependencies: [
                .product(name: "CloverMCPPluginABI", package: "sdk"),
                "MCPProtocol", "HostConfiguration",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Configuration from clover.properties, CLOVER_MCP_* environment and flags.
        .target(name: "HostConfiguration"),
        // Gregorian dates and day numbers, shared by the modules that read and write timestamps.
        .target(name: "CivilCalendar"),
        // The CloverDX installation the host serves: where its logs, database and REST API are.
        .target(name: "CloverInstallation", dependencies: ["HostConfiguration"]),
        // Logs addressed by ID, never by path: catalogue, rotated and gzip files, streaming search.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // PCRE2 (Perl-compatible regular expressions, JIT) from the system: the log search's and REGEXP's engine.
        .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        // SIMD byte search in C (two-byte needle candidates, byte counts) for the log search's hot loop.
        .target(name: "CByteSearch"),
        .target(name: "LogCatalogue", dependencies: ["CZlib", "CPCRE2", "CByteSearch", "CivilCalendar"], swiftSettings: hotPath),
        // Read-only SQL on the CloverDX system database: the guard, SQLite and PostgreSQL.
        .target(
            name: "SystemDatabase",
            dependencies: [
                "JSON", "CivilCalendar",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SQL over structured logs: one log's window loaded into in-memory SQLite, queried through the read-only guard.
        .target(
            name: "LogTables",
            dependencies: [
                "LogCatalogue", "SystemDatabase",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: hotPath
        ),
        // Outbound HTTP over libcurl, only to configured bases.
        // Headers only: CCurlShim loads libcurl with dlopen on first use (no -lcurl), see curl_shim.c.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"], path: "Sources/CCurlShim"),
        .target(name: "CurlHTTP", dependencies: ["CCurlShim"]),
        // A realistic CloverDX installation generated for demos, tests and benchmarks.
        .target(
            name: "DemoInstallation",
            dependencies: [
                "CZlib", "CivilCalendar", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The host services plugins call (logs, SQL, HTTP, installation), over the modules above.
        .target(
            name: "CloverServices",
            dependencies: [
                "PluginHost", "MCPProtocol", "CloverInstallation", "HostConfiguration", "LogCatalogue", "LogTables", "SystemDatabase", "CurlHTTP", "ZipArchive",
                .product(name: "CloverServiceContract", package: "sdk"),
            ]
        ),
        // The command-line tool's commands (serve, plugins, call, …) and where `serve` assembles the server.
        .target(
            name: "SidecarCLI",
            dependencies: [
                "HostConfiguration", "MCPProtocol", "MCPTransport", "MCPAuth", "PluginHost", "CloverInstallation", "CloverServices",
                "DemoInstallation", "MCPProxy", "RemoteMCP", "MCPBridge", "DesktopExtension", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The `cloverdx-mcp` binary.
        .executableTarget(name: "cloverdx-mcp", dependencies: ["SidecarCLI"]),
        // Benchmark only, not shipped: echo_arguments compiled into the host, and the host that serves it.
        .target(name: "BuiltinEcho", dependencies: ["MCPProtocol"], path: "bench/BuiltinEcho"),
        // Fuzz targets for the parsers that read what others send (Fuzz/Sources/FuzzTarget.swift):
        // built with libFuzzer by scripts/fuzz; in an ordinary build, a replayer of their corpora.
        .executableTarget(
            name: "cloverdx-fuzz",
            dependencies: ["JSON", "MCPProtocol", "SystemDatabase", "LogCatalogue", "LogTables", "HostConfiguration", "RemoteMCP", "PluginHost",
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            path: "Fuzz/Sources"
        ),
        .executableTarget(name: "bench-echo-host", dependencies: ["BuiltinEcho", "SidecarCLI"], path: "bench/echo-host"),

        // What the CloverDX tool-group plugins share: server time, limits, text tables, SQL literals.
        .target(name: "CloverPluginSupport", dependencies: [pluginKit, "CivilCalendar"], path: "Plugins/Shared"),

        .target(name: "HelloSwiftPlugin", dependencies: [pluginKit], path: "Plugins/examples/hello-swift"),
        .target(name: "EchoCPlugin", dependencies: [pluginABI], path: "Plugins/examples/echo-c", publicHeadersPath: "."),
        .target(name: "FaultyTestPlugin", dependencies: [pluginKit], path: "Tests/Fixtures/faulty-plugin"),
        .target(name: "WrongABITestPlugin", dependencies: [pluginABI], path: "Tests/Fixtures/wrong-abi-plugin", publicHeadersPath: "."),
        .target(name: "NoEntryTestPlugin", path: "Tests/Fixtures/no-entry-plugin", publicHeadersPath: "."),
        .target(name: "MisbehavingCTestPlugin", dependencies: [pluginABI], path: "Tests/Fixtures/misbehaving-c-plugin", publicHeadersPath: "."),
        // Built against frozen copies of the header (version 1.0, and a "1.2" with fields this host lacks), not the current one.
        .target(name: "ABIv1TestPlugin", path: "Tests/Fixtures/abi-v1-plugin", publicHeadersPath: "."),
        .target(name: "ABIFutureTestPlugin", path: "Tests/Fixtures/abi-future-plugin", publicHeadersPath: "."),

        // Test helpers shared by the test targets: where the built plugin libraries are.
        .target(name: "TestSupport", dependencies: ["PluginHost", "MCPProtocol", .product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "MCPProtocolTests", dependencies: ["MCPProtocol"]),
        .testTarget(name: "ToolGateTests", dependencies: ["MCPProtocol"]),
        .testTarget(name: "BuiltinEchoTests", dependencies: ["BuiltinEcho", "MCPProtocol", "PluginHost", "TestSupport"]),
        .testTarget(name: "HostConfigurationTests", dependencies: ["HostConfiguration"]),
        .testTarget(
            name: "MCPAuthTests",
            dependencies: ["MCPAuth", "MCPProtocol", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "CloverInstallationTests", dependencies: ["CloverInstallation", "HostConfiguration"]),
        .testTarget(name: "LogCatalogueTests", dependencies: ["LogCatalogue"]),
        .testTarget(name: "LogTablesTests", dependencies: ["LogTables", "LogCatalogue", "SystemDatabase", "JSON"]),
        .testTarget(name: "CloverPluginSupportTests", dependencies: ["CloverPluginSupport", pluginKit]),
        .testTarget(
            name: "SystemDatabaseTests",
            dependencies: [
                "SystemDatabase", "JSON", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CloverServicesTests",
            dependencies: [
                "CloverServices", "CloverInstallation", "DemoInstallation", "HostConfiguration", "PluginHost", "MCPProtocol", "TestSupport",
                .product(name: "CloverServiceContract", package: "sdk"),
            ]
        ),
        .testTarget(name: "RemoteMCPTests", dependencies: ["RemoteMCP", "MCPProtocol"]),
        .testTarget(name: "DesktopExtensionTests", dependencies: ["DesktopExtension", "ZipArchive", "JSON", "CZlib"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "DemoInstallationTests", dependencies: ["DemoInstallation", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "PluginHostTests",
            dependencies: ["PluginHost", "MCPProtocol", "TestSupport", pluginABI]
        ),
        .testTarget(
            name: "MCPTransportTests",
            dependencies: [
                "MCPTransport", "MCPProtocol", "PluginHost", "MCPProxy", "RemoteMCP", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ] + toolGroupTargets
)
