import SelfAssembleConnectome

/// Connectome files (YAML): read, parsed and validated, and, when that succeeds, written back
/// and read again, which must give the same connectome (docs/connectome-format.md promises
/// the round trip).
enum ConnectomeTarget {
    static let connectome = FuzzTarget(
        name: "connectome", reads: "a connectome file (ConnectomeFile.load: YAML through Yams, then the schema and ranges)",
        corpus: ["Fuzz/corpus/connectome", "Connectomes"]
    ) { input, probe in
        let path = try probe.scratch.write(input, to: "input.yaml")
        guard let connectome = try probe.check("ConnectomeFile.load", accepting: [ConnectomeError.self], {
            try ConnectomeFile.load(path: path, requireData: false)
        }) else { return }
        let rendered = ConnectomeFile.render(connectome)
        let reread = try probe.check("ConnectomeFile.parse (round trip)", accepting: [], {
            try ConnectomeFile.parse(rendered, source: "rendered", baseDirectory: nil, requireData: false)
        })
        try probe.require(reread == connectome, "ConnectomeFile.render",
                          "the written connectome reads back differently:\n\(rendered)")
    }
}
