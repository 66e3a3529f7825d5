import ArgumentParser
import Foundation
import HostConfiguration
import MCPProtocol

/// `cloverdx-mcp client-config`: what to paste into (or run for) a given MCP client.
struct ClientConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-config",
        abstract: "Print the configuration snippet or command that connects an MCP client to this server.",
        discussion: """
            The URL comes from --url, else clover.mcp.oauth.resource, else clover.mcp.sidecar.http.listen and .path
            (https when a TLS certificate is configured). JSON snippets go to stdout alone, notes to stderr.
            """
    )

    enum Client: String, ExpressibleByArgument, CaseIterable {
        case claudeDesktop = "claude-desktop"
        case claudeCode = "claude-code"
        case vscode, cursor, chatgpt
    }

    @Argument(help: ArgumentHelp("One of: \(Client.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "client"))
    var client: Client

    @Option(name: .long, help: ArgumentHelp("The server's MCP URL as clients reach it.", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("A bearer token to put into the configuration (else none, or the client signs in with OAuth).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("CloverDX clover.properties to read the listen address, path and OAuth settings from.", valueName: "file"))
    var config: String?

    func run() async throws {
        let configuration: HostConfiguration
        do {
            configuration = try HostConfiguration.load(propertiesFile: config.map { URL(fileURLWithPath: $0) })
        } catch {
            throw ValidationError("\(error)")
        }
        let endpoint = url ?? Self.endpointURL(configuration)
        let oauth = configuration[ConfigKey.oauthIssuer] != nil
        let auth: String = token != nil ? "bearer token given" : (oauth ? "OAuth: the client signs in" : "anonymous")
        let snippet = render(endpoint: endpoint, oauth: oauth)
        print(snippet.text)
        for note in snippet.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        FileHandle.standardError.write(Data("server: \(endpoint) (\(auth))\n".utf8))
    }

    /// The URL clients use: the OAuth resource when set (it is the public one), else the listen address.
    static func endpointURL(_ configuration: HostConfiguration) -> String {
        if let resource = configuration[ConfigKey.oauthResource] { return resource }
        let listen = configuration[ConfigKey.httpListen] ?? ServeSettings.defaultListen
        var host = String(listen[..<(listen.lastIndex(of: ":") ?? listen.endIndex)])
        let port = listen.lastIndex(of: ":").map { String(listen[listen.index(after: $0)...]) } ?? "8765"
        // A wildcard bind is reached through this machine's name; loopback stays as written.
        if host.isEmpty || host == "0.0.0.0" || host == "[::]" || host == "::" { host = ProcessInfo.processInfo.hostName }
        let scheme = configuration[ConfigKey.tlsCertificateFile] != nil ? "https" : "http"
        let path = configuration[ConfigKey.httpPath] ?? "/mcp"
        return "\(scheme)://\(host):\(port)\(path)"
    }

    struct Snippet {
        var text: String
        var notes: [String] = []
    }

    func render(endpoint: String, oauth: Bool) -> Snippet {
        let headers: JSONValue? = token.map { ["Authorization": .string("Bearer \($0)")] }
        switch client {
        case .claudeDesktop:
            // Claude Desktop starts local servers as processes: the bridge relays them to HTTP.
            let binary = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? "cloverdx-mcp"
            var server: JSONValue = ["command": .string(binary), "args": ["bridge", "--url", .string(endpoint)]]
            if let token { server["env"] = ["CLOVERDX_MCP_TOKEN": .string(token)] }
            var notes = ["add to claude_desktop_config.json (Settings → Developer → Edit Config), then restart Claude Desktop",
                         "or install the extension from `cloverdx-mcp pack-mcpb` instead"]
            if oauth && token == nil { notes.append("the server requires OAuth: pass --token, or use Settings → Connectors with an https URL") }
            return Snippet(text: JSONValue.object(["mcpServers": ["cloverdx": server]]).jsonText, notes: notes)
        case .claudeCode:
            var words = ["claude", "mcp", "add", "--transport", "http", "cloverdx", endpoint]
            if let token { words += ["--header", "Authorization: Bearer \(token)"] }
            let notes = oauth && token == nil ? ["then run /mcp in a Claude Code session to sign in"] : []
            return Snippet(text: words.map(Self.shellQuoted).joined(separator: " "), notes: notes)
        case .vscode:
            var server: JSONValue = ["type": "http", "url": .string(endpoint)]
            if let headers { server["headers"] = headers }
            return Snippet(text: JSONValue.object(["servers": ["cloverdx": server]]).jsonText,
                           notes: ["save as .vscode/mcp.json in the workspace (or run \"MCP: Open User Configuration\")"])
        case .cursor:
            var server: JSONValue = ["url": .string(endpoint)]
            if let headers { server["headers"] = headers }
            return Snippet(text: JSONValue.object(["mcpServers": ["cloverdx": server]]).jsonText,
                           notes: ["save as ~/.cursor/mcp.json (or .cursor/mcp.json in the project)"])
        case .chatgpt:
            let steps = [
                "ChatGPT: Settings → Apps & Connectors → Advanced settings → turn on Developer mode.",
                "Settings → Apps & Connectors → Create: name \"CloverDX\", MCP server URL \(endpoint).",
                oauth ? "Authentication: OAuth (ChatGPT signs in at the authorization server the server names)."
                      : "Authentication: No authentication.",
                "Tick \"I trust this application\", then Create; use it in a chat through the + menu (Developer mode).",
            ]
            var text = steps.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
            if !endpoint.lowercased().hasPrefix("https://") {
                text = "Warning: ChatGPT only connects to public https:// URLs (port 443); \(endpoint) is not one. "
                    + "Serve TLS (clover.mcp.sidecar.tls.cert.file) or put a reverse proxy in front.\n" + text
            }
            return Snippet(text: text)
        }
    }

    /// A word the shell reads back unchanged.
    static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        return !word.isEmpty && word.allSatisfy(safe.contains) ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
