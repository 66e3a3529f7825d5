import MCPProtocol

/// Handshake-era sessions on HTTP: named by the `Mcp-Session-Id` header, owned by the subject that
/// opened them. Another subject's session is reported as unknown, so session ids cannot be borrowed.
struct HTTPSessionScope: SessionScope {
    let server: MCPServer
    let sessionID: String?

    func current(for principal: Principal?) -> Result<LegacySession, Refusal> {
        guard let sessionID else {
            return .failure(Refusal(MCPError(code: -32000, message: "Bad Request: no Mcp-Session-Id header; send initialize first and repeat the session id it returns"), status: 400))
        }
        guard let session = server.sessions.session(id: sessionID), Self.owns(principal, session) else {
            return .failure(Refusal(MCPError(code: -32001, message: "Session not found: it ended or expired; send initialize again"), status: 404))
        }
        return .success(session)
    }

    func existing(for principal: Principal?) -> LegacySession? {
        try? current(for: principal).get()
    }

    /// The store already holds it; the reply carries its id in the header.
    func opened(_ session: LegacySession) {}

    static func owns(_ principal: Principal?, _ session: LegacySession) -> Bool {
        session.owner == nil || session.owner == principal?.subject
    }
}
