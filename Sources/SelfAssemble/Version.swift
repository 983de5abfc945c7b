/// The simulator's version, written into every run file.
public enum SelfAssembleVersion {
    public static let string = "0.1.0"
}
