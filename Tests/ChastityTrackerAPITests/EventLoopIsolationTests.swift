import NIOCore
import NIOPosix
import Testing

@testable import ChastityTrackerServer

/// The actor that names an event loop as a request's isolation (issue 24): found for the loop
/// running the caller, absent elsewhere, and work isolated to it runs on that loop.
@Suite struct EventLoopIsolationTests {
    @Test func offTheLoopsThereIsNone() async {
        // Swift Testing runs this on Swift's own pool, as the suite's servers run their requests.
        #expect(EventLoopIsolation.current == nil)
    }

    @Test func onEachSingletonLoopItsIsolationRunsWorkOnThatLoop() async throws {
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            let isolation = try await loop.submit { EventLoopIsolation.current }.get()
            let found = try #require(isolation)
            #expect(await Self.inEventLoop(loop, isolation: found))
            // The same actor every time on one loop, another on another loop.
            #expect(try await loop.submit { EventLoopIsolation.current }.get() === found)
        }
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        if loops.count > 1 {
            let first = try await loops[0].submit { EventLoopIsolation.current }.get()
            let second = try await loops[1].submit { EventLoopIsolation.current }.get()
            #expect(first !== second)
        }
    }

    @Test func aLoopOfAnotherGroupHasNone() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let found = try await group.next().submit { EventLoopIsolation.current }.get()
        try await group.shutdownGracefully()
        #expect(found == nil)
    }

    private static func inEventLoop(_ loop: any EventLoop, isolation: isolated EventLoopIsolation) -> Bool {
        loop.inEventLoop
    }
}
