import Foundation
import Yams

/// A connectome with some fields set to other values: one point of a sweep's grid.
///
/// The connectome is rendered with every field given, the values are put into its YAML tree
/// and the text is parsed again by the strict parser, so that every field is checked exactly
/// as in a file (types, ranges, the combination of fields) and a sweep can vary any field a
/// file has, without a second list of fields to keep in sync.
public enum ConnectomeOverride {
    /// `connectome` with each `(field, value)` applied in order (fields as ``GridAxis/field``,
    /// values YAML text). Setting the top-level `ratio` sets it for every level (per-level
    /// ratios are removed), as one would expect of a sweep over "the" ratio.
    /// - Parameter spec: how messages name the grid point, e.g. `ratio=0.5`.
    /// - Throws: ``GridError`` naming the field, the value and what is wrong.
    public static func apply(_ assignments: [(field: String, value: String)], to connectome: Connectome,
                             spec: String) throws -> Connectome {
        guard var tree = try Yams.compose(yaml: ConnectomeFile.render(connectome)) else {
            throw GridError(spec, "the base connectome did not render; this is a bug, please report it")
        }
        for (field, value) in assignments {
            let node: Node
            do {
                guard let parsed = try Yams.compose(yaml: value) else { throw GridError(spec, "the value of \(field) is empty") }
                node = parsed
            } catch let error as GridError {
                throw error
            } catch {
                throw GridError(spec, "'\(value)' is not a YAML value for \(field); write a number, a word or a list such as [W, Vbar]")
            }
            let path = try ConnectomeFieldPath.components(of: field, spec: spec)
            tree = try set(path[...], to: node, in: tree, field: field, spec: spec)
            if path == [.key("ratio")] { tree = removingLevelRatios(tree) }
        }
        let text = try Yams.serialize(node: tree)
        do {
            var result = try ConnectomeFile.parse(text, source: "--grid", baseDirectory: FileManager.default.currentDirectoryPath,
                                                  defaultName: connectome.name)
            result.description = connectome.description
            return result
        } catch let error as ConnectomeError {
            throw GridError(spec, (error.field.map { "\($0): " } ?? "") + error.problem)
        }
    }

    private static func set(_ path: ArraySlice<ConnectomeFieldPath.Component>, to value: Node, in node: Node,
                            field: String, spec: String) throws -> Node {
        guard let head = path.first else { return value }
        switch head {
        case .key(let key):
            guard var mapping = node.mapping else { throw GridError(spec, "\(field) cannot be set in this connectome") }
            let child = mapping[key] ?? Node.mapping(Node.Mapping([]))
            mapping[key] = try set(path.dropFirst(), to: value, in: child, field: field, spec: spec)
            return .mapping(mapping)
        case .level(let l):
            guard var sequence = node.sequence else { throw GridError(spec, "\(field) cannot be set in this connectome") }
            guard l <= sequence.count else {
                throw GridError(spec, "the connectome has \(sequence.count) level\(sequence.count == 1 ? "" : "s"); levels[\(l)] does not exist (levels count from 1)")
            }
            let index = sequence.index(sequence.startIndex, offsetBy: l - 1)
            sequence[index] = try set(path.dropFirst(), to: value, in: sequence[index], field: field, spec: spec)
            return .sequence(sequence)
        }
    }

    private static func removingLevelRatios(_ tree: Node) -> Node {
        guard var top = tree.mapping, var levels = top["levels"]?.sequence else { return tree }
        for index in levels.indices {
            if var level = levels[index].mapping {
                level["ratio"] = nil
                levels[index] = .mapping(level)
            }
        }
        top["levels"] = .sequence(levels)
        return .mapping(top)
    }
}
