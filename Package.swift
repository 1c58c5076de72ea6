// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-im",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IMCore", targets: ["IMCore"]),
        .library(name: "IMWire", targets: ["IMWire"]),
        .executable(name: "imd", targets: ["imd"]),
        .executable(name: "imbench", targets: ["imbench"]),
        .executable(name: "imctl", targets: ["imctl"]),
        .library(name: "IMAdminClient", targets: ["IMAdminClient"]),
        .library(name: "IMAdminAPI", targets: ["IMAdminAPI"]),
        .executable(name: "imtop", targets: ["imtop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        // Without its ConfigurationSupport trait (swift-configuration, which nothing here uses: one package
        // fewer to compile in every build).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // CRC-32C in C (the SSE4.2 instruction, or slicing-by-8): no unsafe flags, so IMCore stays a
        // dependency any package may take; release builds compile it optimised.
        .target(name: "CIMSupport"),
        // The admin API's endpoints and their request and reply types, shared by the server (IMCore) and
        // its clients (IMAdminClient): Foundation only.
        .target(name: "IMAdminAPI"),
        .testTarget(
            name: "IMAdminAPITests",
            dependencies: [
                "IMAdminAPI",
                "IMAdminClient",
                "IMCore",
                "IMTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // The wire: GoBelieve's frames and bodies, and RFC 6455 framing, shared by the server and every client
        // (IMCore re-exports it). Two small NIO modules only, so the fuzzers (Fuzz/) build it in minutes.
        .target(
            name: "IMWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .target(
            name: "IMCore",
            dependencies: [
                "CIMSupport",
                "IMAdminAPI",
                "IMAdminClient",
                "IMWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "imd",
            dependencies: [
                "IMCore",
                "IMDaemonKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // imd's config file: its TOML parser, the keys read into dotted names, and the value grammar (strings,
        // numbers, durations, sizes) that the file, env vars and flags share. The standard library only, so
        // its fuzzer (Fuzz/FuzzConfig) builds in a minute.
        .target(name: "IMConfigFile"),
        .target(
            name: "IMDaemonKit",
            dependencies: [
                "IMConfigFile",
                "IMCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        .executableTarget(name: "BuildInfoGenerator"),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), dependencies: ["BuildInfoGenerator"]),
        .target(
            name: "IMTestSupport",
            dependencies: [
                "IMCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/IMTestSupport"
        ),
        .testTarget(
            name: "IMDaemonKitTests",
            dependencies: [
                "IMConfigFile",
                "IMTestSupport",
                "IMDaemonKit",
                "imd",
                "IMCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "IMBenchKit",
            dependencies: [
                "IMCore",
                "IMAdminClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "imbench",
            dependencies: [
                "IMBenchKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "IMBenchKitTests",
            dependencies: [
                "IMBenchKit",
                "IMCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "IMAdminClient",
            dependencies: [
                "IMAdminAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "IMCtlKit",
            dependencies: [
                "IMAdminClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "imctl",
            dependencies: [
                "IMCtlKit",
                "IMAdminClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        .testTarget(
            name: "IMCtlKitTests",
            dependencies: [
                "IMTestSupport",
                "IMCtlKit",
                "IMAdminClient",
                "imctl",
                "IMCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Golden"]
        ),
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "IMTopKit",
            dependencies: [
                "IMAdminClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        .executableTarget(
            name: "imtop",
            dependencies: [
                "IMTopKit",
                "CNCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "IMTopKitTests",
            dependencies: [
                "IMTestSupport",
                "IMTopKit",
                "IMCore",
                "imd",
                "imbench",
                "imtop",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "OperatorKitTests",
            dependencies: [
                "IMTestSupport",
                "IMCore",
                "imd",
                "imctl",
                "imtop",
                "imbench",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "LogStoreCrashChild",
            dependencies: ["IMCore"],
            path: "Tests/LogStoreCrashChild"
        ),
        .testTarget(name: "IMConfigFileTests", dependencies: ["IMConfigFile"]),
        .testTarget(
            name: "IMWireTests",
            dependencies: [
                "IMWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IMCoreTests",
            dependencies: [
                "IMTestSupport",
                "imd",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "IMCore",
                "IMWire",
                "LogStoreCrashChild",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                "IMBenchKit",
            ]
        ),
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                "IMCore",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The fuzzers (Fuzz/, scripts/fuzz.sh): built only with libFuzzer linked in (`IM_FUZZ=1 swift build
// -Xswiftc -sanitize=fuzzer,address`), so they never appear in a plain `swift build` or `swift test`. Each
// one's `main` hands its test function to libFuzzer's driver.
if Context.environment["IM_FUZZ"] == "1" {
    let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzFrames", ["IMWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzBodies", ["IMWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzWebSocket", ["IMWire", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzAdminRequests", ["IMAdminAPI"]),
        ("FuzzConfig", ["IMConfigFile"]),
    ]
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    for fuzzer in fuzzers {
        package.targets.append(
            .executableTarget(
                name: fuzzer.name,
                dependencies: fuzzer.dependencies + ["CLibFuzzer"],
                path: "Fuzz/\(fuzzer.name)"
            )
        )
        package.products.append(.executable(name: fuzzer.name, targets: [fuzzer.name]))
    }
}
