/// One pass over a log's files from a position: opens each file confined to the log's root, skips
/// files whose time span lies outside the filter's range, applies the filter, reports progress and
/// polls cancellation after every chunk read.
final class LogScan {
    /// What to do after a matching entry was handed to the visitor.
    enum Decision {
        /// Keep going.
        case take
        /// Stop; the next page starts with this entry.
        case stopBefore
        /// Stop; the next page starts after this entry.
        case stopAfter
    }

    /// Entries may be written slightly out of time order (threads, a Worker's own clock, access-log
    /// times taken at request start); a file is skipped only when its span misses the range by more than this.
    static let timeSlackSeconds: Double = 15 * 60

    private let descriptor: LogDescriptor
    private let filter: EntryFilter
    private let clock: ServerClock?
    private let progress: ((LogScanProgress) -> Void)?
    private let isCancelled: () -> Bool
    private(set) var warnings: [String]
    private(set) var scannedBytes: Int64 = 0
    /// Bytes of files finished or skipped, for progress.
    private var doneBytes: Int64 = 0
    private var lowerBounds: [Int: LogTimestamp?] = [:]

    init(descriptor: LogDescriptor, filter: EntryFilter, clock: ServerClock?, progress: ((LogScanProgress) -> Void)?,
         isCancelled: @escaping () -> Bool) {
        self.descriptor = descriptor
        self.filter = filter
        self.clock = clock
        self.progress = progress
        self.isCancelled = isCancelled
        warnings = descriptor.refusedWarnings
    }

    /// Hands every matching entry from `start` on to `visit`.
    /// - Returns: where to resume, or nil when the end of the log was reached.
    func run(from start: ScanPosition, visit: (EntryBuffer, LogFile) throws -> Decision) throws -> ScanPosition? {
        let files = descriptor.files
        for index in start.fileIndex..<files.count {
            let file = files[index]
            let resuming = index == start.fileIndex && start.offset > 0
            if !resuming, isOutsideTimeRange(index) {
                doneBytes += file.bytes
                report(0)
                continue
            }
            let reader: any ChunkReader
            do {
                reader = try openChunkReader(file, root: descriptor.root)
            } catch let error as LogCatalogueError {
                warnings.append("\(error.description); skipped")
                doneBytes += file.bytes
                continue
            }
            let scanner = try EntryScanner(reader: reader, format: descriptor.format, clock: clock,
                                           startOffset: resuming ? start.offset : 0, startLine: resuming ? start.line : 1,
                                           needles: filter.requiredNeedles) { [unowned self] in
                report(reader.filePosition)
                if isCancelled() { throw CancellationError() }
            }
            defer { finish(file, reader, reachedEnd: scanner.reachedEnd) }
            while try scanner.next() {
                guard try filter.matches(scanner.current, format: descriptor.format) else { continue }
                switch try visit(scanner.current, file) {
                case .take:
                    continue
                case .stopBefore:
                    return ScanPosition(fileIndex: index, offset: scanner.current.startOffset, line: scanner.current.line)
                case .stopAfter:
                    guard scanner.reachedEnd else {
                        return ScanPosition(fileIndex: index, offset: scanner.followingOffset, line: scanner.followingLine)
                    }
                    return index + 1 < files.count ? ScanPosition(fileIndex: index + 1, offset: 0, line: 1) : nil
                }
            }
        }
        return nil
    }

    private func finish(_ file: LogFile, _ reader: any ChunkReader, reachedEnd: Bool) {
        // Reading ahead may meet the damage before the entries preceding it were handed on: warn
        // only once they all were, so a page that stops earlier does not.
        if reachedEnd, let damage = reader.damage {
            warnings.append(Self.damageWarning(damage))
        }
        scannedBytes += reader.bytesRead
        doneBytes += file.bytes
    }

    static func damageWarning(_ damage: String) -> String {
        "\(damage); the entries before the damage are included, the rest of that file is not"
    }

    private func report(_ position: Int64) {
        guard let progress else { return }
        progress(LogScanProgress(processedBytes: min(doneBytes + position, descriptor.totalBytes), totalBytes: descriptor.totalBytes))
    }

    /// Whether the file's entries all lie before `from` or after `to`, judged from rotation dates and
    /// the first and last entries of the files, never from scanning them.
    private func isOutsideTimeRange(_ index: Int) -> Bool {
        guard filter.hasTimeRange else { return false }
        if let to = filter.to, let lower = lowerBound(index), lower > to.adding(seconds: Self.timeSlackSeconds) { return true }
        if let from = filter.from, let upper = upperBound(index), upper < from.adding(seconds: -Self.timeSlackSeconds) { return true }
        return false
    }

    /// No entry of the file is earlier than this (slack aside): its first entry or its name's day.
    private func lowerBound(_ index: Int) -> LogTimestamp? {
        if let known = lowerBounds[index] { return known }
        let file = descriptor.files[index]
        let first = try? file.firstTimestamp(format: descriptor.format, root: descriptor.root, clock: clock)
        let bound = [first ?? nil, file.rotationDay].compactMap { $0 }.min()
        lowerBounds[index] = bound
        return bound
    }

    /// No entry of the file is later than this (slack aside): its last entry when it can be read from
    /// the end, else the first entry of the file that continues it, else the end of its name's day.
    private func upperBound(_ index: Int) -> LogTimestamp? {
        let file = descriptor.files[index]
        if !file.isCompressed, let last = try? file.lastTimestamp(format: descriptor.format, root: descriptor.root, clock: clock) {
            return last
        }
        if file.continuesInNext, let next = lowerBound(index + 1) { return next }
        return file.rotationDay?.adding(seconds: 86_400)
    }
}

extension LogDescriptor {
    var refusedWarnings: [String] {
        refusedFiles.map { "\($0) in \(root) resolves outside that directory (a symlink leading out); not read" }
    }
}

/// The last `capacity` elements appended.
struct RingBuffer<Element> {
    private var storage: [Element] = []
    private var head = 0
    let capacity: Int
    private(set) var dropped = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { storage.count }

    mutating func append(_ element: Element) {
        guard capacity > 0 else { dropped += 1; return }
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
            dropped += 1
        }
    }

    /// Oldest first.
    var elements: [Element] { Array(storage[head...] + storage[..<head]) }
}
