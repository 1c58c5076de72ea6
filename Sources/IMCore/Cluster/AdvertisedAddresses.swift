import IMAdminAPI
import Logging

extension IMServerConfiguration {
    /// The addresses this node gives out (`/lookup`, `/nodes`) once its listeners are bound: `advertise`
    /// where set, else the bound listen address, whose wildcard host (0.0.0.0, ::) becomes the host name,
    /// said in the log, since no client can connect to a wildcard.
    func advertised(bound: IMServerAddresses) -> IMNodeAddresses {
        var published: [IMTransport: String] = [:]
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
        return IMNodeAddresses(
            nodeID: nodeID,
            tcp: published[.tcp],
            tls: published[.tls],
            ws: published[.ws],
            wss: published[.wss]
        )
    }
}
