// swift-tools-version:6.1
import PackageDescription

// selfassemble: a population-level simulator in which a four-synapse learning motif
// self-assembles out of random connectivity. The layout follows the model:
//   SelfAssemble       the engine (populations, projections, dynamics, learning rules,
//                      monitors, simulation); pure computation, no terminal or file I/O
//   SelfAssembleData   data sets from files (MNIST-format IDX, CSV)
//   SelfAssembleStore  the HDF5 run file (writer and layout)
//   selfassemble       the command-line tool around them
let package = Package(
    name: "selfassemble",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "selfassemble", targets: ["selfassemble"]),
        .library(name: "SelfAssemble", targets: ["SelfAssemble"]),
        .library(name: "SelfAssembleData", targets: ["SelfAssembleData"]),
        .library(name: "SelfAssembleStore", targets: ["SelfAssembleStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .target(name: "SelfAssembleStore", dependencies: ["SelfAssemble", "CHDF5"]),
        .executableTarget(
            name: "selfassemble",
            dependencies: [
                "SelfAssemble", "SelfAssembleData", "SelfAssembleStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "SelfAssembleTests", dependencies: ["SelfAssemble"]),
        .testTarget(name: "SelfAssembleDataTests", dependencies: ["SelfAssembleData"]),
        .testTarget(
            name: "SelfAssembleStoreTests", dependencies: ["SelfAssembleStore", "SelfAssembleData"],
            exclude: ["read_with_h5py.py"]),
        .testTarget(name: "CommandLineTests", dependencies: ["SelfAssembleStore"]),
    ]
)
