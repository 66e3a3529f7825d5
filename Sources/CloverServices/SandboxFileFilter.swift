import HostConfiguration
import PluginHost

/// CloverDX 7.6's sandbox file filters, `clover.mcp.sandbox.allowedFiles` and `.deniedFiles`: comma
/// lists of wildcards on the sandbox-relative path (case-insensitive, `*` crosses `/`). A file is
/// readable when some allowed pattern matches (or none is set) and no denied pattern does: deny wins.
struct SandboxFileFilter: Sendable {
    static let allowedKey = "clover.mcp.sandbox.allowedFiles"
    static let deniedKey = "clover.mcp.sandbox.deniedFiles"

    let allowed: [WildcardPattern]
    let denied: [WildcardPattern]

    init(allowed: String?, denied: String?) {
        self.allowed = WildcardPattern.list(allowed)
        self.denied = WildcardPattern.list(denied)
    }

    /// The filter the configuration sets. `CLOVER_MCP_SANDBOX_DENIEDFILES` arrives lower-cased, so that
    /// spelling of the key counts too.
    init(configuration: HostConfiguration) {
        self.init(allowed: configuration[Self.allowedKey] ?? configuration[Self.allowedKey.lowercased()],
                  denied: configuration[Self.deniedKey] ?? configuration[Self.deniedKey.lowercased()])
    }

    /// Why `path` (sandbox-relative, `/`-separated) may not be read, or nil when it may.
    func refusal(_ path: String) -> String? {
        if let pattern = denied.first(where: { $0.matches(path) }) {
            return "\(path) is hidden from MCP: \(Self.deniedKey) matches it (\(pattern))"
        }
        if !allowed.isEmpty, !allowed.contains(where: { $0.matches(path) }) {
            return "\(path) is hidden from MCP: it matches none of \(Self.allowedKey) (\(allowed.map(\.text).joined(separator: ", ")))"
        }
        return nil
    }
}
