// swift-tools-version:6.1
import PackageDescription

// selfassemble: a population-level simulator in which a four-synapse learning motif
// self-assembles out of random connectivity. The layout follows the model:
//   SelfAssemble       the engine (populations, projections, dynamics, learning rules,
//                      monitors, simulation); pure computation, no terminal or file I/O
//   SelfAssembleData   data sets from files (MNIST-format IDX, CSV)
//   SelfAssembleStore  the HDF5 run file (writer, reader, validation)
//   SelfAssembleExport the circuit of a snapshot for connectome tools (SONATA, CSV edge lists)
//   SelfAssembleReport motif detection reports (statistics, null models, SVG figures)
//   SelfAssembleConnectome  circuit definitions as files (Connectomes/)
//   selfassemble       the command-line tool around them
let package = Package(
    name: "selfassemble",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "selfassemble", targets: ["selfassemble"]),
        .library(name: "SelfAssemble", targets: ["SelfAssemble"]),
        .library(name: "SelfAssembleData", targets: ["SelfAssembleData"]),
        .library(name: "SelfAssembleStore", targets: ["SelfAssembleStore"]),
        .library(name: "SelfAssembleExport", targets: ["SelfAssembleExport"]),
        .library(name: "SelfAssembleReport", targets: ["SelfAssembleReport"]),
        .library(name: "SelfAssembleConnectome", targets: ["SelfAssembleConnectome"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(name: "SelfAssemble", dependencies: ["COpenBLAS"]),
        .target(name: "SelfAssembleData", dependencies: ["SelfAssemble", "CZlib"]),
        // Walks an HDF5 file in a child process before the store reads it (HDF5Screen.swift).
        .target(name: "CHDF5Screen", dependencies: ["CHDF5"]),
        .target(name: "SelfAssembleStore", dependencies: ["SelfAssemble", "CHDF5", "CHDF5Screen"]),
        .target(name: "SelfAssembleExport", dependencies: ["SelfAssemble", "SelfAssembleStore", "CHDF5"]),
        .target(name: "SelfAssembleReport", dependencies: ["SelfAssemble", "SelfAssembleStore"]),
        .target(name: "SelfAssembleConnectome", dependencies: ["SelfAssemble", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "selfassemble",
            dependencies: [
                "SelfAssemble", "SelfAssembleData", "SelfAssembleStore", "SelfAssembleExport",
                "SelfAssembleReport", "SelfAssembleConnectome",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "selfassemble-bench",
            dependencies: ["SelfAssemble", "SelfAssembleStore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "benchmarks/performance/selfassemble-bench"),
        .executableTarget(
            name: "snapshot-cost", dependencies: ["SelfAssemble", "SelfAssembleStore", "SelfAssembleData"],
            path: "benchmarks/snapshots/snapshot-cost"),
        // Shared by the test suites: where the binary and the shared data are.
        .target(name: "SelfAssembleTestSupport", path: "Tests/Support"),
        .testTarget(name: "SelfAssembleTests", dependencies: ["SelfAssemble"]),
        .testTarget(name: "SelfAssembleDataTests", dependencies: ["SelfAssembleData"]),
        .testTarget(
            name: "SelfAssembleStoreTests", dependencies: ["SelfAssembleStore", "SelfAssembleData", "SelfAssembleTestSupport"],
            exclude: ["read_with_h5py.py"]),
        .testTarget(
            name: "SelfAssembleExportTests", dependencies: ["SelfAssembleExport", "SelfAssembleStore", "SelfAssembleTestSupport"],
            exclude: ["Scripts"]),
        .testTarget(name: "SelfAssembleReportTests", dependencies: ["SelfAssembleReport", "SelfAssembleStore", "SelfAssembleTestSupport"]),
        .testTarget(name: "SelfAssembleConnectomeTests", dependencies: ["SelfAssembleConnectome"]),
        .testTarget(name: "CommandLineTests", dependencies: ["SelfAssembleStore", "SelfAssembleTestSupport"]),
        .testTarget(name: "NotebookTests", dependencies: ["SelfAssembleTestSupport"], exclude: ["Scripts"]),
        // Fuzzing the readers of outside input (docs/fuzzing.md): the targets, the driver
        // (libFuzzer when built with -sanitize=fuzzer, seeded mutations otherwise), the tests.
        .target(
            name: "SelfAssembleFuzz",
            dependencies: ["SelfAssemble", "SelfAssembleData", "SelfAssembleStore", "SelfAssembleExport",
                           "SelfAssembleReport", "SelfAssembleConnectome"],
            path: "Fuzz/Targets"),
        .executableTarget(name: "selfassemble-fuzz", dependencies: ["SelfAssembleFuzz"], path: "Fuzz/Driver"),
        .testTarget(name: "FuzzTests", dependencies: ["SelfAssembleFuzz", "SelfAssembleTestSupport"]),
    ]
)
