import PluginKit

extension CallContext {
    /// Calls a host service, turning a refusal into the `ToolError` a model acts on: the host's message
    /// as is, an argument error when the request was wrong or named something that does not exist,
    /// a failure otherwise (no grant, unreadable data).
    public func answer(of service: String, _ request: PluginJSON = .object([:])) throws -> PluginJSON {
        do {
            return try self.service(service, request)
        } catch let refused as ServiceRefused {
            switch refused.status {
            case cdxmcp_status(CDXMCP_INVALID_ARGUMENTS), cdxmcp_status(CDXMCP_NOT_FOUND):
                throw ToolError.invalidArguments(refused.message)
            default:
                throw ToolError.failed(refused.message)
            }
        }
    }
}
