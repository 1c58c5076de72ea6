import Foundation

/// Facts about this machine and process.
package enum System {
    /// Logical cores available.
    package static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The host name.
    package static var hostName: String { ProcessInfo.processInfo.hostName }
}
