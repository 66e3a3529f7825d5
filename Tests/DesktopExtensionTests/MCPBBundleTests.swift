@testable import DesktopExtension
@testable import ZipArchive
import CZlib
import Foundation
import JSON
import Testing

@Suite struct ZipArchiveTests {
    /// Reads a little-endian field of `bytes` at `offset`.
    func field(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> Int {
        (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    @Test func endRecordCountsEntriesAndPointsAtTheDirectory() throws {
        let archive = try ZipArchive(entries: [.init(path: "a.txt", contents: Array("hi".utf8)),
                                               .init(path: "dir/b", contents: [UInt8](repeating: 7, count: 4096), permissions: 0o755)]).serialized()
        let end = archive.count - 22
        #expect(field(archive, end, 4) == 0x0605_4b50)
        #expect(field(archive, end + 10, 2) == 2)
        let directory = field(archive, end + 16, 4)
        #expect(field(archive, directory, 4) == 0x0201_4b50)
        #expect(field(archive, 0, 4) == 0x0403_4b50)
    }

    @Test func compressibleDataIsDeflatedAndInflatesBack() throws {
        let data = [UInt8](repeating: 42, count: 100_000)
        let deflated = try ZipArchive.deflate(data)
        #expect(deflated.count < 1_000)
        var stream = z_stream()
        #expect(inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var output = [UInt8](repeating: 0, count: data.count)
        var input = deflated
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        inflateEnd(&stream)
        #expect(status == Z_STREAM_END)
        #expect(output == data)
    }

    @Test func dosTimestampPacksUTCFields() {
        let (time, date) = ZipArchive.dosTimestamp(Date(timeIntervalSince1970: 1_767_225_600 + 3_661))  // 2026-01-01 01:01:01Z
        #expect(time == UInt16(1 << 11 | 1 << 5 | 0))
        #expect(date == UInt16(46 << 9 | 1 << 5 | 1))
    }
}

@Suite struct MCPBBundleTests {
    @Test func manifestRunsTheBridgeWithTheUserConfiguration() {
        let manifest = MCPBBundle(version: "1.2.3", binary: URL(fileURLWithPath: "/bin/true"), platform: "linux").manifest
        #expect(manifest["server"]?["type"] == "binary")
        #expect(manifest["server"]?["mcp_config"]?["args"] == ["bridge", "--url", "${user_config.url}", "--log", "${user_config.log_path}"])
        #expect(manifest["user_config"]?["token"]?["sensitive"] == true)
        #expect(manifest["user_config"]?["url"]?["required"] == true)
        #expect(manifest["version"] == "1.2.3")
    }
}
