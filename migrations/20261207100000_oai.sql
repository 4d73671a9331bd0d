-- OAI-PMH (issue 15): each story that was ever public carries the time of its last public
-- change, the datestamp harvesters select by. A story is a record from its first approval on:
-- live while approved, deleted (a tombstone header) once unpublished or withdrawn, and never
-- forgotten, because a withdrawn story keeps its row (docs/archive.md).
alter table stories add column public_changed_at timestamptz;

-- Existing stories: the last audit entry that entered or left "approved", else the publication.
update stories s
set public_changed_at = coalesce(
        (select max(l.at) from story_audit_log l
         where l.story_id = s.id and 'approved' in (l.from_status, l.to_status)),
        s.published_at, s.updated_at)
where s.status = 'approved'
   or (s.status = 'unpublished' and s.published_at is not null)
   or exists (select 1 from story_audit_log l where l.story_id = s.id and l.to_status = 'approved');

-- Keyset paging of ListRecords and ListIdentifiers: page 2,000 costs what page 1 does.
create index stories_oai on stories (public_changed_at, id) where public_changed_at is not null;

-- Every stamp is taken under this shared advisory lock, held until its transaction ends; a
-- harvest's first request takes it exclusively for an instant (oai_harvest_pin). So when a
-- harvest pins its end, every change stamped before the pin has committed, and every later
-- one gets a later stamp: no change can appear behind a harvest that has passed it.
create function oai_change_lock() returns bigint
    language sql immutable parallel safe
    as $$ select 4937241551090715 $$;

create function oai_stamp() returns timestamptz
language plpgsql volatile as $$
begin
    perform pg_advisory_xact_lock_shared(oai_change_lock());
    return clock_timestamp();
end
$$;

create function oai_harvest_pin() returns timestamptz
language plpgsql volatile as $$
begin
    perform pg_advisory_xact_lock(oai_change_lock());
    return clock_timestamp();
end
$$;

-- A public change: the story becomes public or stops being public, or changes what its record
-- shows while public (featuring, claims and moderator notes show nowhere in it).
create function stories_stamp_public_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        if story_is_public(new.status) then
            new.public_changed_at := oai_stamp();
        end if;
    elsif story_is_public(old.status) <> story_is_public(new.status)
          or (story_is_public(new.status)
              and (old.title, old.body, old.place, old.narrator_name, old.show_name, old.role,
                   old.year_then, old.year_then_approx, old.year_now, old.licence,
                   old.voice_consent, old.interviewer_name_consent, old.recording_ms is null,
                   old.published_at)
                  is distinct from
                  (new.title, new.body, new.place, new.narrator_name, new.show_name, new.role,
                   new.year_then, new.year_then_approx, new.year_now, new.licence,
                   new.voice_consent, new.interviewer_name_consent, new.recording_ms is null,
                   new.published_at)) then
        new.public_changed_at := oai_stamp();
    end if;
    return new;
end
$$;

create trigger stories_stamp_public_change
    before insert or update on stories
    for each row execute function stories_stamp_public_change();
