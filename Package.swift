// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-im",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IMCore", targets: ["IMCore"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "CIMSupport",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "IMCore",
            dependencies: [
                "CIMSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "LogStoreCrashChild",
            dependencies: ["IMCore"],
            path: "Tests/LogStoreCrashChild"
        ),
        .testTarget(
            name: "IMCoreTests",
            dependencies: [
                "IMCore",
                "LogStoreCrashChild",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
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
