/// Searching, tailing and windowing one log.
extension LogCatalogue {
    /// One page of the entries of `query.logID` that match every filter of `query`, in file order.
    ///
    /// Files are read as streams in 64 KiB chunks (gzip inflated on the fly), so memory stays bounded
    /// whatever their size; with a time range, files whose span lies outside it are not read at all.
    /// A damaged `.gz` contributes the entries before the damage and a warning.
    ///
    /// - Parameters:
    ///   - progress: called after every chunk read with bytes processed so far and the log's total.
    ///   - isCancelled: polled after every chunk read; when it returns true the search throws `CancellationError`.
    /// - Throws: ``LogCatalogueError`` for a bad ID, query or cursor, or a log whose files all lie outside
    ///   its directory; `CancellationError` when cancelled.
    public func search(_ query: LogQuery, progress: ((LogScanProgress) -> Void)? = nil,
                       isCancelled: () -> Bool = { Task.isCancelled }) throws -> LogSearchPage {
        let limit = try Self.checkedLimit(query.limit, name: "limit")
        try Self.checkByteCaps(maxBytes: query.maxBytes, maxEntryBytes: query.maxEntryBytes)
        let filter = try EntryFilter(from: query.from, to: query.to, levels: query.levels, text: query.text, regex: query.regex)
        let descriptor = try readableDescriptor(query.logID)
        var start = ScanPosition(fileIndex: 0, offset: 0, line: 1)
        var matchedBefore = 0
        if let cursor = query.cursor {
            (start, matchedBefore) = try SearchCursor.decode(cursor, query: query, descriptor: descriptor)
        }
        let entryCap = min(query.maxEntryBytes, query.maxBytes)
        var page = LogSearchPage(totalBytes: descriptor.totalBytes)
        var pageBytes = 0
        let resume = try withoutActuallyEscaping(isCancelled) { isCancelled in
            let scan = LogScan(descriptor: descriptor, filter: filter, clock: clock, progress: progress, isCancelled: isCancelled)
            defer {
                page.warnings = scan.warnings
                page.scannedBytes = scan.scannedBytes
            }
            return try scan.run(from: start) { entry, file in
                let built = LogEntry(entry, format: descriptor.format, file: file.name, lineKnown: true, maxBytes: entryCap)
                let size = built.rawText.utf8.count
                if !page.entries.isEmpty, pageBytes + size > query.maxBytes {
                    page.truncated.pageBytes = true
                    return .stopBefore
                }
                page.entries.append(built)
                pageBytes += size
                if built.isTruncated { page.truncated.entryText = true }
                if page.entries.count == limit {
                    page.truncated.limit = true
                    return .stopAfter
                }
                return .take
            }
        }
        page.matchedSoFar = matchedBefore + page.entries.count
        page.nextCursor = resume.map { SearchCursor.encode($0, matched: page.matchedSoFar, query: query, descriptor: descriptor) }
        return page
    }

    /// The last `count` entries of the log (1 to ``LogQuery/maximumLimit``), oldest first, reading
    /// uncompressed files backwards from their end in blocks; older files are read only when the newest
    /// holds fewer entries. Entries found by reading backwards have no line number.
    public func tail(_ logID: String, entries count: Int = LogQuery.defaultLimit, maxBytes: Int = LogQuery.defaultMaxBytes,
                     maxEntryBytes: Int = LogQuery.defaultMaxEntryBytes, isCancelled: () -> Bool = { Task.isCancelled }) throws -> LogSearchPage {
        var needed = try Self.checkedLimit(count, name: "entries")
        try Self.checkByteCaps(maxBytes: maxBytes, maxEntryBytes: maxEntryBytes)
        let descriptor = try readableDescriptor(logID)
        let format = descriptor.format
        let clock = self.clock
        let entryCap = min(maxEntryBytes, maxBytes)
        var page = LogSearchPage(totalBytes: descriptor.totalBytes, warnings: descriptor.refusedWarnings)
        var newestFirst: [[LogEntry]] = []
        try withoutActuallyEscaping(isCancelled) { isCancelled in
            let observer = { if isCancelled() { throw CancellationError() } }
            for file in descriptor.files.reversed() where needed > 0 {
                let reader: any ChunkReader
                do {
                    reader = try openChunkReader(file, root: descriptor.root)
                } catch let error as LogCatalogueError {
                    page.warnings.append("\(error.description); skipped")
                    continue
                }
                var startOffset: Int64 = 0
                if let plain = reader as? PlainFileReader {
                    // Find the needed-th entry start from the end, then read forward from there.
                    let walker = BackwardLineWalker(reader: plain, fileSize: try plain.size(), observer: observer)
                    var starts = 0
                    while starts < needed, let (offset, prefix) = try walker.next() {
                        if offset == 0 || format.entryStart(prefix, clock: clock) != nil {
                            starts += 1
                            startOffset = offset
                        }
                    }
                }
                let scanner = try EntryScanner(reader: reader, format: format, clock: clock, startOffset: startOffset,
                                               startLine: startOffset == 0 ? 1 : nil, observer: observer)
                var last = RingBuffer<LogEntry>(capacity: needed)
                while try scanner.next() {
                    last.append(LogEntry(scanner.current, format: format, file: file.name, lineKnown: startOffset == 0, maxBytes: entryCap))
                }
                if let damage = reader.damage {
                    page.warnings.append(LogScan.damageWarning(damage))
                }
                page.scannedBytes += reader.bytesRead
                newestFirst.append(last.elements)
                needed -= last.count
            }
        }
        page.entries = newestFirst.reversed().flatMap { $0 }
        var bytes = page.entries.reduce(0) { $0 + $1.rawText.utf8.count }
        while bytes > maxBytes, page.entries.count > 1 {
            bytes -= page.entries.removeFirst().rawText.utf8.count
            page.truncated.pageBytes = true
        }
        page.truncated.entryText = page.entries.contains { $0.isTruncated }
        page.matchedSoFar = page.entries.count
        return page
    }

    /// The entries from `before` seconds before `time` to `after` seconds after it (inclusive). When
    /// more than `limit` fall in the window, those nearest `time` are kept: up to half before it, the
    /// rest after (a side with fewer leaves its share to the other).
    public func window(_ logID: String, around time: LogTimestamp, before: Double = 60, after: Double = 60,
                       limit: Int = LogQuery.defaultLimit, maxBytes: Int = LogQuery.defaultMaxBytes,
                       maxEntryBytes: Int = LogQuery.defaultMaxEntryBytes, isCancelled: () -> Bool = { Task.isCancelled }) throws -> LogSearchPage {
        guard before >= 0, after >= 0, before.isFinite, after.isFinite else {
            throw LogCatalogueError(.invalidQuery, "before and after are seconds and must be 0 or more")
        }
        let limit = try Self.checkedLimit(limit, name: "limit")
        try Self.checkByteCaps(maxBytes: maxBytes, maxEntryBytes: maxEntryBytes)
        let filter = try EntryFilter(from: time.adding(seconds: -before), to: time.adding(seconds: after))
        let descriptor = try readableDescriptor(logID)
        let entryCap = min(maxEntryBytes, maxBytes)
        var page = LogSearchPage(totalBytes: descriptor.totalBytes)
        var earlier = RingBuffer<LogEntry>(capacity: limit)
        var later: [LogEntry] = []
        let stoppedEarly = try withoutActuallyEscaping(isCancelled) { isCancelled in
            let scan = LogScan(descriptor: descriptor, filter: filter, clock: clock, progress: nil, isCancelled: isCancelled)
            defer {
                page.warnings = scan.warnings
                page.scannedBytes = scan.scannedBytes
            }
            return try scan.run(from: ScanPosition(fileIndex: 0, offset: 0, line: 1)) { entry, file in
                let built = LogEntry(entry, format: descriptor.format, file: file.name, lineKnown: true, maxBytes: entryCap)
                // The filter passes only entries with a timestamp.
                if let stamp = entry.timestamp, stamp < time {
                    earlier.append(built)
                    return .take
                }
                later.append(built)
                return later.count == limit ? .stopAfter : .take
            } != nil
        }
        let takeBefore = min(earlier.count, max(limit / 2, limit - later.count))
        let takeAfter = min(later.count, limit - takeBefore)
        page.entries = Array(earlier.elements.suffix(takeBefore)) + later.prefix(takeAfter)
        page.truncated.limit = stoppedEarly || earlier.dropped > 0 || earlier.count > takeBefore || later.count > takeAfter
        // Over the byte budget, drop whichever end lies farther from `time`.
        var bytes = page.entries.reduce(0) { $0 + $1.rawText.utf8.count }
        while bytes > maxBytes, page.entries.count > 1 {
            let distanceFirst = abs(time.millisecondsSinceEpoch - (page.entries.first!.timestamp?.millisecondsSinceEpoch ?? 0))
            let distanceLast = abs((page.entries.last!.timestamp?.millisecondsSinceEpoch ?? 0) - time.millisecondsSinceEpoch)
            let removed = distanceFirst >= distanceLast ? page.entries.removeFirst() : page.entries.removeLast()
            bytes -= removed.rawText.utf8.count
            page.truncated.pageBytes = true
        }
        page.truncated.entryText = page.entries.contains { $0.isTruncated }
        page.matchedSoFar = page.entries.count
        return page
    }

    /// The log with `id`, refused when every one of its files lies outside its directory.
    func readableDescriptor(_ id: String) throws -> LogDescriptor {
        let descriptor = try descriptor(for: id, withTimes: false)
        if descriptor.files.isEmpty {
            throw LogCatalogueError(.outsideRoot, "every file of log \"\(id)\" (\(descriptor.refusedFiles.joined(separator: ", "))) resolves outside "
                + "\(descriptor.root); log files that are symlinks leading out of their log directory are not read")
        }
        return descriptor
    }

    /// A count of entries: at least 1; above ``LogQuery/maximumLimit`` it is lowered to it.
    private static func checkedLimit(_ value: Int, name: String) throws -> Int {
        guard value >= 1 else {
            throw LogCatalogueError(.invalidQuery, "\(name) is \(value); use 1 to \(LogQuery.maximumLimit)")
        }
        return min(value, LogQuery.maximumLimit)
    }

    private static func checkByteCaps(maxBytes: Int, maxEntryBytes: Int) throws {
        guard maxBytes >= 1, maxEntryBytes >= 1 else {
            throw LogCatalogueError(.invalidQuery, "maxBytes and maxEntryBytes must be at least 1 (defaults \(LogQuery.defaultMaxBytes) and \(LogQuery.defaultMaxEntryBytes))")
        }
    }
}
