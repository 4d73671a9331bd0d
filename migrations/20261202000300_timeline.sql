-- The public timeline: keyset order, filters and Chinese substring search.

-- Character bigrams of a text, lower-cased, whitespace separating words (a bigram never spans
-- it). Any substring of two or more characters of the text consists of bigrams of the text, so
-- a GIN index on them finds every candidate; the query then checks the substring itself. This
-- is what Lucene's CJK analyzer does, applied to every script, so 铁8号 finds 地铁8号线.
create function text_bigrams(input text) returns text[]
language sql immutable strict parallel safe as $$
    select coalesce(array_agg(distinct gram), '{}')
    from (
        select substr(word, i, 2) as gram
        from regexp_split_to_table(lower(input), '[[:space:][:punct:]，。、；：？！“”‘’（）《》【】…—·]+') as word,
             generate_series(1, char_length(word) - 1) as i
    ) grams
$$;

alter table stories
    add column search_terms tsvector generated always as (
        array_to_tsvector(text_bigrams(coalesce(title, '') || ' ' || coalesce(body, '')))
    ) stored;

create index stories_search on stories using gin (search_terms) where status = 'approved';
-- Newest "now" first, then the longest span, then newest story: the timeline's keyset order.
create index stories_timeline on stories (year_now desc, year_then desc, id desc) where status = 'approved';
create index stories_public_place on stories (place) where status = 'approved';
create index stories_published on stories (published_at desc, id desc) where status = 'approved';

-- Tells every instance's page cache that public content changed.
create function notify_public_changed() returns trigger
language plpgsql as $$
begin
    perform pg_notify('public_changed', '');
    return null;
end;
$$;

create trigger stories_public_inserted
    after insert on stories
    for each row when (new.status = 'approved')
    execute function notify_public_changed();

create trigger stories_public_updated
    after update on stories
    for each row when (old.status = 'approved' or new.status = 'approved')
    execute function notify_public_changed();

create trigger stories_public_deleted
    after delete on stories
    for each row when (old.status = 'approved')
    execute function notify_public_changed();

-- A photo made (or made again) may belong to an approved story.
create trigger photos_public_changed
    after update of state on photos
    for each statement
    execute function notify_public_changed();
