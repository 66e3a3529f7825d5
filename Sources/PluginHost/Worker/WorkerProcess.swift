import Foundation
import Synchronization

/// A started `cloverdx-mcp plugin-worker` child: its pid, the socket to it, and what it last wrote
/// on stderr (forwarded to the host's stderr as it comes, kept for the crash message).
final class WorkerProcess: Sendable {
    let pid: pid_t
    let channel: WorkerChannel
    let started = ContinuousClock.now
    private let lastWords = Mutex<(line: String, at: ContinuousClock.Instant)?>(nil)

    private init(pid: pid_t, socket: Int32) {
        self.pid = pid
        self.channel = WorkerChannel(descriptor: socket)
    }

    /// Starts `executable plugin-worker` with the socket as its descriptor 3 and its stderr piped to us.
    static func spawn(executable: String, arguments: [String]) throws(WorkerStartError) -> WorkerProcess {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw WorkerStartError("socketpair failed: \(String(cString: strerror(errno)))")
        }
        // A socket pair for stderr too: it is created close-on-exec at once, so no other child started
        // meanwhile inherits its write end (which would keep our reader from ever seeing its end).
        var errorPipe: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &errorPipe) == 0 else {
            close(pair[0]); close(pair[1])
            throw WorkerStartError("pipe failed: \(String(cString: strerror(errno)))")
        }
        // Move the child's ends above the standard descriptors, so dup2 onto 2 and 3 always copies
        // (a dup2 of a descriptor onto itself would keep its close-on-exec flag).
        let childSocket = fcntl(pair[1], F_DUPFD_CLOEXEC, 10), childError = fcntl(errorPipe[1], F_DUPFD_CLOEXEC, 10)
        close(pair[1]); close(errorPipe[1])
        defer { close(childSocket); close(childError) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childSocket, 3)
        posix_spawn_file_actions_adddup2(&actions, childError, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // Swift's crash backtracer takes seconds to symbolicate, which a client would wait for on every
        // crash; a worker runs without it unless the operator asked for it (SWIFT_BACKTRACE).
        var environment = ProcessInfo.processInfo.environment
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else {
            close(pair[0]); close(errorPipe[0])
            throw WorkerStartError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        let process = WorkerProcess(pid: pid, socket: pair[0])
        process.forwardErrors(from: errorPipe[0])
        return process
    }

    /// Copies the worker's stderr to ours, remembering its last line.
    private func forwardErrors(from descriptor: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 16 << 10)
            var partial: [UInt8] = []
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                buffer.withUnsafeBytes { _ = write(2, $0.baseAddress, count) }
                partial.append(contentsOf: buffer[0..<count])
                if let newline = partial.lastIndex(of: 10) {
                    let lines = partial[..<newline].split(separator: 10)
                    if let last = lines.last { lastWords.withLock { $0 = (String(decoding: last, as: UTF8.self), .now) } }
                    partial.removeFirst(newline + 1)
                }
                if partial.count > 4096 { partial.removeFirst(partial.count - 4096) }
            }
            close(descriptor)
        }
        thread.name = "plugin worker stderr"
        thread.start()
    }

    /// The last line the worker wrote on stderr, if within the last `window`: what a crashing
    /// runtime prints ("Fatal error: …") just before the signal.
    func lastWords(within window: Duration) -> String? {
        lastWords.withLock { words in
            guard let words, ContinuousClock.now - words.at <= window else { return nil }
            return words.line
        }
    }

    /// The worker's resident memory now, in bytes; nil once it is gone.
    var residentBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits for the process to end: how it ended, and its peak resident memory in bytes.
    func reap() -> (status: Int32, peakBytes: Int) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        channel.close()
        return (status, Int(usage.ru_maxrss) * 1024)
    }

    /// How a wait status reads: "crashed (SIGSEGV)", "exited with status 3".
    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        let names: [Int32: String] = [SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
                                      SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGPIPE: "SIGPIPE"]
        return "crashed (\(names[signal] ?? "signal \(signal)"))"
    }
}

/// Why a worker could not be started or would not load its plugin.
struct WorkerStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
