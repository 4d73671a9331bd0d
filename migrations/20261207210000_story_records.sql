-- The public fields of every story under their consent rules, written once for OAI-PMH and the
-- archive's bags (issue 15): `story_records` holds them for every story, whatever its status
-- (the bags choose which stories they describe); `oai_records` is now the stories of it that
-- were ever public, with the same columns as before. Both are simple views, so the planner
-- inlines them and OAI-PMH's lists still walk `stories_oai`.
create view story_records as
select s.id, s.status, s.public_changed_at as changed,
       s.title, s.body, s.place,
       case when s.show_name then s.narrator_name end as narrator,
       s.year_then, s.year_then_approx, s.year_now, s.licence,
       s.published_at,
       array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as themes,
       exists (select 1 from photos p where p.story_id = s.id) as has_photos,
       (s.voice_consent and s.recording_ms is not null) as has_voice,
       array(select r.interviewer from recordings r
             where r.story_id = s.id and s.interviewer_name_consent and r.interviewer is not null
             order by r.position) as interviewers,
       s.role
from stories s;

create or replace view oai_records as
select id, status, changed, title, body, place, narrator, year_then, year_then_approx, year_now,
       licence, published_at, themes, has_photos, has_voice, interviewers
from story_records
where changed is not null;
