import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation

struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, revoke and regenerate API tokens.",
        subcommands: [Create.self, List.self, Revoke.self, Regenerate.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token. Prints the token alone on stdout (shown only now) and its id on stderr."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Allow writes (POST, PATCH, DELETE); without it the token may only read.") var write = false
        @Option(help: "A label to recognise the token by (at most 100 characters).") var label = ""

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let (info, secret) = try await Administration(store: store, configuration: configuration)
                        .createToken(userName: name, permission: write ? .write : .read, label: label)
                    print(secret.plaintext)
                    Output.standardError("token id: \(info.id)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's tokens, a tab-separated line each: id, label, permission, created, last used, revoked ('-' when never)."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Print a JSON array of objects instead.") var json = false

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let user = try await Administration(store: store, configuration: configuration).user(named: name)
                    let tokens = try await store.tokens(userID: user.id)
                    if json {
                        var writer = JSONWriter()
                        writer.raw("[")
                        for (index, token) in tokens.enumerated() {
                            if index > 0 { writer.raw(",") }
                            writer.raw(#"{"id":"#)
                            writer.integer(token.id)
                            writer.raw(#","label":"#)
                            writer.string(token.label)
                            writer.raw(#","permission":"#)
                            writer.string(token.permission.rawValue)
                            writer.raw(#","created":"#)
                            writer.string(token.created.description)
                            writer.raw(#","last_used":"#)
                            writer.optionalString(token.lastUsed?.description)
                            writer.raw(#","revoked":"#)
                            writer.optionalString(token.revoked?.description)
                            writer.raw("}")
                        }
                        writer.raw("]")
                        print(writer.text)
                    } else {
                        for token in tokens {
                            let fields = [
                                String(token.id), token.label, token.permission.rawValue, token.created.description,
                                token.lastUsed?.description ?? "-", token.revoked?.description ?? "-",
                            ]
                            print(fields.joined(separator: "\t"))
                        }
                    }
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; the next request with it is refused.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The token's id (from 'tokens list').") var tokenID: Int64

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    try await Administration(store: store, configuration: configuration).revokeToken(id: tokenID)
                    Output.standardError("revoked token \(tokenID)")
                }
            }
        }
    }

    struct Regenerate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a token a new secret; the old one stops working. Prints the new token alone on stdout."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The token's id (from 'tokens list').") var tokenID: Int64

        func run() async throws {
            try await runAdmin {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let secret = try await Administration(store: store, configuration: configuration).regenerateToken(id: tokenID)
                    print(secret.plaintext)
                }
            }
        }
    }
}
