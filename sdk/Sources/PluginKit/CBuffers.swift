/// The ABI passes text as (pointer, length) buffers, never NUL-terminated: these turn Swift strings
/// into such buffers and back. `package`, so the SDK's test host uses the same two functions.
package enum CBuffers {
    /// Calls `body` with the UTF-8 bytes of `text` as a (pointer, length) buffer, valid only inside `body`.
    package static func withBytes<T>(_ text: String, _ body: (UnsafePointer<CChar>?, Int) -> T) -> T {
        var text = text
        return text.withUTF8 { bytes in bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress, $0.count) } }
    }

    /// The text in a (pointer, length) buffer; invalid UTF-8 is repaired.
    package static func string(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
