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

    /// Calls a host service through its contract type (`HostServices.LogsSearch`, …), turning a refusal
    /// into the `ToolError` a model acts on.
    public func answer<S: HostServiceContract>(of service: S.Type, _ request: S.Request) throws -> S.Answer {
        do {
            return try call(service, request)
        } catch let refused as ServiceRefused {
            throw refused.toolError()
        }
    }
}
