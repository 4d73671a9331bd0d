//! `server generate --stories N`: N synthetic approved stories for benchmarks of the public
//! timeline (docs/performance.md). Every value is assembled inside PostgreSQL from the phrase
//! lists below with `insert … select … from generate_series`, in batches, so a million stories
//! load in minutes. The text is invented for this purpose: districts changing over ten years,
//! told in short first-person sentences. Nothing here is a real person's story; no contributor
//! rows are written.
//!
//! Choices are deterministic hashes of the row number (`hashint8extended`), so the same N on an
//! empty database gives the same stories (apart from ids and timestamps). Ids come from the
//! stories' own identity sequence, so generating next to real stories is safe.
//!
//! One story in [`RECORDED_ONE_IN`] is told aloud as well: one ready recording the public may
//! hear (the narrator's voice consent), so that "with recording" can be measured. Only its row
//! is written; its files do not exist, and `/media/voice/{key}.mp3` answers 404 for it.

use crate::db::column;
use crate::media::audio::limits::ACCESS_BITRATE_KBPS;
use crate::media::audio::{Codec, Container};
use crate::media::recordings::rows::RecordingState;
use app::domain::{Licence, StoryStatus, Theme};
use sqlx::{ConnectOptions, Connection, PgPool};
use std::time::Instant;

/// Rows per statement: large enough to amortise the round trips, small enough that each batch
/// commits in seconds.
pub const BATCH: u64 = 50_000;

/// One story in this many has a recording. There are no figures from real use yet: telling a
/// story aloud is optional and asks for a second consent, and most stories are typed on a
/// phone, so recordings stay a minority; one in eight is on the generous side, so that story
/// pages with a player are common in the story-page benchmarks, and 1,000 stories still give
/// the filter about 125 (seven pages). A page of the filter costs the same at any share as long as
/// it walks its partial index (about a page of index entries), which the benchmarks check.
pub const RECORDED_ONE_IN: i64 = 8;

/// First halves of place names; crossed with [`PLACE_KINDS`] into 300 places.
const PLACE_STEMS: [&str; 20] = [
    "临江", "银杏", "东湖", "城南", "北岸", "梧桐", "青石", "望江", "桂花", "西湾", "新桥", "枫林",
    "石榴", "南门", "柳岸", "翠竹", "金沙", "河西", "白塔", "云溪",
];
const PLACE_KINDS: [&str; 15] = [
    "街道",
    "路",
    "社区",
    "新村",
    "小区",
    "老街",
    "大道",
    "巷",
    "里",
    "花园",
    "村",
    "广场",
    "码头",
    "工业区",
    "镇",
];

/// What changed: a title, its main theme (index into `Theme::ALL`) and one sentence about it
/// that the body always contains.
const SUBJECTS: [(&str, usize, &str); 40] = [
    (
        "地铁8号线通到了家门口",
        0,
        "地铁8号线开通那天，站口排队试乘的人一直排到了马路对面。",
    ),
    (
        "公交站台有了遮雨棚",
        0,
        "以前等公交全靠一把伞，现在站台有顶棚有座椅，还有报站的电子屏。",
    ),
    (
        "从骑车过江到坐地铁过江",
        0,
        "过江原来要骑车绕到大桥，风大的日子只能推着车走，现在坐地铁四站就到。",
    ),
    (
        "巷子口修了一条自行车道",
        0,
        "新修的自行车道刷成了绿色，早上能看到不少骑车送孩子上学的家长。",
    ),
    (
        "长途汽车站变成了换乘枢纽",
        0,
        "老汽车站拆掉以后，原地建起了换乘中心，地铁、公交和出租车都在一栋楼里。",
    ),
    (
        "轮渡停航的那一天",
        0,
        "最后一班轮渡靠岸时，船员拉响了汽笛，码头上站满了来告别的老街坊。",
    ),
    (
        "地铁3号线的末班车",
        0,
        "地铁3号线延长了运营时间，加班到很晚的年轻人终于不用挤黑车回家了。",
    ),
    (
        "老旧小区装上了电梯",
        1,
        "六楼的老人们凑钱加装了电梯，开通那天大家在楼下放了一挂小鞭炮。",
    ),
    (
        "棚户区搬进了回迁房",
        1,
        "回迁房分到手的那天，我在新家的阳台上站了很久，看着对面的工地。",
    ),
    (
        "筒子楼里的最后一个冬天",
        1,
        "筒子楼的公共厨房里，十几户人家的煤炉排成一排，冬天走廊里都是烟。",
    ),
    (
        "屋顶漏雨的问题终于解决了",
        1,
        "老房子翻修时换了防水层，梅雨季节再也不用在床边摆脸盆接水了。",
    ),
    (
        "公租房的钥匙",
        1,
        "拿到公租房钥匙那天，我给在外地打工的父母打了一个很长的电话。",
    ),
    (
        "工厂宿舍区的变迁",
        1,
        "厂里的宿舍区一排排红砖楼，楼与楼之间拉满了晾衣绳。",
    ),
    (
        "小学新建了塑胶操场",
        2,
        "学校把煤渣跑道换成了塑胶操场，孩子们下雨后第二天就能上体育课了。",
    ),
    (
        "家门口开了一所新初中",
        2,
        "新初中离家只有十分钟路程，孩子不用再天不亮就去挤公交。",
    ),
    (
        "幼儿园不用再通宵排队报名",
        2,
        "以前幼儿园报名要带着小板凳通宵排队，后来改成了网上登记。",
    ),
    (
        "学校旁边的文具店",
        2,
        "校门口的文具店开了二十多年，老板认得每一届的学生。",
    ),
    (
        "夜校里学会了用智能手机",
        2,
        "社区夜校开了手机课，我学会了视频通话，也学会了在网上挂号。",
    ),
    (
        "老纺织厂变成了文创园",
        3,
        "纺织厂的锯齿形厂房留了下来，里面开了书店、咖啡馆和小剧场。",
    ),
    (
        "机床厂的最后一个班组",
        3,
        "机床厂搬迁前，我们班组在车间门口拍了最后一张合影。",
    ),
    (
        "工业区里的新厂房",
        3,
        "工业区的新厂房里几乎看不到人，机械臂一刻不停地忙着。",
    ),
    (
        "菜场边的修鞋摊",
        3,
        "修鞋的师傅在菜场边摆了三十年摊，后来他的摊位也挪进了便民服务点。",
    ),
    (
        "快递驿站开进了小区",
        3,
        "小区门口开了快递驿站，取件的老人顺便在门口的长椅上聊会儿天。",
    ),
    (
        "河道清了淤，鱼又回来了",
        4,
        "河道清淤以后，水慢慢变清了，傍晚常有人在岸边钓鱼。",
    ),
    (
        "垃圾分类从口号变成了习惯",
        4,
        "刚开始垃圾分类时，楼下的志愿者每天早晚守在垃圾桶旁边教大家。",
    ),
    (
        "江边堆场改成了滨江公园",
        4,
        "江边的砂石堆场改成了滨江公园，跑步的人沿着江岸能跑上好几公里。",
    ),
    (
        "小区门口种上了银杏",
        4,
        "小区门口种的银杏长高了，秋天落叶铺满人行道，常有人来拍照。",
    ),
    (
        "防汛墙加高了一米",
        4,
        "防汛墙加高以后，台风天我们不用再连夜往家里搬沙袋了。",
    ),
    (
        "社区卫生站能做心电图了",
        5,
        "卫生站添了心电图机和化验室，很多复查在楼下就能做。",
    ),
    (
        "家庭医生上门随访",
        5,
        "家庭医生每个月上门量一次血压，还把我的用药记在一个小本子上。",
    ),
    (
        "街角药店换成了二十四小时营业",
        5,
        "街角的药店改成了通宵营业，半夜孩子发烧也能买到退烧药。",
    ),
    (
        "街心公园多了一块健身场地",
        5,
        "街心公园装了健身器材，每天早上都有老人在那里压腿、打太极。",
    ),
    (
        "菜市场搬进了新大楼",
        6,
        "菜市场搬进新楼以后，摊位编了号，地面干干净净，卖鱼的也有了排水槽。",
    ),
    (
        "养老食堂开在了楼下",
        6,
        "楼下开了养老食堂，一荤两素加一碗汤，很多独居老人中午都来这里吃。",
    ),
    (
        "居委会搬进了新的服务中心",
        6,
        "新的社区服务中心里有活动室、阅览室，还有帮老人代办事情的窗口。",
    ),
    (
        "楼道里贴满了邻居的便条",
        6,
        "疫情那几年，楼道里贴满了邻居互相帮忙买菜送药的便条。",
    ),
    (
        "夜市从马路边挪进了步行街",
        7,
        "夜市挪进步行街以后，烧烤摊排成了整齐的两排，再也不占机动车道了。",
    ),
    (
        "社区图书馆开到了晚上九点",
        7,
        "社区图书馆延长了开放时间，下班以后还能去借两本书。",
    ),
    (
        "广场舞队有了自己的场地",
        7,
        "广场舞队终于有了自己的场地，音响声音也调小了，邻居们不再抱怨。",
    ),
    (
        "老电影院重新开张",
        7,
        "老电影院翻修后重新开张，第一场放的是我年轻时看过的老片子。",
    ),
];

/// Title shapes around a subject's title (`{s}`) and the place (`{p}`).
const TITLE_FORMS: [&str; 5] = [
    "{s}",
    "{p}：{s}",
    "在{p}，{s}",
    "{s}的这些年",
    "我的{p}，{s}",
];

/// The first sentence; `{then}` is the earlier year, `{p}` the place.
const OPENINGS: [&str; 8] = [
    "{then}年，我住在{p}。",
    "{then}年前后，{p}还是另一副模样。",
    "说起{p}，我总会想起{then}年的样子。",
    "{then}年我刚搬到{p}，对这里一点也不熟。",
    "{then}年的{p}，晚上八点以后街上就没什么人了。",
    "我在{p}生活了很多年，{then}年是我记得最清楚的一年。",
    "{then}年，我每天都要从{p}经过。",
    "我第一次拍{p}，是在{then}年的一个秋天。",
];

/// Sentences about everyday life then and now. A prime count, so that a body walks through
/// them with a fixed stride and never repeats one.
const MIDDLES: [&str; 41] = [
    "那时候路两边都是低矮的平房，一到下雨天，巷子里的积水能没过脚踝。",
    "早上六点多，街上就有人推着三轮车出来卖早点，豆浆和油条的香味飘得很远。",
    "我每天骑一辆旧自行车上下班，车筐里装着饭盒和一把雨伞。",
    "街口有一棵老槐树，夏天的傍晚，大人们在树下下棋，小孩在旁边追着跑。",
    "附近只有一家小卖部，酱油、肥皂和作业本都要到那里去买。",
    "晚上路灯很暗，走夜路时我总是攥着手电筒，走得很快。",
    "后来这一片开始拆迁，围挡一圈一圈地立起来，熟悉的店铺一家接一家关了门。",
    "施工的那几年，灰尘很大，晒在外面的衣服一天下来就变成了灰色。",
    "新楼盖起来以后，很多老邻居搬走了，也有一些人搬了回来。",
    "路面拓宽了，人行道铺上了新砖，还加了盲道。",
    "小区里装了门禁和监控，晚上回家比以前安心了许多。",
    "孩子上学的路从半个小时缩短到了十分钟。",
    "以前看病要排一上午的队，现在在手机上就能预约。",
    "街上的店铺换了好几茬，只有那家面馆一直开着，价格也没涨多少。",
    "我把这些年拍的照片按年份排好，才发现变化其实是一点一点发生的。",
    "楼下多了几排共享单车，年轻人出门基本不用再等公交。",
    "每逢周末，河边总有人放风筝，孩子们的笑声隔着一条街都能听见。",
    "菜价比以前贵了一些，但菜的种类多了很多，冬天也能买到新鲜的蔬菜。",
    "老街坊们建了一个微信群，谁家有事在群里说一声，大家都来帮忙。",
    "社区组织过几次老照片展，很多人在展板前认出了年轻时的自己。",
    "那几年工厂效益不好，不少人下了岗，出去摆摊，日子过得紧巴巴的。",
    "后来附近新开了几家公司，年轻人不用再跑到很远的地方去上班了。",
    "我的父母在这里住了一辈子，他们说这条街比他们年轻时热闹多了。",
    "夏天最怕停电，一停电整栋楼的人都搬着凉席到楼顶去睡。",
    "现在家家都装了空调，楼顶改成了种菜的小花园。",
    "附近修了一座人行天桥，过马路再也不用和汽车抢时间。",
    "周围的绿化多了，春天能听见很多鸟叫，有时还能看见白鹭。",
    "我年轻的时候觉得这里又旧又挤，一心想着搬走。",
    "真的搬走以后，又时常想回来看看，看看那些熟悉的街角。",
    "街道办的工作人员挨家挨户上门征求意见，改造方案改了好几稿。",
    "有的老人舍不得搬，说住惯了，楼道里每一级台阶都认得。",
    "新开的超市里有自助收银机，刚开始我不会用，是收银员一步一步教我的。",
    "晚饭后，我喜欢沿着新修的步道走上一圈，遇到熟人就停下来聊几句。",
    "这几年外地来的年轻人多了，街上的口音也越来越杂。",
    "过年的时候，社区会组织写春联、包饺子，很多人带着孩子来参加。",
    "那时候打电话要到街口的公用电话亭，排队的人常常有好几个。",
    "现在每个人手里都有手机，连我八十岁的母亲都会发语音了。",
    "下雨的时候，新铺的路面不再积水，排水沟也修得整整齐齐。",
    "附近的老茶馆还开着，只是喝茶的人从老头换成了年轻人。",
    "我在本子上记下了每一次变化，想留给以后的孩子们看。",
    "有时候我会站在当年拍照的地方，对着同一个方向再拍一张。",
];

/// The last sentence; `{now}` is the later year.
const CLOSINGS: [&str; 8] = [
    "到了{now}年，这些都成了回忆，但我还是愿意把它们讲给年轻人听。",
    "{now}年再走过这里，我几乎认不出来了。",
    "如今是{now}年，回头看才发现，这些年走了这么远。",
    "{now}年我带着孙女又去了一趟，她说这里真好，我说以前也挺好。",
    "现在是{now}年，日子方便了许多，只是老邻居越来越少了。",
    "{now}年拍下这张照片的时候，我想起了多年前站在同一个地方的自己。",
    "{now}年的这里，比我想象的还要好。",
    "写下这些是在{now}年，希望再过十年，还有人接着讲下去。",
];

const SURNAMES: [&str; 30] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const NAME_FORMS: [&str; 6] = ["老{n}", "{n}阿姨", "{n}师傅", "{n}老师", "小{n}", "{n}大爷"];

const ROLES: [&str; 20] = [
    "退休教师",
    "公交司机",
    "菜场摊主",
    "社区医生",
    "纺织厂退休职工",
    "小学生家长",
    "出租车司机",
    "居委会志愿者",
    "中学生",
    "快递员",
    "早点铺老板",
    "图书馆管理员",
    "环卫工人",
    "护士",
    "建筑工人",
    "外卖骑手",
    "退休工程师",
    "社区网格员",
    "茶馆老板",
    "广场舞领队",
];

const _: () = assert!(is_prime(MIDDLES.len()));
const _: () = assert!(PLACE_STEMS.len() * PLACE_KINDS.len() == 300);
const _: () = assert!(themes_exist());

const fn themes_exist() -> bool {
    let mut i = 0;
    while i < SUBJECTS.len() {
        if SUBJECTS[i].1 >= Theme::ALL.len() {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_prime(n: usize) -> bool {
    let mut d = 2;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    n >= 2
}

/// One batch: rows `$1..=$2` of the series. Each row draws four 63-bit hashes and slices
/// them into independent choices (the fourth, for recordings, came later: the first three
/// still give the same stories as before it). The stories, their themes and their recordings
/// go in with one statement: ids are taken from the identity sequence first, so the themes and
/// recordings can refer to them. A recorded story gets its `voice_consent` and `recording_ms`
/// here, as `recordings_story_summary` would set them (the batch runs with that trigger off,
/// see [`generate`]).
const INSERT_BATCH: &str = r#"
with p as (
    select $3::text[] as places, $4::text[] as titles, $5::int[] as title_themes,
           $6::text[] as details, $7::text[] as title_forms, $8::text[] as openings,
           $9::text[] as middles, $10::text[] as closings, $11::text[] as names,
           $12::text[] as roles, $13::theme[] as themes,
           $16::licence[] as licences, $17::story_status as status
),
h as (
    select g.n,
           hashint8extended(g.n, 101) & 9223372036854775807 as h1,
           hashint8extended(g.n, 102) & 9223372036854775807 as h2,
           hashint8extended(g.n, 103) & 9223372036854775807 as h3,
           hashint8extended(g.n, 104) & 9223372036854775807 as h4
    from generate_series($1::bigint, $2::bigint) as g(n)
),
c as (
    select h.n,
           1 + h.h1 % cardinality(p.places) as place_i,
           2001 + (h.h1 / 1000) % 25 as year_now,
           3 + (h.h1 / 25000) % 13 as span,
           (h.h1 / 325000) % 10 = 0 as approx,
           (h.h1 / 3250000) % 2 = 0 as faces,
           (h.h1 / 6500000) % cardinality(p.licences) as licence_i,
           (h.h1 / 19500000) % 200 = 0 as featured,
           (h.h1 / 3900000000) % 3650 as age_days,
           (h.h1 / 14235000000000) % 72 as review_hours,
           1 + h.h2 % cardinality(p.titles) as subject_i,
           1 + (h.h2 / 1000) % cardinality(p.title_forms) as form_i,
           (h.h2 / 100000) % 3 = 0 as named,
           1 + (h.h2 / 300000) % cardinality(p.names) as name_i,
           1 + (h.h2 / 300000000) % cardinality(p.roles) as role_i,
           1 + (h.h2 / 30000000000) % cardinality(p.openings) as opening_i,
           1 + (h.h2 / 3000000000000) % cardinality(p.closings) as closing_i,
           h.h3 % cardinality(p.middles) as middle_start,
           1 + (h.h3 / 1000) % (cardinality(p.middles) - 1) as middle_stride,
           $14::int + ((h.h3 / 1000000) % ($15::int - $14::int + 1))::int as middle_count,
           (h.h3 / 1000000000) % 3 as extra_themes,
           (h.h3 / 10000000000) % 4 as theme_stride_i,
           h.h4 % $18 = 0 as recorded,
           60000 + (h.h4 / 1000) % 1140000 as recording_ms
    from h, p
),
v as materialized (
    select nextval(pg_get_serial_sequence('stories', 'id')) as id,
           c.*,
           p.places[c.place_i] as place,
           greatest(2000, c.year_now - c.span) as year_then,
           p.title_themes[c.subject_i] as theme0,
           (array[1, 3, 5, 7])[1 + c.theme_stride_i] as theme_stride,
           now() - make_interval(days => 3 + c.age_days::int, secs => (c.n % 86400)::double precision)
               as submitted_at
    from c, p
),
stories_in as (
    insert into stories (
        status, title, body, place, narrator_name, role, year_then, year_then_approx, year_now,
        show_name, faces_consent, licence, submitted_at, updated_at, published_at, featured, id,
        voice_consent, recording_ms
    )
    overriding system value
    select p.status,
           replace(replace(p.title_forms[v.form_i], '{s}', p.titles[v.subject_i]), '{p}', v.place),
           replace(replace(p.openings[v.opening_i], '{then}', v.year_then::text), '{p}', v.place)
               || p.details[v.subject_i]
               || (select string_agg(p.middles[1 + (v.middle_start + j * v.middle_stride) % cardinality(p.middles)], '' order by j)
                   from generate_series(0, v.middle_count - 1) as j)
               || replace(p.closings[v.closing_i], '{now}', v.year_now::text),
           v.place,
           case when v.named then p.names[v.name_i] end,
           p.roles[v.role_i],
           v.year_then, v.approx, v.year_now,
           v.named, v.faces, p.licences[1 + v.licence_i],
           v.submitted_at,
           v.submitted_at + make_interval(hours => 1 + v.review_hours::int),
           v.submitted_at + make_interval(hours => 1 + v.review_hours::int),
           v.featured,
           v.id,
           v.recorded,
           case when v.recorded then v.recording_ms end
    from v, p
    returning 1
),
recordings_in as (
    insert into recordings (
        story_id, position, original_key, sha256, byte_size, container, codec, channels,
        sample_rate, declared_ms, public_key, state, duration_ms, access_bytes, access_sha256,
        peaks, created_at, processed_at
    )
    select v.id, 0, k.original, sha256(convert_to(k.original, 'UTF8')), v.recording_ms * 16,
           $19, $20, 1, 48000, v.recording_ms, k.public, $21, v.recording_ms,
           v.recording_ms * $22 / 8, sha256(convert_to(k.public, 'UTF8')),
           decode(repeat('80', least(1000, v.recording_ms / 100)::int), 'hex'),
           v.submitted_at, v.submitted_at + interval '5 minutes'
    from v
    cross join lateral (
        select translate(rtrim(encode(decode(md5('original ' || v.id), 'hex'), 'base64'), '='), '+/', '-_')
                   as original,
               translate(rtrim(encode(decode(md5('public ' || v.id), 'hex'), 'base64'), '='), '+/', '-_')
                   as public
    ) as k
    where v.recorded
    returning 1
)
insert into story_themes (story_id, theme)
select v.id, p.themes[1 + (v.theme0 + k * v.theme_stride) % cardinality(p.themes)]
from v, p, generate_series(0, v.extra_themes::int) as k
"#;

/// Middle sentences per body: with the opening, the subject's sentence and the closing, bodies
/// come out between 150 and 600 characters.
const MIDDLE_COUNT: (i32, i32) = (4, 16);

/// Loads `stories` synthetic approved stories (with 1–3 themes each, one in
/// [`RECORDED_ONE_IN`] with a recording) in batches of [`BATCH`], then refreshes the planner's
/// statistics. Returns the number of stories inserted.
pub async fn generate(db: &PgPool, stories: u64) -> Result<u64, sqlx::Error> {
    let places: Vec<String> = PLACE_STEMS
        .iter()
        .flat_map(|stem| PLACE_KINDS.iter().map(move |kind| format!("{stem}{kind}")))
        .collect();
    let names: Vec<String> = NAME_FORMS
        .iter()
        .flat_map(|form| SURNAMES.iter().map(move |s| form.replace("{n}", s)))
        .collect();
    let titles: Vec<&str> = SUBJECTS.iter().map(|s| s.0).collect();
    let title_themes: Vec<i32> = SUBJECTS
        .iter()
        .map(|s| column::int(s.1))
        .collect::<Result<_, _>>()?;
    let details: Vec<&str> = SUBJECTS.iter().map(|s| s.2).collect();
    // Continue the row numbers after existing stories, so a second run adds different stories.
    // One connection of our own, without sqlx's slow-statement warning (every batch is slow on
    // purpose, and the warning would print the whole statement).
    let mut conn = db
        .connect_options()
        .as_ref()
        .clone()
        .disable_statement_logging()
        .connect()
        .await?;
    let offset: i64 = sqlx::query_scalar("select count(*) from stories")
        .fetch_one(&mut conn)
        .await?;
    let mut inserted = 0u64;
    while inserted < stories {
        let size = BATCH.min(stories - inserted);
        let started = Instant::now();
        let first = offset + column::bigint(inserted)? + 1;
        let last = first + column::bigint(size)? - 1;
        // The trigger would update every recorded story a second time (a dead row and a new
        // entry in each of its indexes), which the batch already wrote as the trigger would.
        // Off only inside this transaction: no other session ever runs without it.
        let mut tx = conn.begin().await?;
        sqlx::query("alter table recordings disable trigger recordings_story_summary")
            .execute(&mut *tx)
            .await?;
        sqlx::query(INSERT_BATCH)
            .bind(first)
            .bind(last)
            .bind(&places)
            .bind(&titles)
            .bind(&title_themes)
            .bind(&details)
            .bind(&TITLE_FORMS[..])
            .bind(&OPENINGS[..])
            .bind(&MIDDLES[..])
            .bind(&CLOSINGS[..])
            .bind(&names)
            .bind(&ROLES[..])
            .bind(Theme::ALL)
            .bind(MIDDLE_COUNT.0)
            .bind(MIDDLE_COUNT.1)
            .bind(Licence::ALL)
            .bind(StoryStatus::Approved)
            .bind(RECORDED_ONE_IN)
            .bind(Container::Mp4.name())
            .bind(Codec::Aac.name())
            .bind(RecordingState::Ready)
            .bind(i64::from(ACCESS_BITRATE_KBPS))
            .execute(&mut *tx)
            .await?;
        sqlx::query("alter table recordings enable trigger recordings_story_summary")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        inserted += size;
        tracing::info!(
            "generated {inserted} / {stories} stories ({size} in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    // The themes were inserted by the statement that inserted their stories, so the copies
    // the related-stories index needs (see the migration) could not be made by the trigger.
    sqlx::query(
        "update story_themes t set approved = true, year_now = s.year_now, year_then = s.year_then
         from stories s where s.id = t.story_id and story_is_public(s.status) and not t.approved",
    )
    .execute(&mut conn)
    .await?;
    sqlx::query("analyze stories, story_themes, recordings")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(inserted)
}
