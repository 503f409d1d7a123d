import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
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
            try await reportingFailures {
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
            abstract:
                "List a user's tokens, a tab-separated line each: id, label, permission, created, last used, revoked ('-' when never); then the apps connected by OAuth, marked by an id 'app:GRANT' and labelled with the app's name."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Print a JSON array of objects instead.") var json = false

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let user = try await Administration(store: store, configuration: configuration).user(named: name)
                    let tokens = try await store.tokens(userID: user.id)
                    let apps = try await store.connectedApps(userID: user.id)
                    if json {
                        let entries = tokens.map { Entry.token($0) } + apps.map { Entry.app($0) }
                        print(try OrderedJSONEncoder().tree(entries).text)
                    } else {
                        for token in tokens {
                            let fields = [
                                String(token.id), token.label, token.permission.rawValue, token.created.description,
                                token.lastUsed?.description ?? "-", token.revoked?.description ?? "-",
                            ]
                            print(fields.joined(separator: "\t"))
                        }
                        for app in apps {
                            let fields = [
                                "app:\(app.grantID)", app.clientName, app.scope.rawValue, app.connected.description, app.lastUsed?.description ?? "-",
                                "-",
                            ]
                            print(fields.joined(separator: "\t"))
                        }
                    }
                }
            }
        }

        /// One token in `--json`: its fields in the text line's order, `null` where never; a
        /// connected app has `app` (its grant's id) instead of `id`, its name as the label and its
        /// scope as the permission.
        enum Entry: Encodable {
            case token(TokenInfo)
            case app(ConnectedApp)

            enum CodingKeys: String, CodingKey {
                case id, app, label, permission, created
                case lastUsed = "last_used"
                case revoked
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                switch self {
                case .token(let token):
                    try container.encode(token.id, forKey: .id)
                    try container.encode(token.label, forKey: .label)
                    try container.encode(token.permission.rawValue, forKey: .permission)
                    try container.encode(token.created.description, forKey: .created)
                    // `encode`, not `encodeIfPresent`: never used or never revoked is an explicit null.
                    try container.encode(token.lastUsed?.description, forKey: .lastUsed)
                    try container.encode(token.revoked?.description, forKey: .revoked)
                case .app(let app):
                    try container.encode(app.grantID, forKey: .app)
                    try container.encode(app.clientName, forKey: .label)
                    try container.encode(app.scope.rawValue, forKey: .permission)
                    try container.encode(app.connected.description, forKey: .created)
                    try container.encode(app.lastUsed?.description, forKey: .lastUsed)
                    try container.encode(String?.none, forKey: .revoked)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; the next request with it is refused.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The token's id (from 'tokens list').") var tokenID: Int64

        func run() async throws {
            try await reportingFailures {
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
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let secret = try await Administration(store: store, configuration: configuration).regenerateToken(id: tokenID)
                    print(secret.plaintext)
                }
            }
        }
    }
}
