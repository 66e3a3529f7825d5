/// An MCP protocol revision, named by its date. Dates compare as strings.
public struct ProtocolRevision: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let v2024_11_05 = ProtocolRevision("2024-11-05")
    public static let v2025_03_26 = ProtocolRevision("2025-03-26")
    public static let v2025_06_18 = ProtocolRevision("2025-06-18")
    public static let v2025_11_25 = ProtocolRevision("2025-11-25")
    public static let v2026_07_28 = ProtocolRevision("2026-07-28")

    /// Revisions that start with `initialize` and keep a session, oldest first.
    public static let handshakeEra: [ProtocolRevision] = [.v2024_11_05, .v2025_03_26, .v2025_06_18, .v2025_11_25]
    /// Stateless revisions: every request carries its version in `_meta`.
    public static let modernEra: [ProtocolRevision] = [.v2026_07_28]
    public static let all = handshakeEra + modernEra
    public static let latestHandshake = ProtocolRevision.v2025_11_25

    /// The revision a handshake-era HTTP client is assumed to speak when it sends no version header.
    public static let handshakeDefault = ProtocolRevision.v2025_03_26

    public var isModern: Bool { self >= .v2026_07_28 }
    public var isSupported: Bool { Self.all.contains(self) }

    public static func < (lhs: ProtocolRevision, rhs: ProtocolRevision) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

/// The `_meta` keys of 2026-07-28 requests.
public enum ModernMetaKey {
    public static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
    public static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    public static let clientInfo = "io.modelcontextprotocol/clientInfo"
    public static let logLevel = "io.modelcontextprotocol/logLevel"
    public static let serverInfo = "io.modelcontextprotocol/serverInfo"
    public static let subscriptionId = "io.modelcontextprotocol/subscriptionId"
}
