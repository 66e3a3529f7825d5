import JSON

/// Takes rows one at a time until a cap is reached, then says stop; both engines read through it,
/// so they truncate at the same row.
struct ResultCollector {
    let limits: QueryLimits
    private(set) var rows: [[JSONValue]] = []
    private(set) var byteCount = 2  // the enclosing [ ]
    private(set) var truncation: TruncationReason?

    init(limits: QueryLimits) {
        self.limits = limits
    }

    /// Rows still wanted, counting the one extra row that tells whether there are more.
    var rowsWanted: Int { limits.maxRows + 1 - rows.count }

    /// Average size of the rows so far, for sizing the next batch.
    var averageRowBytes: Int { rows.isEmpty ? 256 : max(1, byteCount / rows.count) }

    var bytesLeft: Int { max(0, limits.maxBytes - byteCount) }

    /// Whether a row of about `rowBytes` (measured before it is read) may still be taken; false
    /// records why the caller must stop. A first row that alone is past the byte cap is an error.
    mutating func admits(rowBytes: Int) throws(SystemDatabaseError) -> Bool {
        guard hasRoomForAnotherRow() else { return false }
        guard byteCount + rowBytes <= Self.measuredRowLimit(limits) else {
            if rows.isEmpty { throw .rowTooLarge(bytes: rowBytes, limit: limits.maxBytes) }
            truncation = .byteLimit
            return false
        }
        return true
    }

    /// The largest measured row that may still be read: the byte cap and a little room, because an
    /// estimate may run over the exact size (numbers are estimated at their widest); ``add(_:)``
    /// still holds the answer to the cap exactly.
    static func measuredRowLimit(_ limits: QueryLimits) -> Int { limits.maxBytes + 4096 }

    /// Keeps `row`, or returns false (and records why) when the caller must stop reading.
    mutating func add(_ row: [JSONValue]) -> Bool {
        guard hasRoomForAnotherRow() else { return false }
        let size = JSONValue.array(row).serialized().count + (rows.isEmpty ? 0 : 1)
        if byteCount + size > limits.maxBytes {
            truncation = .byteLimit
            return false
        }
        rows.append(row)
        byteCount += size
        return true
    }

    /// False once reading has stopped, or when the row cap is reached (then recorded as why).
    private mutating func hasRoomForAnotherRow() -> Bool {
        guard truncation == nil else { return false }
        if rows.count == limits.maxRows {
            truncation = .rowLimit
            return false
        }
        return true
    }

    mutating func stopForTime() {
        truncation = .timeLimit
    }
}
