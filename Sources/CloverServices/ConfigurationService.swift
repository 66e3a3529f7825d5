import enum CloverServiceContract.HostServices
import HostConfiguration
import MCPProtocol
import PluginHost

/// "config.effective": the configuration as the host resolved it (clover.properties, environment,
/// flags), each key with where it came from, secrets masked by the `private.properties` rule.
struct ConfigurationService: HostService {
    let name = HostServices.ConfigEffective.name
    let grant = HostServices.ConfigEffective.grant
    let configuration: HostConfiguration
    let privateKeys: PrivateProperties

    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        let prefix = request["prefix"]?.stringValue ?? ""
        let entries = configuration.values.keys.sorted().filter { $0.hasPrefix(prefix) }.map { key -> JSONValue in
            let value = configuration.values[key] ?? ""
            var entry: JSONValue = ["key": .string(key), "value": .string(privateKeys.shown(key, value))]
            if let source = configuration.sources[key] { entry["source"] = .string(source) }
            if privateKeys.isPrivate(key) { entry["masked"] = true }
            return entry
        }
        return ["entries": .array(entries), "privatePatterns": .array(privateKeys.patterns.map { .string($0.text) })]
    }
}
