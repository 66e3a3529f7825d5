import Foundation
import PluginKit

/// Tool-schema snapshots: one pretty-printed JSON file per tool in a folder next to the plugin's code
/// (`__toolsnaps__/<tool>.json`), so a change to what clients see (a name, a description, a schema)
/// shows in review as a diff. Run the tests with `UPDATE_TOOLSNAPS=1` to write the files anew.
public enum ToolSnapshots {
    /// What differs between `tools` and the snapshots in `folder`: a tool whose file is missing or
    /// different, or a file whose tool is gone. Empty when they agree (or after writing them anew).
    public static func problems(tools: [PluginJSON], folder: URL) -> [String] {
        let update = ProcessInfo.processInfo.environment["UPDATE_TOOLSNAPS"] == "1"
        let files = FileManager.default
        var problems: [String] = []
        var expected = Set<String>()
        if update { try? files.createDirectory(at: folder, withIntermediateDirectories: true) }
        for tool in tools {
            guard let name = tool["name"]?.stringValue else { problems.append("a tool has no name"); continue }
            let file = folder.appendingPathComponent("\(name).json")
            expected.insert(file.lastPathComponent)
            let text = ServiceReference.json(tool) + "\n"
            if update {
                try? text.write(to: file, atomically: true, encoding: .utf8)
            } else if let stored = try? String(contentsOf: file, encoding: .utf8) {
                if stored != text { problems.append("\(name): the tool differs from \(file.path); if intended, run with UPDATE_TOOLSNAPS=1 and review the diff") }
            } else {
                problems.append("\(name): no snapshot at \(file.path); run with UPDATE_TOOLSNAPS=1 to write it")
            }
        }
        let stale = ((try? files.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") && !expected.contains($0) }
        for file in stale.sorted() {
            if update { try? files.removeItem(at: folder.appendingPathComponent(file)) } else {
                problems.append("\(file): a snapshot for a tool the plugin no longer lists; run with UPDATE_TOOLSNAPS=1")
            }
        }
        return problems
    }
}
