//! One whole fixity pass: every photo's and recording's original, by id, in pages.

use super::error::FixityError;
use super::pass::{self, Outcome, Throttle};
use super::store::{self, Original, Totals};
use crate::media::store::MediaStore;
use app::domain::{FixityProblem, FixityProblemKind, FixityTrigger, MediaObjectKind};
use sqlx::PgPool;

const PAGE: i64 = 200;
/// The counts are saved this often, so admins see a long pass advance.
const SAVE_EVERY: i64 = 500;
/// Problems a report lists (the run's rows hold them all).
pub const LISTED: usize = 1000;

/// What a pass found.
#[derive(Debug, Clone)]
pub struct Report {
    pub run: i64,
    pub totals: Totals,
    /// The first `LISTED` problems.
    pub problems: Vec<FixityProblem>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.totals.missing == 0 && self.totals.changed == 0
    }
}

/// Checks every original, reading at most `bytes_per_sec` (0: no limit), and records the run.
pub async fn run_pass(
    db: &PgPool,
    media: &MediaStore,
    trigger: FixityTrigger,
    bytes_per_sec: u64,
) -> Result<Report, FixityError> {
    let run = store::start_run(db, trigger).await?;
    let mut report = Report {
        run,
        totals: Totals::default(),
        problems: Vec::new(),
    };
    let mut throttle = Throttle::new(bytes_per_sec);
    for object in MediaObjectKind::ALL.iter().copied() {
        let mut after = 0;
        loop {
            let page = store::originals_after(db, object, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for original in &page {
                check_one(db, media, original, &mut throttle, &mut report).await?;
                if report.totals.files % SAVE_EVERY == 0 {
                    store::save_totals(db, run, report.totals, false).await?;
                }
            }
        }
    }
    store::save_totals(db, run, report.totals, true).await?;
    Ok(report)
}

async fn check_one(
    db: &PgPool,
    media: &MediaStore,
    original: &Original,
    throttle: &mut Throttle,
    report: &mut Report,
) -> Result<(), FixityError> {
    let before = throttle.bytes();
    let outcome = pass::check(media, &original.key, &original.sha256, throttle).await?;
    let (kind, found) = match outcome {
        Outcome::Intact => (None, None),
        Outcome::Missing => (Some(FixityProblemKind::Missing), None),
        Outcome::Changed { found } => (Some(FixityProblemKind::Changed), Some(found)),
    };
    // A row removed while the pass ran takes its file with it: not a problem.
    if kind.is_some() && !store::still_kept(db, original).await? {
        return Ok(());
    }
    let totals = &mut report.totals;
    totals.files += 1;
    totals.bytes += i64::try_from(throttle.bytes() - before).unwrap_or(i64::MAX);
    let Some(kind) = kind else { return Ok(()) };
    match kind {
        FixityProblemKind::Missing => totals.missing += 1,
        FixityProblemKind::Changed => totals.changed += 1,
    }
    tracing::warn!(
        object = %original.object,
        id = original.id,
        story = %original.story,
        key = %original.key,
        problem = %kind,
        "fixity: original {kind}"
    );
    store::record_problem(db, report.run, original, kind, found.as_deref()).await?;
    if report.problems.len() < LISTED {
        report.problems.push(FixityProblem {
            kind,
            object: original.object,
            object_id: original.id,
            story: original.story.0,
            original_key: original.key.clone(),
        });
    }
    Ok(())
}
