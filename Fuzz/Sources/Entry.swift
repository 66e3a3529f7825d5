import Foundation

#if FUZZING
/// The target libFuzzer drives, from CLOVERDX_FUZZ_TARGET (scripts/fuzz sets it).
private let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["CLOVERDX_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set CLOVERDX_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}
#else
/// Without libFuzzer (an ordinary build): runs the corpus files given through one target, so the
/// seeds and every input a fuzzer once found stay checked by the tests.
/// `cloverdx-fuzz TARGET FILE...`
@main
struct ReplayCorpus {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: cloverdx-fuzz TARGET FILE...; targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            data.withUnsafeBytes { target.run($0) }
            count += 1
        }
        print("\(name): \(count) inputs, no failure")
    }
}
#endif
