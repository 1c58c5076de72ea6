import IMAdminAPI
import Logging

extension IMServerConfiguration {
    /// The addresses this node gives out (`/lookup`, `/nodes`) once its listeners are bound: `advertise`
    /// where set, else the bound listen address, whose wildcard host (0.0.0.0, ::) becomes the host name,
    /// said in the log, since no client can connect to a wildcard.
    func advertised(bound: IMServerAddresses) -> IMNodeAddresses {
        var published = IMNodeAddresses(nodeID: nodeID)
        var guessed: [String] = []
        for transport in IMTransport.allCases {
            guard let listening = bound[transport] else { continue }
            if let chosen = advertise[transport] {
                published[transport] = chosen.description
            } else if listening.isUnspecified {
                let guess = Endpoint(host: System.hostName, port: listening.port)
                published[transport] = guess.description
                guessed.append("\(transport)=\(guess)")
            } else {
                published[transport] = listening.description
            }
        }
        if !guessed.isEmpty, postgres.url != nil {
            logger.warning(
                "advertising \(guessed.joined(separator: ",")) to clients for listeners on a wildcard address: set advertise (--advertise tcp=HOST:PORT,...) to the addresses clients reach this node at"
            )
        }
        return published
    }
}

extension IMNodeAddresses {
    /// The address of `transport`, `HOST:PORT`, if the node serves it.
    package subscript(transport: IMTransport) -> String? {
        get {
            switch transport {
            case .tcp: tcp
            case .tls: tls
            case .ws: ws
            case .wss: wss
            }
        }
        set {
            switch transport {
            case .tcp: tcp = newValue
            case .tls: tls = newValue
            case .ws: ws = newValue
            case .wss: wss = newValue
            }
        }
    }
}
