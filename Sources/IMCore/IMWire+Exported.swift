// The frames, bodies and WebSocket framing are IMCore's API too: `import IMCore` is all an embedder or a
// client needs.
@_exported import IMWire
