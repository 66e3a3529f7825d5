import ArgumentParser
import Foundation
import MCPBridge
import RemoteMCP

/// `cloverdx-mcp bridge`: a stdio MCP server that relays to a remote Streamable HTTP one.
struct Bridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Relay a stdio MCP client to a remote Streamable HTTP MCP server.",
        discussion: """
            For desktop apps that start MCP servers as processes: they talk stdio to the bridge, the bridge talks
            HTTP to a cloverdx-mcp sidecar (…/mcp) or to CloverDX's own endpoint (https://host/clover/mcp/mcp).
            Diagnostics go to stderr and, with --log, to a file; the token is never written to either.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The remote MCP endpoint, e.g. https://cdx.example.com/mcp.", valueName: "url"))
    var url: String

    @Option(name: .long, help: ArgumentHelp("OAuth 2 bearer token sent as Authorization: Bearer (or $CLOVERDX_MCP_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Append diagnostics to this file as well as stderr.", valueName: "file"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp("Longest time one request may take, in seconds (default 600).", valueName: "seconds"))
    var timeout: Int = 600

    func run() async throws {
        guard let remoteURL = URL(string: url) else { throw ValidationError("--url \(url) is not a URL") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        // Desktop apps fill unset optional fields with an empty string, or may leave the
        // `${user_config.…}` placeholder as is: both mean "not given".
        func given(_ value: String?) -> String? {
            guard let value, !value.isEmpty, !(value.hasPrefix("${") && value.hasSuffix("}")) else { return nil }
            return value
        }
        let logPath = given(log)
        let bearer = given(token) ?? given(ProcessInfo.processInfo.environment["CLOVERDX_MCP_TOKEN"])
        let diagnostics: BridgeLog
        let remote: RemoteMCPEndpoint
        do {
            diagnostics = try BridgeLog(path: logPath)
            remote = try RemoteMCPEndpoint(url: remoteURL, token: bearer, timeout: .seconds(timeout), version: CloverDXMCP.version)
        } catch let error as RemoteMCPError {
            throw CommandFailure(error.description)
        }
        diagnostics.write("cloverdx-mcp \(CloverDXMCP.version), bearer token \(bearer == nil ? "none" : "given")")
        await StdioBridge(remote: remote, log: diagnostics).run()
    }
}
