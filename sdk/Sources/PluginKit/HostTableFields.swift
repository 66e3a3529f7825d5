/// Reads the host's function table by the header's growth rule: a field only when the table's
/// struct_size covers it (CDXMCP_HAS_FIELD in C). A plugin built against this SDK may meet an older
/// host whose table is smaller; fields past version 1 then read as absent instead of past the end.
enum HostTableFields {
    /// Version 1's table size: the least a host hands any plugin.
    static let version1Size = MemoryLayout<cdxmcp_host_api>.offset(of: \.call_service)! + MemoryLayout<UnsafeRawPointer?>.size

    /// The table's own size, read without touching anything past its first field.
    static func size(of table: UnsafePointer<cdxmcp_host_api>) -> Int {
        Int(UnsafeRawPointer(table).load(as: UInt32.self))
    }

    /// The function in `field`, or nil when the host's table does not reach it or leaves it empty.
    static func function<F>(_ table: UnsafePointer<cdxmcp_host_api>, _ field: KeyPath<cdxmcp_host_api, F?>) -> F? {
        guard let offset = MemoryLayout<cdxmcp_host_api>.offset(of: field),
              size(of: table) >= offset + MemoryLayout<F?>.size else { return nil }
        return UnsafeRawPointer(table).load(fromByteOffset: offset, as: F?.self)
    }
}
