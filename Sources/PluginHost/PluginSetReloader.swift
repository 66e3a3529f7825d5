import Foundation
import Logging
import Synchronization

/// Keeps the registry in step with plugins.json without a restart: on a change of the file (checked
/// every `interval`) or on request (SIGHUP). A file that cannot be read or parsed keeps the last
/// good set, and the log says why.
public final class PluginSetReloader: Sendable {
    public let manifestURL: URL
    public let registry: PluginRegistry
    public let interval: Duration
    private let logger: Logger
    private let lastSeen = Mutex<FileStamp?>(nil)

    struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    public init(manifestURL: URL, registry: PluginRegistry, interval: Duration = .seconds(1), logger: Logger) {
        self.manifestURL = manifestURL
        self.registry = registry
        self.interval = interval
        self.logger = logger
        lastSeen.withLock { $0 = Self.stamp(of: manifestURL) }
    }

    /// Reads plugins.json and applies it. Returns false, keeping the current set, if the file is bad.
    @discardableResult
    public func reload(reason: String) -> Bool {
        lastSeen.withLock { $0 = Self.stamp(of: manifestURL) }
        let manifest: PluginManifest
        do {
            manifest = try PluginManifest.load(from: manifestURL)
        } catch {
            logger.error("plugins.json reload (\(reason)) failed, keeping the last good plugin set: \(error)")
            return false
        }
        let report = registry.apply(manifest)
        logger.info("plugins.json reloaded (\(reason)): active \(report.active.joined(separator: ", ")); disabled \(report.disabled.joined(separator: ", ")); failed \(report.failed.map(\.pluginID).joined(separator: ", "))")
        return true
    }

    /// Watches the file until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let current = Self.stamp(of: manifestURL)
            let changed = lastSeen.withLock { $0 != current }
            if changed { reload(reason: "file changed") }
        }
    }

    static func stamp(of url: URL) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
        return FileStamp(modified: attributes[.modificationDate] as? Date,
                         size: (attributes[.size] as? NSNumber)?.intValue,
                         inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue)
    }
}
