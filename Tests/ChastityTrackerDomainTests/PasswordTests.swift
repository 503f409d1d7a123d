import ChastityTrackerDomain
import Testing

@Suite("Passwords")
struct PasswordTests {
    @Test(
        "a password of 10 to 256 characters without control characters is accepted",
        arguments: [
            String(repeating: "a", count: 10), String(repeating: "é", count: 10), "correct horse battery staple",
            String(repeating: "x", count: 256), "ten chars!", "пароль-пароль", "🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒",
        ])
    func acceptsValid(_ password: String) throws {
        try Password.validate(password)
    }

    @Test(
        "a password that is too short, too long or has control characters is refused with its rule",
        arguments: [
            ("", "a password is 10 to 256 characters"),
            ("nine char", "a password is 10 to 256 characters"),
            (String(repeating: "x", count: 257), "a password is 10 to 256 characters"),
            ("tab\tinside the password", "a password has no control characters"),
            ("nul\u{0}inside the password", "a password has no control characters"),
        ])
    func refusesInvalid(_ password: String, message: String) {
        #expect(throws: ValidationError(field: "password", message: message)) { try Password.validate(password) }
    }

    @Test(
        "a hash is self-describing, salted, and verifies only its own password",
        arguments: [
            "correct horse battery staple", String(repeating: "y", count: 256), "späte Übung 🔒",
        ])
    func hashVerifiesOnlyItsPassword(_ password: String) throws {
        let cheap = Password.Parameters(logRounds: 4, blockSize: 8, parallelism: 1)
        let stored = try Password.hash(password, parameters: cheap)
        #expect(stored.hasPrefix("$scrypt$ln=4,r=8,p=1$"))
        #expect(stored.split(separator: "$").count == 4)
        #expect(Password.verify(password, against: stored))
        #expect(!Password.verify(password + " ", against: stored))
        #expect(!Password.verify(String(password.dropLast()), against: stored))
        #expect(try Password.hash(password, parameters: cheap) != stored)
    }

    @Test("the standard parameters are N = 2^15, r = 8, p = 1")
    func standardParameters() throws {
        let stored = try Password.hash("correct horse battery staple")
        #expect(stored.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(Password.verify("correct horse battery staple", against: stored))
    }

    @Test("two long passwords that differ only after byte 72 do not match (unlike bcrypt)")
    func everyByteCounts() throws {
        let prefix = String(repeating: "p", count: 80)
        let stored = try Password.hash(prefix + "A", parameters: Password.Parameters(logRounds: 4, blockSize: 8, parallelism: 1))
        #expect(!Password.verify(prefix + "B", against: stored))
        #expect(Password.verify(prefix + "A", against: stored))
    }

    @Test(
        "a stored string that is not one this code writes matches nothing",
        arguments: [
            "", "plain text", "$2b$12$abcdefghijklmnopqrstuv", "$scrypt$ln=15,r=8,p=1$c2FsdA",
            "$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
            "$scrypt$ln=x,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
        ])
    func unreadableStoredHashMatchesNothing(_ stored: String) {
        #expect(!Password.verify("correct horse battery staple", against: stored))
        #expect(!Password.verify("", against: stored))
    }
}

@Suite("Sign-in throttle")
struct SignInThrottleTests {
    @Test(
        "the account throttle's wait after n failures",
        arguments: [
            (0, 0), (1, 0), (2, 0), (3, 1), (4, 2), (5, 4), (9, 64), (10, 900), (50, 900),
        ] as [(Int, Int64)])
    func accountDelays(failures: Int, seconds: Int64) {
        #expect(SignInThrottle.account.delay(afterFailures: failures) == seconds)
    }

    @Test(
        "the wait still to go at an instant after the last failure",
        arguments: [
            // (failures, milliseconds since the last failure, seconds still to wait or nil)
            (2, 0, nil), (3, 0, 1), (3, 999, 1), (3, 1_000, nil), (5, 1_500, 3), (10, 0, 900), (10, 899_001, 1),
            (10, 900_000, nil), (9, 900_000, nil),
        ] as [(Int, Int64, Int64?)])
    func waitAtInstant(failures: Int, elapsed: Int64, wait: Int64?) {
        let last = Timestamp(millisecondsSinceEpoch: 1_000_000)
        let now = Timestamp(millisecondsSinceEpoch: 1_000_000 + elapsed)
        #expect(SignInThrottle.account.wait(after: SignInFailures(count: failures, last: last), at: now) == wait)
        #expect(SignInThrottle.account.wait(after: nil, at: now) == nil)
    }
}

@Suite("Session secrets")
struct SessionSecretTests {
    @Test("a session id is 43 base64url characters, stored as its SHA-256, with a CSRF token of its own")
    func sessionSecretShape() {
        let first = SessionSecret.generate()
        let second = SessionSecret.generate()
        #expect(first.plaintext.count == 43)
        #expect(first != second)
        #expect(first.hash == TokenSecret.hash(of: first.plaintext))
        #expect(first.hash.count == 64)
        #expect(first.csrfToken != second.csrfToken)
        #expect(first.csrfToken == SessionSecret(plaintext: first.plaintext).csrfToken)
        #expect(first.acceptsCSRFToken(first.csrfToken))
        #expect(!first.acceptsCSRFToken(second.csrfToken))
        #expect(!first.acceptsCSRFToken(""))
    }
}
