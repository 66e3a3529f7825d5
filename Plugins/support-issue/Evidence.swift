import CloverPluginSupport
import PluginKit

/// What the report carries besides the user's words: the deployment, the runs' records and errors,
/// log excerpts and a performance summary around the incident. Parts that cannot be read are named
/// in `unavailable`, so the engineer reading the report knows what is missing and why.
struct Evidence: Encodable, Sendable {
    struct Server: Encodable, Sendable {
        var cloverdxVersion: String?
        var nodeId: String?
        var timeZone: String?
        var databaseEngine: String?
        var sidecarVersion: String?
    }

    struct Run: Encodable, Sendable {
        let runId: Int64
        let jobFile: String?
        let sandbox: String?
        let status: String?
        let node: String?
        let submitTime: String?
        let startTime: String?
        let stopTime: String?
        let durationMs: Int64?
        let errorComponent: String?
        let errorMessage: String?
        /// The stack trace, cut to its first lines.
        let exception: String?
        /// The ERROR entries of the run's own log, abbreviated.
        var logErrors: [String] = []
    }

    struct Window: Encodable, Sendable {
        let from: String
        let to: String
    }

    var server = Server()
    var window: Window
    var runs: [Run] = []
    /// ERROR and WARN entries of all.log in the window, abbreviated.
    var serverLogExcerpts: [String] = []
    /// One line per metric of performance.log in the window.
    var performance: [String] = []
    var unavailable: [String] = []
}
