public import Foundation

/// An account whose records the server keeps.
public struct User: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// IANA time zone identifier that decides what "today" is for this user.
    public var timeZone: String
    public var created: Timestamp

    public init(id: Int64, name: String, timeZone: String, created: Timestamp) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.created = created
    }

    /// Checks a user name: 1 to 64 characters (at most 256 bytes of UTF-8) of letters, digits,
    /// `.`, `_`, `-` and `@`.
    public static func validate(name: String) throws(ValidationError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_@".unicodeScalars.contains($0))
        }
        // Bytes too: 64 characters can hold kilobytes (a letter with thousands of combining jamo).
        guard !name.isEmpty, name.count <= 64, name.utf8.count <= 256, allowed else {
            throw ValidationError(
                field: "name",
                message: "a user name is 1 to 64 characters of letters, digits, '.', '_', '-' and '@'"
            )
        }
    }
}

/// Time zone rules: which identifiers are accepted, and what day it is in one.
public enum TimeZones {
    /// The time zone named by an IANA identifier (`UTC` included), or a validation error.
    public static func zone(named identifier: String) throws(ValidationError) -> TimeZone {
        if identifier == "UTC" { return TimeZone(identifier: "UTC")! }
        // knownTimeZoneIdentifiers alone is not enough: on Linux it comes from ICU and lacks
        // current IANA names such as Asia/Kolkata and Etc/UTC. A zone that loads under exactly
        // the name given is a tz database entry; lenient spellings such as GMT+2 load under
        // another name and stay refused.
        guard let zone = TimeZone(identifier: identifier),
            TimeZone.knownTimeZoneIdentifiers.contains(identifier) || zone.identifier == identifier
        else {
            throw ValidationError(
                field: "timezone",
                message: "'\(identifier)' is not an IANA time zone (for example Europe/Berlin or UTC)"
            )
        }
        return zone
    }

    /// The calendar date at `instant` in `zone`.
    public static func today(at instant: Date, in zone: TimeZone) -> LocalDate {
        let offset = zone.secondsFromGMT(for: instant)
        let seconds = Int((instant.timeIntervalSince1970).rounded(.down)) + offset
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        return LocalDate(daysSinceEpoch: days)!
    }
}
