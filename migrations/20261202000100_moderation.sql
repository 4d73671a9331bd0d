-- Moderators and admins, their sessions, and what moderation adds to stories.

create type account_role as enum ('moderator', 'admin');

create table accounts (
    id bigint generated always as identity primary key,
    email text not null,
    display_name text not null,
    role account_role not null,
    -- argon2id, PHC string format.
    password_hash text not null,
    active boolean not null default true,
    -- Bumped when the password is reset or the account deactivated: sessions carrying an
    -- older value stop working at once.
    session_epoch integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create unique index accounts_email_unique on accounts (lower(email));

-- Sessions of signed-in moderators (the layout tower-sessions' PostgresStore expects).
create schema if not exists tower_sessions;
create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry on tower_sessions.session (expiry_date);

-- Failed sign-ins of the last 15 minutes, per account (hash of the lower-cased email) and per
-- client address (hash). Older rows are deleted by maintenance.
create table login_failures (
    email_hash bytea not null,
    ip_hash bytea not null,
    at timestamptz not null default now()
);
create index login_failures_by_email on login_failures (email_hash, at);
create index login_failures_by_ip on login_failures (ip_hash, at);

alter table stories
    add column featured boolean not null default false,
    -- The latest rejection reason or change request, shown on the tracking page.
    add column moderator_message text,
    -- An advisory claim: "being reviewed by …" for 15 minutes. Actions still check the version.
    add column claimed_by bigint references accounts (id),
    add column claim_expires_at timestamptz;

create index stories_featured on stories (featured) where featured;

alter table story_audit_log
    add constraint story_audit_log_moderator foreign key (moderator_id) references accounts (id);
alter table story_revisions
    add constraint story_revisions_moderator foreign key (moderator_id) references accounts (id);
create index story_audit_log_by_time on story_audit_log (at desc);
