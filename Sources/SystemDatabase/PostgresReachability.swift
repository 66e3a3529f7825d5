import Logging
import PostgresNIO
import Synchronization

/// Tells a query waiting for a pooled connection, quickly, that no connection can be opened.
///
/// The pool retries a refused or failed connect with backoff and keeps the lease waiting, so a query
/// sent while PostgreSQL is down would wait out its whole deadline. When a lease is slow, one direct
/// connection attempt (shared by every waiting query, remembered for a moment) says whether the
/// server is there at all; its error (refused, bad password, no such database) becomes the answer.
actor PostgresConnectProbe {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var inFlight: Task<Void, any Error>?
    private var lastSuccess: ContinuousClock.Instant?
    /// A success is trusted this long: a busy pool must not open a probe connection per waiting query.
    private let successLifetime = Duration.seconds(2)

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Returns when a connection could be opened (or recently could); throws the connect error otherwise.
    func check() async throws {
        if let lastSuccess, ContinuousClock.now - lastSuccess < successLifetime { return }
        let task: Task<Void, any Error>
        if let inFlight {
            task = inFlight
        } else {
            let (configuration, logger) = (self.configuration, self.logger)
            task = Task {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                try? await connection.close()
            }
            inFlight = task
        }
        defer { if inFlight == task { inFlight = nil } }
        try await task.value
        lastSuccess = .now
    }
}

/// Runs `contenders` at once; the first to return a verdict (a value or an error) is the answer and
/// the others are cancelled. A contender that returns nil has no verdict and leaves it to the rest.
///
/// Unlike a task group this does not wait for the losers to end: a pool lease that is connecting
/// does not stop at once when cancelled, and the caller's deadline must hold regardless.
func firstVerdict<T: Sendable>(_ contenders: [@Sendable () async throws -> T?]) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, contenders)
        }
    } onCancel: {
        race.decide(.failure(CancellationError()))
    }
}

private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var verdict: Result<T, any Error>?
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, _ contenders: [@Sendable () async throws -> T?]) {
        let tasks = contenders.map { contender in
            Task {
                do {
                    if let value = try await contender() { self.decide(.success(value)) }
                } catch {
                    self.decide(.failure(error))
                }
            }
        }
        let early: Result<T, any Error>? = state.withLock { state in
            state.tasks = tasks
            if let verdict = state.verdict { return verdict }  // decided (cancelled) before we got here
            state.continuation = continuation
            return nil
        }
        if let early {
            tasks.forEach { $0.cancel() }
            continuation.resume(with: early)
        }
    }

    func decide(_ verdict: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.verdict == nil else { return (nil, []) }
            state.verdict = verdict
            let continuation = state.continuation
            state.continuation = nil
            return (continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: verdict)
    }
}
