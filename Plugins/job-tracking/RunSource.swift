/// Where run history, run records and tracking come from: the system database
/// (`SystemDatabaseRunSource`) or CloverDX's REST API (`RESTRunSource`); `RunSourceChoice` picks one
/// per call and the tools do not change with it.
protocol RunSource: Sendable {
    /// `database` or `rest`: reported as `source` in every tool's structuredContent.
    var name: String { get }
    /// Where the runs come from, for messages: "the system database".
    var place: String { get }
    /// What the answers so far leave out or could not cover (a scan cut short, fields this source
    /// lacks); the tools pass them on as notes.
    var notes: [String] { get }
    /// The highest run ID, nil when there are no runs.
    func newestRunId() throws -> Int64?
    /// How many runs match.
    func count(_ filter: RunFilter) throws -> Int64
    /// Matching runs, newest submitted first.
    func list(_ filter: RunFilter, offset: Int, limit: Int) throws -> [RunSummary]
    /// One run with its parameters and up to `childLimit` child runs; nil when there is no such run.
    func record(_ runId: Int64, childLimit: Int) throws -> RunRecord?
    /// One run's tracking; nil when there is no such run (a run that never started has no phases).
    func tracking(_ runId: Int64) throws -> RunTracking?
    /// Per job: runs, failures and duration percentiles of the matching runs.
    func jobStatistics(_ filter: RunFilter) throws -> [JobExecutionStats]
    /// The newest `limit` runs: ID and status, for completing run IDs.
    func recentRuns(limit: Int) throws -> [(runId: Int64, status: String)]
    /// Codes of the server's sandboxes.
    func sandboxCodes() throws -> [String]
}
