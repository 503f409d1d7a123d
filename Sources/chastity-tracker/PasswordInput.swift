#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a password from the first line of standard input. From a pipe it reads silently (the
/// scripted case); on a terminal it asks with `prompt` on standard error and turns the echo off
/// while the person types, so the password does not stay on the screen.
enum PasswordInput {
    static func firstLine(prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return readLine(strippingNewline: true) }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        Output.standardError(prompt, terminator: "")
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            Output.standardError("")
        }
        return readLine(strippingNewline: true)
    }
}
