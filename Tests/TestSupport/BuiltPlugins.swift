import Foundation
import Logging
import MCPProtocol
import PluginHost

/// The plugin libraries `swift build` made: they sit next to the test executable (or in CLOVERDX_MCP_BUILD_DIR).
public enum BuiltPlugins {
    public static let directory: URL = {
        if let explicit = ProcessInfo.processInfo.environment["CLOVERDX_MCP_BUILD_DIR"] {
            return URL(fileURLWithPath: explicit)
        }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }()

    public static func path(_ library: String) -> String {
        directory.appendingPathComponent("lib\(library).so").path
    }

    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    public static func loader(configuration: [String: String] = [:]) -> PluginLoader {
        PluginLoader(searchDirectories: [directory], logger: logger, configuration: { configuration[$0] })
    }

    public static func entry(_ id: String, library: String, enabled: Bool = true, settings: JSONValue = [:],
                      sha256: String? = nil, timeoutMs: Int? = nil) -> PluginEntry {
        PluginEntry(id: id, library: library, path: nil, enabled: enabled, settings: settings, sha256: sha256,
                    grants: [], timeoutMilliseconds: timeoutMs)
    }
}

extension MCPCatalog {
    /// This catalog behind the server's gate, as `MCPServer` serves it (no operator switches).
    public var gate: ToolGate { ToolGate(catalog: self) }
}
