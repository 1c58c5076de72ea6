import NIOConcurrencyHelpers
import NIOCore

/// Work handed to one event loop from another thread in batches: the first item posted to an empty mailbox
/// asks its poster to schedule one task, which takes every item posted until it runs.
///
/// The store's writer completes a whole batch of appends at once (hundreds at high load); one task per loop
/// and batch instead of one per append saves a closure, a lock of the loop's task queue and a task run for
/// every message.
final class LoopMailbox<Item: Sendable>: Sendable {
    let eventLoop: any EventLoop
    private let posted = NIOLockedValueBox<[Item]>([])

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Adds `item`; true if the mailbox was empty, when the caller schedules a task that calls `take()`.
    func post(_ item: Item) -> Bool {
        posted.withLockedValue { posted in
            posted.append(item)
            return posted.count == 1
        }
    }

    /// Every item posted so far, oldest first; the mailbox is empty after.
    func take() -> [Item] {
        var taken: [Item] = []
        posted.withLockedValue { swap(&taken, &$0) }
        return taken
    }
}
