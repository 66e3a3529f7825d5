import Foundation
import Synchronization

/// Threads that run blocking plugin calls, away from the network event loops and Swift's
/// cooperative pool. It grows when every thread is busy (a hung plugin holds its thread until it
/// returns) up to `maximumThreads`, and extra threads leave again when idle.
public final class CallPool: @unchecked Sendable {
    public let baseThreads: Int
    public let maximumThreads: Int

    // Guarded by `condition`; the class is @unchecked Sendable because of that lock.
    private var queue: [@Sendable () -> Void] = []
    private var threads = 0
    private var idle = 0
    private var shuttingDown = false
    private let condition = NSCondition()
    private let deadlines = DeadlineWatch()

    public init(baseThreads: Int = max(4, ProcessInfo.processInfo.activeProcessorCount * 2), maximumThreads: Int = 64) {
        self.baseThreads = max(1, baseThreads)
        self.maximumThreads = max(self.baseThreads, maximumThreads)
    }

    /// How a pooled call ended.
    public enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        /// The work did not finish in time; it keeps its thread until it returns, its result is dropped.
        case timedOut
        /// The waiting task was cancelled (shutdown); the work, as after a timeout, runs on unobserved.
        case abandoned
    }

    /// Runs `work` on a pool thread and waits at most `timeout` for it.
    /// - Parameter onTimeout: runs once if the deadline passes first (marks the call cancelled).
    public func run<T: Sendable>(timeout: Duration, onTimeout: @escaping @Sendable () -> Void = {},
                                 _ work: @escaping @Sendable () -> T) async -> Outcome<T> {
        let once = Mutex<CheckedContinuation<Outcome<T>, Never>?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
            once.withLock { $0 = continuation }
            let deadline = deadlines.add(deadline: .now + timeout) {
                guard let continuation = once.withLock({ $0.take() }) else { return }
                onTimeout()
                continuation.resume(returning: .timedOut)
            }
            enqueue { [deadlines] in
                let value = work()
                deadlines.remove(deadline)
                once.withLock { $0.take() }?.resume(returning: .finished(value))
            }
            if Task.isCancelled { once.withLock { $0.take() }?.resume(returning: .abandoned) }
            }
        } onCancel: {
            onTimeout()
            once.withLock { $0.take() }?.resume(returning: .abandoned)
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(job)
        let spawn = idle == 0 && threads < maximumThreads
        if spawn { threads += 1 }
        condition.signal()
        condition.unlock()
        if spawn { startThread() }
    }

    private func startThread() {
        let thread = Thread { [self] in
            Thread.current.name = "plugin call"  // named from inside: Linux names only the calling thread
            workerLoop()
        }
        thread.stackSize = 8 << 20  // plugins may recurse (JSON, regex); give them a main-thread-sized stack
        thread.start()
    }

    private func workerLoop() {
        while let job = nextJob() {
            job()
        }
    }

    /// The next job, or nil when this thread should end: at shutdown, or after 30 s idle while
    /// more than the base set of threads is alive.
    private func nextJob() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if shuttingDown {
                threads -= 1
                return nil
            }
            if !queue.isEmpty { return queue.removeFirst() }
            idle += 1
            let signalled = condition.wait(until: Date().addingTimeInterval(30))
            idle -= 1
            if !signalled && queue.isEmpty && threads > baseThreads {
                threads -= 1
                return nil
            }
        }
    }


    /// Lets idle threads exit; calls still running finish on their own.
    public func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }
}
