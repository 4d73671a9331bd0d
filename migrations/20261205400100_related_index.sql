-- Related stories (story page) in O(limit): one index walk per theme of the story and one for
-- its place, each stopping after `limit` rows. story_themes carries copies of its story's
-- status and years (kept by the triggers below) so that an index on it can be both partial
-- (approved only) and in timeline order.
alter table story_themes
    add column approved boolean not null default false,
    add column year_now smallint not null default 0,
    add column year_then smallint not null default 0;

update story_themes t
set approved = s.status = 'approved', year_now = s.year_now, year_then = s.year_then
from stories s
where s.id = t.story_id;

create function story_themes_copy_story() returns trigger
language plpgsql as $$
begin
    select s.status = 'approved', s.year_now, s.year_then
    into new.approved, new.year_now, new.year_then
    from stories s
    where s.id = new.story_id;
    -- Not found when the story is inserted by the same statement (`server generate`), which
    -- copies them afterwards.
    new.approved := coalesce(new.approved, false);
    new.year_now := coalesce(new.year_now, 0);
    new.year_then := coalesce(new.year_then, 0);
    return new;
end
$$;

create trigger story_themes_copy_story
    before insert or update of story_id on story_themes
    for each row execute function story_themes_copy_story();

create function stories_copy_to_themes() returns trigger
language plpgsql as $$
begin
    update story_themes
    set approved = new.status = 'approved', year_now = new.year_now, year_then = new.year_then
    where story_id = new.id;
    return null;
end
$$;

create trigger stories_copy_to_themes
    after update of status, year_now, year_then on stories
    for each row
    when (old.status is distinct from new.status
          or old.year_now <> new.year_now
          or old.year_then <> new.year_then)
    execute function stories_copy_to_themes();

create index story_themes_related on story_themes (theme, year_now desc, year_then desc, story_id desc)
    where approved;
-- Replaces stories_public_place (same leading column), in timeline order within a place.
create index stories_related_place on stories (place, year_now desc, year_then desc, id desc)
    where status = 'approved';
drop index stories_public_place;
