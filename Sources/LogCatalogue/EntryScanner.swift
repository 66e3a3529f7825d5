import CByteSearch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The most bytes of one entry kept for filtering and display; the rest is counted, not stored, so a
/// runaway stack trace or a file without line breaks cannot grow memory.
let entryRetainBytes = 1 << 20
/// The line buffer. A line longer than this is handed on in pieces.
let lineBufferBytes = 256 * 1_024

/// The text of one entry: its lines joined with `\n`, the first ``entryRetainBytes`` of it stored.
struct EntryBuffer {
    fileprivate let storage: UnsafeMutableRawBufferPointer
    private(set) var count = 0
    /// Bytes beyond the cap, counted but not stored.
    private(set) var droppedBytes = 0
    /// Offset of the entry's first byte in the file's text (decompressed for gzip).
    fileprivate(set) var startOffset: Int64 = 0
    /// 1-based line number of the first line, when known.
    fileprivate(set) var line: Int?
    fileprivate(set) var timestamp: LogTimestamp?
    private(set) var firstLineLength = 0
    private var lineCount = 0

    fileprivate init() {
        storage = .allocate(byteCount: entryRetainBytes, alignment: 16)
    }

    fileprivate func deallocate() { storage.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }
    var firstLine: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<firstLineLength]) }
    /// The length of the whole entry's text, stored or not.
    var textLength: Int { count + droppedBytes }

    fileprivate mutating func reset(offset: Int64, line: Int?, timestamp: LogTimestamp?) {
        count = 0
        droppedBytes = 0
        firstLineLength = 0
        lineCount = 0
        startOffset = offset
        self.line = line
        self.timestamp = timestamp
    }

    fileprivate mutating func append(_ piece: UnsafeRawBufferPointer, newLine: Bool) {
        if newLine {
            if lineCount > 0 {
                if count < entryRetainBytes {
                    storage[count] = UInt8(ascii: "\n")
                    count += 1
                } else {
                    droppedBytes += 1
                }
            }
            lineCount += 1
        }
        appendBytes(piece)
        if lineCount == 1 { firstLineLength = count }
    }

    private mutating func appendBytes(_ piece: UnsafeRawBufferPointer) {
        let room = entryRetainBytes - count
        let stored = min(room, piece.count)
        if stored > 0 {
            (storage.baseAddress! + count).copyMemory(from: piece.baseAddress!, byteCount: stored)
            count += stored
        }
        droppedBytes += piece.count - stored
    }
}

/// Splits a file's text into entries, one ``next()`` at a time. A line that starts an entry (see
/// ``LogFormat/entryStart(_:clock:)``) ends the one before; any other line is appended to it. The
/// first line read always starts an entry, so text in an unexpected format is kept, not dropped.
/// Memory is one line buffer and two entry buffers, whatever the file's size.
///
/// Given texts one of which every wanted entry holds (``EntryFilter/requiredNeedles``), the scanner
/// passes over whole entries without splitting them: from an entry's first line it searches the
/// buffered lines for the next occurrence, walks back from there to the start of the entry holding
/// it, and only counts the line breaks in between. Entries are still handed on whole and in order,
/// line numbers stay right, and so do the offsets cursors are made of.
final class EntryScanner {
    let format: LogFormat
    private let reader: any ChunkReader
    private let clock: ServerClock?
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// Offset in the file's text of `buffer[0]`.
    private var baseOffset: Int64
    private var atEndOfFile = false
    /// The last piece handed on was part of a line longer than the buffer.
    private var midLine = false
    private var nextLineNumber: Int?
    private var pending = EntryBuffer()
    private var hasPending = false
    /// A cursor's offset must land on an entry's first line.
    private var firstLineMustStartEntry = false
    /// Called after every chunk read: progress and cancellation.
    private let observer: () throws -> Void
    /// Texts one of which every entry the caller wants holds; empty: every entry is handed on.
    private var needles: NeedleSet
    private var needlesTuned = false
    /// The offset in the text of the next needle occurrence found, or `Int64.max` when there was none
    /// in the text buffered up to ``needleSearchedTo``.
    private var needleHit: Int64 = -1
    private var needleSearchedTo: Int64 = 0

    /// The entry the last ``next()`` returned.
    private(set) var current = EntryBuffer()
    /// Where the entry after ``current`` starts (the end of the text when there is none).
    private(set) var followingOffset: Int64 = 0
    private(set) var followingLine: Int?

        /// - Parameters:
    ///   - startOffset: where to start in the file's text; it must follow a line break and begin an entry,
    ///     else the cursor that gave it is refused.
    ///   - startLine: the line number at `startOffset`, nil when unknown.
    ///   - needles: texts one of which every wanted entry holds; entries holding none may be passed over unseen.
    init(reader: any ChunkReader, format: LogFormat, clock: ServerClock?, startOffset: Int64 = 0, startLine: Int? = 1,
         needles: [ByteNeedle] = [], observer: @escaping () throws -> Void = {}) throws {
        self.reader = reader
        self.format = format
        self.clock = clock
        self.observer = observer
        self.needles = NeedleSet(needles)
        buffer = .allocate(byteCount: lineBufferBytes, alignment: 16)
        baseOffset = startOffset
        nextLineNumber = startLine
        guard startOffset > 0 else { return }
        // Start one byte early: it must be the line break before the entry.
        let before = startOffset - 1
        if try !reader.seek(to: before) {
            var skipped: Int64 = 0
            while skipped < before {
                let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(Int64(buffer.count), before - skipped))]))
                guard count > 0 else { throw LogCatalogueError.invalidCursor("its offset lies beyond the end of the file") }
                skipped += Int64(count)
                try observer()
            }
        }
        baseOffset = before
        try fill()
        guard end > 0 else { throw LogCatalogueError.invalidCursor("its offset lies beyond the end of the file") }
        guard buffer[0] == UInt8(ascii: "\n") else { throw LogCatalogueError.invalidCursor("its offset is not at the start of a line") }
        start = 1
        firstLineMustStartEntry = true
    }

    deinit {
        buffer.deallocate()
        pending.deallocate()
        current.deallocate()
    }

    /// Whether the whole file has been handed on.
    var reachedEnd: Bool { atEndOfFile && !hasPending && start >= end }

    /// Moves to the next entry; false at the end of the file.
    func next() throws -> Bool {
        while let piece = try nextLinePiece() {
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[piece.range])
            guard !piece.continuesLine else {
                pending.append(bytes, newLine: false)
                continue
            }
            let entryStart = format.entryStart(bytes, clock: clock)
            if firstLineMustStartEntry {
                firstLineMustStartEntry = false
                guard entryStart != nil else { throw LogCatalogueError.invalidCursor("its offset is not at the start of an entry") }
            }
            guard entryStart != nil || !hasPending else {
                pending.append(bytes, newLine: true)
                continue
            }
            if entryStart != nil, !needles.isEmpty, !midLine, let target = skipTarget(from: piece.range.lowerBound) {
                let lineBreaks = byte_search_count(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + piece.range.lowerBound,
                                                   target - piece.range.lowerBound, UInt8(ascii: "\n"))
                nextLineNumber = piece.line.map { $0 + lineBreaks }
                start = target
                continue
            }
            let completed = hasPending
            if completed { swap(&current, &pending) }
            pending.reset(offset: piece.offset, line: piece.line, timestamp: entryStart?.timestamp)
            pending.append(bytes, newLine: true)
            hasPending = true
            if completed {
                followingOffset = piece.offset
                followingLine = piece.line
                return true
            }
        }
        guard hasPending else { return false }
        swap(&current, &pending)
        hasPending = false
        followingOffset = baseOffset + Int64(end)
        followingLine = nextLineNumber
        return true
    }

    private struct LinePiece {
        var range: Range<Int>
        var offset: Int64
        var line: Int?
        /// This piece continues a line whose start was handed on before.
        var continuesLine: Bool
    }

    private func nextLinePiece() throws -> LinePiece? {
        while true {
            if start < end, let found = memchr(buffer.baseAddress! + start, Int32(UInt8(ascii: "\n")), end - start) {
                let newline = buffer.baseAddress!.distance(to: found)
                var lineEnd = newline
                if lineEnd > start, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let piece = LinePiece(range: start..<lineEnd, offset: baseOffset + Int64(start), line: nextLineNumber, continuesLine: midLine)
                midLine = false
                nextLineNumber = nextLineNumber.map { $0 + 1 }
                start = newline + 1
                return piece
            }
            if atEndOfFile {
                guard start < end else { return nil }
                let piece = LinePiece(range: start..<end, offset: baseOffset + Int64(start), line: nextLineNumber, continuesLine: midLine)
                midLine = false
                nextLineNumber = nextLineNumber.map { $0 + 1 }
                start = end
                return piece
            }
            if start == 0, end == buffer.count {
                let piece = LinePiece(range: 0..<end, offset: baseOffset, line: nextLineNumber, continuesLine: midLine)
                midLine = true
                start = end
                return piece
            }
            try fill()
        }
    }

    /// Where the entries from the one starting at `lineStart` on can be passed over to: the start of a
    /// later entry, with no needle in the lines before it; nil when the entry at `lineStart` holds one.
    private func skipTarget(from lineStart: Int) -> Int? {
        let text = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // Only whole lines count: up to the last line break, or the end of the text.
        let completeEnd: Int
        if atEndOfFile {
            completeEnd = end
        } else {
            let lastBreak = byte_search_last(text + lineStart, end - lineStart, UInt8(ascii: "\n"))
            guard lastBreak < end - lineStart else { return nil }
            completeEnd = lineStart + lastBreak + 1
        }
        let hit = nextNeedle(from: lineStart).flatMap { $0 < completeEnd ? $0 : nil }
        if hit == nil, completeEnd == end, atEndOfFile { return end }
        // The line of the hit, or the last whole line, back to the nearest line that starts an entry.
        var candidate = self.lineStart(containing: hit ?? completeEnd - 1, notBefore: lineStart)
        while candidate > lineStart {
            if startsEntry(at: candidate) { return candidate }
            candidate = self.lineStart(containing: candidate - 1, notBefore: lineStart)
        }
        return nil
    }

    /// The buffer index of the next needle occurrence from `index`, or nil when none is buffered.
    private func nextNeedle(from index: Int) -> Int? {
        if !needlesTuned {
            // The first 64 KiB of the file show which pair of each needle's bytes is rare in it.
            needlesTuned = true
            needles = needles.tuned(to: UnsafeRawBufferPointer(rebasing: buffer[index..<min(end, index + readChunkBytes)]))
        }
        let offset = baseOffset + Int64(index)
        let bufferedTo = baseOffset + Int64(end)
        if needleHit < offset || (needleHit == .max && needleSearchedTo < bufferedTo) {
            // Text searched before needs no second look, but for a needle cut off at the old end.
            let resume = needleSearchedTo - Int64(needles.longest - 1) - baseOffset
            let from = needleHit == .max ? max(index, Int(max(resume, 0))) : index
            let found = needles.firstIndex(in: UnsafeRawBufferPointer(rebasing: buffer[from..<end]))
            needleHit = found.map { baseOffset + Int64(from + $0) } ?? .max
            needleSearchedTo = bufferedTo
        }
        return needleHit == .max ? nil : Int(needleHit - baseOffset)
    }

    private func lineStart(containing index: Int, notBefore floor: Int) -> Int {
        let text = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let found = byte_search_last(text + floor, index - floor, UInt8(ascii: "\n"))
        return found < index - floor ? floor + found + 1 : floor
    }

    /// Whether the whole line at `index` starts an entry, judged as ``next()`` judges it.
    private func startsEntry(at index: Int) -> Bool {
        var lineEnd = end
        if let found = memchr(buffer.baseAddress! + index, Int32(UInt8(ascii: "\n")), end - index) {
            lineEnd = buffer.baseAddress!.distance(to: found)
        }
        if lineEnd > index, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        return format.entryStart(UnsafeRawBufferPointer(rebasing: buffer[index..<lineEnd]), clock: clock) != nil
    }

    /// Moves the unread bytes to the front and reads one chunk after them.
    private func fill() throws {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, remaining) }
            baseOffset += Int64(start)
            start = 0
            end = remaining
        }
        let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 { atEndOfFile = true } else { end += count }
        try observer()
    }
}

/// Walks a plain file's line starts from its end towards its beginning, handing on each line's offset
/// and its first ``LogFormat/probeBytes`` bytes: enough to tell whether it starts an entry.
final class BackwardLineWalker {
    private let reader: PlainFileReader
    private let fileSize: Int64
    private let buffer: UnsafeMutableRawBufferPointer
    private var windowStart: Int64 = 0
    private var windowLength = 0
    /// Line breaks are looked for in `buffer[0..<searchEnd]`.
    private var searchEnd = 0
    private var loaded = false
    private var finished: Bool
    private let observer: () throws -> Void
    private static let blockBytes = 64 * 1_024

    init(reader: PlainFileReader, fileSize: Int64, observer: @escaping () throws -> Void = {}) {
        self.reader = reader
        self.fileSize = fileSize
        self.observer = observer
        finished = fileSize == 0
        buffer = .allocate(byteCount: Self.blockBytes + LogFormat.probeBytes, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// How many bytes from the end have been looked at.
    var bytesWalked: Int64 { loaded ? fileSize - windowStart : 0 }

    func next() throws -> (offset: Int64, prefix: UnsafeRawBufferPointer)? {
        while !finished {
            if let newline = lastNewline(before: searchEnd) {
                searchEnd = newline
                return (windowStart + Int64(newline + 1), prefix(at: newline + 1))
            }
            if loaded, windowStart == 0 {
                finished = true
                return (0, prefix(at: 0))
            }
            // The last byte of the file is never a separator: a final line break ends the last line.
            let high = loaded ? windowStart : fileSize - 1
            let low = max(0, high - Int64(Self.blockBytes))
            let length = Int(min(fileSize, high + Int64(LogFormat.probeBytes)) - low)
            windowLength = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), at: low)
            windowStart = low
            searchEnd = min(windowLength, Int(high - low))
            loaded = true
            try observer()
        }
        return nil
    }

    // memrchr is a GNU extension the Glibc module does not export.
    private func lastNewline(before end: Int) -> Int? {
        var index = end - 1
        while index >= 0 {
            if buffer[index] == UInt8(ascii: "\n") { return index }
            index -= 1
        }
        return nil
    }

    private func prefix(at index: Int) -> UnsafeRawBufferPointer {
        let limit = min(windowLength, index + LogFormat.probeBytes)
        guard index < limit else { return UnsafeRawBufferPointer(start: buffer.baseAddress! + index, count: 0) }
        var lineEnd = limit
        if let found = memchr(buffer.baseAddress! + index, Int32(UInt8(ascii: "\n")), limit - index) {
            lineEnd = buffer.baseAddress!.distance(to: found)
        }
        if lineEnd > index, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        return UnsafeRawBufferPointer(rebasing: buffer[index..<lineEnd])
    }
}
