import CloverPluginSupport
import PluginKit

/// Versions, Java and command lines as the Core, the Worker and Tomcat log them when they start.
enum StartupLines {
    /// The Core's last start-up line; nil when it has rotated out of the kept logs.
    static func server(_ logs: LogFacts) throws -> ServerFacts? {
        guard logs.has("all") else { throw ToolError.failed("there is no all.log among the server logs") }
        guard let entry = try logs.newest("all", regex: #"CloverDX Server \S+ \(build [^)]+\) starting"#),
              let match = entry.message.firstMatch(of: #/CloverDX Server (\S+) \(build ([^)]+)\) starting(?:, node (\S+))?/#) else {
            return nil
        }
        return ServerFacts(version: String(match.1), build: String(match.2), nodeId: match.3.map(String.init),
                           versionSource: "the Core's start-up line in all.log", startedAt: entry.time, startedAtSource: "the Core's start-up line")
    }

    static func worker(_ logs: LogFacts) throws -> WorkerFacts {
        var worker = WorkerFacts()
        // The Core logs the Worker's stdout into all.log; worker.log has the Worker's own line.
        var start = try logs.newest("all", regex: #"CloverDX Worker \S+ \(build [^)]+\) starting"#)
        if start == nil, logs.has("worker") { start = try logs.newest("worker", regex: #"Starting CloverDX Worker \S+ \(build"#) }
        if let start, let match = start.message.firstMatch(of: #/CloverDX Worker (\S+) \(build ([^)]+)\)/#) {
            worker.version = String(match.1)
            worker.build = String(match.2)
            worker.startedAt = start.time
        }
        // "[worker0@node01:10500]: Java: 21.0.5+11-LTS (Eclipse Adoptium), max heap 4096 MB"
        if let entry = try logs.newest("all", regex: #"\]: Java: "#),
           let match = entry.message.firstMatch(of: #/Java: (.+?)(?:, max heap (\d+) MB)?$/#) {
            worker.java = String(match.1)
            worker.maxHeapMB = match.2.flatMap { Int($0) }
        }
        if let entry = try logs.newest("all", regex: #"Starting Worker \S+: "#), let range = entry.message.range(of: ": ") {
            let command = maskingSecretProperties(String(entry.message[range.upperBound...]))
            worker.commandLine = command
            worker.maxHeapMB = maxHeapMB(command) ?? worker.maxHeapMB
        }
        guard worker.version != nil || worker.java != nil || worker.commandLine != nil else {
            throw ToolError.failed("no Worker start-up lines in all.log or worker.log: the last Worker start has rotated out of the kept logs")
        }
        return worker
    }

    static func platform(_ logs: LogFacts) throws -> PlatformFacts {
        guard logs.has("catalina") else { throw ToolError.failed("there is no Tomcat catalina log among the Tomcat logs") }
        guard let first = try logs.newest("catalina", regex: "Server version name:"), let time = first.time else {
            throw ToolError.failed("no Tomcat start-up lines (VersionLoggerListener) in the catalina logs")
        }
        var values: [String: String] = [:]
        for entry in try logs.entries("catalina", regex: "VersionLoggerListener", from: time, seconds: 10) {
            // "Command line argument" lines are left out: they can carry passwords.
            let message = entry.message
            guard let colon = message.firstIndex(of: ":"), !message.hasPrefix("Command line") else { continue }
            let name = String(message[..<colon]).trimmingCharacters(in: .whitespaces)
            if values[name] == nil { values[name] = String(message[message.index(after: colon)...]).trimmingCharacters(in: .whitespaces) }
        }
        let os = [values["OS Name"], values["OS Version"], values["Architecture"]].compactMap { $0 }.joined(separator: " ")
        return PlatformFacts(loggedAt: time, tomcat: values["Server version name"], jvmVersion: values["JVM Version"],
                             jvmVendor: values["JVM Vendor"], os: os.isEmpty ? nil : os, javaHome: values["Java Home"],
                             catalinaHome: values["CATALINA_HOME"])
    }

    /// `-Xmx4096m` → 4096; `-Xmx4g` → 4096.
    static func maxHeapMB(_ command: String) -> Int? {
        guard let match = command.firstMatch(of: #/-Xmx(\d+)([kKmMgG]?)(?:\s|$)/#), let amount = Int(match.1) else { return nil }
        switch match.2.lowercased() {
        case "g": return amount * 1_024
        case "m": return amount
        case "k": return amount / 1_024
        default: return amount / (1_024 * 1_024)
        }
    }

    /// `-Dsome.password=x` → `-Dsome.password=*****`: a JVM command line can carry secrets, masked
    /// after the words of CloverDX's private.properties rule.
    static func maskingSecretProperties(_ command: String) -> String {
        command.split(separator: " ", omittingEmptySubsequences: false).map { token -> String in
            guard token.hasPrefix("-D"), let equals = token.firstIndex(of: "=") else { return String(token) }
            let name = token[token.index(token.startIndex, offsetBy: 2)..<equals].lowercased().filter { $0.isLetter }
            let secret = ["password", "passwd", "secret", "token", "credential", "privatekey", "apikey"].contains { name.contains($0) }
            return secret ? String(token[...equals]) + "*****" : String(token)
        }.joined(separator: " ")
    }
}
