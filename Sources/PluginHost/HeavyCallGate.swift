import Foundation

/// Lets a bounded number of heavy host-service calls (SQL, log scans, support packages) run at
/// once. A call past the bound waits a short while for a place; when none frees up, or too many
/// already wait, it is refused with a "busy, retry in N s" error instead of queueing without bound,
/// so a burst of expensive calls cannot take the memory and the cores every other client needs.
///
/// Callers are plugin-call threads, which block for the whole service call anyway, so the gate
/// blocks them too. When the last heavy call leaves, freed heap is handed back to the system.
public final class HeavyCallGate: @unchecked Sendable {  // all state is guarded by `condition`
    /// How many heavy calls may run and wait.
    public struct Settings: Sendable, Equatable {
        /// Heavy calls running at once.
        public var maxRunning: Int
        /// Calls waiting for a place at once; more are refused at once.
        public var maxWaiting: Int
        /// How long a call waits for a place before it is refused.
        public var maxWait: Duration

        /// The default: twice the cores (at least 4) running, 64 waiting, for up to 10 s.
        public init(maxRunning: Int = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount),
                    maxWaiting: Int = 64, maxWait: Duration = .seconds(10)) {
            self.maxRunning = max(1, maxRunning)
            self.maxWaiting = max(0, maxWaiting)
            self.maxWait = max(.zero, maxWait)
        }
    }

    /// What a caller gets from ``enter(isCancelled:)``.
    public enum Admission: Sendable, Equatable {
        /// It may run; call ``leave(after:)`` when done.
        case admitted
        /// No place freed up in time: the message says when to try again.
        case busy(retryAfterSeconds: Int)
        /// The call was cancelled while it waited.
        case cancelled
    }

    public let settings: Settings
    private let condition = NSCondition()
    private var running = 0
    private var waiting = 0
    /// A moving average of how long heavy calls take, for the retry hint.
    private var averageSeconds = 1.0

    public init(_ settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Heavy calls running now.
    public var runningCount: Int { condition.withLock { running } }

    /// Takes a place, waiting up to `settings.maxWait` for one; `isCancelled` is polled while waiting.
    public func enter(isCancelled: () -> Bool) -> Admission {
        condition.lock()
        defer { condition.unlock() }
        if running < settings.maxRunning {
            running += 1
            return .admitted
        }
        guard settings.maxWaiting > waiting, settings.maxWait > .zero else { return .busy(retryAfterSeconds: retryHint()) }
        waiting += 1
        defer { waiting -= 1 }
        let deadline = Date().addingTimeInterval(settings.maxWait.seconds)
        while running >= settings.maxRunning {
            if isCancelled() { return .cancelled }
            let now = Date()
            if now >= deadline { return .busy(retryAfterSeconds: retryHint()) }
            // Wake at least every 100 ms to notice a cancellation.
            _ = condition.wait(until: min(deadline, now.addingTimeInterval(0.1)))
        }
        running += 1
        return .admitted
    }

    /// Gives the place back; `duration` is how long the call ran.
    public func leave(after duration: Duration) {
        let idle = condition.withLock {
            running -= 1
            averageSeconds = 0.8 * averageSeconds + 0.2 * duration.seconds
            condition.signal()
            return running == 0
        }
        if idle { Self.returnFreedMemory() }
    }

    /// Seconds until a place is likely free: the average call's length times the calls ahead per place.
    private func retryHint() -> Int {
        let ahead = Double(waiting + running) / Double(settings.maxRunning)
        return max(1, Int((averageSeconds * ahead).rounded(.up)))
    }

    /// glibc keeps the heap a large call freed in its arenas; `malloc_trim` gives it back, so the
    /// process returns to its idle footprint after a burst. Looked up at run time: other C
    /// libraries (musl) have no such call and need none.
    private static func returnFreedMemory() {
        _ = mallocTrim?(0)
    }

    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
}
