-- Stories and what hangs off them. Only rows with status 'approved' are ever public.
-- Contributor details live in story_contributors, which no public query reads.

create type story_status as enum ('pending', 'changes_requested', 'approved', 'rejected', 'unpublished', 'withdrawn');
create type theme as enum ('transport', 'housing', 'education', 'work-industry', 'environment', 'health', 'community', 'culture');
create type licence as enum ('cc-by-4.0', 'cc-by-nc-4.0', 'display-only');
create type consent_kind as enum ('publish', 'show_name', 'faces');
create type audit_actor as enum ('contributor', 'moderator', 'system');
create type audit_action as enum (
    'submitted', 'edited', 'withdrawn', 'approved', 'rejected', 'changes_requested', 'unpublished',
    'moderator_edited', 'featured', 'unfeatured'
);

create table stories (
    id bigint generated always as identity primary key,
    status story_status not null default 'pending',
    -- Bumped by every change; moderators act on the version they saw (optimistic concurrency).
    version integer not null default 1,
    -- Content; erased (null) when the contributor withdraws.
    title text,
    body text,
    place text,
    narrator_name text,
    role text,
    year_then smallint not null,
    year_then_approx boolean not null default false,
    year_now smallint not null,
    -- Current consent choices; their history is in story_consents.
    show_name boolean not null default false,
    faces_consent boolean not null default false,
    licence licence not null,
    submitted_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    published_at timestamptz,
    withdrawn_at timestamptz,
    constraint stories_content_present check (
        status = 'withdrawn' or (title is not null and body is not null and place is not null)
    ),
    constraint stories_years_ordered check (year_then >= 1900 and year_then < year_now)
);

create index stories_status_submitted on stories (status, submitted_at);

create table story_themes (
    story_id bigint not null references stories (id) on delete cascade,
    theme theme not null,
    primary key (story_id, theme)
);

create index story_themes_by_theme on story_themes (theme, story_id);

-- Private: never read by a public page, feed or API. Deleted on withdrawal.
create table story_contributors (
    story_id bigint primary key references stories (id) on delete cascade,
    real_name text,
    contact text,
    assisted_by text
);

-- Every consent decision, kept separately with the wording version it answered.
create table story_consents (
    id bigint generated always as identity primary key,
    story_id bigint not null references stories (id) on delete cascade,
    kind consent_kind not null,
    granted boolean not null,
    text_version text not null,
    -- Entered by a volunteer or relative on the narrator's behalf (see assisted_by).
    attested_by_assistant boolean not null default false,
    recorded_at timestamptz not null default now()
);

create index story_consents_by_story on story_consents (story_id, recorded_at);

-- The contributor's private link. Only a SHA-256 of the token is stored.
create table story_tracking_tokens (
    token_hash bytea primary key,
    story_id bigint not null unique references stories (id) on delete cascade
);

-- Makes a repeated submit harmless for 24 hours. key_hash is a SHA-256 of the client's key;
-- sealed_token is the tracking token masked with a pad derived from the key and the content,
-- so the table alone does not reveal any tracking link.
create table story_idempotency_keys (
    key_hash bytea primary key,
    fingerprint bytea not null,
    story_id bigint not null references stories (id) on delete cascade,
    sealed_token bytea not null,
    created_at timestamptz not null default now()
);

create index story_idempotency_keys_by_age on story_idempotency_keys (created_at);

-- Accepted submissions per client address, for the hourly limit; rows older than an hour
-- are deleted. ip_hash is a SHA-256 of the address.
create table story_submission_events (
    ip_hash bytea not null,
    submitted_at timestamptz not null default now()
);

create index story_submission_events_by_ip on story_submission_events (ip_hash, submitted_at);

-- Snapshots of the public content after each change, for moderators' diffs and history.
create type revision_author as enum ('contributor', 'moderator');

create table story_revisions (
    id bigint generated always as identity primary key,
    story_id bigint not null references stories (id) on delete cascade,
    version integer not null,
    author revision_author not null,
    moderator_id bigint,
    content jsonb not null,
    created_at timestamptz not null default now(),
    unique (story_id, version)
);

-- Append-only record of every transition. Holds no personal data, so it survives withdrawal.
create table story_audit_log (
    id bigint generated always as identity primary key,
    story_id bigint not null,
    actor audit_actor not null,
    moderator_id bigint,
    action audit_action not null,
    from_status story_status,
    to_status story_status,
    reason text,
    at timestamptz not null default now()
);

create index story_audit_log_by_story on story_audit_log (story_id, at);

create function story_audit_log_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'story_audit_log is append-only';
end;
$$;

create trigger story_audit_log_append_only
    before update or delete on story_audit_log
    for each row execute function story_audit_log_is_append_only();
