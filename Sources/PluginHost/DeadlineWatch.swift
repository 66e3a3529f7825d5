import Dispatch
import Foundation
import Synchronization

/// Runs an action for each call that overruns its deadline. One thread checks the open deadlines
/// every `tick` while there are any; a call that finishes in time removes its entry, so nothing is
/// kept alive past the call (a timer per call would hold every call's state for the full timeout).
///
/// `add` and `remove` run on every plugin call, so they only take a futex-based `Mutex` and touch a
/// dictionary; the watching thread is signalled only when it parked because nothing was open.
final class DeadlineWatch: Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var started = false
        /// The watching thread waits on `wakeup` because there was nothing to watch.
        var parked = false
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    let tick: Duration
    /// Runs on the watching thread once per tick while deadlines are open (the call pool checks
    /// there whether queued calls wait for a thread).
    private let onTick: @Sendable () -> Void

    init(tick: Duration = .milliseconds(10), onTick: @escaping @Sendable () -> Void = {}) {
        self.tick = tick
        self.onTick = onTick
    }

    /// Registers `expire` to run once `deadline` has passed, unless `remove` comes first.
    func add(deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, start, wake) = state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = Entry(deadline: deadline, expire: expire)
            let start = !state.started
            state.started = true
            let wake = state.parked
            state.parked = false
            return (state.nextID, start, wake)
        }
        if start {
            let thread = Thread { [self] in
                Thread.current.name = "call deadlines"
                watch()
            }
            thread.start()
        }
        if wake { wakeup.signal() }
        return id
    }

    func remove(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    private func watch() {
        let pause = tick.seconds
        while true {
            let expired = state.withLock { state -> [Entry]? in
                if state.entries.isEmpty {
                    state.parked = true
                    return nil
                }
                let now = ContinuousClock.now
                let due = state.entries.filter { $0.value.deadline <= now }
                for id in due.keys { state.entries.removeValue(forKey: id) }
                return Array(due.values)
            }
            guard let expired else {
                wakeup.wait()
                continue
            }
            for entry in expired { entry.expire() }
            onTick()
            Thread.sleep(forTimeInterval: pause)
        }
    }
}
