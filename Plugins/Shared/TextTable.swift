/// Renders rows as an aligned plain-text table: the concise text form of a tabular result, for
/// clients that show `content` rather than `structuredContent`.
public enum TextTable {
    /// Columns padded to their widest cell (capped at `maxCellWidth` characters, longer cells cut with …).
    public static func render(header: [String], rows: [[String]], maxCellWidth: Int = 60) -> String {
        func clip(_ cell: String) -> String {
            let flat = cell.replacingOccurrences(of: "\n", with: " ")
            return flat.count > maxCellWidth ? String(flat.prefix(maxCellWidth - 1)) + "…" : flat
        }
        let cells = ([header] + rows).map { $0.map(clip) }
        var widths = [Int](repeating: 0, count: header.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - cell.count))
            }.joined(separator: "  ")
        }
        var lines = [line(cells[0]), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += cells.dropFirst().map(line)
        return lines.joined(separator: "\n")
    }
}
