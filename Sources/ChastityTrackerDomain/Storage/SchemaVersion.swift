/// The schema versions a backup compares: both backends record the migrations applied to a
/// database, and `backup` copies a database only at the version of the code that runs it.
public enum SchemaVersion {
    /// Why a database whose newest applied migration is `applied` (`nil`: none recorded) cannot be
    /// backed up by code whose newest is `current`, or `nil` when it can (they are equal).
    public static func backupRefusal(applied: Int?, current: Int) -> String? {
        guard let applied else { return "no chastity-tracker database there (it records no schema version)" }
        if applied < current {
            return "the database is at schema version \(applied) and this chastity-tracker at \(current): back up with the version "
                + "that serves it (README, Upgrading); this one would have to migrate it first"
        }
        if applied > current {
            return "the database is at schema version \(applied), newer than this chastity-tracker's \(current): back up with the "
                + "version that serves it"
        }
        return nil
    }
}
