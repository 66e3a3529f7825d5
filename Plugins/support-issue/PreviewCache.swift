import PluginKit
import Synchronization

/// The reports shown as previews, by the arguments as the model gave them, so that confirming sends
/// exactly what the user saw, under the same idempotency key, even if the logs have grown since or
/// the window is relative ("-2h" resolves differently a minute later). Kept in memory, small: a
/// preview not confirmed is just dropped.
final class PreviewCache: Sendable {
    struct Preview: Sendable {
        let key: String
        let report: PluginJSON
    }

    private let previews = Mutex<[(arguments: String, preview: Preview)]>([])
    private static let capacity = 32

    func remember(_ report: PluginJSON, key: String, arguments: String) {
        previews.withLock { previews in
            previews.removeAll { $0.arguments == arguments }
            previews.append((arguments, Preview(key: key, report: report)))
            if previews.count > Self.capacity { previews.removeFirst(previews.count - Self.capacity) }
        }
    }

    func preview(for arguments: String) -> Preview? {
        previews.withLock { previews in previews.last { $0.arguments == arguments }?.preview }
    }
}
