import Foundation
import Synchronization
import Testing

@testable import PluginHost

@Suite("Heavy-call gate")
struct HeavyCallGateTests {
    @Test func admitsUpToTheCapThenRefusesAsBusy() {
        let gate = HeavyCallGate(.init(maxRunning: 2, maxWaiting: 4, maxWait: .zero))
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        guard case .busy(let seconds) = gate.enter(isCancelled: { false }) else {
            Issue.record("a third call was not refused")
            return
        }
        #expect(seconds >= 1)
        gate.leave(after: .milliseconds(10))
        #expect(gate.enter(isCancelled: { false }) == .admitted, "the place given back was not taken")
        #expect(gate.runningCount == 2)
    }

    @Test func aWaitingCallGetsThePlaceWhenOneFrees() {
        let gate = HeavyCallGate(.init(maxRunning: 1, maxWaiting: 1, maxWait: .seconds(10)))
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        let leaver = Thread { Thread.sleep(forTimeInterval: 0.2); gate.leave(after: .milliseconds(200)) }
        leaver.start()
        let start = Date()
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        #expect(Date().timeIntervalSince(start) >= 0.15)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func tooManyWaitingAreRefusedAtOnce() {
        let gate = HeavyCallGate(.init(maxRunning: 1, maxWaiting: 0, maxWait: .seconds(10)))
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        let start = Date()
        #expect(gate.enter(isCancelled: { false }) != .admitted)
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func aCancelledWaiterStopsWaiting() {
        let gate = HeavyCallGate(.init(maxRunning: 1, maxWaiting: 1, maxWait: .seconds(10)))
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        let start = Date()
        #expect(gate.enter(isCancelled: { Date().timeIntervalSince(start) > 0.2 }) == .cancelled)
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func theRetryHintFollowsHowLongCallsTake() {
        let gate = HeavyCallGate(.init(maxRunning: 1, maxWaiting: 0, maxWait: .zero))
        for _ in 0..<20 {
            #expect(gate.enter(isCancelled: { false }) == .admitted)
            gate.leave(after: .seconds(8))
        }
        #expect(gate.enter(isCancelled: { false }) == .admitted)
        guard case .busy(let seconds) = gate.enter(isCancelled: { false }) else {
            Issue.record("not refused")
            return
        }
        #expect(seconds >= 7 && seconds <= 9, "\(seconds) s")
    }
}
