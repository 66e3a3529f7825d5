import ArgumentParser
import Foundation
import Logging
import PluginHost

/// `cloverdx-mcp plugin-worker`: the child process an isolated plugin runs in. The host starts it
/// with a socket as descriptor 3; nobody runs it by hand.
struct PluginWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-worker",
        abstract: "Run one isolated plugin for a cloverdx-mcp host (started by the host itself).",
        shouldDisplay: false
    )

    @Option(help: "The descriptor of the socket to the host.") var socket: Int32 = 3
    @Option(help: "The most memory the worker may use, in MiB.") var memoryLimitMb: Int?
    @Option(help: "The host's log level.") var logLevel: String = "info"

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return handler
        }
        var logger = Logger(label: "cloverdx-mcp")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        throw ExitCode(PluginWorker.serve(socket: socket, memoryLimitMB: memoryLimitMb, logger: logger))
    }
}
