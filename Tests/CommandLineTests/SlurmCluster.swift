import Foundation
import SelfAssembleTestSupport
import XCTest

/// A one-node Slurm cluster on this machine, from Debian's packages (slurmctld, slurmd, munge,
/// installed with apt-get when missing), configured on localhost in a directory of its own:
/// its own munge socket and key, free ports, its own state, spool, logs and pid files, so it
/// neither touches nor is touched by a system Slurm, and a rerun starts from nothing.
///
/// The configuration is the one measured to work on the project's machines (Debian's 22.05,
/// as root, no cgroups): ProctrackType=proctrack/linuxproc, TaskPlugin=task/none,
/// JobAcctGatherType=jobacct_gather/none and no cgroup.conf. The daemons run detached, each
/// writing its process id to a file of the directory; `stop()` ends those processes (by those
/// ids, nothing else) and removes the directory.
final class SlurmCluster {
    let directory: URL
    var configuration: String { directory.appendingPathComponent("slurm.conf").path }
    /// The daemons started, in order, with their pid files.
    private var daemons: [(name: String, pidFile: String)] = []

    /// Skips the test (XCTSkip, with the reason) where the packages are missing and cannot be
    /// installed: not root, no apt-get, or apt-get failed.
    static func installIfMissing() throws {
        let needed = ["slurmctld": "slurmctld", "slurmd": "slurmd", "munged": "munge", "sbatch": "slurm-client"]
        let missing = Set(needed.filter { which($0.key) == nil }.map(\.value))
        if missing.isEmpty { return }
        guard getuid() == 0 else { throw XCTSkip("needs Debian's \(missing.sorted().joined(separator: ", ")) and root to install them (CI runs as root)") }
        guard let apt = which("apt-get") else { throw XCTSkip("needs \(missing.sorted().joined(separator: ", ")); no apt-get here to install them") }
        var environment = ProcessInfo.processInfo.environment
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        var install = try run(apt, ["install", "-y", "-qq", "slurmctld", "slurmd", "munge", "slurm-client"], environment: environment)
        if install.status != 0 {
            _ = try run(apt, ["update", "-qq"], environment: environment)
            install = try run(apt, ["install", "-y", "-qq", "slurmctld", "slurmd", "munge", "slurm-client"], environment: environment)
        }
        let still = needed.filter { which($0.key) == nil }.map(\.value)
        guard still.isEmpty else {
            throw XCTSkip("apt-get could not install \(still.sorted().joined(separator: ", ")) (exit \(install.status)): \(install.stderr.suffix(400))")
        }
    }

    init() throws {
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("selfassemble-slurm-\(UUID().uuidString.prefix(8))")
        for sub in ["state", "spool"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    /// Writes the key and the configuration, starts munged, slurmctld and slurmd and waits
    /// until the node is idle.
    func start() throws {
        let dir = directory.path
        var key = [UInt8](repeating: 0, count: 1024)
        for i in key.indices { key[i] = UInt8.random(in: 0...255) }
        FileManager.default.createFile(atPath: "\(dir)/munge.key", contents: Data(key), attributes: [.posixPermissions: 0o600])
        let host = try Self.run("/bin/hostname", ["-s"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (controllerPort, nodePort) = (try Self.freePort(), try Self.freePort())
        let conf = """
            ClusterName=selfassembletest
            SlurmctldHost=\(host)(127.0.0.1)
            SlurmctldPort=\(controllerPort)
            SlurmdPort=\(nodePort)
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            AuthInfo=socket=\(dir)/munge.socket
            CredType=cred/munge
            StateSaveLocation=\(dir)/state
            SlurmdSpoolDir=\(dir)/spool
            SlurmctldPidFile=\(dir)/slurmctld.pid
            SlurmdPidFile=\(dir)/slurmd.pid
            SlurmctldLogFile=\(dir)/slurmctld.log
            SlurmdLogFile=\(dir)/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            MpiDefault=none
            ReturnToService=2
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU_Memory
            NodeName=\(host) NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
            PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP

            """
        try conf.write(toFile: configuration, atomically: true, encoding: .utf8)
        try launch("munged", pidFile: "\(dir)/munged.pid", ["-f", "--socket=\(dir)/munge.socket", "--key-file=\(dir)/munge.key", "--log-file=\(dir)/munged.log",
                              "--pid-file=\(dir)/munged.pid", "--seed-file=\(dir)/munged.seed"])
        try waitFor("munge's socket") { FileManager.default.fileExists(atPath: "\(dir)/munge.socket") }
        try launch("slurmctld", pidFile: "\(dir)/slurmctld.pid", ["-i", "-f", configuration])
        try launch("slurmd", pidFile: "\(dir)/slurmd.pid", ["-f", configuration])
        try waitFor("the node to be idle") {
            (try? self.command("sinfo", ["-h", "-o", "%t"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == "idle"
        }
    }

    /// A Slurm client command (sbatch, squeue, scontrol, ...) against this cluster.
    @discardableResult
    func command(_ name: String, _ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> CommandResult {
        guard let path = Self.which(name) else { throw XCTSkip("\(name) is not installed") }
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = configuration
        for (k, v) in extraEnvironment { environment[k] = v }
        return try Self.run(path, arguments, environment: environment)
    }

    /// Cancels what is left, stops the daemons this cluster started and removes its directory.
    func stop() {
        _ = try? command("scancel", ["--full", "--user=root"])
        for daemon in daemons.reversed() {
            guard let pid = Self.pid(daemon.pidFile) else { continue }
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while Self.isAlive(pid) && Date() < deadline { usleep(100_000) }
            if Self.isAlive(pid) { kill(pid, SIGKILL) }
        }
        daemons = []
        try? FileManager.default.removeItem(at: directory)
    }

    /// The daemons' logs, for a failure message.
    func logs() -> String {
        ["slurmctld.log", "slurmd.log", "munged.log", "slurmctld.out", "slurmd.out", "munged.out"].map { name in
            "--- \(name)\n" + ((try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)).map { String($0.suffix(1500)) } ?? "")
        }.joined(separator: "\n")
    }

    /// Starts a daemon, which detaches and writes its process id to `pidFile`; waits for that file.
    ///
    /// Spawned directly, with no descriptor above stderr, not through Foundation's
    /// Process: Process learns that a child ended when a socket it hands the child closes, and
    /// a daemon keeps what it inherits open for as long as it lives, so Process would wait for
    /// the daemon's launcher forever (and, it turns out, for the programs started after it).
    private func launch(_ name: String, pidFile: String, _ arguments: [String]) throws {
        guard let path = Self.which(name) else { throw XCTSkip("\(name) is not installed") }
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = configuration
        let output = directory.appendingPathComponent("\(name).out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Every descriptor of this process above stderr is closed on exec (Glibc's closefrom
        // file action is not visible to Swift).
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw SlurmTestError("cannot start \(name): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)  // the launcher exits once the daemon has detached
        daemons.append((name, pidFile))
        try waitFor("\(name) to write \(pidFile)", timeout: 30) { Self.pid(pidFile) != nil }
    }

    private static func pid(_ file: String) -> pid_t? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    func waitFor(_ what: String, timeout: TimeInterval = 60, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { throw SlurmTestError("timed out after \(Int(timeout)) s waiting for \(what)\n\(logs())") }
            if let dead = daemons.first(where: { daemon in Self.pid(daemon.pidFile).map { !Self.isAlive($0) } ?? false }) {
                throw SlurmTestError("\(dead.name) exited while waiting for \(what)\n\(logs())")
            }
            usleep(200_000)
        }
    }

    /// A TCP port nothing listens on now (bound to port 0, the kernel's choice, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SlurmTestError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw SlurmTestError("cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func which(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try ProcessRunner.run(URL(fileURLWithPath: path), arguments, environment: environment)
    }
}

struct SlurmTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
