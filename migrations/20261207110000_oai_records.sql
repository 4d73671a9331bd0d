-- One OAI-PMH record per story that was ever public, with its public fields only: the consent
-- rules for the narrator's and interviewers' names and for the voice are written here once, for
-- the list and the single record alike (server/src/archive/oai/store.rs). A simple view, so the
-- planner inlines it and the lists still walk `stories_oai`.
create view oai_records as
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
             order by r.position) as interviewers
from stories s
where s.public_changed_at is not null;
