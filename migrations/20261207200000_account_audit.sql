-- The audit trail of accounts (issue 15): who created, changed, deactivated, reactivated an
-- account or set its password, and sign-ins from an address the account had not used before.
-- Append-only like story_audit_log; entries hold account ids only (e-mails and names stay in
-- accounts), written in the transaction of the change they record.

create type account_audit_action as enum (
    'created', 'role_changed', 'deactivated', 'reactivated', 'password_reset', 'new_address'
);

create table account_audit_log (
    id bigint generated always as identity primary key,
    -- The account the entry is about.
    account_id bigint not null references accounts (id),
    -- Who did it: an admin, or the account itself (a sign-in); null: the command line
    -- (`server create-admin`).
    actor_id bigint references accounts (id),
    action account_audit_action not null,
    -- created: the new role (from_role null); role_changed: both. Null otherwise.
    from_role account_role,
    to_role account_role,
    at timestamptz not null default now()
);

create index account_audit_log_by_time on account_audit_log (at desc);
create index account_audit_log_by_account on account_audit_log (account_id, at);

create function account_audit_log_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'account_audit_log is append-only';
end;
$$;

create trigger account_audit_log_append_only
    before update or delete on account_audit_log
    for each row execute function account_audit_log_is_append_only();

-- The addresses each account signed in from, to notice a new one, as keyed hashes: SHA-256 of
-- the account's own random key and the address's limit bucket (IPv6 by /64). No address is
-- stored; the key makes the hashes of one address differ between accounts and from the
-- unkeyed sign-in limit keys. An address unused for 365 days is forgotten by maintenance.
alter table accounts
    add column address_key bytea not null
        default uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());

create table account_addresses (
    account_id bigint not null references accounts (id) on delete cascade,
    address_hash bytea not null,
    first_seen timestamptz not null default now(),
    last_seen timestamptz not null default now(),
    primary key (account_id, address_hash)
);

create index account_addresses_last_seen on account_addresses (last_seen);
