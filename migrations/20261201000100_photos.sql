-- Before-and-after photos and the durable queue that makes their derivatives.
-- Originals live in the private media store under originals/; derivatives under
-- derivatives/{public_key}/. Only derivatives of approved stories are public.

create type photo_slot as enum ('then', 'now');
create type photo_state as enum ('processing', 'ready', 'failed');

create table photos (
    id bigint generated always as identity primary key,
    story_id bigint not null references stories (id) on delete cascade,
    slot photo_slot not null,
    -- Order within its side of the pair, from 0.
    position smallint not null,
    year smallint,
    -- The year from the file's EXIF DateTimeOriginal, when it had one.
    exif_year smallint,
    caption text,
    credit text,
    alt text not null,
    -- The original's file name in the private store (random, never shown).
    original_key text not null unique,
    sha256 bytea not null,
    source_format text not null,
    byte_size bigint not null,
    source_width integer not null,
    source_height integer not null,
    -- Names the folder of the derivatives: the URL is the capability, so it is random.
    public_key text not null unique,
    state photo_state not null default 'processing',
    -- [{"width":…, "height":…, "format":"jpeg"|"webp"}] once ready.
    derivatives jsonb not null default '[]',
    width integer,
    height integer,
    placeholder text,
    created_at timestamptz not null default now(),
    processed_at timestamptz,
    unique (story_id, slot, position),
    constraint photos_year_range check (year is null or year >= 1900)
);

create index photos_by_story on photos (story_id, slot, position);

-- One row per photo to process. A worker takes a job with FOR UPDATE SKIP LOCKED and holds a
-- lease (locked_until); a job whose worker died is taken again once its lease has expired.
-- lease_id makes completion exactly-once: only the holder of the current lease can finish it.
create table photo_jobs (
    id bigint generated always as identity primary key,
    photo_id bigint not null unique references photos (id) on delete cascade,
    attempts integer not null default 0,
    run_after timestamptz not null default now(),
    locked_until timestamptz,
    lease_id bigint,
    last_error text,
    created_at timestamptz not null default now()
);

create index photo_jobs_due on photo_jobs (run_after) where locked_until is null;
create index photo_jobs_leased on photo_jobs (locked_until) where locked_until is not null;
