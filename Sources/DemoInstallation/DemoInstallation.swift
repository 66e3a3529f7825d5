import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where cloverdx-mcp keeps its generated demo installation, and generating it once.
public enum DemoInstallation {
    /// The seed of the demo everyone sees by default.
    public static let defaultSeed: UInt64 = 20_250_305

    /// `$XDG_CACHE_HOME/cloverdx-mcp/demo`, or `~/.cache/cloverdx-mcp/demo` without it.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return URL(fileURLWithPath: cache).appendingPathComponent("cloverdx-mcp/demo")
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/cloverdx-mcp/demo")
    }

    /// The demo at `directory`, generated first if it is missing, was made with another seed or
    /// size, or by another generator version. Generation goes to a temporary sibling folder that is
    /// renamed into place, so a crash never leaves half a demo behind.
    @discardableResult
    public static func ensureGenerated(at directory: URL = defaultLocation(), seed: UInt64 = defaultSeed, size: DemoSize = .small,
                                       now: Date = Date()) throws -> URL {
        try ensureGenerated(at: directory, seed: seed, size: size, now: now, days: 7)
    }

    static func ensureGenerated(at directory: URL, seed: UInt64, size: DemoSize, now: Date, days: Int) throws -> URL {
        let target = directory.standardizedFileURL
        if isCurrent(target, seed: seed, size: size, days: days) { return target }
        let fm = FileManager.default
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staging = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).generating-\(getpid())-\(DispatchTime.now().uptimeNanoseconds)")
        defer { try? fm.removeItem(at: staging) }
        _ = try DemoGenerator(seed: seed, days: days, size: size, now: now).generate(into: staging, contentRoot: target)

        if fm.fileExists(atPath: target.path) {
            // Another process may have finished first; its demo is as good as ours.
            if isCurrent(target, seed: seed, size: size, days: days) { return target }
            try DemoGenerator.prepareEmptyDirectory(target.path)
            try fm.removeItem(at: target)
        }
        do {
            try fm.moveItem(at: staging, to: target)
        } catch {
            if isCurrent(target, seed: seed, size: size, days: days) { return target }
            throw error
        }
        return target
    }

    /// The directory holds a demo from this generator version with this seed, size and length.
    static func isCurrent(_ directory: URL, seed: UInt64, size: DemoSize, days: Int) -> Bool {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(DemoGenerator.markerName)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return (object["generatorVersion"] as? Int) == DemoGenerator.version
            && (object["seed"] as? NSNumber)?.uint64Value == seed
            && (object["size"] as? String) == size.rawValue
            && (object["days"] as? Int) == days
    }
}
