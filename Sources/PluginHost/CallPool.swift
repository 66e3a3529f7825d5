import Dispatch
import Foundation
import Synchronization

/// Threads that run blocking plugin calls, away from the network event loops and Swift's
/// cooperative pool. A hung plugin holds its thread until it returns, so the pool grows past
/// `baseThreads` (up to `maximumThreads`) when a call has waited a deadline tick for a thread, and
/// extra threads leave again when idle.
public final class CallPool: Sendable {
    public let baseThreads: Int
    public let maximumThreads: Int
    private let workers: WorkerSet
    private let deadlines: DeadlineWatch

    public init(baseThreads: Int = max(4, ProcessInfo.processInfo.activeProcessorCount * 2), maximumThreads: Int = 64) {
        self.baseThreads = max(1, baseThreads)
        self.maximumThreads = max(self.baseThreads, maximumThreads)
        let workers = WorkerSet(baseThreads: self.baseThreads, maximumThreads: self.maximumThreads)
        self.workers = workers
        // The deadline thread ticks while calls are open: the moment to notice calls stuck in the queue.
        self.deadlines = DeadlineWatch { workers.growIfStarved() }
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
                workers.submit { [deadlines] in
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

    /// Lets idle threads exit; calls still running finish on their own.
    public func shutdown() {
        workers.shutdown()
    }
}

/// The threads of a `CallPool` and the calls waiting for one.
///
/// A job goes straight to a parked thread when there is one: the submitter hands it over under the
/// lock and wakes exactly that thread, which then runs at once (with one shared condition variable
/// the woken thread first queued for the lock the submitter held: two context switches per call).
/// A thread that just parked yields a few times before it sleeps, so under load the next call is
/// usually handed over without any wake-up. Parked threads are reused last-in first-out, so the
/// same warm threads serve one call after another.
private final class WorkerSet: Sendable {
    typealias Job = @Sendable () -> Void

    /// A pool thread; `handed` is guarded by the set's lock.
    final class Worker: @unchecked Sendable {
        let wakeup = DispatchSemaphore(value: 0)
        /// The job handed over while parked; nil when woken to leave (shutdown).
        var handed: Job?
        /// `looking` while a parked thread still yields for work, `asleep` once it waits on `wakeup`,
        /// `handed` when `handed` is set: only a sleeping thread needs the semaphore's wake-up.
        let phase = Atomic<Int>(Phase.looking)
    }

    enum Phase {
        static let looking = 0, asleep = 1, handed = 2
    }

    /// How often a parked thread yields the CPU, checking for a job, before it sleeps. Under load
    /// the next call comes within a few yields and needs no futex wake-up; when calls are sparse,
    /// yielding only burns context switches. So the count adapts: it grows while calls arrive
    /// within `quickCall` of a thread parking and halves whenever a thread sleeps longer.
    private let yieldsBeforeSleep = Atomic<Int>(0)
    private let maximumYields = 16
    private let quickCall: Duration = .microseconds(50)

    private struct State {
        /// Jobs that found no parked thread, oldest first, with when they were queued.
        var queue: [(job: Job, since: ContinuousClock.Instant)] = []
        var parked: [Worker] = []
        var threads = 0
        var shuttingDown = false
    }

    let baseThreads: Int
    let maximumThreads: Int
    private let state = Mutex(State())
    /// How long an extra thread stays parked before it leaves.
    private let idleTimeout: DispatchTimeInterval = .seconds(30)
    /// How long a queued job may wait before another thread is started for it.
    private let starvedAfter: Duration = .milliseconds(10)

    init(baseThreads: Int, maximumThreads: Int) {
        self.baseThreads = baseThreads
        self.maximumThreads = maximumThreads
    }

    func submit(_ job: @escaping Job) {
        enum Action { case wake(Worker), start, none }
        let action = state.withLock { state -> Action in
            if let worker = state.parked.popLast() {
                worker.handed = job
                return .wake(worker)
            }
            state.queue.append((job, .now))
            // Up to the base set, threads start on demand; beyond it only when a job starves (`growIfStarved`).
            guard state.threads < baseThreads, !state.shuttingDown else { return .none }
            state.threads += 1
            return .start
        }
        switch action {
        case .wake(let worker): hand(to: worker)
        case .start: startThread()
        case .none: break
        }
    }

    /// Starts one more thread when the oldest queued job has waited too long: every thread is busy,
    /// perhaps with a plugin that hangs.
    func growIfStarved() {
        let start = state.withLock { state -> Bool in
            guard let oldest = state.queue.first, ContinuousClock.now - oldest.since >= starvedAfter,
                  state.threads < maximumThreads, !state.shuttingDown else { return false }
            state.threads += 1
            return true
        }
        if start { startThread() }
    }

    func shutdown() {
        let parked = state.withLock { state -> [Worker] in
            state.shuttingDown = true
            defer { state.parked = [] }
            return state.parked
        }
        for worker in parked { hand(to: worker) }
    }

    /// Tells a parked worker that `handed` is set, waking it only if it is asleep.
    private func hand(to worker: Worker) {
        if worker.phase.exchange(Phase.handed, ordering: .acquiringAndReleasing) == Phase.asleep {
            worker.wakeup.signal()
        }
    }

    private func startThread() {
        let thread = Thread { [self] in
            Thread.current.name = "plugin call"  // named from inside: Linux names only the calling thread
            work(as: Worker())
        }
        thread.stackSize = 8 << 20  // plugins may recurse (JSON, regex); give them a main-thread-sized stack
        thread.start()
    }

    private func work(as worker: Worker) {
        while let job = next(for: worker) {
            job()
        }
    }

    /// The next job for `worker`, parking it until one is handed over; nil when the thread should
    /// end: at shutdown, or after `idleTimeout` parked while more than the base set is alive.
    private func next(for worker: Worker) -> Job? {
        enum Step { case run(Job), park, leave }
        let step = state.withLock { state -> Step in
            if state.shuttingDown {
                state.threads -= 1
                return .leave
            }
            if !state.queue.isEmpty { return .run(state.queue.removeFirst().job) }
            worker.phase.store(Phase.looking, ordering: .relaxed)
            state.parked.append(worker)
            return .park
        }
        switch step {
        case .run(let job): return job
        case .leave: return nil
        case .park: break
        }
        let parkedAt = ContinuousClock.now
        let budget = yieldsBeforeSleep.load(ordering: .relaxed)
        var yields = 0
        while worker.phase.load(ordering: .acquiring) != Phase.handed && yields < budget {
            sched_yield()
            yields += 1
        }
        let sleeps = worker.phase.compareExchange(expected: Phase.looking, desired: Phase.asleep, ordering: .acquiringAndReleasing).exchanged
        defer {
            // Racy read-modify-write on purpose: the count is a hint, and a lost update costs nothing.
            let quick = !sleeps || ContinuousClock.now - parkedAt < quickCall
            yieldsBeforeSleep.store(quick ? min(maximumYields, budget + 2) : budget / 2, ordering: .relaxed)
        }
        parking: while sleeps, worker.wakeup.wait(timeout: .now() + idleTimeout) == .timedOut {
            let leave = state.withLock { state -> Bool? in
                // Not parked any more: a job (or shutdown) was handed over and the signal is on its way.
                guard let index = state.parked.firstIndex(where: { $0 === worker }) else { return nil }
                guard state.threads > baseThreads else { return false }
                state.parked.remove(at: index)
                state.threads -= 1
                return true
            }
            switch leave {
            case true?: return nil
            case false?: continue parking
            case nil:
                worker.wakeup.wait()
                break parking
            }
        }
        return state.withLock { state in
            guard let job = worker.handed else {
                state.threads -= 1  // woken by shutdown
                return nil
            }
            worker.handed = nil
            return job
        }
    }
}
