import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's text in chunks, decompressed when it is gzip: the only way file bytes enter the catalogue.
protocol ChunkReader: AnyObject {
    /// Fills the start of `buffer`; 0 at the end (or at damage in a `.gz`, see ``damage``).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Moves to `offset` of the text without reading up to it; false when the reader cannot (gzip).
    func seek(to offset: Int64) throws -> Bool
    /// How far into the file on disk the reader is (compressed bytes for gzip).
    var filePosition: Int64 { get }
    /// Bytes read from disk so far.
    var bytesRead: Int64 { get }
    /// What stopped a gzip stream early: truncation or corruption.
    var damage: String? { get }
}

/// The size of one read from disk, and of a gzip reader's input buffer.
let readChunkBytes = 64 * 1_024

func openChunkReader(_ file: LogFile, root: String) throws -> any ChunkReader {
    let descriptor = try Confinement.openForReading(file, root: root)
    return file.isCompressed ? try GzipFileReader(descriptor: descriptor, name: file.name) : PlainFileReader(descriptor: descriptor, name: file.name)
}

private func readRetrying(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, name: String) throws -> Int {
    while true {
        let result = read(descriptor, buffer, count)
        if result >= 0 { return result }
        if errno == EINTR { continue }
        throw LogCatalogueError(.unreadable, "reading \(name) failed: \(String(cString: strerror(errno)))")
    }
}

final class PlainFileReader: ChunkReader {
    private let descriptor: Int32
    private let name: String
    private(set) var filePosition: Int64 = 0
    private(set) var bytesRead: Int64 = 0
    var damage: String? { nil }

    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = try readRetrying(descriptor, base, min(buffer.count, readChunkBytes), name: name)
        filePosition += Int64(count)
        bytesRead += Int64(count)
        return count
    }

    func seek(to offset: Int64) throws -> Bool {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw LogCatalogueError(.unreadable, "seeking in \(name) failed: \(String(cString: strerror(errno)))")
        }
        filePosition = offset
        return true
    }

    /// The file's current size.
    func size() throws -> Int64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw LogCatalogueError(.unreadable, "cannot stat \(name): \(String(cString: strerror(errno)))")
        }
        return Int64(status.st_size)
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the file position.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var total = 0
        while total < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset) + off_t(total))
            if result < 0 {
                if errno == EINTR { continue }
                throw LogCatalogueError(.unreadable, "reading \(name) failed: \(String(cString: strerror(errno)))")
            }
            if result == 0 { break }
            total += result
        }
        bytesRead += Int64(total)
        return total
    }
}

/// Inflates a gzip file as a stream (`inflateInit2` with windowBits 15+32: gzip or zlib header,
/// concatenated members too). Memory stays at zlib's 32 KiB window plus one input chunk.
final class GzipFileReader: ChunkReader {
    private let descriptor: Int32
    private let name: String
    // zlib keeps a pointer back to the stream and checks it, so the stream must never move.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputExhausted = false
    private var memberEnded = false
    private var finished = false
    private(set) var filePosition: Int64 = 0
    var bytesRead: Int64 { filePosition }
    private(set) var damage: String?
    private var textOffset: Int64 = 0

    init(descriptor: Int32, name: String) throws {
        self.descriptor = descriptor
        self.name = name
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: readChunkBytes, alignment: 16)
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            close(descriptor)
            stream.deallocate()
            input.deallocate()
            throw LogCatalogueError(.unreadable, "cannot start inflating \(name): zlib status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
        close(descriptor)
    }

    func seek(to offset: Int64) throws -> Bool { false }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = base.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(buffer.count)
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0, !inputExhausted {
                let count = try readRetrying(descriptor, input.baseAddress!, input.count, name: name)
                if count == 0 {
                    inputExhausted = true
                } else {
                    filePosition += Int64(count)
                    stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(count)
                }
            }
            if memberEnded {
                // Another gzip member follows (files written by `cat a.gz b.gz`), or the file really ends here.
                if stream.pointee.avail_in == 0 && inputExhausted { finished = true; break }
                inflateReset(stream)
                memberEnded = false
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                memberEnded = true
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && inputExhausted:
                finished = true
                damage = "\(name) is truncated: the gzip stream ends after \(textOffset + Int64(buffer.count - Int(stream.pointee.avail_out))) bytes of text"
            default:
                finished = true
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                damage = "\(name) is corrupt after \(textOffset + Int64(buffer.count - Int(stream.pointee.avail_out))) bytes of text (\(detail))"
            }
            if finished { break }
        }
        let count = buffer.count - Int(stream.pointee.avail_out)
        textOffset += Int64(count)
        return count
    }
}
