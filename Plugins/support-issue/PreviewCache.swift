import PluginKit
import Synchronization

/// The reports shown as previews, by idempotency key, so that confirming sends exactly what the user
/// saw even if the logs have grown since. Kept in memory, small: a preview not confirmed is just dropped.
final class PreviewCache: Sendable {
    private let previews = Mutex<[(key: String, report: PluginJSON)]>([])
    private static let capacity = 32

    func remember(_ report: PluginJSON, key: String) {
        previews.withLock { previews in
            previews.removeAll { $0.key == key }
            previews.append((key, report))
            if previews.count > Self.capacity { previews.removeFirst(previews.count - Self.capacity) }
        }
    }

    func report(for key: String) -> PluginJSON? {
        previews.withLock { previews in previews.last { $0.key == key }?.report }
    }
}
