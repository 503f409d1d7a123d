public import ChastityTrackerDomain
public import Logging
public import ServiceLifecycle

/// Deletes the account pages' leftovers on the same schedule as ``IdempotencyPurgeService`` (once
/// at start, then hourly): sessions past their idle or absolute expiry (a browser that never
/// came back leaves its row behind) and failed sign-in counts older than the throttle's quiet
/// period (they no longer count), OAuth's pending requests once expired, and its codes and
/// grants' old access tokens a day after they expired (a code replayed within that day still
/// revokes what it issued). Stops on graceful shutdown.
public struct AccountPurgeService: Service {
    let store: any AccountSessionStore & SignInFailureStore & OAuthAuthorizationStore
    let clock: any WallClock
    let logger: Logger
    let settings: AccountSettings
    let interval: Duration

    public init(
        store: any AccountSessionStore & SignInFailureStore & OAuthAuthorizationStore, clock: any WallClock, logger: Logger,
        settings: AccountSettings,
        interval: Duration = .seconds(3600)
    ) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.settings = settings
        self.interval = interval
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await purgeOnce() }
    }

    /// Deletes the expired sessions and the forgotten failure counts now.
    public func purgeOnce() async {
        let now = Timestamp(clock.now())
        let cutoffs = settings.sessionCutoffs(at: now)
        do {
            let count = try await store.purgeSessions(lastSeenBefore: cutoffs.idle, createdBefore: cutoffs.absolute)
            if count > 0 { logger.info("purged expired account sessions", metadata: ["count": .stringConvertible(count)]) }
        } catch {
            logger.warning("could not purge expired account sessions", metadata: ["error": .string("\(error)")])
        }
        do {
            let count = try await store.purgeSignInFailures(lastFailureBefore: settings.accountThrottle.resetBefore(now))
            if count > 0 { logger.info("purged forgotten failed sign-in counts", metadata: ["count": .stringConvertible(count)]) }
        } catch {
            logger.warning("could not purge forgotten failed sign-in counts", metadata: ["error": .string("\(error)")])
        }
        do {
            let count = try await store.purgeAuthorizations(requestsExpiredBefore: now, codesAndTokensExpiredBefore: now.adding(.seconds(-86_400)))
            if count > 0 { logger.info("purged expired OAuth requests and codes", metadata: ["count": .stringConvertible(count)]) }
        } catch {
            logger.warning("could not purge expired OAuth requests and codes", metadata: ["error": .string("\(error)")])
        }
    }
}
