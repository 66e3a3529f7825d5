/// A log file that rolls like CloverDX's log4j2 appenders: at a day change or when the file has
/// reached the size limit, the old file is gzipped to `<base>.<yyyy-MM-dd>.<n>.log.gz` (`n` counting
/// from 1 within the day); the current file is `<base>.log`.
final class RollingLog {
    let directory: String
    let base: String
    let sizeLimit: Int
    let compressionLevel: Int32
    private let clock: DemoClock
    /// The file being written; it is gzipped or saved as the live file when it closes.
    let current: TextBuffer
    private var currentDay: Int64 = .min
    private var index = 0
    private var lastTime: Int64 = 0
    private(set) var uncompressedBytes: Int64 = 0
    private(set) var files: [String] = []

    init(directory: String, base: String, clock: DemoClock, sizeLimit: Int, compressionLevel: Int32) {
        self.directory = directory
        self.base = base
        self.clock = clock
        self.sizeLimit = sizeLimit
        self.compressionLevel = compressionLevel
        current = TextBuffer(clock: clock, capacity: min(sizeLimit + (1 << 20), 1 << 22))
    }

    /// Call before writing an event stamped `time` into `current`: rolls the file over first when
    /// the day changed or the size limit is reached.
    func prepare(time: Int64) throws {
        let day = clock.localDay(time)
        if day != currentDay || current.count >= sizeLimit {
            if current.count > 0 {
                try roll(at: time)
            }
            if day != currentDay {
                currentDay = day
                index = 0
            }
        }
        lastTime = time
    }

    /// Appends one already-formatted event (one or more lines).
    func append(time: Int64, _ bytes: UnsafeRawBufferPointer) throws {
        try prepare(time: time)
        current.write(bytes)
    }

    private func roll(at time: Int64) throws {
        index += 1
        let path = directory + "/" + base + "." + DemoClock.dateString(day: currentDay) + "." + String(index) + ".log.gz"
        try Gzip.compress(current.bytes, level: compressionLevel, to: path)
        FileOutput.setModificationTime(path, ms: time)
        uncompressedBytes += Int64(current.count)
        files.append(path)
        current.removeAll()
    }

    /// Writes what is left as the live `<base>.log` (empty when nothing was logged since the last roll).
    func finish() throws {
        let path = directory + "/" + base + ".log"
        try FileOutput.write(current.bytes, to: path)
        if lastTime > 0 { FileOutput.setModificationTime(path, ms: lastTime) }
        uncompressedBytes += Int64(current.count)
        files.append(path)
        current.removeAll()
    }
}

/// Events gathered from many sources in any order, then written sorted by time.
///
/// Each event is one or more complete lines; events with the same timestamp keep the order in
/// which they were added.
final class EventArena {
    let text: TextBuffer
    private var entries: [Entry] = []
    private var openStart = -1
    private var openTime: Int64 = 0

    struct Entry {
        var time: Int64
        var sequence: Int
        var start: Int
        var length: Int
    }

    init(clock: DemoClock) {
        text = TextBuffer(clock: clock, capacity: 1 << 20)
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Starts an event; write its lines into `text`, then call `end()`.
    func begin(_ time: Int64) -> TextBuffer {
        openStart = text.count
        openTime = time
        return text
    }

    func end() {
        entries.append(Entry(time: openTime, sequence: entries.count, start: openStart, length: text.count - openStart))
        openStart = -1
    }

    /// Events sorted by time, for writing.
    func sorted() -> [Entry] {
        entries.sorted { $0.time != $1.time ? $0.time < $1.time : $0.sequence < $1.sequence }
    }

    func bytes(of entry: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text.base + entry.start, count: entry.length)
    }

    /// Writes every event into `log`, in time order, rolling as it goes, and finishes the live file.
    func drain(into log: RollingLog) throws {
        for entry in sorted() {
            try log.append(time: entry.time, bytes(of: entry))
        }
        try log.finish()
    }
}
