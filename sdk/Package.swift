// swift-tools-version:6.1
// The cloverdx-mcp plugin SDK: the C ABI header, PluginKit (Swift plugins), the host services' typed
// contract and PluginKitTesting (a fake host for unit tests). It depends on nothing else, so a plugin's
// Package.swift names only this package; the cloverdx-mcp host builds against these same sources.
import PackageDescription

let package = Package(
    name: "cloverdx-mcp-sdk",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CloverMCPPluginABI", targets: ["CloverMCPPluginABI"]),
        .library(name: "CloverServiceContract", targets: ["CloverServiceContract"]),
        .library(name: "PluginKit", targets: ["PluginKit"]),
        .library(name: "PluginKitTesting", targets: ["PluginKitTesting"]),
    ],
    targets: [
        // The plugin contract: one C header, nothing else.
        .target(name: "CloverMCPPluginABI"),
        // The host services' request and answer types, shared by the host and plugins; docs/SERVICES.md is made from them.
        .target(name: "CloverServiceContract"),
        // The Swift helper for plugin authors: no raw pointers, Codable arguments, typed host services.
        .target(name: "PluginKit", dependencies: ["CloverMCPPluginABI", "CloverServiceContract"]),
        // A fake host for a plugin's unit tests: canned service answers, configuration, runTool.
        .target(name: "PluginKitTesting", dependencies: ["PluginKit"]),
    ]
)
