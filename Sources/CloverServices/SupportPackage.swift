import Foundation
import HostConfiguration
import MCPProtocol
import PluginHost
import ZipArchive

/// The support package CloverDX support asks for (docs/CLOVERDX.md, "Support package"): the configuration with secrets masked,
/// then the newest server and Tomcat log files, newest first, in one ZIP no larger than `capBytes`
/// (CloverDX caps its own at 50 MB per node). Kept next to the outbox; reports reference it.
struct SupportPackage: Sendable {
    /// Log folders with the name they get inside the archive.
    let folders: [(name: String, url: URL)]
    let configuration: HostConfiguration
    let directory: URL
    let capBytes: Int

    /// Builds the package for report `key` (again, if it was built before) and describes it.
    func build(key: String) throws -> JSONValue {
        let safeKey = String(key.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" })
        let file = directory.appendingPathComponent("support-package-\(safeKey).zip")
        var zip = ZipArchive(entries: [.init(path: "configuration.properties", contents: maskedConfiguration())])
        var included = ["configuration.properties"]
        var omitted = 0
        for log in logFiles() {
            guard zip.sizeBound(adding: log.name, count: log.bytes) <= capBytes else {
                omitted += 1
                continue
            }
            guard let data = FileManager.default.contents(atPath: log.url.path) else { continue }
            zip.entries.append(.init(path: log.name, contents: Array(data)))
            included.append(log.name)
        }
        let archive = try zip.serialized()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(archive).write(to: file, options: .atomic)
        return ["file": .string(file.lastPathComponent), "location": .string(file.path), "bytes": .int(Int64(archive.count)),
                "capBytes": .int(Int64(capBytes)), "files": .array(included.map(JSONValue.string)), "omittedFiles": .int(Int64(omitted))]
    }

    /// `key=value` lines, private keys (CloverDX's private.properties rule) as *****.
    private func maskedConfiguration() -> [UInt8] {
        let privateKeys = PrivateProperties(listed: configuration[ConfigKey.privateProperties])
        let lines = configuration.values.keys.sorted().map { "\($0)=\(privateKeys.shown($0, configuration.values[$0] ?? ""))" }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The log folders' files (not their subfolders, such as job logs), newest first.
    private func logFiles() -> [(name: String, url: URL, bytes: Int)] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .contentModificationDateKey, .fileSizeKey]
        var found: [(name: String, url: URL, bytes: Int, modified: Date)] = []
        for folder in folders {
            let urls = (try? FileManager.default.contentsOfDirectory(at: folder.url, includingPropertiesForKeys: keys)) ?? []
            for url in urls {
                guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
                found.append(("\(folder.name)/\(url.lastPathComponent)", url, values.fileSize ?? 0, values.contentModificationDate ?? .distantPast))
            }
        }
        return found.sorted { ($0.modified, $1.name) > ($1.modified, $0.name) }.map { ($0.name, $0.url, $0.bytes) }
    }
}
