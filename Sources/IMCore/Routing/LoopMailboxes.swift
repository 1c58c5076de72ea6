import NIOConcurrencyHelpers
import NIOCore

/// Work handed to the event loops of one group from other threads and loops, in batches: the first item
/// posted to a loop's empty mailbox schedules one task there, which takes every item posted until it runs.
///
/// The store's writer completes a whole batch of appends at once, and each completion fans out to
/// sessions on every loop (hundreds of messages a batch at high load): one task per loop and batch instead
/// of one per message saves a closure, a lock of the loop's task queue and a task run for each.
struct LoopMailboxes<Item: Sendable>: Sendable {
    private let byLoop: [ObjectIdentifier: LoopMailbox<Item>]

    /// A mailbox for each loop of `group`.
    init(_ group: any EventLoopGroup) {
        var byLoop: [ObjectIdentifier: LoopMailbox<Item>] = [:]
        for eventLoop in group.makeIterator() { byLoop[ObjectIdentifier(eventLoop)] = LoopMailbox() }
        self.byLoop = byLoop
    }

    /// Hands `item` to `handle` on `eventLoop`, after the items posted there before it.
    ///
    /// `handle` is the same for every item of one mailbox (the task that runs takes them all); a loop outside
    /// the group (a test's `EmbeddedEventLoop`) gets a task per item.
    func post(_ item: Item, to eventLoop: any EventLoop, _ handle: @escaping @Sendable (Item) -> Void) {
        guard let mailbox = byLoop[ObjectIdentifier(eventLoop)] else {
            eventLoop.execute { handle(item) }
            return
        }
        if mailbox.post(item) {
            eventLoop.execute {
                for item in mailbox.take() { handle(item) }
            }
        }
    }
}

/// One loop's items, posted from any thread.
private final class LoopMailbox<Item: Sendable>: Sendable {
    private let posted = NIOLockedValueBox<[Item]>([])

    /// Adds `item`; true if the mailbox was empty (the poster then schedules a task that calls `take()`).
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
