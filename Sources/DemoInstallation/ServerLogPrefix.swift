/// The CloverDX Server log layout for all.log, worker.log, node.log and the other cloverlogs text
/// logs: `%d{yyyy-MM-dd HH:mm:ss,SSS}[%-15.15t] %-16c{1} %-9p %m%n` (thread cut to its last 15
/// characters, no space after the date; continuation lines of stack traces carry no prefix).
extension EventArena {
    /// Adds one event (its message may span lines).
    func log(_ time: Int64, thread: String, logger: StaticString, level: StaticString, _ message: (TextBuffer) -> Void) {
        let b = begin(time)
        b.timestamp(time)
        b.byte(91)
        let count = thread.utf8.count
        if count > 15 {
            var t = thread
            t.withUTF8 { raw in b.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: raw[(count - 15)...]))) }
        } else {
            b.write(thread)
            b.spaces(15 - count)
        }
        b.write("] ")
        b.write(logger)
        b.spaces(16 - logger.utf8CodeUnitCount)
        b.byte(32)
        b.write(level)
        b.spaces(9 - level.utf8CodeUnitCount)
        b.byte(32)
        message(b)
        b.newline()
        end()
    }

    func log(_ time: Int64, thread: String, logger: StaticString, level: StaticString, _ text: String) {
        log(time, thread: thread, logger: logger, level: level) { $0.write(text) }
    }
}
