import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list and delete users, and set their passwords for the account pages.",
        subcommands: [Add.self, List.self, SetPassword.self, Delete.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name: 1 to 64 letters, digits, '.', '_', '-' or '@'.") var name: String
        @Option(help: "The user's IANA time zone, which decides what 'today' is for them.") var timezone = "UTC"

        func run() async throws {
            try await reportingFailures {
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
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    for user in try await store.users() {
                        print("\(user.name)\t\(user.timeZone)\t\(user.created)")
                    }
                }
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a user's password for the account pages, read from the first line of standard input.",
            discussion: """
                The password is read from standard input, never from an argument, so it shows neither in `ps` \
                nor in the shell's history: `printf '%s\\n' "$PASSWORD" | chastity-tracker users set-password alice`. \
                10 to 256 characters. All of the user's sessions end.
                """
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            try await reportingFailures {
                guard let password = PasswordInput.firstLine(prompt: "New password for \(name): ") else {
                    throw AdminError("no password on standard input: give it as the first line")
                }
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    try await Administration(store: store, configuration: configuration).setPassword(userName: name, password: password)
                    Output.standardError("set the password of \(name); their sessions have ended")
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user with all their tokens, records and sessions.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    try await Administration(store: store, configuration: configuration).deleteUser(named: name)
                    Output.standardError("deleted user \(name) with their tokens and records")
                }
            }
        }
    }
}
