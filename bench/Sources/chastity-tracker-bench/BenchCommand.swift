import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerSQLite
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation
import Logging

/// Benchmark support for `bench/run`: fills a database with realistic data through the same
/// store the server uses, and writes the tokens and ids the load scripts need.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chastity-tracker-bench",
        abstract: "Seed a database for bench/run.",
        subcommands: [Seed.self, Statements.self]
    )
}

/// The server's statements for bench/run's pgbench ceiling, as JSON on stdout.
struct Statements: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the server's PostgreSQL insert statement and default record quota as JSON.")

    func run() throws {
        let statements: [String: Any] = [
            "quota_insert": PostgresBenchmarkStatements.quotaInsert, "default_record_quota": Configuration.defaultRecordQuota,
        ]
        let data = try JSONSerialization.data(withJSONObject: statements, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create users with records and tokens; print a JSON manifest on stdout.")

    @Option(help: "SQLite file path or postgres:// URL.") var database: String
    @Option(help: "Users with --records records each.") var users = 10_000
    @Option(help: "Records per ordinary user.") var records = 100
    @Option(help: "Records of the one heavy user.") var heavy = 20_000
    @Option(help: "How many users get tokens in the manifest.") var tokenUsers = 64

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let store: any ChastityStore =
            database.hasPrefix("postgres")
            ? try await PostgresStore.open(url: database, logger: logger)
            : try await SQLiteStore.open(path: database, logger: logger)
        let admin = Administration(store: store, configuration: Configuration())
        var generator = SplitMix64(seed: 42)
        let first = LocalDate(year: 2020, month: 1, day: 1)!.daysSinceEpoch
        let last = LocalDate(year: 2026, month: 11, day: 1)!.daysSinceEpoch
        func records(_ count: Int) -> [NewOrgasm] {
            (0..<count).map { index in
                let mode = Mode.allCases[Int(generator.next() % 5)]
                return NewOrgasm(
                    date: LocalDate(daysSinceEpoch: first + Int(generator.next() % UInt64(last - first)))!,
                    mode: mode, isPublic: generator.next() % 2 == 0,
                    type: generator.next() % 3 == 0 ? nil : ["Stroke", "Toy", "Hand", "Partner"][index % 4],
                    grantedBy: generator.next() % 4 == 0 ? "Keyholder" : nil,
                    inserted: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000 + Int64(index))
                )
            }
        }
        var manifest: [[String: Any]] = []
        for index in 0...users {
            let isHeavy = index == users
            let user = try await admin.addUser(name: isHeavy ? "heavy" : "user\(index)", timeZone: "UTC")
            var created: [Orgasm] = []
            var remaining = isHeavy ? heavy : self.records
            while remaining > 0 {
                let batch = min(remaining, 1000)
                created += try await store.insert(records(batch), userID: user.id)
                remaining -= batch
            }
            if index < tokenUsers || isHeavy {
                let (_, read) = try await admin.createToken(userName: user.name, permission: .read, label: "bench")
                let (_, write) = try await admin.createToken(userName: user.name, permission: .write, label: "bench")
                manifest.append([
                    "user": user.name, "read": read.plaintext, "write": write.plaintext,
                    "ids": created.prefix(50).map(\.id), "heavy": isHeavy,
                ])
            }
            if index % 1000 == 0 { FileHandle.standardError.write(Data("seeded \(index) users\n".utf8)) }
        }
        try await store.close()
        let data = try JSONSerialization.data(withJSONObject: manifest)
        FileHandle.standardOutput.write(data)
    }
}
