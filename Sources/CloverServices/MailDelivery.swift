import CurlHTTP
import Foundation
import MCPProtocol

/// Sends a report as an e-mail to `clover.mcp.support.email` through CloverDX's own SMTP server
/// (`email.smtp.*`), with libcurl. The Message-ID carries the idempotency key, so a resend after a
/// crash can be recognised as the same report on the receiving side.
struct MailDelivery: SupportChannel {
    let recipient: String
    let mailer: SMTPMailer

    var destination: String { "mailto:\(recipient)" }

    func send(_ record: SupportOutboxRecord) async -> SupportDelivery {
        do {
            try await mailer.send(message(record), to: [recipient])
            return .delivered(issueId: nil)
        } catch {
            // SMTP rarely tells a bad report from a passing problem; trying again is the safe side.
            return .retry("\(error)")
        }
    }

    /// The e-mail: the summary as subject, the description, then the whole report as JSON.
    func message(_ record: SupportOutboxRecord) -> [UInt8] {
        let report = record.report
        // Header values on one line: a summary with line breaks must not add headers.
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        let severity = report["severity"]?.stringValue ?? "medium"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let headers = [
            "From: \(mailer.from)", "To: \(recipient)",
            "Subject: [CloverDX support] \(severity): \(oneLine(report["summary"]?.stringValue ?? ""))",
            "Date: \(formatter.string(from: Date(timeIntervalSince1970: Double(record.createdAtMs) / 1000)))",
            "Message-ID: <\(record.idempotencyKey)@cloverdx-mcp>", "X-CloverDX-Report-Id: \(record.id)",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let body = [report["summary"]?.stringValue ?? "", "", report["description"]?.stringValue ?? "", "",
                    "The full report (JSON):", report.jsonText]
        let text = (headers + [""] + body).joined(separator: "\n")
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n").utf8) + Array("\r\n".utf8)
    }
}
