import PluginKit

/// The time window a log tool reads when the agent leaves one end open: the last hours *of the log*,
/// not of the clock, so a log that stopped (a demo, a server that is down) still answers.
public enum LogWindow {
    /// `window` with its open ends filled: neither given → the `defaultHours` up to the log's last entry
    /// (this moment when the host cannot tell); only `to` → the `defaultHours` before it; only `from`
    /// → from there to the end of the log (left open).
    public static func resolve(_ window: TimeWindow, log: String, defaultHours: Double = 24, clock: ServerTime,
                               call: CallContext) -> TimeWindow {
        switch (window.from, window.to) {
        case (nil, nil):
            let end = lastTime(of: log, call: call) ?? clock.wallClock(of: clock.now())
            return TimeWindow(from: end.adding(seconds: -defaultHours * 3_600), to: end)
        case (nil, let to?):
            return TimeWindow(from: to.adding(seconds: -defaultHours * 3_600), to: to)
        default:
            return window
        }
    }

    /// The time of the log's last entry, from the host's `logs.list`; nil when the log is absent or its
    /// newest file cannot be read from the end.
    public static func lastTime(of log: String, call: CallContext) -> WallClock? {
        let logs = (try? call.logs.list())?.logs ?? []
        guard let text = logs.first(where: { $0.id == log })?.lastTime,
              let (time, _) = ServerTime.parseISO(text) else { return nil }
        return time
    }
}
