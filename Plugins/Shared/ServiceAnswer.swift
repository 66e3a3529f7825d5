import PluginKit

extension CallContext {
    /// Calls a host service, turning a refusal into the `ToolError` a model acts on (`ServiceRefused.toolError`).
    public func answer(of service: String, _ request: PluginJSON = .object([:])) throws -> PluginJSON {
        do {
            return try self.service(service, request)
        } catch let refused as ServiceRefused {
            throw refused.toolError()
        }
    }
}
