import ArgumentParser

/// The `cloverdx-mcp` command: an MCP server for CloverDX, run as a sidecar next to CloverDX Server.
/// `Sources/cloverdx-mcp/main.swift` runs it.
public struct CloverDXMCP: AsyncParsableCommand {
    static let version = "0.1.0"

    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "cloverdx-mcp",
        abstract: "MCP server that lets AI agents troubleshoot and monitor a CloverDX Server.",
        discussion: """
            Tool groups are plugins (shared libraries) listed in plugins.json. Start with `cloverdx-mcp serve`,
            then point an MCP client at http://127.0.0.1:8765/mcp, or run `cloverdx-mcp serve --stdio` from the client.
            """,
        version: version,
        subcommands: [Serve.self, Plugins.self, Call.self, Doctor.self, Demo.self, Bridge.self, PackMCPB.self, ClientConfig.self, PluginWorkerCommand.self],
        defaultSubcommand: Serve.self
    )
}

extension CloverDXMCP {
    /// Parses the command line and runs the chosen command, as `@main` would. Called from a
    /// `main.swift`, where `main()` resolves to ArgumentParser's synchronous entry point.
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
