/// One line of Tomcat's access log in either layout of docs/CLOVERDX.md, "Tomcat access log":
/// `%h %l %u %t %D %r %s %b` (CloverDX's suggestion, with the duration in ms and the request line
/// unquoted) or `%h %l %u %t "%r" %s %b` (the Docker image's, without a duration).
/// The time is not read here: the catalogue has already put it on the server's wall clock.
struct AccessLogLine: Equatable {
    var client: String
    /// Nil for Tomcat's `-` (no authenticated user).
    var user: String?
    /// Nil when the request line is `-` or empty.
    var method: String?
    var path: String?
    /// The part of the target after `?`, nil when there is none.
    var query: String?
    var protocolName: String?
    var status: Int64
    /// `-` (nothing sent) is 0.
    var bytes: Int64
    /// Only the `%D` layout has it.
    var durationMs: Int64?

    /// Nil when the line has neither layout.
    init?(_ line: Substring) {
        guard let open = line.firstIndex(of: "[") else { return nil }
        let who = line[..<open].split(separator: " ", omittingEmptySubsequences: true)
        guard who.count == 3 else { return nil }
        // `[dd/MMM/yyyy:HH:mm:ss +hhmm]` is 28 characters.
        guard let close = line.index(open, offsetBy: 27, limitedBy: line.endIndex), close < line.endIndex, line[close] == "]" else { return nil }
        client = String(who[0])
        user = who[2] == "-" ? nil : String(who[2])
        let rest = line[line.index(after: close)...].drop { $0 == " " }
        let request: Substring
        let tail: [Substring]
        if rest.first == "\"" {
            guard let end = rest.lastIndex(of: "\""), end > rest.startIndex else { return nil }
            request = rest[rest.index(after: rest.startIndex)..<end]
            tail = rest[rest.index(after: end)...].split(separator: " ")
            guard tail.count == 2 else { return nil }
            durationMs = nil
        } else {
            let tokens = rest.split(separator: " ")
            guard tokens.count >= 4, let duration = Int64(tokens[0]) else { return nil }
            durationMs = duration
            request = line[tokens[1].startIndex..<tokens[tokens.count - 3].endIndex]
            tail = Array(tokens.suffix(2))
        }
        guard tail[0].count == 3, let status = Int64(tail[0]) else { return nil }
        self.status = status
        if tail[1] == "-" {
            bytes = 0
        } else {
            guard let bytes = Int64(tail[1]) else { return nil }
            self.bytes = bytes
        }
        let parts = request.split(separator: " ")
        guard !(parts.isEmpty || parts == ["-"]) else { return }
        method = String(parts[0])
        var targetParts = parts.dropFirst()
        if let last = targetParts.last, last.hasPrefix("HTTP/") {
            protocolName = String(last)
            targetParts = targetParts.dropLast()
        }
        guard let first = targetParts.first, let last = targetParts.last else { return }
        let target = request[first.startIndex..<last.endIndex]
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = String(target)
        }
    }
}
