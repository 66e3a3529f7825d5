import Foundation
import RemoteMCP
import Synchronization

/// The bridge's diagnostics: stderr (which desktop apps keep in their MCP logs) and, when asked,
/// a file of its own. Callers never pass secrets; the bearer token is not known to this type.
public final class BridgeLog: Sendable {
    private let file: Mutex<FileHandle?>

    /// Appends to `path` when given (created if missing); otherwise writes to stderr only.
    public init(path: String?) throws {
        guard let path else {
            file = Mutex(nil)
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw RemoteMCPError("cannot create the log file \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw RemoteMCPError("cannot open the log file \(path) for writing") }
        handle.seekToEndOfFile()
        file = Mutex(handle)
    }

    /// One line, stamped with the UTC time.
    public func write(_ message: String) {
        let line = "\(Date().ISO8601Format()) cloverdx-mcp bridge: \(message)\n"
        let bytes = Data(line.utf8)
        file.withLock { handle in
            FileHandle.standardError.write(bytes)
            handle?.write(bytes)
        }
    }
}

