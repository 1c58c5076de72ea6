import IMAdminAPI
import IMCore
import Testing

/// The endpoint declarations against the server's route table: every route the server registers has
/// exactly one declaration, and every declaration is served.
@Suite("IMAdmin endpoint table")
struct EndpointTableTests {
    /// Collects what `AdminRoutes` registers, without a server.
    struct RouteRecorder: AdminRouteRegistrar {
        var routes: [(endpoint: ObjectIdentifier, name: String, methods: [IMAdminMethod], path: String)] = []

        mutating func add<Endpoint: IMAdminEndpoint>(
            _ endpoint: Endpoint.Type,
            _ handler: @escaping AdminHandler<Endpoint>
        ) {
            routes.append((ObjectIdentifier(endpoint), "\(endpoint)", endpoint.methods, endpoint.path))
        }
    }

    @Test func everyEndpointHasMethodsAndAPathThatNoOtherHas() {
        var seen: [String: String] = [:]
        for endpoint in IMAdmin.endpoints {
            #expect(!endpoint.methods.isEmpty, "\(endpoint)")
            #expect(endpoint.path.hasPrefix("/"), "\(endpoint)")
            #expect(Set(endpoint.methods).count == endpoint.methods.count, "\(endpoint): a method twice")
            for method in endpoint.methods {
                let route = "\(method.rawValue) \(endpoint.path)"
                #expect(seen[route] == nil, "\(route): \(endpoint) and \(seen[route] ?? "")")
                seen[route] = "\(endpoint)"
            }
        }
        #expect(Set(IMAdmin.endpoints.map { ObjectIdentifier($0) }).count == IMAdmin.endpoints.count)
    }

    @Test func theServerRoutesEveryDeclaredEndpointOnceAndNothingElse() {
        var recorder = RouteRecorder()
        AdminRoutes.register(&recorder)
        let declared = IMAdmin.endpoints.map { ObjectIdentifier($0) }
        for endpoint in IMAdmin.endpoints {
            let count = recorder.routes.filter { $0.endpoint == ObjectIdentifier(endpoint) }.count
            #expect(count == 1, "\(endpoint) is routed \(count) times")
        }
        for route in recorder.routes where !declared.contains(route.endpoint) {
            Issue.record("\(route.name) (\(route.path)) is routed but not in IMAdmin.endpoints")
        }
        #expect(recorder.routes.count == IMAdmin.endpoints.count)
    }

    @Test func gobelievesEndpointsTakeGetAndPostAndMonitoringNeedsNoToken() {
        let gobelieve: [any IMAdminEndpoint.Type] = [
            IMAdmin.PostPeerMessage.self, IMAdmin.PostSystemMessage.self, IMAdmin.PostGroupMessage.self,
            IMAdmin.PostGroupNotification.self, IMAdmin.PostRoomMessage.self, IMAdmin.PostCustomerMessage.self,
            IMAdmin.PostNotification.self, IMAdmin.PostRealtimeMessage.self, IMAdmin.GetOfflineCount.self,
            IMAdmin.LoadLatestMessage.self, IMAdmin.LoadHistoryMessage.self, IMAdmin.Stack.self,
        ]
        for endpoint in gobelieve { #expect(Set(endpoint.methods) == [.get, .post], "\(endpoint)") }
        #expect(IMAdmin.openPaths == ["/summary", "/metrics", "/health"])
    }

    @Test func pathParametersAreFilledIn() {
        #expect(IMAdmin.GroupRemoveMember.path(filling: ["gid": "5", "uid": "3"]) == "/groups/5/members/3")
        #expect(IMAdmin.GroupInfo.path(filling: [:]) == "/groups/:gid")
        #expect(IMAdmin.Summary.path(filling: ["gid": "5"]) == "/summary")
        #expect(IMAdmin.PostPeerMessage.routeDescription == "POST|GET /post_peer_message")
    }
}
