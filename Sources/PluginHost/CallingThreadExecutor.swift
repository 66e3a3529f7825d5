import Dispatch
import Synchronization

/// A task executor whose jobs run on the thread that drains it: a plugin-call thread waiting for
/// a host service runs the service's own code, instead of handing it to Swift's shared pool.
///
/// Why: services do blocking work (a log search scans hundreds of megabytes, the log tables load a
/// window into SQLite, sandbox reads hit the disk). On the shared pool, which has one thread per
/// core, two such calls would stall every other task of the process, HTTP requests and call
/// timeouts among them. The plugin-call thread is blocked for the call anyway and may block.
///
/// Jobs that arrive after the drain ended (a child task outliving the service's answer) go to the
/// global concurrent executor, so nothing is ever left unrun.
final class CallingThreadExecutor: TaskExecutor {
    private struct State {
        var jobs: [UnownedJob] = []
        var draining = true
    }

    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let queued = state.withLock { state in
            guard state.draining else { return false }
            state.jobs.append(job)
            return true
        }
        if queued {
            ready.signal()
        } else {
            globalConcurrentExecutor.enqueue(job)
        }
    }

    /// Wakes the draining thread so it checks whether it is done.
    func wake() {
        ready.signal()
    }

    /// Runs queued jobs on the calling thread until `finished` returns true (checked after each
    /// wake-up), then sends any jobs still queued, and all later ones, to the global executor.
    func drain(until finished: () -> Bool) {
        while !finished() {
            ready.wait()
            while let job = state.withLock({ $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        let left = state.withLock { state in
            state.draining = false
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in left { globalConcurrentExecutor.enqueue(job) }
    }
}
