import Crypto
import Foundation
import MCPProtocol
import Synchronization

/// Where a running server leaves the state of its plugin workers (pid, restarts, last crash), so
/// `cloverdx-mcp plugins list` can show them. One file per plugins.json, in the user's state
/// folder (`$XDG_STATE_HOME`, else `~/.local/state`, then `cloverdx-mcp/`).
public final class WorkerStatusFile: Sendable {
    public let url: URL
    private let statuses = Mutex<[String: PluginWorkerStatus]>([:])

    public init(url: URL) {
        self.url = url
    }

    /// The file for the server that serves `manifest`.
    public static func url(forManifest manifest: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let state = environment["XDG_STATE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/state")
        let key = SHA256.hash(data: Data(manifest.standardizedFileURL.path.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return state.appendingPathComponent("cloverdx-mcp/workers-\(key).json")
    }

    /// Records one plugin's state and rewrites the file; a folder that cannot be written only costs the listing.
    public func record(_ pluginID: String, _ status: PluginWorkerStatus) {
        let document = statuses.withLock { statuses -> JSONValue in
            statuses[pluginID] = status
            var plugins: JSONValue = .emptyObject
            for (id, status) in statuses.sorted(by: { $0.key < $1.key }) { plugins[id] = status.json }
            return ["serverPid": .int(Int64(getpid())), "plugins": plugins]
        }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(document.serialized()).write(to: url, options: .atomic)
    }

    /// What the file says: the server's pid and each isolated plugin's state; nil when there is no file.
    public static func read(_ url: URL) -> (serverPID: Int32, plugins: [String: PluginWorkerStatus])? {
        guard let data = try? Data(contentsOf: url), let document = try? JSONValue.parse(data),
              let pid = document["serverPid"]?.intValue, let plugins = document["plugins"]?.objectValue else { return nil }
        var statuses: [String: PluginWorkerStatus] = [:]
        for (id, value) in plugins { statuses[id] = PluginWorkerStatus(json: value) }
        return (Int32(truncatingIfNeeded: pid), statuses)
    }
}

extension PluginWorkerStatus {
    var json: JSONValue {
        var value: JSONValue = ["restarts": .int(Int64(restarts))]
        if let pid { value["pid"] = .int(Int64(pid)) }
        if let lastCrash { value["lastCrash"] = .string(lastCrash) }
        if let lastCrashAt { value["lastCrashAt"] = .string(ISO8601DateFormatter().string(from: lastCrashAt)) }
        if let memoryLimitMB { value["memoryLimitMB"] = .int(Int64(memoryLimitMB)) }
        return value
    }

    init(json: JSONValue) {
        self.init(pid: json["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) }, restarts: Int(json["restarts"]?.intValue ?? 0),
                  lastCrash: json["lastCrash"]?.stringValue,
                  lastCrashAt: json["lastCrashAt"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) },
                  memoryLimitMB: json["memoryLimitMB"]?.intValue.map { Int($0) })
    }
}
