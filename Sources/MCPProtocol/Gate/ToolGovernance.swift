import HostConfiguration


/// Which tools the operator lets clients see and call (docs/CLOVERDX.md, "Tool governance"): `clover.mcp.read.only` keeps
/// only tools annotated `readOnlyHint: true`, and `clover.mcp.tools.individual.enabled|disabled` name
/// single tools. Individual settings win over read-only, as in CloverDX.
public struct ToolGovernance: Sendable, Equatable {

    public var readOnly: Bool
    /// Exact tool names switched on even in read-only mode.
    public var enabled: Set<String>
    /// Exact tool names switched off.
    public var disabled: Set<String>

    /// Everything the plugins offer is allowed.
    public static let open = ToolGovernance(readOnly: false, enabled: [], disabled: [])

    public init(readOnly: Bool, enabled: Set<String>, disabled: Set<String>) {
        self.readOnly = readOnly
        self.enabled = enabled
        self.disabled = disabled
    }

    /// Whether `tool` (a tools/list entry) may be listed and called.
    public func allows(_ tool: JSONValue) -> Bool {
        refusal(tool) == nil
    }

    /// Why `tool` is switched off, naming the setting to change, or nil when it is allowed.
    public func refusal(_ tool: JSONValue) -> String? {
        let name = tool["name"]?.stringValue ?? ""
        // A name in both lists stays off: refusing is the safe reading of a contradiction.
        if disabled.contains(name) {
            return "tool \"\(name)\" is switched off on this server (\(ConfigKey.toolsDisabled))"
        }
        if enabled.contains(name) { return nil }
        // A tool that does not say it only reads is treated as one that writes.
        if readOnly && tool["annotations"]?["readOnlyHint"]?.boolValue != true {
            return "tool \"\(name)\" changes things outside this server and the server is read-only (\(ConfigKey.readOnly)=true); "
                + "an administrator can allow it with \(ConfigKey.toolsEnabled)=\(name)"
        }
        return nil
    }
}
