import Foundation

/// How a person at this shell runs this binary again, for hints that print commands which must
/// work as typed (issue 11, "First start"): after `swift run chastity-tracker serve` there is no
/// `chastity-tracker` on the PATH, so the hint must say `swift run chastity-tracker`.
enum CommandInvocation {
    /// The command words for this process, from its `argv[0]` and working directory:
    /// - a bare name was found on the PATH, so the name works again;
    /// - a binary inside `.build/` under the working directory is what `swift run` started (it
    ///   passes the product's path relative to the package), so `swift run chastity-tracker`;
    /// - anything else is a path that works from this directory as typed (quoted when needed).
    static func command(argv0: String, workingDirectory: String) -> String {
        guard argv0.contains("/") else { return argv0 }
        let absolute = argv0.hasPrefix("/") ? argv0 : workingDirectory + "/" + argv0
        let standardized = URL(fileURLWithPath: absolute).standardizedFileURL.path
        let packageBuild = URL(fileURLWithPath: workingDirectory).standardizedFileURL.path + "/.build/"
        if standardized.hasPrefix(packageBuild) { return "swift run chastity-tracker" }
        return shellQuoted(argv0)
    }

    /// This process's command words.
    static var current: String {
        command(argv0: CommandLine.arguments.first ?? "chastity-tracker", workingDirectory: FileManager.default.currentDirectoryPath)
    }

    /// `word` as one shell word: unchanged when it holds only characters no shell treats
    /// specially, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "/._-+:@%".unicodeScalars.contains(scalar))
        }
        return plain && !word.isEmpty ? word : singleQuoted(word)
    }

    /// `word` in single quotes, a quote inside it closed, escaped and reopened.
    static func singleQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
