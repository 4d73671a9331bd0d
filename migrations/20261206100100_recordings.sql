-- Voice recordings (issue 14): the original kept privately with its SHA-256, an access copy
-- (loudness-normalised mono MP3 without metadata) made by a job, a time-coded transcript and an
-- index. Objects use the photos' layout and deletion queue: originals/{original_key} and
-- derivatives/{public_key}/.

alter type consent_kind add value 'voice';
alter type consent_kind add value 'interviewer_name';

alter table stories
    -- Current choices; their history is in story_consents like the others.
    add column voice_consent boolean not null default false,
    add column interviewer_name_consent boolean not null default false;

create type recording_state as enum ('processing', 'ready', 'failed');

create table recordings (
    id bigint generated always as identity primary key,
    story_id bigint not null references stories (id) on delete cascade,
    -- Order within the story, from 0.
    position smallint not null,
    summary text,
    -- Who asked the questions; public only with the interviewer_name consent.
    interviewer text,
    original_key text not null unique,
    sha256 bytea not null,
    byte_size bigint not null,
    -- As probed from the upload: container and codec names, channels, sample rate and the
    -- length the container declared (null when it does not say).
    container text not null,
    codec text not null,
    channels integer not null,
    sample_rate integer not null,
    declared_ms bigint,
    -- Names the access copy's folder and is its URL's capability: random.
    public_key text not null unique,
    state recording_state not null default 'processing',
    duration_ms bigint,
    access_bytes bigint,
    access_sha256 bytea,
    -- Waveform bars 0-255, at most 1,000.
    peaks bytea,
    -- Interview mode's "next question" marks, as posted (`{ms}:{prompt}` pairs).
    markers text,
    -- Why processing gave up on the file (an AudioRefusal found while decoding).
    failure text,
    -- The WebVTT transcript and the index (its editable text form), both optional.
    transcript text,
    index_text text,
    created_at timestamptz not null default now(),
    processed_at timestamptz,
    unique (story_id, position)
);

-- The same durable queue as photo_jobs (see media::jobs): lease, exactly-once completion.
create table recording_jobs (
    id bigint generated always as identity primary key,
    recording_id bigint not null unique references recordings (id) on delete cascade,
    attempts integer not null default 0,
    run_after timestamptz not null default now(),
    locked_until timestamptz,
    lease_id bigint,
    last_error text,
    created_at timestamptz not null default now()
);

create index recording_jobs_due on recording_jobs (run_after) where locked_until is null;

-- A deleted recording's files go the photos' way: queued in the deleting transaction.
create trigger recordings_files_deleted
    after delete on recordings
    for each row execute function queue_media_deletion();

-- Every object name a row holds, for the sweep (whatever no row names is an orphan).
create view media_objects as
    select original_key, public_key from photos
    union all
    select original_key, public_key from recordings;

-- A recording made, or its transcript or index edited, may belong to an approved story.
create trigger recordings_public_changed
    after update of state, transcript, index_text on recordings
    for each statement
    execute function notify_public_changed();

create trigger recordings_public_removed
    after delete on recordings
    for each statement
    execute function notify_public_changed();
