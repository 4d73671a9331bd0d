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

-- An admin's "make one now", deleted once an export whose snapshot is newer is made.
create table open_data_requests (
    id bigint generated always as identity primary key,
    requested_at timestamptz not null default now(),
    requested_by bigint references accounts (id) on delete set null
);

create index open_data_requests_by_time on open_data_requests (requested_at desc);

-- Removing a photo or a recording of a public story is a public change too: the story's record
-- and pages no longer show it, and open-data exports made before must not offer it any more.
create function stories_stamp_media_removal() returns trigger
language plpgsql as $$
begin
    update stories set public_changed_at = oai_stamp()
    where id = old.story_id and story_is_public(status);
    return old;
end
$$;

create trigger photos_stamp_public_change after delete on photos
    for each row execute function stories_stamp_media_removal();
create trigger recordings_stamp_public_change after delete on recordings
    for each row execute function stories_stamp_media_removal();

-- An export is superseded once a story it may hold (public when it was made) changes publicly
-- after it: withdrawn, unpublished, edited, its licence or consents changed, a photo or a
-- recording removed. It is neither listed nor served from then on, and is deleted and made
-- anew by the next maintenance round. (Stories first published after it are not in it; a
-- public story without a publication time counts as published before.)
create function open_data_export_superseded(export_as_of timestamptz) returns boolean
language sql stable as $$
    select exists (
        select 1 from stories s
        where s.public_changed_at > export_as_of
          and coalesce(s.published_at, '-infinity') <= export_as_of
    )
$$;
