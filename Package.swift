// swift-tools-version:6.1
// cloverdx-mcp: an MCP host for CloverDX Server whose tool groups are plugins loaded through a C ABI.
import PackageDescription

let package = Package(
    name: "cloverdx-mcp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cloverdx-mcp", targets: ["cloverdx-mcp"]),
        .library(name: "PluginKit", targets: ["PluginKit"]),
        // Example plugins: real shared libraries, loaded by the host with dlopen.
        .library(name: "HelloSwiftPlugin", type: .dynamic, targets: ["HelloSwiftPlugin"]),
        .library(name: "EchoCPlugin", type: .dynamic, targets: ["EchoCPlugin"]),
        // Plugins that misbehave on purpose, for the loader's tests.
        .library(name: "FaultyTestPlugin", type: .dynamic, targets: ["FaultyTestPlugin"]),
        .library(name: "WrongABITestPlugin", type: .dynamic, targets: ["WrongABITestPlugin"]),
        .library(name: "NoEntryTestPlugin", type: .dynamic, targets: ["NoEntryTestPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // The plugin contract: one C header, nothing else.
        .target(name: "CloverMCPPluginABI", path: "Sources/CloverMCPPluginABI"),

        // JSON values, JSON-RPC 2.0 and the MCP protocol for every revision; no I/O.
        .target(
            name: "MCPProtocol",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Streamable HTTP (Hummingbird) and stdio in front of MCPProtocol.
        .target(
            name: "MCPTransport",
            dependencies: [
                "MCPProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Loader, registry, plugins.json, host function table, call pool, reload.
        .target(
            name: "PluginHost",
            dependencies: [
                "CloverMCPPluginABI",
                "MCPProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Configuration from clover.properties, CLOVER_MCP_* environment and flags.
        .target(name: "HostConfiguration"),
        // The Swift helper for plugin authors: no raw pointers, Codable arguments.
        .target(name: "PluginKit", dependencies: ["CloverMCPPluginABI"]),
        // The command-line tool: serve, plugins, call.
        .executableTarget(
            name: "cloverdx-mcp",
            dependencies: [
                "HostConfiguration", "MCPProtocol", "MCPTransport", "PluginHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .target(name: "HelloSwiftPlugin", dependencies: ["PluginKit"], path: "Plugins/examples/hello-swift"),
        .target(name: "EchoCPlugin", dependencies: ["CloverMCPPluginABI"], path: "Plugins/examples/echo-c", publicHeadersPath: "."),
        .target(name: "FaultyTestPlugin", dependencies: ["PluginKit"], path: "Tests/Fixtures/faulty-plugin"),
        .target(name: "WrongABITestPlugin", dependencies: ["CloverMCPPluginABI"], path: "Tests/Fixtures/wrong-abi-plugin", publicHeadersPath: "."),
        .target(name: "NoEntryTestPlugin", path: "Tests/Fixtures/no-entry-plugin", publicHeadersPath: "."),

        // Test helpers shared by the test targets: where the built plugin libraries are.
        .target(name: "TestSupport", dependencies: ["PluginHost", "MCPProtocol", .product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
        .testTarget(name: "MCPProtocolTests", dependencies: ["MCPProtocol"]),
        .testTarget(name: "HostConfigurationTests", dependencies: ["HostConfiguration"]),
        .testTarget(
            name: "PluginHostTests",
            dependencies: ["PluginHost", "MCPProtocol", "TestSupport"]
        ),
        .testTarget(
            name: "MCPTransportTests",
            dependencies: [
                "MCPTransport", "MCPProtocol", "PluginHost", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
