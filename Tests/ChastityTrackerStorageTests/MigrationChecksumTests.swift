import ChastityTrackerDomain
import Testing

@testable import ChastityTrackerPostgres
@testable import ChastityTrackerSQLite

/// Migrations are never edited once shipped (docs/ARCHITECTURE.md): a database that ran a version
/// never runs it again, so an edit would leave old databases and new ones with different schemas.
/// Each version's SQL is pinned here by its SHA-256; a new migration adds its line, and an edit of
/// a pinned one fails this test (write a new migration instead).
@Suite("migrations are never edited")
struct MigrationChecksumTests {
    static let sqlite: [Int: String] = [
        1: "cb4ec234ac31db8e0e6d08a1923acff7cf9259f55b6dcbcae38b6e50980cb006",
        2: "58072a4d7782fbddf18d08a9b425a464758de8b7d3e56b46f9e4ddf7851e3c2f",
        3: "b7833e12604f79b65f00c8214df5024217fa5d51b27bc0f7754cab119c1ed24b",
        4: "c80448ec1fecd09a9ed541ad8a0a00d041d62600300f1bb3535e2ceb5eef6928",
        5: "ec1c9349f824068499e0becf766ce323571b714208fd49e5102f7f373ba8e3c2",
        6: "2806e3c8f78a1a5e651ccdcf491a1a587f4a83f07986f40af6081aed680650ec",
        7: "1c981f66745f014cd34f0ca8fcdcae03106c56e3a273b9fc722f6948557418c9",
        8: "d715908591b9bc2b025fd60d608b49415ec9c861990cd25bb841bfd27dff69d6",
        9: "95f435be3d4820c69ad0a054b1b4e70b0bf9a856b18c4906a7779dc9fa147201",
        10: "df8ba870821149e8186972f80f61f82344e4b9b3847aa9400350e833bb23bedc",
        11: "6f87004a11fca064296fea84be898535ac82676d3ff25abdb7e542d1e2834179",
        12: "a2c81e2ea1ebf4bf43277f8fc6b78c116e34153b4a0494da270e4c0d45c5cbd9",
    ]
    static let postgres: [Int: String] = [
        1: "5c53b74d1221e77ca186727437712aff1daaf451c9df65d88a1c5c3301469c4b",
        2: "c86c98cbbc05a6f4f73b0da1248df2a8fdffb1a04aa98ce1246e611b984b0707",
        3: "f84ace34f97496043f0d1a46fc74276356f417f8c1bb415f988e6ecfdd728700",
        4: "085f22780e4b53ed3a1c19e8b22c992ec0b67b5beaca6e99ebc7aed3c0ddaf52",
        5: "70c793225de6d712c0279ec3ef269624dbb528121c3c7557fbe716a66b0645e0",
        6: "c6c16739c1ecea6f14c9baea1e91a0436d645fa5cea44f709d3c381abd2fbbef",
        7: "cca5be867b9cdf92bf2f25a5234bd23dc4eec7918f205952ce2f8d6e9ab216d3",
        8: "b5eb171bb1645b217cb6a994e550e5227bdf61f116c6098f8d0400cfcb4c6a4c",
        9: "c256da0cd73570cbb7bd1c357328bd9f00f751b8242dd8a29a2f9c65a66058c0",
        10: "ff0f05a1be06bc8515e4e9d90c4412dcc271578248b41009b5ce6ba6024ceb42",
        11: "7519ea860254a8c240870e8e3f9a9151b960d5788a16177c3c23e016d13a8013",
        12: "15cafa9a5942f405831507229a5cf5ba4645a29975dd2b84b53c3284c689b8d6",
        13: "22ddfbb51087e4b3d60ca209f2a28a4162d2dfb06e4a7b3c6b5a690981c49b1d",
    ]

    @Test("every SQLite migration's SQL is the one pinned for its version, and every version is pinned")
    func sqliteMigrationsArePinned() {
        let actual = Dictionary(uniqueKeysWithValues: SQLiteMigrations.all.map { ($0.version, TokenSecret.hash(of: $0.sql)) })
        #expect(actual == Self.sqlite, "\(actual.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"," }.joined(separator: "\n"))")
    }

    @Test("every PostgreSQL migration's statements are the ones pinned for its version, and every version is pinned")
    func postgresMigrationsArePinned() {
        let actual = Dictionary(
            uniqueKeysWithValues: PostgresMigrations.all.map { ($0.version, TokenSecret.hash(of: $0.statements.joined(separator: "\n;\n"))) })
        #expect(actual == Self.postgres, "\(actual.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"," }.joined(separator: "\n"))")
    }
}
