/// The offline push hook's figures, for `/summary` (`"push"`) and `/metrics` (`im_push_*`).
package struct PushStats: Sendable, Equatable {
    /// The webhook, without user info or query.
    package var webhook: String
    /// Jobs accepted since start.
    package var queued: Int
    /// Jobs the webhook took (answered 2xx) since start.
    package var sent: Int
    /// POSTs that failed (error status, timeout, no connection); each is retried after a backoff.
    package var failed: Int
    /// Jobs dropped unsent because they were older than `push_max_age`.
    package var expired: Int
    /// Jobs dropped on arrival because `push_max_pending` were waiting.
    package var dropped: Int
    /// Batches delivered.
    package var batches: Int
    /// Jobs waiting now (stored or about to be).
    package var pending: Int
    /// How long the oldest waiting job has waited; 0 when none waits.
    package var oldestAgeSeconds: Double
}
