import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation

struct Clients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register the apps that may connect with OAuth (public clients, no secret), list and remove them.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Register an app. Prints its client_id alone on stdout. Redirect URIs: https://…, http://127.0.0.1:PORT/… or http://[::1]/… (any port), or a private-use scheme such as com.example.app:/callback."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The app's name, as the consent page shows it.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI the app may receive its code at; repeat for more.")
        var redirectURIs: [String] = []

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let client = try await Administration(store: store, configuration: configuration).addClient(
                        name: name, redirectURIs: redirectURIs)
                    print(client.id)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the registered apps, a tab-separated line each: client_id, name, created, redirect URIs (space-separated)."
        )
        @OptionGroup var options: DatabaseOptions
        @Flag(help: "Print a JSON array of objects instead.") var json = false

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let clients = try await store.clients()
                    if json {
                        print(try OrderedJSONEncoder().tree(clients.map { Entry(client: $0) }).text)
                    } else {
                        for client in clients {
                            let name = client.name.replacing("\t", with: " ")
                            print(
                                [client.id, name, client.created.description, client.redirectURIs.map(\.text).joined(separator: " ")].joined(
                                    separator: "\t"))
                        }
                    }
                }
            }
        }

        /// One client in `--json`.
        struct Entry: Encodable {
            let client: OAuthClient

            enum CodingKeys: String, CodingKey {
                case clientID = "client_id"
                case name, created
                case redirectURIs = "redirect_uris"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(client.id, forKey: .clientID)
                try container.encode(client.name, forKey: .name)
                try container.encode(client.created.description, forKey: .created)
                try container.encode(client.redirectURIs.map(\.text), forKey: .redirectURIs)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a registered app; it can no longer start a flow.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The app's client_id (from 'clients list').") var clientID: String

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    try await Administration(store: store, configuration: configuration).removeClient(id: clientID)
                    Output.standardError("removed client \(clientID)")
                }
            }
        }
    }
}
