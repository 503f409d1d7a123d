import ServiceLifecycle

/// Runs `work` now and then every `interval` until graceful shutdown: the schedule of the
/// background purges.
func repeatUntilShutdown(every interval: Duration, _ work: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await work()
            try? await Task.sleep(for: interval)
        }
    }
}
