import ArgumentParser
import Foundation
import MCPProtocol
import PluginHost

/// `cloverdx-mcp call`: run one tool in-process, for operators and scripts.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call one tool of the enabled plugins and print its result as JSON.",
        discussion: "Exit status: 0 on success, 1 when the tool reports an error, 2 when the call itself is invalid."
    )

    @OptionGroup var host: HostOptions
    @Argument(help: "The tool's name, as tools/list shows it.") var tool: String
    @Option(name: .long, help: ArgumentHelp("The tool's arguments as a JSON object.", valueName: "json")) var args: String = "{}"

    func run() async throws {
        let configuration = try host.configuration()
        let logger = host.makeLogger(configuration)
        let arguments: JSONValue
        do {
            arguments = try JSONValue.parse(args)
        } catch {
            throw ValidationError("--args is not JSON: \(error)")
        }
        guard arguments.objectValue != nil else { throw ValidationError("--args must be a JSON object") }
        let url = try host.manifestURL(configuration)
        let (_, hostServices) = try host.installation(configuration, logger: logger)
        let database = Task { await hostServices.database?.run() }
        defer { database.cancel() }
        let timeout = try ServeSettings.pluginTimeoutMs(configuration)
        let registry = PluginRegistry(loader: host.loader(configuration, logger: logger, services: hostServices.directory), changes: ChangeHub(),
                                      defaultTimeout: .milliseconds(timeout), logger: logger)
        // The same gate `serve` puts in front of every tool.
        let gate = ToolGate(catalog: registry, governance: try ToolGovernance(configuration: configuration))
        hostServices.plugins.attach(registry)
        registry.apply(try PluginManifest.load(from: url))
        let context = MCPRequestContext(
            client: ClientContext(revision: .v2026_07_28, logLevel: .info), progressToken: "cli",
            emit: { notification in FileHandle.standardError.write(Data((notification.jsonText + "\n").utf8)) })
        do {
            let result = try await gate.callTool(name: tool, arguments: arguments, context: context)
            print(result.jsonText)
            if result["isError"]?.boolValue == true { throw ExitCode(1) }
        } catch let error as MCPError {
            FileHandle.standardError.write(Data("\(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }
}
