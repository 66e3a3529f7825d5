import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file writing: one `open`, large `write`s, no Foundation buffering in between.
enum FileOutput {
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DemoGenerationError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try writeAll(fd: fd, bytes, path: path)
    }

    static func write(_ text: String, to path: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0), to: path) }
    }

    static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            #if canImport(Glibc)
            let written = Glibc.write(fd, pointer, remaining)
            #else
            let written = Darwin.write(fd, pointer, remaining)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                throw DemoGenerationError.io("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            pointer += written
            remaining -= written
        }
    }

    /// Sets a file's modification time, so file listings tell the same story as the content.
    static func setModificationTime(_ path: String, ms: Int64) {
        var times = [timespec](repeating: timespec(), count: 2)
        let seconds = ms / 1000
        let nanos = (ms % 1000) * 1_000_000
        times[0] = timespec(tv_sec: Int(seconds), tv_nsec: Int(nanos))
        times[1] = times[0]
        _ = utimensat(AT_FDCWD, path, times, 0)
    }

    static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}

/// gzip files through zlib (`deflateInit2` with window bits 15 + 16): the same container Java's
/// `GZIPOutputStream` writes for log4j's rolled files (no name, zero mtime in the header).
enum Gzip {
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DemoGenerationError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }

        var stream = z_stream()
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DemoGenerationError.io("zlib deflateInit2 failed (\(status)) for \(path)") }
        defer { deflateEnd(&stream) }

        let chunk = 1 << 20
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { out.deallocate() }
        var offset = 0
        let total = input.count
        let start = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
        repeat {
            // zlib counts in 32-bit uInt: feed at most 1 GiB at a time.
            let take = min(total - offset, 1 << 30)
            stream.next_in = start.map { $0 + offset }
            stream.avail_in = uInt(take)
            offset += take
            let flush = offset >= total ? Z_FINISH : Z_NO_FLUSH
            repeat {
                stream.next_out = out
                stream.avail_out = uInt(chunk)
                status = deflate(&stream, flush)
                guard status != Z_STREAM_ERROR else { throw DemoGenerationError.io("zlib deflate failed for \(path)") }
                let produced = chunk - Int(stream.avail_out)
                try FileOutput.writeAll(fd: fd, UnsafeRawBufferPointer(start: out, count: produced), path: path)
            } while stream.avail_out == 0
        } while offset < total
        guard status == Z_STREAM_END else { throw DemoGenerationError.io("zlib did not finish \(path) (\(status))") }
    }

    /// The content of a gzip file (all members), for tests and tools that read the demo back.
    static func decompress(_ data: Data) throws -> Data {
        var stream = z_stream()
        var status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DemoGenerationError.io("zlib inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }
        var result = Data()
        let chunk = 1 << 20
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { out.deallocate() }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let start = raw.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: start.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = uInt(raw.count)
            while true {
                stream.next_out = out
                stream.avail_out = uInt(chunk)
                status = inflate(&stream, Z_NO_FLUSH)
                if status != Z_OK && status != Z_STREAM_END {
                    throw DemoGenerationError.io("corrupt gzip data (zlib \(status))")
                }
                result.append(out, count: chunk - Int(stream.avail_out))
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 { break }
                    inflateReset(&stream)
                } else if stream.avail_in == 0 && stream.avail_out != 0 {
                    throw DemoGenerationError.io("truncated gzip data")
                }
            }
        }
        return result
    }
}
