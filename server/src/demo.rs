//! `server seed-demo`: a handful of approved stories so a new site is not empty. Written for
//! Shinian in the spirit of the residents it is for; does nothing if any story exists.
//!
//! Every story carries a then/now pair of illustrations drawn for the project (`server/demo/`;
//! see docs/decisions.md), said to be illustrations in their captions and credit. They are
//! stored exactly as uploads are: a temp file in `tmp/`, fsynced, inspected, moved into the
//! originals store, and photo rows with their queued jobs in the story's transaction; the photo
//! workers of the running site then make their sizes.
//!
//! One story (the ferry's) also carries a short recording of its narrator's words read by a
//! synthesized voice (`server/demo/voice.sh`, espeak-ng; its summary says so), with a
//! time-coded transcript and an index. It takes the recordings' upload path the same way: a
//! spool file, `audio::probe`, the originals store, and a recording row with its queued job; the
//! site's workers make its access copy.

use crate::audit::{Action, Actor, Entry};
use crate::media::photos::{self, KeptPhoto};
use crate::media::recordings::intake::{self, ReceivedRecording};
use crate::media::recordings::rows::{self as recording_rows, KeptRecording};
use crate::media::store::MediaStore;
use crate::media::upload::{self, ReceivedPhoto};
use crate::submission::recording_form::parse_recordings;
use crate::submission::store;
use app::domain::transcript::RecordingText;
use app::domain::{
    FormErrors, NewStory, PhotoColumns, PhotoSlot, StoryDraft, StoryId, StoryStatus,
};
use sqlx::PgPool;

/// Says on every picture that it was drawn, not photographed.
pub const CREDIT: &str = "Shinian 示意插图";

/// One illustration of a pair and the words that go with it. Its year is its story's.
struct DemoPhoto {
    /// Rendered from its SVG by `server/demo/render.sh`.
    jpeg: &'static [u8],
    alt: &'static str,
    caption: &'static str,
}

/// A recording of a story's narrator read by espeak-ng, with what `server/demo/voice.sh` wrote
/// beside it: the transcript (simple form) and the index, timed from the audio.
struct DemoVoice {
    /// Ogg/Opus, mono.
    audio: &'static [u8],
    summary: &'static str,
    transcript: &'static str,
    index: &'static str,
}

struct DemoStory {
    title: &'static str,
    story: &'static str,
    narrator_name: &'static str,
    role: &'static str,
    place: &'static str,
    year_then: &'static str,
    year_then_approx: bool,
    year_now: &'static str,
    themes: &'static [&'static str],
    show_name: bool,
    licence: &'static str,
    /// Who wrote the story down for its teller (a volunteer), if anyone.
    assisted_by: &'static str,
    then: DemoPhoto,
    now: DemoPhoto,
    /// Heard by the public (`consent_voice`).
    voice: Option<DemoVoice>,
}

const STORIES: &[DemoStory] = &[
    DemoStory {
        title: "从轮渡到过江隧道",
        story: "二〇一二年我还在江边的轮渡上当轮机员。早上六点头班船，甲板上挤满了骑电瓶车上班的人，雾大的日子船一停，对岸的工厂就有一半人迟到。\n\n那几年我常在船尾拍江面，拍等船的队伍。后来隧道开工，围挡一圈圈往江里推，我退休那年还专门去看了盾构机进洞。\n\n二〇二二年隧道通车，我坐地铁过江只用四分钟。渡口改成了一个小公园，当年的售票窗还留着，孙子问我这是干什么用的，我说这是爷爷上班的地方。",
        narrator_name: "老周",
        role: "退休轮渡轮机员",
        place: "临江街道老渡口",
        year_then: "2012",
        year_then_approx: false,
        year_now: "2022",
        themes: &["transport"],
        show_name: true,
        licence: "cc-by-4.0",
        assisted_by: "",
        then: DemoPhoto {
            jpeg: include_bytes!("../demo/ferry-then.jpg"),
            alt: "二〇一二年的老渡口：左边是挂红招牌的售票房，中间一艘白色渡船靠着浮码头，岸上的人推着电瓶车排队等船，对岸是工厂的烟囱",
            caption: "老渡口的售票房和渡船（示意插图，非实拍）",
        },
        now: DemoPhoto {
            jpeg: include_bytes!("../demo/ferry-now.jpg"),
            alt: "二〇二二年的同一段江岸：售票房还在，窗下种了花，爷爷带着孙子站在窗前；渡口改成了有草地和长椅的小公园，右边是地铁站入口，对岸盖起了高楼",
            caption: "渡口改成的小公园和地铁口（示意插图，非实拍）",
        },
        voice: Some(DemoVoice {
            audio: include_bytes!("../demo/ferry-voice.ogg"),
            summary: "老周说渡口这十年的变化。声音是电脑合成的朗读（espeak-ng），不是老周本人的录音。",
            transcript: include_str!("../demo/ferry-voice.transcript.txt"),
            index: include_str!("../demo/ferry-voice.index.txt"),
        }),
    },
    DemoStory {
        title: "社区卫生站多了一台心电图机",
        story: "刚到东湖社区卫生服务站时，我们只有两间诊室，量血压、开常用药，稍微复杂一点就得让老人坐公交去区医院，来回大半天。\n\n这十年里，站里添了心电图机和化验室，家庭医生签约把辖区里的高血压、糖尿病老人都建了档。现在很多复查在楼下就能做，结果手机上就能看。\n\n最让我高兴的是，去年一位独居的老伯在随访时查出心律不齐，当天就转诊了。要是在十年前，他可能根本不会来看。",
        narrator_name: "陈医生",
        role: "社区全科医生",
        place: "东湖社区",
        year_then: "2013",
        year_then_approx: false,
        year_now: "2023",
        themes: &["health", "community"],
        show_name: true,
        licence: "cc-by-nc-4.0",
        assisted_by: "",
        then: DemoPhoto {
            jpeg: include_bytes!("../demo/clinic-then.jpg"),
            alt: "二〇一三年的社区卫生服务站：走廊里只有两间诊室的门，桌上放着水银血压计，老人坐在木长椅上等候",
            caption: "只有两间诊室的卫生服务站（示意插图，非实拍）",
        },
        now: DemoPhoto {
            jpeg: include_bytes!("../demo/clinic-now.jpg"),
            alt: "二〇二三年的同一个服务站：诊室旁边是玻璃墙的化验室，推车上的心电图机屏幕显示着心跳波形，老人坐在蓝色候诊椅上用手机看结果",
            caption: "添了心电图机和化验室（示意插图，非实拍）",
        },
        voice: None,
    },
    DemoStory {
        title: "黑板换成了触摸屏",
        story: "我教语文十一年。刚工作那年，教室里只有黑板和一台老投影仪，放个课件要先找电教老师借钥匙，粉笔灰落得讲台上一层白。\n\n现在每间教室都装了触摸大屏，学生的作文可以直接投上去一起改，下雨天的体育课也能在屏幕上看动作示范。学校还修了塑胶跑道和图书角，孩子们课间有地方去了。\n\n设备再好，孩子们最爱的还是我在屏幕边上手写的那几个大字。变的是工具，不变的是站在讲台上的那份心。",
        narrator_name: "",
        role: "小学语文教师",
        place: "城南第二小学",
        year_then: "2014",
        year_then_approx: false,
        year_now: "2024",
        themes: &["education"],
        show_name: false,
        licence: "display-only",
        assisted_by: "",
        then: DemoPhoto {
            jpeg: include_bytes!("../demo/classroom-then.jpg"),
            alt: "二〇一四年的教室：讲台后面是写满粉笔字的绿色黑板，天花板上吊着一台旧投影仪，学生坐在木课桌前",
            caption: "黑板和旧投影仪（示意插图，非实拍）",
        },
        now: DemoPhoto {
            jpeg: include_bytes!("../demo/classroom-now.jpg"),
            alt: "二〇二四年的同一间教室：黑板换成了触摸大屏，屏幕上是一篇正在批改的作文，两边白板上有老师手写的大字，窗外是红色塑胶跑道，墙角有图书角",
            caption: "触摸大屏和图书角（示意插图，非实拍）",
        },
        voice: None,
    },
    DemoStory {
        title: "纺织厂的车间里开起了书店",
        story: "我在城北纺织厂干了二十多年挡车工，车间里机器一响，说话都得靠喊。大概二〇一〇年前后厂子停产，工友们各奔东西，厂房空了好几年，窗户都碎了。\n\n后来厂房改成了文创园，锯齿形的屋顶保留了下来，我们当年的车间开了一家书店，墙上还挂着老厂的照片。\n\n我常带老姐妹们去坐坐，指着墙角说：那里原来是我的机台。年轻人听得很认真，有个小姑娘还把我们的故事记在了本子上。",
        narrator_name: "王阿姨",
        role: "退休纺织女工",
        place: "城北老厂区",
        year_then: "2010",
        year_then_approx: true,
        year_now: "2021",
        themes: &["work-industry", "culture"],
        show_name: true,
        licence: "cc-by-4.0",
        assisted_by: "",
        then: DemoPhoto {
            jpeg: include_bytes!("../demo/factory-then.jpg"),
            alt: "二〇一〇年前后的纺织车间：锯齿形屋顶的天窗下，一排排织布机前站着戴白帽的挡车女工",
            caption: "纺织厂的车间（示意插图，非实拍）",
        },
        now: DemoPhoto {
            jpeg: include_bytes!("../demo/factory-now.jpg"),
            alt: "二〇二一年同一个锯齿形屋顶下的书店：红砖墙前摆满书架，墙上挂着老厂的照片，读者坐在长桌旁看书，一位老人指着角落里留下的一台旧织机",
            caption: "同一个屋顶下的书店（示意插图，非实拍）",
        },
        voice: None,
    },
    DemoStory {
        title: "六楼的家终于有了电梯",
        story: "我家住在桂花新村六楼，楼是八十年代盖的，没有电梯。老伴腿脚不好以后，下一次楼要歇三回，一个星期也下不了两次。\n\n二〇一五年社区第一次开会商量加装电梯，一楼二楼的邻居有顾虑，谈了好几年。后来社区请设计师改了方案，费用按楼层分摊，一楼还装了新的防盗窗。\n\n二〇二五年电梯通了，老伴现在天天下楼晒太阳，和老邻居在花坛边下棋。这个故事是社区志愿者小林帮我写下来的。",
        narrator_name: "李大爷",
        role: "退休工人",
        place: "桂花新村",
        year_then: "2015",
        year_then_approx: false,
        year_now: "2025",
        themes: &["housing", "community"],
        show_name: true,
        licence: "cc-by-nc-4.0",
        assisted_by: "社区志愿者小林",
        then: DemoPhoto {
            jpeg: include_bytes!("../demo/lift-then.jpg"),
            alt: "二〇一五年桂花新村的六层老楼：没有电梯，阳台上晾着衣服，一楼窗户装着旧铁栏杆，一位老人提着菜走到楼门口",
            caption: "没有电梯的六层老楼（示意插图，非实拍）",
        },
        now: DemoPhoto {
            jpeg: include_bytes!("../demo/lift-now.jpg"),
            alt: "二〇二五年的同一栋楼：楼梯间外加装了玻璃电梯井，一楼有带雨棚和坡道的电梯入口，墙面重新粉刷，两位老人在花坛边下棋",
            caption: "加装电梯以后（示意插图，非实拍）",
        },
        voice: None,
    },
];

/// A demo recording kept in the originals store, with its transcript and index read against
/// the length its container declares.
struct KeptVoice {
    recordings: Vec<KeptRecording>,
    text: RecordingText,
}

impl DemoStory {
    /// The story as its form would have been filled in, photo details included.
    fn draft(&self) -> StoryDraft {
        let photo = |photo: &DemoPhoto, year: &str| PhotoColumns {
            years: vec![year.to_owned()],
            captions: vec![photo.caption.to_owned()],
            credits: vec![CREDIT.to_owned()],
            alts: vec![photo.alt.to_owned()],
        };
        StoryDraft {
            title: self.title.into(),
            story: self.story.into(),
            narrator_name: self.narrator_name.into(),
            role: self.role.into(),
            place: self.place.into(),
            year_then: self.year_then.into(),
            year_then_approx: self.year_then_approx,
            year_now: self.year_now.into(),
            themes: self.themes.iter().map(|t| (*t).to_owned()).collect(),
            assisted_by: self.assisted_by.into(),
            consent_publish: true,
            consent_show_name: self.show_name,
            consent_faces: true,
            licence: self.licence.into(),
            photos_then: photo(&self.then, self.year_then),
            photos_now: photo(&self.now, self.year_now),
            consent_voice: self.voice.is_some(),
            recording_summary: self.voice.iter().map(|v| v.summary.to_owned()).collect(),
            ..StoryDraft::default()
        }
    }

    /// Stores the pair the way a submission stores its uploads (`upload::from_bytes`, then
    /// `parse_photos` and `keep_all`): the originals are in the store, each removed again when
    /// its guard drops before the story commits.
    async fn keep_photos(
        &self,
        files: &MediaStore,
        draft: &StoryDraft,
        latest_year: i32,
    ) -> Result<Vec<KeptPhoto>, SeedError> {
        let mut received = Vec::with_capacity(2);
        for (slot, photo) in [(PhotoSlot::Then, &self.then), (PhotoSlot::Now, &self.now)] {
            received.push(ReceivedPhoto {
                slot,
                index: 0,
                outcome: upload::from_bytes(files, photo.jpeg).await?,
            });
        }
        let mut errors = FormErrors::default();
        let photos = crate::submission::photo_form::parse_photos(
            draft,
            received,
            [0, 0],
            true,
            latest_year,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(invalid(self.title, &errors));
        }
        Ok(upload::keep_all(files, photos).await?)
    }

    /// Stores the recording the way a submission stores one (`intake::from_bytes`, which spools
    /// and probes it, then `parse_recordings` and `keep_all`); `None` for a story without one.
    async fn keep_voice(
        &self,
        files: &MediaStore,
        draft: &StoryDraft,
    ) -> Result<Option<KeptVoice>, SeedError> {
        let Some(voice) = &self.voice else {
            return Ok(None);
        };
        let received = vec![ReceivedRecording {
            index: 0,
            outcome: intake::from_bytes(files, voice.audio).await?,
        }];
        let mut errors = FormErrors::default();
        let recordings = parse_recordings(draft, received, 0, &mut errors);
        if !errors.is_empty() {
            return Err(invalid(self.title, &errors));
        }
        let declared_ms = recordings
            .first()
            .and_then(|r| r.upload.facts.declared_ms)
            .and_then(|ms| u32::try_from(ms).ok())
            .ok_or_else(|| SeedError::Invalid(format!("{}: no length", self.title)))?;
        let text = RecordingText::parse(voice.transcript, voice.index, declared_ms)
            .map_err(|e| SeedError::Invalid(format!("{}: {e:?}", self.title)))?;
        Ok(Some(KeptVoice {
            recordings: intake::keep_all(files, recordings).await?,
            text,
        }))
    }
}

/// The recording rows with their queued jobs, transcript and index included.
async fn insert_voice(
    tx: &mut sqlx::PgConnection,
    story: StoryId,
    voice: &KeptVoice,
) -> Result<(), sqlx::Error> {
    let ids = recording_rows::insert_all(tx, story, &voice.recordings).await?;
    crate::media::recordings::jobs::enqueue(tx, &ids).await?;
    for id in ids {
        recording_rows::set_transcript(tx, id, &voice.text).await?;
    }
    Ok(())
}

fn invalid(title: &str, errors: &FormErrors) -> SeedError {
    SeedError::Invalid(format!("{title}: {errors:?}"))
}

pub enum Seeded {
    Inserted {
        stories: usize,
        photos: usize,
        recordings: usize,
    },
    AlreadyHadStories,
}

/// Loads the demo stories with their photos and recording, approved, unless a story exists. Run
/// it with the site's `MEDIA_DIR`: the originals go there, and the site's workers make the
/// photos' sizes and the recording's access copy.
pub async fn seed(db: &PgPool, files: &MediaStore, latest_year: i32) -> Result<Seeded, SeedError> {
    let mut tx = db.begin().await?;
    // Serialise concurrent seeders: the existence check and the inserts happen under one lock.
    sqlx::query!("lock table stories in share row exclusive mode")
        .execute(&mut *tx)
        .await?;
    let any = sqlx::query_scalar!(r#"select exists(select 1 from stories) as "any!""#)
        .fetch_one(&mut *tx)
        .await?;
    if any {
        return Ok(Seeded::AlreadyHadStories);
    }
    // Dropped on any error below (the transaction rolls back): their originals go with them.
    let mut kept = store::KeptMedia::default();
    for demo in STORIES {
        let draft = demo.draft();
        let story = NewStory::parse(&draft, latest_year).map_err(|e| invalid(demo.title, &e))?;
        let pair = demo.keep_photos(files, &draft, latest_year).await?;
        let voice = demo.keep_voice(files, &draft).await?;
        let id = store::insert_story(&mut tx, &story).await?;
        let added = photos::insert_all(&mut tx, id, &pair).await?;
        crate::media::jobs::enqueue(&mut tx, &added).await?;
        kept.photos.extend(pair);
        if let Some(voice) = voice {
            insert_voice(&mut tx, id, &voice).await?;
            kept.recordings.extend(voice.recordings);
        }
        sqlx::query!(
            "update stories set status = $2, published_at = now() where id = $1",
            id.0,
            StoryStatus::Approved as _
        )
        .execute(&mut *tx)
        .await?;
        let entry = Entry {
            story: id,
            actor: Actor::System,
            moderator_id: None,
            action: Action::Approved,
            from: Some(StoryStatus::Pending),
            to: Some(StoryStatus::Approved),
            reason: Some("demo content"),
        };
        entry.record(&mut tx).await?;
    }
    let (photos, recordings) = (kept.photos.len(), kept.recordings.len());
    store::commit_keeping(tx, kept).await?;
    Ok(Seeded::Inserted {
        stories: STORIES.len(),
        photos,
        recordings,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("storage: {0}")]
    Storage(#[from] crate::submission::error::SubmissionError),
    #[error("storage: {0}")]
    Photos(#[from] crate::media::upload::IntakeError),
    #[error("demo story invalid: {0}")]
    Invalid(String),
}
