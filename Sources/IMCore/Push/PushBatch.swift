/// A webhook request body: GoBelieve's push queues as keys, each with its jobs in order, each job with its
/// `"id"` first: `{"push_queue":[{"id":1,"appid":7,"sender":1,"receiver":2,"content":"..."}],
/// "group_push_queue":[...]}`. Queues without jobs in the batch are left out.
enum PushBatch {
    static func body(_ batch: [PushQueueRow]) -> String {
        var queues: [PushJob.Queue: [String]] = [:]
        for row in batch {
            queues[row.queue, default: []].append("{\"id\":\(row.id)," + row.json.dropFirst())
        }
        let parts = PushJob.Queue.allCases.compactMap { queue in
            queues[queue].map { "\"\(queue.rawValue)\":[" + $0.joined(separator: ",") + "]" }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
