/// Everything the server and the command line keep, behind one interface with two backends
/// (embedded SQLite and PostgreSQL) that behave the same: the composition of every storage role,
/// with no requirement of its own.
///
/// A backend conforms to this. A caller depends only on the roles it uses (the API's records
/// controller on ``OrgasmStore`` and ``IdempotencyKeyStore``, the idempotency purge on
/// ``IdempotencyKeyStore`` alone); only the composition root and the operator's commands take
/// the whole store. A new feature adds a role beside these and lists it here, instead of growing
/// one of them.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached; other failures are ``StoreError`` cases documented per method.
public protocol ChastityStore:
    UserStore, TokenStore, PasswordStore, AccountSessionStore, SignInFailureStore, ServerKeyStore, OrgasmStore,
    IdempotencyKeyStore, SnapshotStore, UnitOfWorkStore, StoreLifecycle, ChangeStore, WebhookStore, OAuthClientStore, OAuthGrantStore,
    OAuthAuthorizationStore
{}
