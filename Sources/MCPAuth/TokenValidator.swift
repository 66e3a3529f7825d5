import Foundation
import MCPProtocol

/// Checks a bearer token and tells who it belongs to.
public protocol TokenValidator: Sendable {
    /// The caller `token` stands for, or why it is refused. Never logs the token.
    func validate(_ token: String, now: Date) async throws(TokenRejection) -> Principal
}
