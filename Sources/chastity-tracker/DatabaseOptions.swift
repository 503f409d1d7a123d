import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerSQLite
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation
import Logging

/// `--database`, shared by every subcommand: a SQLite file path or a `postgres://` URL.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "SQLite file path or postgres://user:pass@host:port/db URL (env CT_DATABASE; default ./chastity-tracker.sqlite).",
            valueName: "path-or-url"
        ))
    var database: String?

    /// The one configuration of this run, from the command's flags (`--database` and whatever
    /// `flags` adds) over the environment over the defaults; a bad value is a one-line error.
    func configuration(_ flags: Configuration.Flags = Configuration.Flags()) throws -> Configuration {
        var flags = flags
        flags.database = database
        do {
            return try Configuration(flags: flags, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandError(message: error.message)
        }
    }
}

extension Configuration {
    /// Opens the store this configuration names, migrating its schema, with its pool size (a
    /// PostgreSQL store's most connections) and write-queue bound, and the token cache when
    /// `serving` (a command that looks no token up has no use for it, nor for its listener's
    /// connection); closes it afterwards. A server gives up on a PostgreSQL connection after the
    /// store's short default wait (a request answers 503 rather than queue); a command waits
    /// ``DatabaseLocation/commandConnectionWait``.
    func withStore<T>(logger: Logger, serving: Bool = false, _ body: (any ChastityStore) async throws -> T) async throws -> T {
        try await DatabaseLocation(database).withStore(
            logger: logger, poolSize: poolSize, writeQueueLimit: writeQueueLimit,
            tokenCacheLifetime: serving ? tokenCacheLifetime : .zero,
            connectionWait: serving ? nil : DatabaseLocation.commandConnectionWait, body)
    }

    /// The database for messages, with any password hidden.
    var redactedDatabase: String { DatabaseLocation(database).redacted }
}

/// A SQLite file path or a `postgres://` URL.
struct DatabaseLocation {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    var isPostgres: Bool { value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") }

    /// How long a command waits for a PostgreSQL connection (connecting included): an operator's
    /// command on a busy database should wait its turn, not fail after a server's 1.5 s.
    static let commandConnectionWait: Duration = .seconds(15)

    /// Opens the store, runs `body` and closes the store, whatever happens. `poolSize` (at least 1)
    /// bounds a PostgreSQL store's connections; SQLite has its own single writer and ignores it.
    /// `writeQueueLimit` bounds the writes waiting for the database (see `serve --write-queue`);
    /// `tokenCacheLifetime` is a PostgreSQL store's (see `serve --token-cache`); none by default, as
    /// a command that looks no token up has no use for it or for its listener's connection.
    /// `connectionWait` bounds a PostgreSQL store's wait for a connection (nil: the store's default).
    func withStore<T>(
        logger: Logger, poolSize: Int = Configuration.defaultPoolSize, writeQueueLimit: Int = Configuration.defaultWriteQueueLimit,
        tokenCacheLifetime: Duration = .zero, connectionWait: Duration? = commandConnectionWait,
        _ body: (any ChastityStore) async throws -> T
    ) async throws -> T {
        let store: any ChastityStore = try await opening {
            guard isPostgres else { return try await SQLiteStore.open(path: value, writeQueueLimit: writeQueueLimit, logger: logger) }
            guard let connectionWait else {
                return try await PostgresStore.open(
                    url: value, poolSize: poolSize, writeQueueLimit: writeQueueLimit, principalLifetime: tokenCacheLifetime, logger: logger)
            }
            return try await PostgresStore.open(
                url: value, poolSize: poolSize, connectionWait: connectionWait, writeQueueLimit: writeQueueLimit,
                principalLifetime: tokenCacheLifetime, logger: logger)
        }
        do {
            let result = try await body(store)
            try? await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Runs `open` (opening the database, or a first look at it), turning its failure into the
    /// command's one-line error with the location redacted.
    func opening<T>(_ open: () async throws -> T) async throws -> T {
        do {
            return try await open()
        } catch let error as PostgresStore.InvalidURL {
            // The reason never holds the URL; the location is shown redacted.
            throw CommandError(message: "cannot open the database \(redacted): \(error)")
        } catch {
            // Not a ValidationError: that would print the usage text under a runtime failure.
            throw CommandError(message: "cannot open the database \(redacted)")
        }
    }

    /// The location for messages, with any password hidden: `postgres://user:***@host/db`.
    ///
    /// Done by hand, not with `URLComponents`, which cannot parse a URL whose password holds a raw
    /// `/`, `#`, `?` or `@` (or parses it with the password spilling into the port, path or
    /// query). Everything between `://` and the last `@` is the user information; what follows
    /// its first `:` is hidden. Hiding too much (an `@` in the query) is harmless; too little is not.
    var redacted: String {
        guard isPostgres, let schemeEnd = value.range(of: "://"), let at = value.range(of: "@", options: .backwards),
            at.lowerBound >= schemeEnd.upperBound
        else { return value }
        let userInformation = value[schemeEnd.upperBound..<at.lowerBound]
        guard let colon = userInformation.firstIndex(of: ":") else { return value }
        return String(value[..<colon]) + ":***" + String(value[at.lowerBound...])
    }
}

/// Runs an operator action, turning its failure into the command line's one error type: one
/// line on stderr and exit status 1.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as AdminError {
        throw CommandError(message: error.message)
    } catch let error as ConfigurationError {
        throw CommandError(message: error.message)
    } catch StoreError.unavailable {
        throw CommandError(message: "the database cannot be reached")
    }
}

/// The command line's one error type: a one-line failure for the operator.
struct CommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Command-line output: results on stdout, notes on stderr.
enum Output {
    static func standardError(_ line: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((line + terminator).utf8))
    }
}

/// Logging for commands that are not `serve`: critical only, so a failing command's stderr is the
/// one line of its error (docs/CONTRACT.md section 11), not the store's log lines before it.
func commandLogger() -> Logger {
    var logger = Logger(label: "chastity-tracker")
    logger.logLevel = .critical
    return logger
}
