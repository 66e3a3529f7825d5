import CZlib
import Foundation

/// A zip archive written in one go: deflated entries (stored when deflate does not help, as for gzip
/// logs), Unix permissions kept, no zip64 (so every entry and the whole archive stay under 4 GiB).
/// Desktop extension bundles and support packages are written with it.
public struct ZipArchive {
    /// One file of the archive.
    public struct Entry {
        /// The path inside the archive, `/`-separated, e.g. `server/cloverdx-mcp`.
        public var path: String
        public var contents: [UInt8]
        /// Unix permission bits, e.g. `0o755` for an executable.
        public var permissions: UInt16

        public init(path: String, contents: [UInt8], permissions: UInt16 = 0o644) {
            self.path = path
            self.contents = contents
            self.permissions = permissions
        }
    }

    public var entries: [Entry] = []
    /// The modification time every entry carries.
    public var modified: Date

    public init(entries: [Entry] = [], modified: Date = Date()) {
        self.entries = entries
        self.modified = modified
    }

    /// The most bytes the archive can take with one more entry of `count` bytes named `name` (every
    /// entry stored, none deflated): for keeping an archive under a size cap before adding to it.
    public func sizeBound(adding name: String, count: Int) -> Int {
        let headers = { (path: String) in 30 + 46 + 2 * path.utf8.count }
        return 22 + entries.reduce(headers(name) + count) { $0 + headers($1.path) + $1.contents.count }
    }

    /// The archive's bytes.
    public func serialized() throws -> [UInt8] {
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        let (time, date) = Self.dosTimestamp(modified)
        for entry in entries {
            let name = Array(entry.path.utf8)
            let crc = entry.contents.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            let compressed = try Self.deflate(entry.contents)
            // Stored when deflate does not help (tiny or incompressible files).
            let (method, body): (UInt16, [UInt8]) = compressed.count < entry.contents.count ? (8, compressed) : (0, entry.contents)
            guard body.count < Int(UInt32.max), entry.contents.count < Int(UInt32.max), archive.count < Int(UInt32.max) else {
                throw ZipArchiveError("\(entry.path) is too large for a zip archive without zip64")
            }
            let offset = UInt32(archive.count)
            // Local file header; flag bit 11: the name is UTF-8.
            archive.append(le32: 0x0403_4b50)
            archive.append(le16: 20); archive.append(le16: 0x0800); archive.append(le16: method)
            archive.append(le16: time); archive.append(le16: date)
            archive.append(le32: crc); archive.append(le32: UInt32(body.count)); archive.append(le32: UInt32(entry.contents.count))
            archive.append(le16: UInt16(name.count)); archive.append(le16: 0)
            archive += name
            archive += body
            // Central directory record; "made by" Unix (3) so the permission bits are read back.
            directory.append(le32: 0x0201_4b50)
            directory.append(le16: (3 << 8) | 20); directory.append(le16: 20); directory.append(le16: 0x0800); directory.append(le16: method)
            directory.append(le16: time); directory.append(le16: date)
            directory.append(le32: crc); directory.append(le32: UInt32(body.count)); directory.append(le32: UInt32(entry.contents.count))
            directory.append(le16: UInt16(name.count)); directory.append(le16: 0); directory.append(le16: 0)
            directory.append(le16: 0); directory.append(le16: 0)
            directory.append(le32: (UInt32(0o100000 | entry.permissions)) << 16)
            directory.append(le32: offset)
            directory += name
        }
        let directoryOffset = UInt32(archive.count)
        archive += directory
        archive.append(le32: 0x0605_4b50)
        archive.append(le16: 0); archive.append(le16: 0)
        archive.append(le16: UInt16(entries.count)); archive.append(le16: UInt16(entries.count))
        archive.append(le32: UInt32(directory.count)); archive.append(le32: directoryOffset)
        archive.append(le16: 0)
        return archive
    }

    /// Raw deflate data: zlib's `compress2` output without its 2-byte header and Adler-32 trailer.
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &size, input.baseAddress, uLong(input.count), Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK, size >= 6 else { throw ZipArchiveError("zlib could not compress (status \(status))") }
        return Array(output[2..<(Int(size) - 4)])
    }

    /// MS-DOS time and date fields, in UTC.
    static func dosTimestamp(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = max((parts.year ?? 1980) - 1980, 0)
        let time = UInt16(((parts.hour ?? 0) << 11) | ((parts.minute ?? 0) << 5) | ((parts.second ?? 0) / 2))
        let day = UInt16((year << 9) | ((parts.month ?? 1) << 5) | (parts.day ?? 1))
        return (time, day)
    }
}

/// Why an archive could not be written.
public struct ZipArchiveError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension [UInt8] {
    mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF)); append(UInt8(value >> 8))
    }

    mutating func append(le32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
