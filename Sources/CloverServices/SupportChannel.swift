import Foundation

/// A way a support report leaves the sidecar: the customer portal's API or e-mail.
protocol SupportChannel: Sendable {
    /// Where reports go, without credentials, for previews and answers.
    var destination: String { get }
    func send(_ record: SupportOutboxRecord) async -> SupportDelivery
}

/// What became of one delivery attempt.
enum SupportDelivery: Sendable, Equatable {
    /// Taken; the portal's issue id when it said one.
    case delivered(issueId: String?)
    /// Worth trying again later: the other side is down, slow, overloaded or answered 5xx / 4xx SMTP.
    case retry(String)
    /// The report itself was refused: sending it again would not help.
    case rejected(String)
}
