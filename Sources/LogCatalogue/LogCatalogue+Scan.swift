/// Reading a whole window of one log, entry by entry, for callers that load it somewhere else (the
/// host's log tables): no page, no cursor, no page byte budget; the caller decides when to stop.
extension LogCatalogue {
    /// Hands every entry of `logID` from `from` to `to` (both inclusive, either open) to `body`, in file
    /// order, until `body` returns false.
    ///
    /// Files are read as in ``search(_:progress:isCancelled:)``: streamed, gzip inflated on the fly,
    /// files whose span lies outside the window skipped unread, a damaged `.gz` contributing what precedes
    /// the damage and a warning. Entries without a readable time (a line in an unexpected format) are
    /// handed on too, with a nil ``LogEntry/timestamp``, so the caller can count them rather than lose
    /// them silently.
    ///
    /// - Parameters:
    ///   - maxEntryBytes: each entry's text is cut to this many bytes, with a marker.
    ///   - progress: called after every chunk read with bytes processed so far and the log's total.
    ///   - isCancelled: polled after every chunk read; when it returns true the scan throws `CancellationError`.
    ///   - body: takes one entry; returns false to stop.
    /// - Throws: ``LogCatalogueError`` for a bad or unknown ID, `from` after `to`, or a log whose files
    ///   all lie outside its directory; `CancellationError` when cancelled; whatever `body` throws.
    public func scan(_ logID: String, from: LogTimestamp? = nil, to: LogTimestamp? = nil,
                     maxEntryBytes: Int = LogQuery.defaultMaxEntryBytes, progress: ((LogScanProgress) -> Void)? = nil,
                     isCancelled: () -> Bool = { Task.isCancelled }, body: (LogEntry) throws -> Bool) throws -> LogScanSummary {
        guard maxEntryBytes >= 1 else {
            throw LogCatalogueError(.invalidQuery, "maxEntryBytes must be at least 1 (default \(LogQuery.defaultMaxEntryBytes))")
        }
        let filter = try EntryFilter(from: from, to: to, passesUntimed: true)
        let descriptor = try readableDescriptor(logID)
        var summary = LogScanSummary(totalBytes: descriptor.totalBytes)
        let resume = try withoutActuallyEscaping(isCancelled) { isCancelled in
            let scan = LogScan(descriptor: descriptor, filter: filter, clock: clock, progress: progress, isCancelled: isCancelled)
            defer {
                summary.warnings = scan.warnings
                summary.scannedBytes = scan.scannedBytes
            }
            return try scan.run(from: ScanPosition(fileIndex: 0, offset: 0, line: 1)) { entry, file in
                let built = LogEntry(entry, format: descriptor.format, file: file.name, lineKnown: true, maxBytes: maxEntryBytes)
                return try body(built) ? .take : .stopAfter
            }
        }
        summary.stoppedEarly = resume != nil
        return summary
    }
}

/// How a ``LogCatalogue/scan(_:from:to:maxEntryBytes:progress:isCancelled:body:)`` went.
public struct LogScanSummary: Sendable, Hashable {
    /// Bytes actually read from disk (compressed size for `.gz`).
    public var scannedBytes: Int64 = 0
    /// The size of all the log's files.
    public var totalBytes: Int64
    /// The callback stopped the scan while entries of the window were left.
    public var stoppedEarly = false
    /// Problems that did not stop the scan: a damaged `.gz`, a file refused or gone.
    public var warnings: [String] = []
}
