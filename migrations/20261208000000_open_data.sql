-- Open data (issue 15, `/data`): public bags of the approved, CC-licensed stories, each packed
-- as one .tar in the media store's public `exports/` area. The maintenance loop makes one at
-- most every OPEN_DATA_INTERVAL_HOURS after a public change; an admin can ask for one now.

create type open_data_trigger as enum ('schedule', 'admin');

create table open_data_exports (
    id bigint generated always as identity primary key,
    -- The file is exports/{object_key}.tar; a new random key per export.
    object_key text not null unique,
    trigger open_data_trigger not null,
    -- The export's snapshot: every public change up to this instant is in it.
    as_of timestamptz not null,
    made_at timestamptz not null default now(),
    stories integer not null check (stories >= 0),
    cc_by integer not null check (cc_by >= 0),
    cc_by_nc integer not null check (cc_by_nc >= 0),
    photos integer not null check (photos >= 0),
    recordings integer not null check (recordings >= 0),
    bytes bigint not null check (bytes > 0),
    sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$')
);

create index open_data_exports_by_time on open_data_exports (as_of desc);

-- An admin's "make one now": pending while no export's snapshot is newer.
create table open_data_requests (
    id bigint generated always as identity primary key,
    requested_at timestamptz not null default now(),
    requested_by bigint references accounts (id) on delete set null
);

create index open_data_requests_by_time on open_data_requests (requested_at desc);
