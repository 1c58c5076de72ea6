import Foundation
import Logging
import NIOCore

/// The message service: the one place where messages are checked, stored and delivered.
///
/// Sessions and admin routes hand it what a user (or the app server) sends; it applies the policy
/// (friendship, blacklist, group membership and mutes, the word filter), turns each kind into a
/// `DeliveryPlan`, and carries every plan out the same way: one durable append to the store, then the
/// sender's receipt, the offline-push decision, and one delivery through the route bus. It also serves
/// the reads of a queue (sync pages, history, offline counts).
///
/// It holds the ports, never an adapter: `any MessageStore`, `any Directory`, `any RouteBus`.
package final class MessageService: Sendable {
    let configuration: IMServerConfiguration
    let logger: Logger
    /// A store that cannot write (a full disk) fails every append: one line a second says so.
    private let storeFailureLog = LogThrottle<Int>()
    let counters: ServerCounters
    package let store: any MessageStore
    package let directory: any Directory
    package let bus: any RouteBus
    /// The sensitive-word filter (TEXT messages), reloadable.
    package let words: WordList
    /// The offline push hook's sender; nil when no webhook is configured (then no jobs are made).
    package let push: PushDispatcher?
    /// Loops for work that comes from off the event loops (the admin API's sends).
    let eventLoopGroup: any EventLoopGroup
    /// Appends the store completed, on their way to the loop of the session (or admin call) that sent them.
    private let completedAppends: LoopMailboxes<CompletedAppend>

    package init(
        configuration: IMServerConfiguration,
        counters: ServerCounters,
        store: any MessageStore,
        directory: any Directory,
        bus: any RouteBus,
        words: WordList = WordList(),
        push: PushDispatcher? = nil,
        eventLoopGroup: any EventLoopGroup
    ) {
        self.configuration = configuration
        self.logger = configuration.logger
        self.counters = counters
        self.store = store
        self.directory = directory
        self.bus = bus
        self.words = words
        self.push = push
        self.eventLoopGroup = eventLoopGroup
        self.completedAppends = LoopMailboxes(eventLoopGroup)
    }

    /// Unix seconds now: message timestamps, token expiry.
    package func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }

    /// Checks, stores and delivers `message`; `completion` runs on `eventLoop` once it is durable and its
    /// copies are on their way (the receipt), or refused (`MessageRefusal`) or not stored (any other
    /// error, logged and counted here).
    package func send(
        _ message: OutgoingMessage,
        from origin: MessageOrigin,
        on eventLoop: any EventLoop,
        completion: @escaping @Sendable (Result<MessageReceipt, any Error>) -> Void
    ) {
        plan(message, from: origin, reply: Reply(eventLoop: eventLoop, completion: completion))
    }

    /// Who waits for a message's outcome, and on which loop: carried through planning and the append as a
    /// value, so that a plan made at once (most are) allocates no closure to come back with.
    struct Reply: Sendable {
        let eventLoop: any EventLoop
        let completion: @Sendable (Result<MessageReceipt, any Error>) -> Void
    }

    /// Carries out what planning decided: the plan's append and delivery, or the answer without one.
    func carryOut(_ planned: Result<DeliveryPlan?, any Error>, _ reply: Reply) {
        switch planned {
        case .success(.some(let plan)): execute(plan, reply)
        case .success(.none):
            reply.eventLoop.execute { reply.completion(.success(MessageReceipt(entry: nil, ackFlags: []))) }
        case .failure(let error): reply.eventLoop.execute { reply.completion(.failure(error)) }
        }
    }

    /// `send(_:from:on:completion:)` for callers off the event loops (the admin API).
    package func send(_ message: OutgoingMessage, from origin: MessageOrigin) async throws -> MessageReceipt {
        let eventLoop = eventLoopGroup.any()
        return try await awaiting { send(message, from: origin, on: eventLoop, completion: $0) }
    }

    /// The one append-then-deliver path: store the plan's message, then (on `eventLoop`) tell the sender,
    /// hand the offline receivers to the push hook, and deliver every recipient's copy.
    private func execute(_ plan: DeliveryPlan, _ reply: Reply) {
        store.append(plan.message, to: plan.queues) { result in
            self.completedAppends.post(
                CompletedAppend(plan: plan, result: result, reply: reply),
                to: reply.eventLoop
            ) { self.finish($0) }
        }
    }

    /// What the store said about one plan's append, and who waits for it.
    struct CompletedAppend: Sendable {
        let plan: DeliveryPlan
        let result: Result<AppendReceipt, StoreError>
        let reply: Reply
    }

    /// On the sender's loop, after the append: the receipt, the push hook and the delivery, or the failure.
    private func finish(_ completed: CompletedAppend) {
        let plan = completed.plan
        switch completed.result {
        case .success(let receipt):
            var entries: [QueueEntry] = []
            entries.reserveCapacity(receipt.count)
            for (queue, (id, previousID)) in zip(plan.queues, receipt) {
                entries.append(QueueEntry(queue: queue, id: id, previousID: previousID))
            }
            completed.reply.completion(
                .success(MessageReceipt(entry: plan.senderEntry.map { entries[$0] }, ackFlags: plan.ackFlags))
            )
            if let offline = plan.offline { pushOffline(offline) }
            bus.deliver(
                Delivery(
                    .stored(plan.frame, entries: entries, realtime: plan.realtime),
                    to: plan.recipients,
                    except: plan.exclusion
                )
            )
        case .failure(let error) where error.code == .readOnly:
            completed.reply.completion(.failure(error))
        case .failure(let error):
            counters.storeFailures.add()
            storeFailureLog.log(0) { heldBack in
                self.logger.error("could not store \(plan.summary): \(error)\(LogThrottle<Int>.more(heldBack))")
            }
            completed.reply.completion(.failure(error))
        }
    }
}
