import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list and delete users.",
        subcommands: [Add.self, List.self, Delete.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name: 1 to 64 letters, digits, '.', '_', '-' or '@'.") var name: String
        @Option(help: "The user's IANA time zone, which decides what 'today' is for them.") var timezone = "UTC"

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let user = try await Administration(store: store, configuration: configuration).addUser(name: name, timeZone: timezone)
                    print("\(user.name)\t\(user.timeZone)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, a line each: name, time zone, created (UTC).")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    for user in try await store.users() {
                        print("\(user.name)\t\(user.timeZone)\t\(user.created)")
                    }
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user with all their tokens and records.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    try await Administration(store: store, configuration: configuration).deleteUser(named: name)
                    Output.standardError("deleted user \(name) with their tokens and records")
                }
            }
        }
    }
}
