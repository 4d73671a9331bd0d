//! `server seed-demo`: a handful of approved stories so a new site is not empty. Written for
//! Shinian in the spirit of the residents it is for; does nothing if any story exists.

use crate::audit::{Action, Actor, Entry};
use crate::submission::store;
use app::domain::{NewStory, StoryDraft, StoryStatus};
use sqlx::PgPool;

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
    assisted_by: &'static str,
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
    },
];

impl DemoStory {
    fn draft(&self) -> StoryDraft {
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
            ..StoryDraft::default()
        }
    }
}

pub enum Seeded {
    Inserted(usize),
    AlreadyHadStories,
}

pub async fn seed(db: &PgPool, latest_year: i32) -> Result<Seeded, SeedError> {
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
    for demo in STORIES {
        let story = NewStory::parse(&demo.draft(), latest_year)
            .map_err(|e| SeedError::Invalid(format!("{e:?}")))?;
        let id = store::insert_story(&mut tx, &story).await?;
        sqlx::query!(
            "update stories set status = 'approved', published_at = now() where id = $1",
            id.0
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
    tx.commit().await?;
    Ok(Seeded::Inserted(STORIES.len()))
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("storage: {0}")]
    Storage(#[from] crate::web::AppError),
    #[error("demo story invalid: {0}")]
    Invalid(String),
}
