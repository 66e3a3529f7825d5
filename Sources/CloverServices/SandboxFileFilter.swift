import HostConfiguration
import PluginHost

/// CloverDX 7.6's sandbox file filters, `clover.mcp.sandbox.allowedFiles` and `.deniedFiles`: comma
/// lists of wildcards on the sandbox-relative path (case-insensitive, `*` crosses `/`). A file is
/// readable when some allowed pattern matches (or none is set) and no denied pattern does: deny wins.
struct SandboxFileFilter: Sendable {

    let allowed: [WildcardPattern]
    let denied: [WildcardPattern]

    init(allowed: String?, denied: String?) {
        self.allowed = WildcardPattern.list(allowed)
        self.denied = WildcardPattern.list(denied)
    }

    /// The filter the configuration sets. `CLOVER_MCP_SANDBOX_DENIEDFILES` arrives lower-cased, so that
    /// spelling of the key counts too.
    init(configuration: HostConfiguration) {
        self.init(allowed: configuration[ConfigKey.sandboxAllowedFiles] ?? configuration[ConfigKey.sandboxAllowedFiles.lowercased()],
                  denied: configuration[ConfigKey.sandboxDeniedFiles] ?? configuration[ConfigKey.sandboxDeniedFiles.lowercased()])
    }

    /// Why `path` (sandbox-relative, `/`-separated) may not be read, or nil when it may.
    func refusal(_ path: String) -> String? {
        if let pattern = denied.first(where: { $0.matches(path) }) {
            return "\(path) is hidden from MCP: \(ConfigKey.sandboxDeniedFiles) matches it (\(pattern))"
        }
        if !allowed.isEmpty, !allowed.contains(where: { $0.matches(path) }) {
            return "\(path) is hidden from MCP: it matches none of \(ConfigKey.sandboxAllowedFiles) (\(allowed.map(\.text).joined(separator: ", ")))"
        }
        return nil
    }
}
