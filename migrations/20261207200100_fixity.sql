-- Fixity (issue 15): every original's SHA-256 is checked again, on a schedule and by
-- `server fixity-check`. Each pass is a row of fixity_runs, each problem it found a row of
-- fixity_problems; a problem seen for the first time also enters the story's audit trail.

alter type audit_action add value 'fixity_missing';
alter type audit_action add value 'fixity_changed';

create type fixity_trigger as enum ('schedule', 'command');
create type fixity_problem_kind as enum ('missing', 'changed');
create type media_object_kind as enum ('photo', 'recording');

create table fixity_runs (
    id bigint generated always as identity primary key,
    started_at timestamptz not null default now(),
    -- Null while the pass runs, or when its process died before the end.
    finished_at timestamptz,
    trigger fixity_trigger not null,
    -- Originals whose files were read (or found missing), and the bytes read.
    files_checked bigint not null default 0,
    bytes_checked bigint not null default 0,
    missing_count integer not null default 0,
    changed_count integer not null default 0
);

create index fixity_runs_by_start on fixity_runs (started_at desc);

create table fixity_problems (
    id bigint generated always as identity primary key,
    run_id bigint not null references fixity_runs (id) on delete cascade,
    kind fixity_problem_kind not null,
    object media_object_kind not null,
    -- photos.id or recordings.id, and its story, at the time of the run (no foreign key: the
    -- problem stays on record if the photo is removed later).
    object_id bigint not null,
    story_id bigint not null,
    -- The original's key in the media store (originals/{key}).
    original_key text not null,
    -- SHA-256 of what was read, for a changed original.
    found_sha256 bytea
);

create index fixity_problems_by_run on fixity_problems (run_id);
