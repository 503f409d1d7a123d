import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation

struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Subscribe HTTPS URLs to a user's changes (signed webhooks), list and remove them.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a webhook. Prints its signing secret (whsec_…) alone on stdout (shown only now) and its id on stderr. The URL must be https and its host must resolve to public addresses only."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String
        @Argument(help: "The URL to POST to (https).") var url: String
        @Flag(
            help:
                "Allow plain http and private, loopback and link-local addresses: for development and tests only (env CT_WEBHOOKS_ALLOW_PRIVATE=1)."
        )
        var webhooksAllowPrivate = false

        func run() async throws {
            try await reportingFailures {
                var flags = Configuration.Flags()
                flags.webhooksAllowPrivate = webhooksAllowPrivate
                let configuration = try options.configuration(flags)
                try await configuration.withStore(logger: commandLogger()) { store in
                    let administration = Administration(store: store, configuration: configuration)
                    let user = try await administration.user(named: name)
                    let allowPrivate = configuration.webhooksAllowPrivate
                    let (webhook, secret) = try await administration.addWebhook(userID: user.id, url: url, allowPrivate: allowPrivate) {
                        _ = try await WebhookResolver(pool: .registrations).address(of: $0, allowPrivate: allowPrivate)
                    }
                    print(secret.text)
                    Output.standardError("webhook id: \(webhook.id)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "List a user's webhooks, a tab-separated line each: id, URL, created, last attempt, last status, last error, disabled ('-' when none)."
        )
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Print a JSON array of objects instead.") var json = false

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    let user = try await Administration(store: store, configuration: configuration).user(named: name)
                    let webhooks = try await store.webhooks(userID: user.id)
                    if json {
                        print(try OrderedJSONEncoder().tree(webhooks.map { Entry(webhook: $0) }).text)
                    } else {
                        for webhook in webhooks {
                            let fields = [
                                String(webhook.id), webhook.url, webhook.created.description, webhook.lastAttempt?.description ?? "-",
                                webhook.lastStatus.map(String.init) ?? "-", Self.oneLine(webhook.lastError) ?? "-",
                                webhook.disabledReason.map { "disabled: \(Self.oneLine($0) ?? "")" } ?? "-",
                            ]
                            print(fields.joined(separator: "\t"))
                        }
                    }
                }
            }
        }

        /// A text for one field of a tab-separated line.
        static func oneLine(_ text: String?) -> String? {
            text.map { $0.replacing("\t", with: " ").replacing("\n", with: " ") }
        }

        /// One webhook in `--json`: `null` where never.
        struct Entry: Encodable {
            let webhook: Webhook

            enum CodingKeys: String, CodingKey {
                case id, url, created
                case lastAttempt = "last_attempt"
                case lastStatus = "last_status"
                case lastError = "last_error"
                case lastSuccess = "last_success"
                case disabled
                case disabledReason = "disabled_reason"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(webhook.id, forKey: .id)
                try container.encode(webhook.url, forKey: .url)
                try container.encode(webhook.created.description, forKey: .created)
                try container.encode(webhook.lastAttempt?.description, forKey: .lastAttempt)
                try container.encode(webhook.lastStatus, forKey: .lastStatus)
                try container.encode(webhook.lastError, forKey: .lastError)
                try container.encode(webhook.lastSuccess?.description, forKey: .lastSuccess)
                try container.encode(webhook.disabled?.description, forKey: .disabled)
                try container.encode(webhook.disabledReason, forKey: .disabledReason)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a webhook; nothing more is sent to it.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The webhook's id (from 'webhooks list').") var webhookID: Int64

        func run() async throws {
            try await reportingFailures {
                let configuration = try options.configuration()
                try await configuration.withStore(logger: commandLogger()) { store in
                    try await Administration(store: store, configuration: configuration).removeWebhook(id: webhookID)
                    Output.standardError("removed webhook \(webhookID)")
                }
            }
        }
    }
}
