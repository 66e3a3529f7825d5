import Foundation

/// One log of the installation, addressed by ``id``: all its files, oldest first.
public struct LogDescriptor: Sendable, Hashable {
    /// The stable ID to search with: `all`, `worker`, `access`, `job/18342`, ….
    public let id: String
    /// What kind of log this is.
    public let category: LogCategory
    /// The files in time order, oldest first: pre-6.4 `all.log.N` archives (higher N older), then
    /// `<base>.<yyyy-MM-dd>.<n>.log[.gz]` archives by date then n, then the live file.
    public let files: [LogFile]
    /// The sum of the files' sizes on disk (compressed size for `.gz`).
    public let totalBytes: Int64
    /// The first entry's time in the oldest file, if it has one within its first 256 KiB.
    public let firstTimestamp: LogTimestamp?
    /// The last entry's time in the newest non-empty file, if that file is not compressed and an entry
    /// with a time lies within its last 1 MiB.
    public let lastTimestamp: LogTimestamp?
    /// Names of files that look like part of this log but resolve outside the log's directory
    /// (symlinks leading out). They are never read; they are named so an operator can see why.
    public let refusedFiles: [String]

    let format: LogFormat
    /// The log directory with symlinks resolved; every file read must lie inside it.
    let root: String
}

/// One file of a log. Only its name is exposed: logs are addressed by ID, never by path.
public struct LogFile: Sendable, Hashable {
    /// The file name, e.g. `all.2025-03-05.1.log.gz`.
    public let name: String
    /// Size on disk when listed.
    public let bytes: Int64
    /// Whether the file is gzip-compressed (read by inflating it on the fly).
    public let isCompressed: Bool
    /// Last modification time when listed.
    public let modified: Date
    /// The day in the file name of a dated archive (`all.2025-03-05.1.log.gz`), as its 00:00.
    public let rotationDay: LogTimestamp?

    /// The path under the resolved root; re-checked against the root whenever the file is opened.
    let path: String
    /// The inode when listed: a cursor naming this file is refused once the file was replaced by rotation.
    let identity: UInt64
    /// Whether the next file of the log continues this one in time (a rotation chain), so the next
    /// file's first entry bounds this file's last. False for the last file and for Tomcat's dated
    /// `catalina.<date>.log`, which `catalina.out` does not continue.
    let continuesInNext: Bool
}
