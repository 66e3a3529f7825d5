import ArgumentParser
import DesktopExtension
import Foundation

/// `cloverdx-mcp pack-mcpb`: the Claude Desktop extension that runs `bridge`.
struct PackMCPB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack-mcpb",
        abstract: "Build a Claude Desktop extension (.mcpb) that connects to a CloverDX MCP server through `bridge`.",
        discussion: """
            The bundle holds manifest.json and this binary (or --binary). Installing it asks for the server's URL,
            an optional bearer token (kept in the OS keychain) and an optional diagnostic log file. Ship a binary
            built for the users' platform; on Linux build it with --static-swift-stdlib so it runs without Swift.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where to write the bundle (default: ./cloverdx-mcp-<version>.mcpb).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The cloverdx-mcp executable to put in the bundle (default: this one).", valueName: "file"))
    var binary: String?

    func run() async throws {
        guard let executable = binary.map({ URL(fileURLWithPath: $0) }) ?? Bundle.main.executableURL else {
            throw CommandFailure("cannot tell where this executable is; pass --binary")
        }
        #if os(macOS)
        let platform = "darwin"
        #elseif os(Windows)
        let platform = "win32"
        #else
        let platform = "linux"
        #endif
        let bundle = MCPBBundle(version: CloverDXMCP.version, binary: executable.resolvingSymlinksInPath(), platform: platform)
        let destination = URL(fileURLWithPath: output ?? "cloverdx-mcp-\(CloverDXMCP.version).mcpb")
        do {
            try Data(bundle.archive()).write(to: destination, options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(destination.path): \(error)")
        }
        print(destination.path)
    }
}
