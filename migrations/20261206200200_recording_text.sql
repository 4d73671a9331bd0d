-- Issue 14: a story's transcripts are searched with its text, and the timeline can list only the
-- stories whose voice the public may hear ("with recording").

-- What a recording adds to its story's search, as plain text: its transcript's words and its
-- index's titles, keywords and summaries. Written by the app whenever either is saved.
alter table recordings add column search_text text;

alter table stories
    -- Every recording's search_text, in order; kept by recordings_story_summary.
    add column transcript_text text,
    -- The length of the story's ready recordings, null while none is ready; kept by
    -- recordings_story_summary. With voice_consent it says whether the public can listen.
    add column recording_ms bigint;

create function recordings_story_summary() returns trigger
language plpgsql as $$
declare
    story bigint := coalesce(new.story_id, old.story_id);
begin
    update stories s
    set transcript_text = (select string_agg(r.search_text, ' ' order by r.position)
                           from recordings r where r.story_id = story),
        recording_ms = (select sum(r.duration_ms)
                        from recordings r where r.story_id = story and r.state = 'ready')
    where s.id = story;
    return null;
end
$$;

create trigger recordings_story_summary
    after insert or delete or update of search_text, state, duration_ms on recordings
    for each row execute function recordings_story_summary();

-- The search terms now include the transcripts. A generated column's expression cannot be
-- changed in PostgreSQL 15, so it is made again (with its index and statistics target).
alter table stories drop column search_terms;
alter table stories
    add column search_terms tsvector generated always as (
        array_to_tsvector(text_bigrams(
            coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(transcript_text, '')))
    ) stored;
alter table stories alter column search_terms set statistics 2000;
create index stories_search on stories using gin (search_terms) where status = 'approved';

-- "With recording" in the timeline's order: a page of the filter reads about a page of rows
-- however few stories have a voice the public may hear.
create index stories_timeline_voice on stories (year_now desc, year_then desc, id desc)
    where status = 'approved' and voice_consent and recording_ms is not null;

-- Every saved version of a recording's transcript and index, by whom (as story_revisions keeps
-- the story's text): the contributor while pending, or a moderator.
create table recording_text_revisions (
    id bigint generated always as identity primary key,
    recording_id bigint not null references recordings (id) on delete cascade,
    author revision_author not null,
    moderator_id bigint references accounts (id),
    transcript text,
    index_text text,
    created_at timestamptz not null default now()
);

create index recording_text_revisions_by_recording on recording_text_revisions (recording_id, id);
