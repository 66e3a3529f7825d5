/// Which log a file name belongs to, and where it goes in that log's time order. Only names of the
/// shapes below are catalogued; anything else in a log directory is ignored.
struct LogFileName {
    let logID: String
    let category: LogCategory
    let format: LogFormat
    let isCompressed: Bool
    let rotation: Rotation
    /// The day a dated archive's name carries.
    var rotationDay: LogTimestamp? {
        if case .dated(let day, _) = rotation { return day }
        return nil
    }

    /// A file's place in its log: archives of the pre-6.4 scheme (`all.log.N`, higher N older) come
    /// first, then dated archives by day and index, then the live file.
    enum Rotation: Comparable {
        case numbered(generation: Int)
        case dated(day: LogTimestamp, index: Int)
        case live

        static func < (lhs: Rotation, rhs: Rotation) -> Bool {
            switch (lhs, rhs) {
            case let (.numbered(a), .numbered(b)): return a > b
            case let (.dated(dayA, indexA), .dated(dayB, indexB)): return (dayA, indexA) < (dayB, indexB)
            default: return lhs.rank < rhs.rank
            }
        }

        private var rank: Int {
            switch self {
            case .numbered: return 0
            case .dated: return 1
            case .live: return 2
            }
        }
    }

    /// The cloverlogs files of docs/CLOVERDX.md, "cloverlogs files": base name, category, layout.
    static let cloverLogs: [(base: String, category: LogCategory, format: LogFormat)] = [
        ("all", .server, .cloverServer),
        ("worker", .worker, .cloverServer),
        ("node", .cluster, .cloverServer),
        ("user-action", .userAction, .cloverServer),
        ("server-audit", .audit, .cloverServer),
        ("server-integration", .serverIntegration, .serverIntegration),
        ("data-service", .dataService, .cloverServer),
        ("monitor", .monitor, .cloverServer),
        ("remote-data-manager", .remoteDataManager, .cloverServer),
        ("performance", .performance, .jsonLines),
        ("job-queue", .jobQueue, .jsonLines),
    ]

    /// Where a log ID sorts in a listing: cloverlogs in the order above (per-node Worker logs after
    /// `worker`), then Tomcat's.
    static func listingRank(_ id: String) -> (Int, String) {
        if let index = cloverLogs.firstIndex(where: { $0.base == id }) { return (index * 2, "") }
        if isNodeWorkerBase(id) { return (3, id) }
        return (100 + (id == "access" ? 0 : 1), id)
    }

    /// `worker_<node>.log` and `worker-<node>.log`: per-node Worker logs (docs/CLOVERDX.md, "cloverlogs files", note 1).
    static func isNodeWorkerBase<S: StringProtocol>(_ base: S) -> Bool {
        guard base.hasPrefix("worker_") || base.hasPrefix("worker-"), base.count > 7, base.count <= 100 else { return false }
        return base.dropFirst(7).utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
            && !base.contains("..")
    }

    /// A file in `cloverlogs/`: `<base>.log`, `<base>.<yyyy-MM-dd>[.<n>].log[.gz]`, `<base>.log.<N>[.gz]`.
    static func inCloverLogs(_ name: String) -> LogFileName? {
        var stem = Substring(name)
        let compressed = stem.hasSuffix(".gz")
        if compressed { stem = stem.dropLast(3) }
        let base: Substring
        let rotation: Rotation
        if stem.hasSuffix(".log") {
            stem = stem.dropLast(4)
            let parts = stem.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count >= 3, let index = parts[parts.count - 1].digitsValue, let day = day(parts[parts.count - 2]) {
                base = stem[..<parts[parts.count - 2].startIndex].dropLast()
                rotation = .dated(day: day, index: index)
            } else if parts.count >= 2, let day = day(parts[parts.count - 1]) {
                base = stem[..<parts[parts.count - 1].startIndex].dropLast()
                rotation = .dated(day: day, index: 0)
            } else {
                base = stem
                // `<base>.log.gz` can only be an archive; it sorts after the numbered ones.
                rotation = compressed ? .numbered(generation: 0) : .live
            }
        } else if let dot = stem.lastIndex(of: "."), let generation = stem[stem.index(after: dot)...].digitsValue,
                  stem[..<dot].hasSuffix(".log") {
            base = stem[..<dot].dropLast(4)
            rotation = .numbered(generation: generation)
        } else {
            return nil
        }
        if let known = cloverLogs.first(where: { $0.base == base }) {
            return LogFileName(logID: known.base, category: known.category, format: known.format, isCompressed: compressed, rotation: rotation)
        }
        guard isNodeWorkerBase(base) else { return nil }
        return LogFileName(logID: String(base), category: .worker, format: .cloverServer, isCompressed: compressed, rotation: rotation)
    }

    /// A file in Tomcat's log directory: `localhost_access_log[.<yyyy-MM-dd>].txt[.gz]`,
    /// `catalina.<yyyy-MM-dd>.log[.gz]`, `catalina.out`.
    static func inTomcatLogs(_ name: String) -> LogFileName? {
        if name == "catalina.out" {
            return LogFileName(logID: "catalina", category: .catalina, format: .catalina, isCompressed: false, rotation: .live)
        }
        var stem = Substring(name)
        let compressed = stem.hasSuffix(".gz")
        if compressed { stem = stem.dropLast(3) }
        if stem == "localhost_access_log.txt", !compressed {
            return LogFileName(logID: "access", category: .access, format: .tomcatAccess, isCompressed: false, rotation: .live)
        }
        for (prefix, suffix, id, category, format) in [("localhost_access_log.", ".txt", "access", LogCategory.access, LogFormat.tomcatAccess),
                                                       ("catalina.", ".log", "catalina", .catalina, .catalina)] {
            guard stem.hasPrefix(prefix), stem.hasSuffix(suffix), stem.count == prefix.count + 10 + suffix.count,
                  let day = day(stem.dropFirst(prefix.count).dropLast(suffix.count)) else { continue }
            return LogFileName(logID: id, category: category, format: format, isCompressed: compressed, rotation: .dated(day: day, index: 0))
        }
        return nil
    }

    /// `yyyy-MM-dd` as its 00:00.
    private static func day(_ text: Substring) -> LogTimestamp? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return nil }
        return utf8.withUnsafeBytes { bytes in
            guard let year = bytes.decimal(at: 0, count: 4), let month = bytes.decimal(at: 5, count: 2),
                  let day = bytes.decimal(at: 8, count: 2) else { return nil }
            return LogTimestamp(year: year, month: month, day: day)
        }
    }
}

extension Substring {
    /// The value of a non-empty run of ASCII digits (no sign), or nil.
    var digitsValue: Int? {
        guard !isEmpty, count <= 9, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(self)
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self | 0x20 >= 0x61 && self | 0x20 <= 0x7A)
    }
}
