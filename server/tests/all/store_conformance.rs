//! One conformance suite for every `Store` implementation: each check runs on SQLite and on PostgreSQL, each
//! on a fresh database, and both must behave the same.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{BACKENDS, Backend, TestDb};
use chrono::NaiveDate;
use homeplay_core::assignment::{Assignment, SlotTime, Status, Target};
use homeplay_core::clinic::{Clinic, ClinicSettings, Role, Therapist};
use homeplay_core::exercise::Dosage;
use homeplay_core::family::{Child, Family};
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::*;
use homeplay_core::log::{CompletionLog, NotDoneReason, Occurrence, Outcome, Recorder};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::Change;
use homeplay_core::text::Name;
use homeplay_core::time::{TimeZoneName, Weekdays};
use homeplay_server::store::RateAttempt::{Counted, Refused};
use homeplay_server::store::{self, DynStore, FeedEntry, LogWrite, Redeemed, SessionRecord};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

struct Fixture {
    store: DynStore,
    clinic: ClinicId,
    family: FamilyId,
    child: ChildId,
    assignment: AssignmentId,
    exercise: ExerciseId,
    therapist: TherapistId,
    _db: TestDb,
}

async fn fixture(backend: Backend) -> Fixture {
    let db = TestDb::new(backend);
    let store = store::open(&db.url).await.unwrap();
    let clinic = Clinic {
        id: ClinicId::new_v7(),
        name: Name::new("Riverside").unwrap(),
        time_zone: TimeZoneName::new("Europe/London").unwrap(),
    };
    store.insert_clinic(&clinic, 1).await.unwrap();
    let therapist = Therapist {
        id: TherapistId::new_v7(),
        clinic_id: clinic.id,
        name: Name::new("Maya").unwrap(),
        email: "maya@example.org".into(),
        discipline: Discipline::Ot,
        role: Role::Admin,
    };
    store.insert_therapist(&therapist, "hash", 1).await.unwrap();
    let family = Family { id: FamilyId::new_v7(), clinic_id: clinic.id, label: Name::new("Leo's family").unwrap() };
    store.insert_family(&family, 1).await.unwrap();
    let child = Child {
        id: ChildId::new_v7(),
        family_id: family.id,
        display_name: Name::new("Leo").unwrap(),
        time_zone: TimeZoneName::new("Europe/London").unwrap(),
        age_years: Some(5),
        discharged_on: None,
    };
    store.put_child(clinic.id, &child, 1).await.unwrap();
    let exercise = ExerciseId::builtin("bear-walk");
    let assignment = Assignment {
        id: AssignmentId::new_v7(),
        child_id: child.id,
        target: Target::Exercise { exercise_id: exercise },
        assigned_by: therapist.id,
        start_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        assigned_on: None,
        end_date: None,
        days: Weekdays::EVERY_DAY,
        slots: vec![SlotTime::Anytime],
        dosage: Dosage::default(),
        note_for_family: None,
        status: Status::Active,
        pauses: vec![],
        goal_ids: vec![],
    };
    store.put_assignment(clinic.id, family.id, &assignment, therapist.id, "create", &[], 1).await.unwrap();
    Fixture {
        store,
        clinic: clinic.id,
        family: family.id,
        child: child.id,
        assignment: assignment.id,
        exercise,
        therapist: therapist.id,
        _db: db,
    }
}

fn log(f: &Fixture, day: u32, wall: u64) -> CompletionLog {
    CompletionLog {
        id: LogId::new_v7(),
        child_id: f.child,
        assignment_id: f.assignment,
        exercise_id: f.exercise,
        occurrence: Occurrence { date: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(), slot: 0 },
        outcome: Outcome::Done,
        actual_reps: None,
        actual_seconds: None,
        difficulty: None,
        mood: None,
        pain: false,
        pain_score: None,
        note: None,
        recorded_by: Recorder::KidMode,
        device_id: DeviceId::new_v7(),
        hlc: Hlc::new(wall, 0),
        undone: false,
    }
}

/// Every log in the family's feed, by id, as pulled page by page.
async fn pulled_logs(store: &DynStore, family: FamilyId) -> BTreeMap<LogId, CompletionLog> {
    let mut after = 0;
    let mut out = BTreeMap::new();
    loop {
        let page = store.pull(family, after, 7).await.unwrap();
        if page.is_empty() {
            return out;
        }
        for item in &page {
            assert!(item.seq > after, "feed sequence numbers must increase");
            after = item.seq;
            if let Change::Log(l) = serde_json::from_str::<Change>(&item.change_json).unwrap() {
                out.insert(l.id, l);
            }
        }
    }
}

#[tokio::test]
async fn push_is_idempotent_and_merges_by_clock() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let a = log(&f, 2, 1_000);
        let b = log(&f, 3, 1_000);
        let writes = f.store.push_logs(f.family, f.clinic, &[a.clone(), b.clone()], 5).await.unwrap();
        assert_eq!(writes, [LogWrite::Stored, LogWrite::Stored], "{backend:?}");
        // The same batch again stores nothing new.
        let writes = f.store.push_logs(f.family, f.clinic, &[a.clone(), b.clone()], 6).await.unwrap();
        assert_eq!(writes, [LogWrite::AlreadyCurrent, LogWrite::AlreadyCurrent], "{backend:?}");

        // A later edit wins; an older one arriving after it changes nothing.
        let mut newer = a.clone();
        newer.outcome = Outcome::NotDone { reason: NotDoneReason::Sick };
        newer.hlc = Hlc::new(2_000, 0);
        let mut older = a.clone();
        older.outcome = Outcome::Partly;
        older.hlc = Hlc::new(1_500, 0);
        f.store.push_logs(f.family, f.clinic, &[newer.clone()], 7).await.unwrap();
        let writes = f.store.push_logs(f.family, f.clinic, &[older], 8).await.unwrap();
        assert_eq!(writes, [LogWrite::AlreadyCurrent], "{backend:?}");
        let stored = pulled_logs(&f.store, f.family).await;
        assert_eq!(stored.len(), 2, "{backend:?}");
        assert_eq!(stored[&a.id], newer, "{backend:?}");

        // A version that moves the log elsewhere is refused.
        let mut moved = newer.clone();
        moved.occurrence.date = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        moved.hlc = Hlc::new(3_000, 0);
        let writes = f.store.push_logs(f.family, f.clinic, &[moved], 9).await.unwrap();
        assert_eq!(writes, [LogWrite::ImmutableFieldChanged("occurrence")], "{backend:?}");

        let from_db = f.store.logs_of_child(f.clinic, f.child, "2026-03-01", "2026-03-31").await.unwrap();
        assert_eq!(from_db.len(), 2, "{backend:?}");
        assert!(from_db.contains(&newer), "{backend:?}");
    }
}

#[tokio::test]
async fn another_familys_log_id_is_never_overwritten() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let other = Family { id: FamilyId::new_v7(), clinic_id: f.clinic, label: Name::new("Other").unwrap() };
        f.store.insert_family(&other, 1).await.unwrap();
        let mine = log(&f, 2, 1_000);
        f.store.push_logs(f.family, f.clinic, std::slice::from_ref(&mine), 2).await.unwrap();
        let mut forged = mine.clone();
        forged.hlc = Hlc::new(9_000, 0);
        forged.outcome = Outcome::NotDone { reason: NotDoneReason::Refused };
        let writes = f.store.push_logs(other.id, f.clinic, &[forged], 3).await.unwrap();
        assert_eq!(writes, [LogWrite::ImmutableFieldChanged("id")], "{backend:?}");
        assert_eq!(pulled_logs(&f.store, f.family).await[&mine.id], mine, "{backend:?}");
        assert!(pulled_logs(&f.store, other.id).await.is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn feed_holds_each_record_once_at_its_latest_change() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let first = f.store.pull(f.family, 0, 100).await.unwrap();
        let kinds: Vec<String> = first
            .iter()
            .map(|i| {
                serde_json::from_str::<serde_json::Value>(&i.change_json).unwrap()["type"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(kinds, ["family", "child", "assignment"], "{backend:?}");
        let cursor = first.last().unwrap().seq;
        assert!(f.store.pull(f.family, cursor, 100).await.unwrap().is_empty(), "{backend:?}");

        // Editing the child moves its one feed row after the cursor.
        let mut child = f.store.child(f.clinic, f.child).await.unwrap().unwrap();
        child.display_name = Name::new("Leo B").unwrap();
        f.store.put_child(f.clinic, &child, 2).await.unwrap();
        let next = f.store.pull(f.family, cursor, 100).await.unwrap();
        assert_eq!(next.len(), 1, "{backend:?}");
        assert!(next[0].change_json.contains("Leo B"), "{backend:?}");
        assert_eq!(f.store.pull(f.family, 0, 100).await.unwrap().len(), 3, "{backend:?}");
    }
}

#[tokio::test]
async fn tenancy_is_enforced_in_every_read() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let other = ClinicId::new_v7();
        assert!(f.store.child(other, f.child).await.unwrap().is_none(), "{backend:?}");
        assert!(f.store.family(other, f.family).await.unwrap().is_none(), "{backend:?}");
        assert!(f.store.assignment(other, f.assignment).await.unwrap().is_none(), "{backend:?}");
        assert!(f.store.children_of_clinic(other).await.unwrap().is_empty(), "{backend:?}");
        assert!(f.store.assignments_of_child(other, f.child).await.unwrap().is_empty(), "{backend:?}");
        assert!(f.store.logs_of_child(other, f.child, "2000-01-01", "2100-01-01").await.unwrap().is_empty());
        assert!(f.store.devices_of_family(other, f.family).await.unwrap().is_empty(), "{backend:?}");
        // A child cannot be written into another clinic's family.
        let mut child = f.store.child(f.clinic, f.child).await.unwrap().unwrap();
        child.id = ChildId::new_v7();
        assert!(f.store.put_child(other, &child, 3).await.is_err(), "{backend:?}");
        assert!(!f.store.revoke_device(other, DeviceId::new_v7(), 3).await.unwrap(), "{backend:?}");
        assert!(f.store.assignment_history(other, f.assignment).await.unwrap().is_empty(), "{backend:?}");
        assert_eq!(f.store.assignment_history(f.clinic, f.assignment).await.unwrap().len(), 1, "{backend:?}");
    }
}

#[tokio::test]
async fn pairing_codes_work_once_and_expire() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        f.store.insert_pairing_code("code-a", f.clinic, f.family, f.therapist, 100, 1_000).await.unwrap();
        let dev = DeviceId::new_v7();
        let got = f.store.redeem_pairing_code("code-a", dev, "Kitchen laptop", "token-a", 500).await.unwrap();
        assert_eq!(got, Redeemed::Paired { family_id: f.family, clinic_id: f.clinic }, "{backend:?}");
        let again = f.store.redeem_pairing_code("code-a", DeviceId::new_v7(), "Other", "token-b", 600).await.unwrap();
        assert_eq!(again, Redeemed::AlreadyUsed, "{backend:?}");
        f.store.insert_pairing_code("code-b", f.clinic, f.family, f.therapist, 100, 1_000).await.unwrap();
        let late = f.store.redeem_pairing_code("code-b", DeviceId::new_v7(), "Late", "token-c", 1_000).await.unwrap();
        assert_eq!(late, Redeemed::Expired, "{backend:?}");
        let unknown = f.store.redeem_pairing_code("nope", DeviceId::new_v7(), "X", "token-d", 1).await.unwrap();
        assert_eq!(unknown, Redeemed::Unknown, "{backend:?}");

        let device = f.store.device_by_token("token-a").await.unwrap().unwrap();
        assert_eq!((device.device.id, device.clinic_id), (dev, f.clinic), "{backend:?}");
        assert!(f.store.device_by_token("token-b").await.unwrap().is_none(), "{backend:?}");
        assert!(f.store.revoke_device(f.clinic, dev, 700).await.unwrap(), "{backend:?}");
        assert!(f.store.device_by_token("token-a").await.unwrap().unwrap().device.is_revoked(), "{backend:?}");
        assert!(!f.store.revoke_device(f.clinic, dev, 800).await.unwrap(), "revoking twice is not news");
    }
}

#[tokio::test]
async fn a_live_pairing_code_is_found_only_in_its_clinic_until_used_or_expired() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        f.store.insert_pairing_code("code-a", f.clinic, f.family, f.therapist, 100, 1_000).await.unwrap();
        assert_eq!(f.store.live_pairing_code("code-a", f.clinic, 500).await.unwrap(), Some((f.family, 1_000)));
        assert_eq!(f.store.live_pairing_code("code-a", ClinicId::new_v7(), 500).await.unwrap(), None, "{backend:?}");
        assert_eq!(f.store.live_pairing_code("code-a", f.clinic, 1_000).await.unwrap(), None, "{backend:?}: expired");
        assert_eq!(f.store.live_pairing_code("nope", f.clinic, 500).await.unwrap(), None);
        f.store.redeem_pairing_code("code-a", DeviceId::new_v7(), "Phone", "token-a", 600).await.unwrap();
        assert_eq!(f.store.live_pairing_code("code-a", f.clinic, 700).await.unwrap(), None, "{backend:?}: used");
    }
}

#[tokio::test]
async fn an_invitation_sets_the_password_once_until_it_expires_or_is_replaced() {
    use homeplay_server::store::InvitationState::{Expired, Live, Unknown, Used};
    for backend in BACKENDS {
        let f = fixture(backend).await;
        f.store.set_must_change_password(f.therapist, true).await.unwrap();
        let s = SessionRecord { therapist_id: f.therapist, csrf_token: "csrf".into(), created_ms: 1, last_seen_ms: 1 };
        f.store.insert_session("h1", &s).await.unwrap();
        f.store.insert_invitation("inv-a", f.therapist, f.clinic, 100, 1_000).await.unwrap();
        let live = Live { therapist_id: f.therapist, clinic_id: f.clinic };
        assert_eq!(f.store.invitation("inv-a", 500).await.unwrap(), live, "{backend:?}");
        assert_eq!(f.store.invitation("inv-a", 1_000).await.unwrap(), Expired, "{backend:?}");
        assert!(!f.store.accept_invitation("inv-a", "new-hash", 1_000).await.unwrap(), "{backend:?}: expired");
        assert_eq!(f.store.invitation("nope", 500).await.unwrap(), Unknown);

        // A newer invitation replaces the unused one.
        f.store.insert_invitation("inv-b", f.therapist, f.clinic, 200, 2_000).await.unwrap();
        assert_eq!(f.store.invitation("inv-a", 500).await.unwrap(), Unknown, "{backend:?}: replaced");
        assert!(f.store.accept_invitation("inv-b", "new-hash", 600).await.unwrap(), "{backend:?}");
        assert!(!f.store.accept_invitation("inv-b", "other-hash", 700).await.unwrap(), "{backend:?}: once");
        assert_eq!(f.store.invitation("inv-b", 700).await.unwrap(), Used, "{backend:?}");
        let record = f.store.therapist(f.therapist).await.unwrap().unwrap();
        assert_eq!(record.password_hash, "new-hash", "{backend:?}");
        assert!(!record.account.must_change_password, "{backend:?}");
        assert!(f.store.session("h1").await.unwrap().is_none(), "{backend:?}: the account's sessions end");
        // A used invitation stays used when a new one is made.
        f.store.insert_invitation("inv-c", f.therapist, f.clinic, 800, 2_000).await.unwrap();
        assert_eq!(f.store.invitation("inv-b", 900).await.unwrap(), Used, "{backend:?}");
    }
}

#[tokio::test]
async fn sessions_and_rate_limits() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let s = SessionRecord { therapist_id: f.therapist, csrf_token: "csrf".into(), created_ms: 1, last_seen_ms: 1 };
        f.store.insert_session("h1", &s).await.unwrap();
        f.store.touch_session("h1", 50).await.unwrap();
        assert_eq!(f.store.session("h1").await.unwrap().unwrap().last_seen_ms, 50, "{backend:?}");
        f.store.delete_sessions_of(f.therapist).await.unwrap();
        assert!(f.store.session("h1").await.unwrap().is_none(), "{backend:?}");

        // A sliding window of 1 000 ms holding at most 2 attempts.
        let attempt = |now| f.store.rate_attempt("login:x", 2, 1_000, now);
        let Counted(first) = attempt(100).await.unwrap() else { panic!("{backend:?}: the first attempt counts") };
        assert!(matches!(attempt(600).await.unwrap(), Counted(_)), "{backend:?}");
        // Full: refused, not counted, and told the truth: room again when the first leaves the window.
        assert_eq!(attempt(700).await.unwrap(), Refused { retry_after_ms: 400 }, "{backend:?}");
        assert_eq!(attempt(1_099).await.unwrap(), Refused { retry_after_ms: 1 }, "{backend:?}");
        assert!(matches!(attempt(1_100).await.unwrap(), Counted(_)), "{backend:?}: the window slid past the first");
        // A success uncounts its attempt; a reset clears the key.
        assert!(matches!(attempt(1_200).await.unwrap(), Refused { .. }), "{backend:?}");
        f.store.rate_forget(first).await.unwrap();
        f.store.rate_reset("login:x").await.unwrap();
        assert!(matches!(attempt(1_200).await.unwrap(), Counted(_)), "{backend:?}: reset");
        // Keys are apart.
        assert!(matches!(f.store.rate_attempt("login:y", 2, 1_000, 1_200).await.unwrap(), Counted(_)));
    }
}

/// Finding 2 of the security review: rate-limit rows were never purged, so every new key (a 1 MiB email, once)
/// stayed in the database for good. Attempts older than the window go, whatever their key.
#[tokio::test]
async fn rate_limit_rows_are_purged_once_out_of_the_window() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        for i in 0..50 {
            f.store.rate_attempt(&format!("key-{i}"), 5, 1_000, 10 + i).await.unwrap();
        }
        let rows = |db: &TestDb| {
            let url = db.url.clone();
            async move {
                if url.starts_with("postgres") {
                    let pool = sqlx::PgPool::connect(&url).await.unwrap();
                    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rate_events").fetch_one(&pool).await.unwrap()
                } else {
                    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rate_events").fetch_one(&pool).await.unwrap()
                }
            }
        };
        assert_eq!(rows(&f._db).await, 50, "{backend:?}");
        // Long after: one new attempt, and the old ones are gone.
        f.store.rate_attempt("later", 5, 1_000, 5_000).await.unwrap();
        assert_eq!(rows(&f._db).await, 1, "{backend:?}: expired attempts purged");
    }
}

/// Pulls racing with many concurrent pushes never skip a change: whatever a puller's cursor has passed,
/// it has seen. (The classic failure: a sequence number taken by a transaction that commits after a later
/// one, so a reader that already moved past it never sees it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_pushes_and_pulls_never_skip() {
    for backend in BACKENDS {
        let f = Arc::new(fixture(backend).await);
        let writers = 6;
        let batches = 12;
        let mut tasks = Vec::new();
        for w in 0..writers {
            let f = f.clone();
            tasks.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                for b in 0..batches {
                    let logs: Vec<CompletionLog> =
                        (0..5).map(|i| log(&f, 1 + ((w * 7 + b + i) % 28) as u32, 1_000 + b as u64)).collect();
                    ids.extend(logs.iter().map(|l| l.id));
                    f.store.push_logs(f.family, f.clinic, &logs, 10).await.unwrap();
                }
                ids
            }));
        }
        // A puller that follows the feed while the writers run, remembering what it saw.
        let puller = {
            let f = f.clone();
            tokio::spawn(async move {
                let mut seen = HashSet::new();
                let mut after = 0;
                for _ in 0..400 {
                    for item in f.store.pull(f.family, after, 13).await.unwrap() {
                        after = item.seq;
                        if let Change::Log(l) = serde_json::from_str::<Change>(&item.change_json).unwrap() {
                            seen.insert(l.id);
                        }
                    }
                    tokio::task::yield_now().await;
                }
                (seen, after)
            })
        };
        let mut pushed = HashSet::new();
        for t in tasks {
            pushed.extend(t.await.unwrap());
        }
        let (mut seen, mut after) = puller.await.unwrap();
        // Catch up: from its own cursor, the puller must now see everything it has not yet seen.
        loop {
            let page = f.store.pull(f.family, after, 50).await.unwrap();
            if page.is_empty() {
                break;
            }
            for item in page {
                after = item.seq;
                if let Change::Log(l) = serde_json::from_str::<Change>(&item.change_json).unwrap() {
                    seen.insert(l.id);
                }
            }
        }
        assert_eq!(pushed.len(), writers * batches * 5, "{backend:?}");
        let missed: Vec<_> = pushed.difference(&seen).collect();
        assert!(missed.is_empty(), "{backend:?}: the puller skipped {} logs", missed.len());
    }
}

#[tokio::test]
async fn media_and_feed_entries() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let sha = "a".repeat(64);
        f.store.put_media(f.clinic, &sha, "image/png", b"png-bytes", 1).await.unwrap();
        f.store.put_media(f.clinic, &sha, "image/png", b"png-bytes", 2).await.unwrap();
        assert_eq!(f.store.media(f.clinic, &sha).await.unwrap().unwrap().data, b"png-bytes", "{backend:?}");
        assert!(f.store.media(ClinicId::new_v7(), &sha).await.unwrap().is_none(), "{backend:?}");
        let media = homeplay_core::media::MediaRef::new(&format!("sha256:{sha}")).unwrap();
        assert!(!f.store.family_has_media(f.family, media.as_str()).await.unwrap());
        let entry = FeedEntry::new(Change::Media(homeplay_core::sync::MediaInfo {
            media: media.clone(),
            content_type: "image/png".into(),
            bytes: 9,
        }));
        f.store.put_feed(f.family, &[entry]).await.unwrap();
        assert!(f.store.family_has_media(f.family, media.as_str()).await.unwrap(), "{backend:?}");
    }
}

/// A therapist's message in the fixture child's thread.
fn clinic_message(f: &Fixture) -> homeplay_core::message::Message {
    homeplay_core::message::Message {
        id: MessageId::new_v7(),
        child_id: f.child,
        side: homeplay_core::message::Side::Clinic,
        from: Name::new("Maya (OT)").unwrap(),
        therapist_id: Some(f.therapist),
        device_id: None,
        text: Some(homeplay_core::text::MessageText::new("Great week!").unwrap()),
        sticker: None,
        sent_at: chrono::DateTime::from_timestamp_millis(1_900_000_000_000).unwrap(),
    }
}

/// The family's answer ("good") to the week of 9 March about `goal`.
fn check_in(f: &Fixture, goal: GoalId) -> homeplay_core::goal::GoalCheckIn {
    homeplay_core::goal::GoalCheckIn {
        id: GoalCheckInId::new_v7(),
        goal_id: goal,
        child_id: f.child,
        week: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        face: homeplay_core::goal::CheckInFace::Good,
        note: None,
        answered_by: Name::new("Mum").unwrap(),
        device_id: DeviceId::new_v7(),
        hlc: Hlc::new(2_000, 0),
        undone: false,
    }
}

fn goal(f: &Fixture) -> homeplay_core::goal::Goal {
    use homeplay_core::goal::{GasScale, Goal, GoalStatus};
    use homeplay_core::skill::SkillArea;
    use homeplay_core::text::{Note, Title};
    let note = |s: &str| Note::new(s).unwrap();
    Goal {
        id: GoalId::new_v7(),
        child_id: f.child,
        text: Title::new("Puts on socks by himself").unwrap(),
        discipline: Discipline::Ot,
        areas: vec![SkillArea::SelfCare],
        baseline: note("Needs hand-over-hand help"),
        scale: GasScale {
            much_less: note("Needs hand-over-hand help"),
            less: note("Pulls socks up once started"),
            expected: note("Puts on socks with one prompt"),
            more: note("Puts on socks alone"),
            much_more: note("Puts on socks and shoes alone"),
        },
        start_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        target_date: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        status: GoalStatus::Active,
        replaced_by: None,
        set_by: f.therapist,
        version: 1,
        updated_at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
    }
}

#[tokio::test]
async fn goals_keep_every_version_and_refuse_a_stale_one() {
    use homeplay_core::goal::{GasScore, GoalReview};
    use homeplay_server::store::StoreError;
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let v1 = goal(&f);
        f.store.put_goal(f.clinic, &v1, f.therapist, 10).await.unwrap();
        let mut v2 = v1.next_version(v1.updated_at).unwrap();
        v2.areas.push(homeplay_core::skill::SkillArea::FineMotor);
        f.store.put_goal(f.clinic, &v2, f.therapist, 20).await.unwrap();
        // Two therapists editing the same version: the second write is refused, not lost silently.
        for stale in [&v1, &v2] {
            let e = f.store.put_goal(f.clinic, stale, f.therapist, 30).await.unwrap_err();
            assert!(matches!(e, StoreError::Conflict(_)), "{backend:?}: {e}");
        }
        let versions = f.store.goal_versions(f.clinic, v1.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.goal.clone()).collect::<Vec<_>>(), [v1.clone(), v2.clone()]);
        assert_eq!(f.store.goal(f.clinic, v1.id).await.unwrap(), Some(v2.clone()), "{backend:?}");
        assert_eq!(f.store.goals_of_child(f.clinic, f.child).await.unwrap(), [v2.clone()]);

        // Another clinic finds nothing, and cannot review or rewrite the goal.
        let elsewhere = ClinicId::new_v7();
        assert_eq!(f.store.goal(elsewhere, v1.id).await.unwrap(), None);
        assert!(f.store.goal_versions(elsewhere, v1.id).await.unwrap().is_empty());
        let review = GoalReview {
            id: GoalReviewId::new_v7(),
            goal_id: v1.id,
            child_id: f.child,
            date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            score: GasScore::new(-1).unwrap(),
            note: None,
            therapist_id: f.therapist,
            created_at: chrono::DateTime::from_timestamp(1_790_000_100, 0).unwrap(),
        };
        let e = f.store.insert_goal_review(elsewhere, &review, 40).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{backend:?}: {e}");
        let mut wrong_child = review.clone();
        wrong_child.id = GoalReviewId::new_v7();
        wrong_child.child_id = ChildId::new_v7();
        assert!(f.store.insert_goal_review(f.clinic, &wrong_child, 40).await.is_err(), "{backend:?}");
        f.store.insert_goal_review(f.clinic, &review, 40).await.unwrap();
        assert_eq!(f.store.reviews_of_child(f.clinic, f.child).await.unwrap(), [review], "{backend:?}");
        assert!(f.store.reviews_of_child(elsewhere, f.child).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_care_team_holds_only_the_clinics_therapists() {
    use homeplay_core::care_team::{CareTeam, CareTeamMember, OutsideTeamPolicy, TeamRole};
    use homeplay_server::store::StoreError;
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let lead = CareTeamMember { therapist_id: f.therapist, discipline: Discipline::Ot, role: TeamRole::Lead };
        let team = CareTeam { child_id: f.child, members: vec![lead] };
        f.store.put_care_team(f.clinic, &team, 5).await.unwrap();
        let read = f.store.child_with_team(f.clinic, f.child).await.unwrap().unwrap();
        assert_eq!((read.team, read.policy), (team.clone(), OutsideTeamPolicy::TeamOnly), "{backend:?}");
        assert!(f.store.child_with_team(ClinicId::new_v7(), f.child).await.unwrap().is_none());

        // A stranger's id is refused and the team is left as it was.
        let stranger =
            CareTeamMember { therapist_id: TherapistId::new_v7(), discipline: Discipline::Pt, role: TeamRole::Member };
        let bad = CareTeam { child_id: f.child, members: vec![lead, stranger] };
        let e = f.store.put_care_team(f.clinic, &bad, 6).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound("therapist")), "{backend:?}: {e}");
        assert_eq!(f.store.care_teams_of_clinic(f.clinic).await.unwrap(), [team], "{backend:?}");
        let e = f.store.put_care_team(ClinicId::new_v7(), &bad, 6).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound("child")), "{backend:?}: {e}");

        f.store.set_outside_team_policy(f.clinic, OutsideTeamPolicy::ClinicWide).await.unwrap();
        assert_eq!(f.store.outside_team_policy(f.clinic).await.unwrap(), OutsideTeamPolicy::ClinicWide);
    }
}

/// A routine made for one child keeps its child through later writes; a template has none; another clinic
/// sees neither.
#[tokio::test]
async fn a_childs_routine_keeps_its_child() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let routine = |title: &str| homeplay_core::routine::Routine {
            id: homeplay_core::ids::RoutineId::new_v7(),
            clinic_id: f.clinic,
            title: homeplay_core::text::Title::new(title).unwrap(),
            kid_title: homeplay_core::text::KidText::new("Go!").unwrap(),
            items: vec![f.exercise],
            then_reward: None,
        };
        let leos = routine("Leo's bears");
        let template = routine("Bears");
        f.store.put_child_routine(f.clinic, &leos, f.child, 1).await.unwrap();
        f.store.put_routine(f.clinic, &template, 1).await.unwrap();
        let changed = homeplay_core::routine::Routine {
            title: homeplay_core::text::Title::new("Leo's bear walk").unwrap(),
            ..leos.clone()
        };
        f.store.put_routine(f.clinic, &changed, 2).await.unwrap();
        let owners = f.store.routine_owners(f.clinic).await.unwrap();
        assert_eq!(owners.into_iter().collect::<Vec<_>>(), vec![(leos.id, f.child)], "{backend:?}");
        assert_eq!(f.store.routine(f.clinic, leos.id).await.unwrap(), Some(changed), "{backend:?}");
        assert!(f.store.routine_owners(ClinicId::new_v7()).await.unwrap().is_empty(), "{backend:?}");
        // The same id cannot be taken again, for this clinic or another.
        assert!(f.store.put_child_routine(ClinicId::new_v7(), &leos, f.child, 3).await.is_err(), "{backend:?}");
    }
}

#[tokio::test]
async fn a_record_number_is_unique_in_its_clinic_and_stays_off_the_feed() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let leo = f.store.child(f.clinic, f.child).await.unwrap().unwrap();
        assert_eq!(f.store.child_record_number(f.clinic, f.child).await.unwrap(), None, "{backend:?}");
        let cursor = f.store.pull(f.family, 0, 100).await.unwrap().last().unwrap().seq;
        f.store.put_child_with_record_number(f.clinic, &leo, Some("MRN-0042"), 2).await.unwrap();
        assert_eq!(f.store.child_record_number(f.clinic, f.child).await.unwrap().as_deref(), Some("MRN-0042"));
        assert_eq!(f.store.child_by_record_number(f.clinic, "MRN-0042").await.unwrap(), Some(f.child));
        assert_eq!(f.store.child_by_record_number(f.clinic, "MRN-0043").await.unwrap(), None, "{backend:?}");
        // Another clinic reads nothing.
        assert_eq!(f.store.child_by_record_number(ClinicId::new_v7(), "MRN-0042").await.unwrap(), None);
        assert_eq!(f.store.child_record_number(ClinicId::new_v7(), f.child).await.unwrap(), None, "{backend:?}");
        // The family's devices see the child again, never the number.
        let feed = f.store.pull(f.family, cursor, 100).await.unwrap();
        assert!(!feed.is_empty() && feed.iter().all(|i| !i.change_json.contains("MRN-0042")), "{backend:?}");

        // A sibling with the same number: a conflict, and nothing written.
        let sam = Child { id: ChildId::new_v7(), display_name: Name::new("Sam").unwrap(), ..leo.clone() };
        let dup = f.store.put_child_with_record_number(f.clinic, &sam, Some("MRN-0042"), 3).await;
        assert!(matches!(dup, Err(store::StoreError::Conflict(_))), "{backend:?}: {dup:?}");
        assert!(f.store.child(f.clinic, sam.id).await.unwrap().is_none(), "{backend:?}");
        // Without numbers, or with another, children do not collide.
        f.store.put_child_with_record_number(f.clinic, &sam, None, 3).await.unwrap();
        let zoe = Child { id: ChildId::new_v7(), display_name: Name::new("Zoe").unwrap(), ..leo.clone() };
        f.store.put_child_with_record_number(f.clinic, &zoe, None, 3).await.unwrap();
        f.store.put_child_with_record_number(f.clinic, &zoe, Some("MRN-0043"), 4).await.unwrap();
        // A plain put keeps the number; clearing it frees it for another child.
        f.store.put_child(f.clinic, &leo, 5).await.unwrap();
        assert_eq!(f.store.child_record_number(f.clinic, f.child).await.unwrap().as_deref(), Some("MRN-0042"));
        f.store.put_child_with_record_number(f.clinic, &leo, None, 6).await.unwrap();
        assert_eq!(f.store.child_record_number(f.clinic, f.child).await.unwrap(), None, "{backend:?}");
        f.store.put_child_with_record_number(f.clinic, &sam, Some("MRN-0042"), 7).await.unwrap();
        assert_eq!(f.store.child_record_number(f.clinic, sam.id).await.unwrap().as_deref(), Some("MRN-0042"));
    }
}

#[tokio::test]
async fn several_assignments_are_saved_all_or_none() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let base = f.store.assignment(f.clinic, f.assignment).await.unwrap().unwrap();
        let item = |slug: &str, child: ChildId| Assignment {
            id: AssignmentId::new_v7(),
            child_id: child,
            target: Target::Exercise { exercise_id: ExerciseId::builtin(slug) },
            ..base.clone()
        };
        // The second is of a child outside the family: nothing of the batch is saved.
        let refused = [item("crab-walk", f.child), item("hopscotch", ChildId::new_v7())];
        let result = f.store.put_assignments(f.clinic, f.family, &refused, f.therapist, "create", &[], 2).await;
        assert!(result.is_err(), "{backend:?}");
        assert_eq!(f.store.assignments_of_child(f.clinic, f.child).await.unwrap().len(), 1, "{backend:?}");
        let pairs = [item("crab-walk", f.child), item("hopscotch", f.child)];
        f.store.put_assignments(f.clinic, f.family, &pairs, f.therapist, "create", &[], 3).await.unwrap();
        let ids: HashSet<AssignmentId> =
            f.store.assignments_of_child(f.clinic, f.child).await.unwrap().iter().map(|a| a.id).collect();
        assert!(pairs.iter().all(|a| ids.contains(&a.id)) && ids.len() == 3, "{backend:?}");
        for a in &pairs {
            assert_eq!(f.store.assignment_history(f.clinic, a.id).await.unwrap().len(), 1, "{backend:?}");
        }
        // Newest first, each exercise once, only this therapist's and this clinic's.
        let recent = f.store.recent_exercises(f.clinic, f.therapist, 12).await.unwrap();
        let want: HashSet<ExerciseId> =
            [f.exercise, ExerciseId::builtin("crab-walk"), ExerciseId::builtin("hopscotch")].into();
        assert_eq!(recent.len(), 3, "{backend:?}: {recent:?}");
        assert_eq!(recent.iter().copied().collect::<HashSet<_>>(), want, "{backend:?}");
        assert_eq!(recent.last(), Some(&f.exercise), "{backend:?}: the fixture's is the oldest");
        assert_eq!(f.store.recent_exercises(f.clinic, f.therapist, 1).await.unwrap().len(), 1, "{backend:?}");
        assert!(f.store.recent_exercises(ClinicId::new_v7(), f.therapist, 12).await.unwrap().is_empty());
        assert!(f.store.recent_exercises(f.clinic, TherapistId::new_v7(), 12).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn favourites_are_each_therapists_and_marked_once() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let crab = ExerciseId::builtin("crab-walk");
        f.store.set_favourite(f.therapist, f.exercise, true, 1).await.unwrap();
        f.store.set_favourite(f.therapist, crab, true, 2).await.unwrap();
        f.store.set_favourite(f.therapist, crab, true, 3).await.unwrap();
        assert_eq!(f.store.favourites(f.therapist).await.unwrap(), vec![crab, f.exercise], "{backend:?}: latest first");
        assert!(f.store.favourites(TherapistId::new_v7()).await.unwrap().is_empty(), "{backend:?}");
        f.store.set_favourite(f.therapist, crab, false, 4).await.unwrap();
        f.store.set_favourite(f.therapist, crab, false, 5).await.unwrap();
        assert_eq!(f.store.favourites(f.therapist).await.unwrap(), vec![f.exercise], "{backend:?}");
    }
}

#[tokio::test]
async fn a_program_template_is_its_clinics() {
    use homeplay_core::template::{ProgramTemplate, TemplateItem};
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let template = ProgramTemplate {
            id: ProgramTemplateId::new_v7(),
            clinic_id: f.clinic,
            title: homeplay_core::text::Title::new("Balance week").unwrap(),
            items: vec![TemplateItem {
                exercise_id: f.exercise,
                dosage: Dosage { reps: Some(4), ..Dosage::default() },
                note_for_family: None,
            }],
            updated_by: f.therapist,
            updated_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        };
        f.store.put_program_template(f.clinic, &template, 1).await.unwrap();
        assert_eq!(f.store.program_templates_of_clinic(f.clinic).await.unwrap(), vec![template.clone()], "{backend:?}");
        assert_eq!(f.store.program_template(f.clinic, template.id).await.unwrap(), Some(template.clone()));
        let other = ClinicId::new_v7();
        assert!(f.store.program_template(other, template.id).await.unwrap().is_none(), "{backend:?}");
        assert!(
            f.store.put_program_template(other, &template, 2).await.is_err(),
            "{backend:?}: not another clinic's id"
        );
        let archivable = store::Archivable::ProgramTemplate;
        assert!(!f.store.archive(other, archivable, template.id.0, 3).await.unwrap(), "{backend:?}");
        assert!(f.store.archive(f.clinic, archivable, template.id.0, 3).await.unwrap(), "{backend:?}");
        assert!(f.store.program_templates_of_clinic(f.clinic).await.unwrap().is_empty(), "{backend:?}");
        assert_eq!(f.store.program_template(f.clinic, template.id).await.unwrap(), Some(template), "{backend:?}");
    }
}

/// How many rows of `table` have `value` in `column`, read with the test's own connection.
async fn rows_with(db_url: &str, table: &str, column: &str, value: &str) -> i64 {
    use sqlx::Connection;
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    if db_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(db_url).await.unwrap();
        sqlx::query_scalar(&sql).bind(value).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(db_url).await.unwrap();
        sqlx::query_scalar(&sql).bind(value).fetch_one(&mut c).await.unwrap()
    }
}

/// Erasing a discharged child removes every row about it, table by table, and with the last child of its
/// family the family too; the audit log is left as it was (the caller writes the tombstone); a family that
/// keeps a child is told to forget the erased one.
#[tokio::test]
async fn erasing_a_child_leaves_no_row_about_it() {
    use homeplay_core::care_team::{CareTeam, CareTeamMember, TeamRole};
    use homeplay_core::family::Caregiver;
    use homeplay_core::feedback::Feedback;
    use homeplay_core::goal::{GasScore, GoalReview};
    use homeplay_server::store::{AuditEntry, StoreError};
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let url = f._db.url.clone();
        let s = &f.store;
        let c = f.child.to_string();
        // Something of the child in every table that holds a child's data.
        let mut painful = log(&f, 3, 1_000);
        painful.pain = true;
        s.push_logs(f.family, f.clinic, &[log(&f, 2, 1_000), painful], 5).await.unwrap();
        s.mark_pain_seen(f.clinic, f.child, f.therapist, 6).await.unwrap();
        let message = clinic_message(&f);
        s.put_clinic_message(f.clinic, f.family, &message, uuid::Uuid::now_v7(), 7).await.unwrap();
        let mark = homeplay_core::message::ThreadRead {
            child_id: f.child,
            side: homeplay_core::message::Side::Clinic,
            up_to: message.id,
            by: Name::new("Maya (OT)").unwrap(),
            at: chrono::DateTime::from_timestamp_millis(1_900_000_000_001).unwrap(),
        };
        s.put_read_mark(f.clinic, f.family, &mark).await.unwrap();
        let g = goal(&f);
        s.put_goal(f.clinic, &g, f.therapist, 10).await.unwrap();
        let mut with_goal = s.assignment(f.clinic, f.assignment).await.unwrap().unwrap();
        with_goal.goal_ids = vec![g.id];
        s.put_assignment(f.clinic, f.family, &with_goal, f.therapist, "update", &[], 11).await.unwrap();
        let review = GoalReview {
            id: GoalReviewId::new_v7(),
            goal_id: g.id,
            child_id: f.child,
            date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            score: GasScore::new(0).unwrap(),
            note: None,
            therapist_id: f.therapist,
            created_at: chrono::DateTime::from_timestamp(1_790_000_100, 0).unwrap(),
        };
        s.insert_goal_review(f.clinic, &review, 12).await.unwrap();
        let check_in = check_in(&f, g.id);
        s.put_check_ins(f.clinic, f.family, &[check_in], 13).await.unwrap();
        let feedback = Feedback {
            id: FeedbackId::new_v7(),
            child_id: f.child,
            date: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
            therapist_id: f.therapist,
            from: Name::new("Maya (OT)").unwrap(),
            sticker: None,
            comment: Some(homeplay_core::text::Note::new("Great bears").unwrap()),
            created_at: chrono::DateTime::from_timestamp(1_790_000_200, 0).unwrap(),
        };
        s.put_feedback(f.clinic, f.family, &feedback, 14).await.unwrap();
        let routine = homeplay_core::routine::Routine {
            id: RoutineId::new_v7(),
            clinic_id: f.clinic,
            title: homeplay_core::text::Title::new("Leo's bears").unwrap(),
            kid_title: homeplay_core::text::KidText::new("Go!").unwrap(),
            items: vec![f.exercise],
            then_reward: None,
        };
        s.put_child_routine(f.clinic, &routine, f.child, 15).await.unwrap();
        let lead = CareTeamMember { therapist_id: f.therapist, discipline: Discipline::Ot, role: TeamRole::Lead };
        s.put_care_team(f.clinic, &CareTeam { child_id: f.child, members: vec![lead] }, 16).await.unwrap();
        let mum = Caregiver { id: CaregiverId::new_v7(), family_id: f.family, name: Name::new("Mum").unwrap() };
        s.put_caregiver(&mum).await.unwrap();
        s.insert_pairing_code("code-a", f.clinic, f.family, f.therapist, 100, 1_000).await.unwrap();
        let dev = DeviceId::new_v7();
        s.redeem_pairing_code("code-a", dev, "Kitchen laptop", "token-a", 500).await.unwrap();
        let audit = |action: &str| AuditEntry {
            clinic_id: f.clinic,
            at_ms: 20,
            actor_kind: "therapist",
            actor_id: f.therapist.to_string(),
            action: action.into(),
            child_id: Some(f.child),
            detail: String::new(),
            ip: None,
        };
        s.audit(&audit("read_child")).await.unwrap();
        let mut leo = s.child(f.clinic, f.child).await.unwrap().unwrap();
        leo.discharged_on = Some(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        s.discharge_child(f.clinic, &leo, f.therapist, Some("Goals met"), 30).await.unwrap();
        let d = s.discharge_of(f.clinic, f.child).await.unwrap().unwrap();
        assert_eq!((d.on, d.by, d.reason.as_deref()), (leo.discharged_on.unwrap(), f.therapist, Some("Goals met")));

        // Another clinic cannot erase it.
        let e = s.erase_child(ClinicId::new_v7(), f.child).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound("child")), "{backend:?}: {e}");

        let erased = s.erase_child(f.clinic, f.child).await.unwrap();
        assert!(erased.family_removed, "{backend:?}");
        let counted: BTreeMap<&str, u64> = erased.rows.iter().copied().collect();
        for (table, n) in [
            ("logs", 2),
            ("log_days", 2),
            ("pain_reports", 1),
            ("pain_seen", 1),
            ("messages", 1),
            ("message_reads", 1),
            ("goals", 1),
            ("goal_versions", 1),
            ("goal_reviews", 1),
            ("goal_check_ins", 1),
            ("feedback", 1),
            ("routines", 1),
            ("assignments", 1),
            ("assignment_history", 2),
            ("assignment_goals", 1),
            ("care_team_members", 1),
            ("children", 1),
            ("caregivers", 1),
            ("devices", 1),
            ("pairing_codes", 1),
            ("families", 1),
        ] {
            assert_eq!(counted.get(table), Some(&n), "{backend:?} {table}: {erased:?}");
        }
        assert!(!erased.summary().contains("Leo"), "ids and counts only: {}", erased.summary());

        let (fam, a, g) = (f.family.to_string(), f.assignment.to_string(), g.id.to_string());
        for (table, column, value) in [
            ("children", "id", &c),
            ("assignments", "child_id", &c),
            ("assignment_history", "assignment_id", &a),
            ("assignment_goals", "assignment_id", &a),
            ("assignment_goals", "goal_id", &g),
            ("logs", "child_id", &c),
            ("log_days", "child_id", &c),
            ("pain_reports", "child_id", &c),
            ("pain_seen", "child_id", &c),
            ("messages", "child_id", &c),
            ("message_reads", "child_id", &c),
            ("goals", "child_id", &c),
            ("goal_versions", "goal_id", &g),
            ("goal_reviews", "child_id", &c),
            ("goal_check_ins", "child_id", &c),
            ("feedback", "child_id", &c),
            ("routines", "child_id", &c),
            ("care_team_members", "child_id", &c),
            ("feed", "family_id", &fam),
            ("families", "id", &fam),
            ("caregivers", "family_id", &fam),
            ("devices", "family_id", &fam),
            ("pairing_codes", "family_id", &fam),
        ] {
            assert_eq!(rows_with(&url, table, column, value).await, 0, "{backend:?}: {table}.{column}");
        }
        // The audit log keeps its lines: the clinic's record of who saw what.
        assert_eq!(rows_with(&url, "audit", "child_id", &c).await, 1, "{backend:?}");
    }
}

#[tokio::test]
async fn erasing_one_child_of_two_keeps_the_family_and_tells_its_devices() {
    use homeplay_core::sync::{Entity, Removed};
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let leo = f.store.child(f.clinic, f.child).await.unwrap().unwrap();
        let mia = Child { id: ChildId::new_v7(), display_name: Name::new("Mia").unwrap(), ..leo.clone() };
        f.store.put_child(f.clinic, &mia, 2).await.unwrap();
        // Leo's thread, its read mark and a weekly answer are in the family's feed too.
        let message = clinic_message(&f);
        f.store.put_clinic_message(f.clinic, f.family, &message, uuid::Uuid::now_v7(), 3).await.unwrap();
        let mark = homeplay_core::message::ThreadRead {
            child_id: f.child,
            side: homeplay_core::message::Side::Family,
            up_to: message.id,
            by: Name::new("Mum").unwrap(),
            at: chrono::DateTime::from_timestamp_millis(1_900_000_000_001).unwrap(),
        };
        f.store.put_read_mark(f.clinic, f.family, &mark).await.unwrap();
        let g = goal(&f);
        f.store.put_goal(f.clinic, &g, f.therapist, 4).await.unwrap();
        let check_in = check_in(&f, g.id);
        f.store.put_check_ins(f.clinic, f.family, std::slice::from_ref(&check_in), 5).await.unwrap();
        let fed = f.store.pull(f.family, 0, 1000).await.unwrap();
        let answered = |c: &Change| matches!(c, Change::CheckIn(c) if c.id == check_in.id);
        assert!(fed.iter().any(|i| answered(&serde_json::from_str(&i.change_json).unwrap())), "{backend:?}");
        let before = fed.last().unwrap().seq;
        let erased = f.store.erase_child(f.clinic, f.child).await.unwrap();
        assert!(!erased.family_removed, "{backend:?}");
        assert!(f.store.family(f.clinic, f.family).await.unwrap().is_some());
        assert_eq!(f.store.children_of_family(f.family).await.unwrap(), [mia], "{backend:?}");
        let after = f.store.pull(f.family, before, 1000).await.unwrap();
        let changes: Vec<Change> = after.iter().map(|i| serde_json::from_str(&i.change_json).unwrap()).collect();
        assert_eq!(changes, [Change::Removed(Removed { entity: Entity::Child, id: f.child.0 })], "{backend:?}");
        // Nothing else of Leo's is left in the feed.
        let all = f.store.pull(f.family, 0, 1000).await.unwrap();
        let leos: Vec<&str> = all
            .iter()
            .map(|i| i.change_json.as_str())
            .filter(|c| c.contains(&f.child.to_string()) || c.contains(&f.assignment.to_string()))
            .collect();
        let removed = serde_json::to_string(&changes[0]).unwrap();
        assert!(
            leos.iter().all(|c| serde_json::from_str::<Change>(c).unwrap() == changes[0]),
            "{backend:?}: {leos:?} ({removed})"
        );
    }
}

/// A therapist's message is stored once per client key, a device's once per id (a resend is "already
/// stored", another message with that id is not), both go into the family's feed once, and a read mark only
/// moves forward. Another clinic reads nothing of it.
#[tokio::test]
async fn messages_are_stored_once_and_read_marks_only_move_forward() {
    use homeplay_core::message::{FamilyMessage, Message, Side, ThreadRead};
    use homeplay_core::text::MessageText;
    use homeplay_server::store::MessageWrite;
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let clinic_message = |text: &str| Message {
            id: MessageId::new_v7(),
            child_id: f.child,
            side: Side::Clinic,
            from: Name::new("Maya (OT)").unwrap(),
            therapist_id: Some(f.therapist),
            device_id: None,
            text: Some(MessageText::new(text).unwrap()),
            sticker: None,
            sent_at: chrono::DateTime::from_timestamp_millis(1_900_000_000_000).unwrap(),
        };
        let key = uuid::Uuid::now_v7();
        let first = clinic_message("Great week!");
        let (stored, new) = f.store.put_clinic_message(f.clinic, f.family, &first, key, 1).await.unwrap();
        assert_eq!((stored, new), (first.clone(), true), "{backend:?}");
        let (stored, new) =
            f.store.put_clinic_message(f.clinic, f.family, &clinic_message("Twice"), key, 2).await.unwrap();
        assert_eq!((stored, new), (first.clone(), false), "{backend:?}: the same key answers the first message");

        let device = DeviceId::new_v7();
        let reply = FamilyMessage {
            id: MessageId::new_v7(),
            child_id: f.child,
            text: MessageText::new("Thanks!").unwrap(),
            written_by: Name::new("Mum").unwrap(),
            device_id: device,
            hlc: Hlc::new(1_900_000_000_001, 0),
        };
        let impostor = FamilyMessage { device_id: DeviceId::new_v7(), ..reply.clone() };
        let writes = f.store.put_family_messages(f.clinic, f.family, std::slice::from_ref(&reply), 3).await.unwrap();
        assert_eq!(writes, [MessageWrite::Stored], "{backend:?}");
        let writes = f.store.put_family_messages(f.clinic, f.family, &[reply.clone(), impostor], 4).await.unwrap();
        assert_eq!(writes, [MessageWrite::AlreadyStored, MessageWrite::IdTaken], "{backend:?}");
        let thread = f.store.messages_of_child(f.clinic, f.child).await.unwrap();
        assert_eq!(thread, [first.clone(), reply.to_message()], "{backend:?}");
        assert!(f.store.messages_of_child(ClinicId::new_v7(), f.child).await.unwrap().is_empty(), "{backend:?}");
        let feed = f.store.pull(f.family, 0, 1000).await.unwrap();
        let messages = feed.iter().filter(|i| i.change_json.contains("\"type\":\"message\"")).count();
        assert_eq!(messages, 2, "{backend:?}: each message once in the feed");

        assert_eq!(f.store.unread_by_clinic(f.clinic, &[f.child]).await.unwrap(), [(f.child, 1)], "{backend:?}");
        let mark = |up_to| ThreadRead {
            child_id: f.child,
            side: Side::Clinic,
            up_to,
            by: Name::new("Maya (OT)").unwrap(),
            at: chrono::DateTime::from_timestamp_millis(1_900_000_000_002).unwrap(),
        };
        assert!(f.store.put_read_mark(f.clinic, f.family, &mark(reply.id)).await.unwrap(), "{backend:?}");
        assert!(!f.store.put_read_mark(f.clinic, f.family, &mark(first.id)).await.unwrap(), "{backend:?}: never back");
        assert_eq!(f.store.read_marks_of_child(f.clinic, f.child).await.unwrap(), [mark(reply.id)], "{backend:?}");
        assert!(f.store.unread_by_clinic(f.clinic, &[f.child]).await.unwrap().is_empty(), "{backend:?}");
        assert!(f.store.read_marks_of_child(ClinicId::new_v7(), f.child).await.unwrap().is_empty(), "{backend:?}");
    }
}

/// A batch of read marks is written in order in one transaction: each answers whether it moved the mark
/// forward (a later one behind an earlier one of the same batch does not), the feed gets the marks that moved,
/// and the same batch again moves nothing.
#[tokio::test]
async fn a_batch_of_read_marks_moves_each_mark_forward_once() {
    use homeplay_core::message::{Side, ThreadRead};
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let ids: Vec<MessageId> = (0..5).map(|_| MessageId::new_v7()).collect();
        let mark = |up_to: MessageId| ThreadRead {
            child_id: f.child,
            side: Side::Family,
            up_to,
            by: Name::new("Mum").unwrap(),
            at: chrono::DateTime::from_timestamp_millis(1_900_000_000_000).unwrap(),
        };
        let before = f.store.pull(f.family, 0, 1000).await.unwrap().len();
        let batch = [mark(ids[0]), mark(ids[2]), mark(ids[1]), mark(ids[4]), mark(ids[3])];
        let moved = f.store.put_read_marks(f.clinic, f.family, &batch).await.unwrap();
        assert_eq!(moved, [true, true, false, true, false], "{backend:?}");
        assert_eq!(f.store.read_marks_of_child(f.clinic, f.child).await.unwrap(), [mark(ids[4])], "{backend:?}");
        let feed = f.store.pull(f.family, 0, 1000).await.unwrap();
        let marks: Vec<_> =
            feed.iter().skip(before).filter(|i| i.change_json.contains("\"type\":\"thread_read\"")).collect();
        assert!(!marks.is_empty() && marks.last().unwrap().change_json.contains(&ids[4].to_string()), "{backend:?}");
        let after = feed.len();
        let again = f.store.put_read_marks(f.clinic, f.family, &batch).await.unwrap();
        assert_eq!(again, [false; 5], "{backend:?}: nothing moves twice");
        assert_eq!(f.store.pull(f.family, 0, 1000).await.unwrap().len(), after, "{backend:?}: nor reaches the feed");
        let stranger = f.store.put_read_marks(ClinicId::new_v7(), f.family, &[mark(MessageId::new_v7())]).await;
        assert_eq!(stranger.unwrap(), [false], "{backend:?}: another clinic moves nothing");
        assert_eq!(f.store.read_marks_of_child(f.clinic, f.child).await.unwrap(), [mark(ids[4])], "{backend:?}");
        assert!(f.store.put_read_marks(f.clinic, f.family, &[]).await.unwrap().is_empty(), "{backend:?}");
    }
}

/// One routine's owner, a child's routines and which of some ids are the clinic's own exercises are each read
/// by one query, and agree with the whole-clinic reads; another clinic finds nothing.
#[tokio::test]
async fn a_routines_owner_a_childs_routines_and_some_exercises_are_read_alone() {
    for backend in BACKENDS {
        let f = fixture(backend).await;
        let routine = |title: &str| homeplay_core::routine::Routine {
            id: RoutineId::new_v7(),
            clinic_id: f.clinic,
            title: homeplay_core::text::Title::new(title).unwrap(),
            kid_title: homeplay_core::text::KidText::new("Go!").unwrap(),
            items: vec![f.exercise],
            then_reward: None,
        };
        let (first, second, template) = (routine("Leo's bears"), routine("Leo's crabs"), routine("Bears"));
        f.store.put_child_routine(f.clinic, &first, f.child, 1).await.unwrap();
        f.store.put_child_routine(f.clinic, &second, f.child, 2).await.unwrap();
        f.store.put_routine(f.clinic, &template, 3).await.unwrap();
        f.store.archive(f.clinic, store::Archivable::Routine, second.id.as_uuid(), 4).await.unwrap();
        assert_eq!(f.store.routine_owner(f.clinic, first.id).await.unwrap(), Some(f.child), "{backend:?}");
        assert_eq!(f.store.routine_owner(f.clinic, template.id).await.unwrap(), None, "{backend:?}: a template");
        assert_eq!(f.store.routine_owner(ClinicId::new_v7(), first.id).await.unwrap(), None, "{backend:?}");
        assert_eq!(f.store.routine_owner(f.clinic, RoutineId::new_v7()).await.unwrap(), None, "{backend:?}");
        let of_child = f.store.routines_of_child(f.clinic, f.child).await.unwrap();
        assert_eq!(of_child, [first.clone(), second.clone()], "{backend:?}: archived ones too, oldest first");
        assert!(f.store.routines_of_child(ClinicId::new_v7(), f.child).await.unwrap().is_empty(), "{backend:?}");
        assert!(f.store.routines_of_child(f.clinic, ChildId::new_v7()).await.unwrap().is_empty(), "{backend:?}");

        let builtin = homeplay_core::library::starter().unwrap().get(f.exercise).unwrap().clone();
        let own = |_: u8| homeplay_core::exercise::Exercise { id: ExerciseId::new_v7(), ..builtin.clone() };
        let (kept, archived, elsewhere) = (own(1), own(2), own(3));
        f.store.put_exercise(f.clinic, &kept, 1).await.unwrap();
        f.store.put_exercise(f.clinic, &archived, 1).await.unwrap();
        f.store.archive(f.clinic, store::Archivable::Exercise, archived.id.as_uuid(), 2).await.unwrap();
        // Another clinic's exercise (a clinic that does not exist here: whether the write is refused or not,
        // this clinic must not find it).
        let _ = f.store.put_exercise(ClinicId::new_v7(), &elsewhere, 1).await;
        let asked = [kept.id, archived.id, elsewhere.id, f.exercise, ExerciseId::new_v7()];
        let found = f.store.clinic_exercises_among(f.clinic, &asked).await.unwrap();
        assert_eq!(found, HashSet::from([kept.id]), "{backend:?}");
        assert!(f.store.clinic_exercises_among(f.clinic, &[]).await.unwrap().is_empty(), "{backend:?}");
        let many: Vec<ExerciseId> = (0..1200).map(|_| ExerciseId::new_v7()).chain([kept.id]).collect();
        assert_eq!(
            f.store.clinic_exercises_among(f.clinic, &many).await.unwrap(),
            HashSet::from([kept.id]),
            "{backend:?}"
        );
    }
}

/// A clinic's settings: the defaults until set, each clinic's its own, and no such clinic is `NotFound`.
#[tokio::test]
async fn clinic_settings_default_then_keep_what_was_set() {
    use homeplay_server::store::StoreError;
    for backend in BACKENDS {
        let f = fixture(backend).await;
        assert_eq!(f.store.clinic_settings(f.clinic).await.unwrap(), ClinicSettings::default(), "{backend:?}");
        let set = ClinicSettings {
            locale: "es-MX".into(),
            pain_advice_at: 4,
            family_contact: Some("Llame al 555-0100, lun–vie 8–5".into()),
        };
        f.store.set_clinic_settings(f.clinic, &set).await.unwrap();
        assert_eq!(f.store.clinic_settings(f.clinic).await.unwrap(), set, "{backend:?}");
        let cleared = ClinicSettings { family_contact: None, ..set };
        f.store.set_clinic_settings(f.clinic, &cleared).await.unwrap();
        assert_eq!(f.store.clinic_settings(f.clinic).await.unwrap(), cleared, "{backend:?}");
        let nobody = ClinicId::new_v7();
        assert!(matches!(f.store.clinic_settings(nobody).await, Err(StoreError::NotFound("clinic"))), "{backend:?}");
        let e = f.store.set_clinic_settings(nobody, &cleared).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound("clinic")), "{backend:?}: {e}");
    }
}
