import Foundation

/// Runs an action for each call that overruns its deadline. One thread checks the open deadlines
/// every `tick` while there are any; a call that finishes in time removes its entry, so nothing is
/// kept alive past the call (a timer per call would hold every call's state for the full timeout).
final class DeadlineWatch: @unchecked Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    // Guarded by `condition`.
    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 0
    private var started = false
    private let condition = NSCondition()
    let tick: Duration

    init(tick: Duration = .milliseconds(10)) {
        self.tick = tick
    }

    /// Registers `expire` to run once `deadline` has passed, unless `remove` comes first.
    func add(deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        entries[nextID] = Entry(deadline: deadline, expire: expire)
        if !started {
            started = true
            let thread = Thread { [self] in
                Thread.current.name = "call deadlines"
                watch()
            }
            thread.start()
        }
        condition.signal()
        return nextID
    }

    func remove(_ id: UInt64) {
        condition.lock()
        entries.removeValue(forKey: id)
        condition.unlock()
    }

    private func watch() {
        while true {
            condition.lock()
            while entries.isEmpty { condition.wait() }
            let now = ContinuousClock.now
            let expired = entries.filter { $0.value.deadline <= now }
            for id in expired.keys { entries.removeValue(forKey: id) }
            condition.unlock()
            for entry in expired.values { entry.expire() }
            Thread.sleep(forTimeInterval: Double(tick.components.attoseconds) / 1e18 + Double(tick.components.seconds))
        }
    }
}
