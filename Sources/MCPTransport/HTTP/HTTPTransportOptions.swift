/// How the Streamable HTTP endpoint behaves.
public struct HTTPTransportOptions: Sendable {
    /// Paths that answer MCP; the first is the primary one.
    public var paths: [String]
    /// Bodies larger than this are refused with 413.
    public var maxBodyBytes: Int
    /// Browser origins allowed to call (exact `scheme://host[:port]`). Requests without `Origin` are not browsers and pass.
    public var allowedOrigins: Set<String>
    /// When bound to loopback, a `Host` that is not loopback is refused (DNS-rebinding defence).
    public var requireLoopbackHost: Bool
    /// Comment lines on open SSE streams, so proxies do not close them.
    public var keepAliveInterval: Duration

    public init(paths: [String] = ["/mcp", "/clover/mcp/mcp"], maxBodyBytes: Int = 4 << 20,
                allowedOrigins: Set<String> = [], requireLoopbackHost: Bool = true,
                keepAliveInterval: Duration = .seconds(15)) {
        self.paths = paths
        self.maxBodyBytes = maxBodyBytes
        self.allowedOrigins = allowedOrigins
        self.requireLoopbackHost = requireLoopbackHost
        self.keepAliveInterval = keepAliveInterval
    }

    /// Whether a browser `Origin` may call. Loopback origins are allowed while the server is loopback-only,
    /// so local tools such as MCP Inspector work without configuration.
    func allows(origin: String) -> Bool {
        if allowedOrigins.contains(origin) || allowedOrigins.contains("*") { return true }
        guard requireLoopbackHost else { return false }
        return ["http://localhost", "http://127.0.0.1", "http://[::1]", "https://localhost", "https://127.0.0.1", "https://[::1]"]
            .contains { origin == $0 || origin.hasPrefix($0 + ":") }
    }
}
