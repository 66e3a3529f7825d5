import Logging

/// How a tool call ended, as the audit line spells it.
public enum ToolCallOutcome: String, Sendable {
    case ok, toolError = "tool_error", timeout, cancelled, unknownTool = "unknown_tool", denied
}

/// One log line per tool call: who called which tool, how it ended and how long it took.
///
/// Arguments and results are never logged: they may carry secrets or customer data, and the
/// audit trail must be safe to ship to a central log store.
public struct ToolCallAudit: Sendable {
    public var logger: Logger

    /// Writes through `logger`; its label ("cloverdx.mcp.audit" by default) lets operators route audit lines apart.
    public init(logger: Logger = Logger(label: "cloverdx.mcp.audit")) {
        self.logger = logger
    }

    public func record(tool: String, provider: String?, client: ClientContext?, outcome: ToolCallOutcome, duration: Duration) {
        // The line is built before swift-log's own level check, so check first: no cost when audit is off.
        guard logger.logLevel <= .info else { return }
        let principal = client?.principal
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        var line = "tool call: tool=\(Self.quoted(tool)) subject=\(Self.quoted(principal?.subject ?? "local"))"
        line += " client_id=\(Self.quoted(principal?.clientID ?? "-")) client=\(Self.quoted(client?.clientName ?? "unknown"))"
        line += " plugin=\(Self.quoted(provider ?? "-")) outcome=\(outcome.rawValue) duration_ms=\(milliseconds)"
        logger.info("\(line)")
    }

    /// Values come from tokens and clients: quote anything that could break the key=value line.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" }
        if plain { return value }
        let escaped = value.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default: return scalar.value < 0x20 || scalar.value == 0x7F ? "?" : String(scalar)
            }
        }.joined()
        return "\"\(escaped)\""
    }
}
