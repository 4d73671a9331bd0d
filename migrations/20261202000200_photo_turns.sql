-- A moderator's rotation of a photo: quarter turns clockwise applied after the EXIF orientation.
alter table photos
    add column quarter_turns smallint not null default 0,
    add constraint photos_quarter_turns check (quarter_turns between 0 and 3);
