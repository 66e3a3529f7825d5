import Foundation
import HostConfiguration
import Logging
import Synchronization

/// The host's side of one loaded plugin, behind the `cdxmcp_plugin_handle *` the plugin holds:
/// its id, its logger and the configuration it may read. Lives for the life of the process.
final class PluginBinding: Sendable {
    let pluginID: String
    let logger: Logger
    let configuration: @Sendable (String) -> String?
    /// Which configuration keys the plugin may not read (the configuration is fixed for the process).
    let privateKeys: PrivateProperties
    let services: HostServiceDirectory
    /// Why the entry failed, as the plugin said with set_load_error (ABI 1.1).
    let loadError = Mutex<String?>(nil)
    /// The last error a plugin logged: a failing entry's reason when it gave none with set_load_error.
    let lastError = Mutex<String?>(nil)
    /// Grants from plugins.json; replaced when plugins.json changes.
    let grants = Mutex<Set<String>>([])

    init(pluginID: String, logger: Logger, configuration: @escaping @Sendable (String) -> String?,
         services: HostServiceDirectory) {
        self.pluginID = pluginID
        self.logger = logger
        self.configuration = configuration
        self.privateKeys = PrivateProperties(listed: configuration(ConfigKey.privateProperties))
        self.services = services
    }

    /// The value of a configuration key as the plugin may see it: nil for a private key or one not
    /// set, credentials inside a URL masked.
    func visibleConfiguration(_ key: String) -> String? {
        guard !privateKeys.isPrivate(key), let value = configuration(key) else { return nil }
        return privateKeys.shown(key, value)
    }

    /// A pointer the plugin can hold; the handle is retained forever, like the library.
    func retainedPointer() -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(self).toOpaque())
    }

    static func from(_ pointer: OpaquePointer?) -> PluginBinding? {
        guard let pointer else { return nil }
        return Unmanaged<PluginBinding>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}
