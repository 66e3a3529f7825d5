import Foundation
import JSON
import ZipArchive

/// The Claude Desktop extension (MCPB bundle, github.com/modelcontextprotocol/mcpb) of cloverdx-mcp:
/// the binary plus a `manifest.json` that runs `cloverdx-mcp bridge` against the URL the user
/// enters, so the desktop app reaches a sidecar (or CloverDX's own endpoint) over HTTP.
public struct MCPBBundle {
    /// Where the binary sits inside the bundle.
    public static let entryPoint = "server/cloverdx-mcp"
    /// The manifest revision written; the fields used are the same in 0.3 and 0.4.
    public static let manifestVersion = "0.3"

    public var version: String
    /// The executable to ship; it must run on the users' machines (build it with
    /// `--static-swift-stdlib` for a bundle that does not need Swift installed).
    public var binary: URL
    /// `darwin`, `linux` or `win32`: the platform the binary was built for.
    public var platform: String

    public init(version: String, binary: URL, platform: String) {
        self.version = version
        self.binary = binary
        self.platform = platform
    }

    /// `manifest.json`. The token goes through the environment, so it never shows in a process list.
    public var manifest: JSONValue {
        [
            "manifest_version": .string(Self.manifestVersion),
            "name": "cloverdx-mcp",
            "display_name": "CloverDX",
            "version": .string(version),
            "description": "Troubleshoot and monitor a CloverDX Server: logs, job runs, tracking and its system database.",
            "long_description": """
                Connects Claude to a cloverdx-mcp sidecar or to CloverDX's own MCP endpoint over HTTP. \
                Enter the server's MCP URL (for example https://cdx.example.com/mcp or https://cdx.example.com/clover/mcp/mcp) \
                and, if the server requires it, an OAuth 2 access token.
                """,
            "author": ["name": "cloverdx-mcp"],
            "server": [
                "type": "binary",
                "entry_point": .string(Self.entryPoint),
                "mcp_config": [
                    "command": .string("${__dirname}/\(Self.entryPoint)"),
                    "args": ["bridge", "--url", "${user_config.url}", "--log", "${user_config.log_path}"],
                    "env": ["CLOVERDX_MCP_TOKEN": "${user_config.token}"],
                ],
            ],
            "user_config": [
                "url": [
                    "type": "string", "title": "Server URL",
                    "description": "The MCP endpoint of the cloverdx-mcp sidecar or CloverDX Server, e.g. https://cdx.example.com/mcp",
                    "required": true,
                ],
                "token": [
                    "type": "string", "title": "OAuth 2 bearer token",
                    "description": "An access token for the server, when it requires one (leave empty for anonymous access)",
                    "required": false, "sensitive": true,
                ],
                "log_path": [
                    "type": "string", "title": "Diagnostic log file",
                    "description": "A file to append the bridge's diagnostics to (optional; the token is never written)",
                    "required": false,
                ],
            ],
            "compatibility": ["platforms": [.string(platform)]],
            "keywords": ["cloverdx", "etl", "logs", "monitoring", "diagnostics"],
        ]
    }

    /// The `.mcpb` file's bytes: the manifest at the root and the executable at `entryPoint`.
    public func archive() throws -> [UInt8] {
        let executable: Data
        do {
            executable = try Data(contentsOf: binary)
        } catch {
            throw ZipArchiveError("cannot read the binary \(binary.path): \(error.localizedDescription)")
        }
        var manifestText = manifest.serialized()
        manifestText.append(0x0A)
        return try ZipArchive(entries: [
            .init(path: "manifest.json", contents: manifestText),
            .init(path: Self.entryPoint, contents: [UInt8](executable), permissions: 0o755),
        ]).serialized()
    }
}
