import IMAdminAPI

extension IMStoreStatistics {
    /// A store's figures as the admin API shows them (`/summary`'s `store`, `GET /store/stats`).
    init(_ statistics: MessageStoreStatistics) {
        self.init(backend: statistics.backend)
        messages = Int64(clamping: statistics.messages)
        entries = Int64(clamping: statistics.entries)
        queues = Int64(statistics.queues)
        bytes = Int64(clamping: statistics.bytes)
        lastID = Int64(clamping: statistics.lastID)
        appends = Int64(clamping: statistics.appends)
        failedAppends = Int64(clamping: statistics.failedAppends)
        fsyncs = Int64(clamping: statistics.fsyncs)
        lastFsyncMicroseconds = SummaryBuilder.finite(statistics.lastFsyncMicroseconds)
        averageFsyncMicroseconds = SummaryBuilder.finite(statistics.averageFsyncMicroseconds)
        for (name, figure) in statistics.details {
            switch figure {
            case .count(let count): details[name] = .count(Int64(clamping: count))
            case .value(let value): details[name] = .value(SummaryBuilder.finite(value))
            case .text(let text): details[name] = .text(text)
            }
        }
    }
}
