import ArgumentParser
import HostConfiguration
import MCPProtocol

extension ToolGovernance {
    /// The governance keys of `configuration`; a malformed `clover.mcp.read.only` stops the start-up.
    init(configuration: HostConfiguration) throws {
        do {
            self.init(readOnly: try configuration.bool(ConfigKey.readOnly, default: false),
                      enabled: Set(configuration.list(ConfigKey.toolsEnabled)), disabled: Set(configuration.list(ConfigKey.toolsDisabled)))
        } catch let error as HostConfiguration.Invalid {
            throw ValidationError(error.description)
        }
    }
}
