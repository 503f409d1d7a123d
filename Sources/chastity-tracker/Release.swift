/// The release this source is (CHANGELOG.md's newest heading, and the git tag `v` + it):
/// `chastity-tracker --version` prints it. An upgrade fixture is made for every release whose
/// schema is new (Tests/Fixtures/upgrade).
enum Release {
    static let version = "0.1.0"
}
