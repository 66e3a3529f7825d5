/// MCP log levels (RFC 5424 names), lowest first.
public enum MCPLogLevel: Int, Comparable, Sendable, CaseIterable {
    case debug, info, notice, warning, error, critical, alert, emergency

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        case .alert: return "alert"
        case .emergency: return "emergency"
        }
    }

    public static func < (lhs: MCPLogLevel, rhs: MCPLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
