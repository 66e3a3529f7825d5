import ArgumentParser
import Foundation
import HostConfiguration
import Logging
import MCPProtocol
import PluginHost

/// Options every command that loads plugins shares.
struct HostOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("plugins.json to load (default: ./plugins.json, else the one next to the binary).", valueName: "file"))
    var plugins: String?

    @Option(name: .long, help: ArgumentHelp("CloverDX clover.properties to read settings from.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Log level on stderr: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String?

    /// The layered configuration: clover.properties, then CLOVER_MCP_* / clover.* environment, then `overrides`.
    func configuration(overrides: [String: String] = [:]) throws -> HostConfiguration {
        do {
            return try HostConfiguration.load(propertiesFile: config.map { URL(fileURLWithPath: $0) }, overrides: overrides)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func makeLogger(_ configuration: HostConfiguration) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        var logger = Logger(label: "cloverdx-mcp")
        let name = logLevel ?? configuration["clover.mcp.sidecar.log.level"] ?? "info"
        logger.logLevel = Logger.Level(rawValue: name.lowercased()) ?? .info
        return logger
    }

    /// Where plugins.json is: the flag, the config key, the working directory, then next to the binary.
    func manifestURL(_ configuration: HostConfiguration) throws -> URL {
        if let explicit = plugins ?? configuration["clover.mcp.sidecar.plugins.file"] {
            return URL(fileURLWithPath: explicit).standardizedFileURL
        }
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("plugins.json"),
            PluginLoader.executableDirectory.appendingPathComponent("plugins.json"),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw ValidationError("no plugins.json in \(candidates.map { $0.deletingLastPathComponent().path }.joined(separator: " or ")); pass --plugins FILE")
        }
        return found.standardizedFileURL
    }

    func loader(_ configuration: HostConfiguration, logger: Logger) -> PluginLoader {
        PluginLoader(searchDirectories: [PluginLoader.executableDirectory], logger: logger,
                     configuration: { configuration[$0] })
    }
}

/// A command that could not do its work: printed as "Error: <message>" without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
