import CLibFuzzer
import Foundation

// libFuzzer's driver reads the options and the corpus directories, then calls the test function.
var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values, fuzzFrames))
