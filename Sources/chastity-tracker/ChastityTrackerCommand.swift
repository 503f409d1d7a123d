import ArgumentParser

@main
struct ChastityTrackerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chastity-tracker",
        abstract: "A self-hostable server for the Chastity Tracker API v2 (Orgasms log).",
        subcommands: [Serve.self, Users.self, Tokens.self, Export.self, Import.self, Copy.self]
    )
}
