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

    /// Keeps `row`, or returns false (and records why) when the caller must stop reading.
    mutating func add(_ row: [JSONValue]) -> Bool {
        guard truncation == nil else { return false }
        if rows.count == limits.maxRows {
            truncation = .rowLimit
            return false
        }
        let size = JSONValue.array(row).serialized().count + (rows.isEmpty ? 0 : 1)
        if byteCount + size > limits.maxBytes {
            truncation = .byteLimit
            return false
        }
        rows.append(row)
        byteCount += size
        return true
    }

    mutating func stopForTime() {
        truncation = .timeLimit
    }
}
