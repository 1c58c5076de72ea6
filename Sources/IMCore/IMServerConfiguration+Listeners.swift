extension IMServerConfiguration {
    /// The configured address of `transport`'s listener (nil: off).
    public func listenAddress(_ transport: IMTransport) -> Endpoint? {
        switch transport {
        case .tcp: clientAddress
        case .tls: tlsAddress
        case .ws: webSocketAddress
        case .wss: secureWebSocketAddress
        }
    }

    /// The client listeners to bind, TCP first.
    var clientListeners: [(IMTransport, Endpoint)] {
        IMTransport.allCases.compactMap { transport in listenAddress(transport).map { (transport, $0) } }
    }
}
