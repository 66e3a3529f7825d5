import ArgumentParser
import CloverInstallation
import CloverServices
import DemoInstallation
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

    @Flag(name: .long, help: "Use the generated demo installation (made on first use in ~/.cache/cloverdx-mcp/demo) instead of a real CloverDX.")
    var demo = false

    /// The clover.properties to read: --config, or the demo installation's.
    func configurationFile() throws -> URL? {
        if let config { return URL(fileURLWithPath: config).standardizedFileURL }
        guard demo else { return nil }
        do {
            let location = try DemoInstallation.ensureGenerated()
            return location.appendingPathComponent("conf/clover.properties")
        } catch {
            throw CommandFailure("cannot create the demo installation: \(error)")
        }
    }

    /// The layered configuration: clover.properties, then CLOVER_MCP_* / clover.* environment, then `overrides`.
    func configuration(overrides: [String: String] = [:]) throws -> HostConfiguration {
        do {
            return try HostConfiguration.load(propertiesFile: configurationFile(), overrides: overrides)
        } catch let error as HostConfiguration.Invalid {
            throw ValidationError("\(error)")
        }
    }

    /// The CloverDX installation the configuration describes, and the host services over it.
    func installation(_ configuration: HostConfiguration, logger: Logger) throws -> (CloverInstallation, InstallationServices) {
        let installation = CloverInstallation.resolve(configuration, configurationFile: try configurationFile())
        let services = InstallationServices(installation: installation, configuration: configuration, version: CloverDXMCP.version, logger: logger)
        for problem in services.problems { logger.notice("not offered to plugins: \(problem)") }
        return (installation, services)
    }

    func makeLogger(_ configuration: HostConfiguration) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        var logger = Logger(label: "cloverdx-mcp")
        let name = logLevel ?? configuration[ConfigKey.logLevel] ?? "info"
        logger.logLevel = Logger.Level(rawValue: name.lowercased()) ?? .info
        return logger
    }

    /// Where plugins.json is: the flag, the config key, the working directory, then next to the binary.
    func manifestURL(_ configuration: HostConfiguration) throws -> URL {
        if let explicit = plugins ?? configuration[ConfigKey.pluginsFile] {
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

    func loader(_ configuration: HostConfiguration, logger: Logger, services: HostServiceDirectory = HostServiceDirectory()) -> PluginLoader {
        PluginLoader(searchDirectories: [PluginLoader.executableDirectory], logger: logger,
                     configuration: { configuration[$0] }, services: services)
    }
}

/// A command that could not do its work: printed as "Error: <message>" without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
