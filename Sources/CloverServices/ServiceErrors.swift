import LogCatalogue
import LogTables
import PluginHost
import SystemDatabase

/// The one translation of each module's errors into what a plugin is told (`ServiceError`): the
/// caller's mistake (`invalidArguments`), nothing by that name (`notFound`), or a failure on the
/// host's side (`failed`). Services run their work through `serviceErrors`, so the same failure
/// reads the same whichever service met it.
extension ServiceError {
    /// Bad IDs, queries and cursors are the caller's to fix; a missing log is not found; a file that
    /// cannot be read, or that resolves outside its log directory, is the installation's problem.
    init(_ error: LogCatalogueError) {
        switch error.code {
        case .unknownLog: self.init(.notFound, error.description)
        case .unreadable, .outsideRoot: self.init(.failed, error.description)
        default: self.init(.invalidArguments, error.description)
        }
    }

    /// A statement the read-only guard refused: the caller's to rewrite.
    init(_ error: SQLRejected) {
        self.init(.invalidArguments, error.description)
    }

    /// Every database failure is the host's, a missing database file too: `notFound` is kept for
    /// things the caller named.
    init(_ error: SystemDatabaseError) {
        self.init(.failed, error.description)
    }

    /// SQL that SQLite cannot run over a log table is the caller's; anything else is a failure.
    init(_ error: LogTableError) {
        self.init(error.code == .invalidQuery ? .invalidArguments : .failed, error.description)
    }
}

/// Runs a service's work and turns any module error it throws into its `ServiceError`.
func serviceErrors<T>(_ service: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LogCatalogueError {
        throw ServiceError(error)
    } catch let error as SQLRejected {
        throw ServiceError(error)
    } catch let error as SystemDatabaseError {
        throw ServiceError(error)
    } catch let error as LogTableError {
        throw ServiceError(error)
    } catch is CancellationError {
        throw ServiceError(.failed, "\(service) was cancelled")
    }
}
