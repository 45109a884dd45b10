//! `Store::pull_by_token`, the pull's one-query path, must answer exactly what the token lookup followed by
//! `Store::pull` and `children_of_family` answer (and `family_for_push`, the push's, what `children_of_family`
//! and `assignments_of_family` answer): the same device, the same pages of the same family's feed, nothing for an unknown
//! token and no feed for a revoked device. On SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{BACKENDS, TestDb};
use chrono::NaiveDate;
use homeplay_core::assignment::{Assignment, SlotTime, Status, Target};
use homeplay_core::clinic::{Clinic, Role, Therapist};
use homeplay_core::exercise::Dosage;
use homeplay_core::family::{Child, Family};
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::*;
use homeplay_core::log::{CompletionLog, Occurrence, Outcome, Recorder};
use homeplay_core::skill::Discipline;
use homeplay_core::text::Name;
use homeplay_core::time::{TimeZoneName, Weekdays};
use homeplay_server::store::{self, DynStore, FeedItem, Redeemed};

struct Fam {
    family: FamilyId,
    child: ChildId,
    assignment: AssignmentId,
    device: DeviceId,
}

async fn family(store: &DynStore, clinic: ClinicId, by: TherapistId, token_hash: &str) -> Fam {
    let family = Family { id: FamilyId::new_v7(), clinic_id: clinic, label: Name::new("A family").unwrap() };
    store.insert_family(&family, 1).await.unwrap();
    let child = Child {
        id: ChildId::new_v7(),
        family_id: family.id,
        display_name: Name::new("Leo").unwrap(),
        time_zone: TimeZoneName::new("Europe/London").unwrap(),
        age_years: Some(5),
        discharged_on: None,
    };
    store.put_child(clinic, &child, 1).await.unwrap();
    let assignment = Assignment {
        id: AssignmentId::new_v7(),
        child_id: child.id,
        target: Target::Exercise { exercise_id: ExerciseId::builtin("bear-walk") },
        assigned_by: by,
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
    store.put_assignment(clinic, family.id, &assignment, by, "create", &[], 1).await.unwrap();
    let code = format!("code-{token_hash}");
    store.insert_pairing_code(&code, clinic, family.id, by, 1, 1_000).await.unwrap();
    let device = DeviceId::new_v7();
    let paired = store.redeem_pairing_code(&code, device, "Laptop", token_hash, 2).await.unwrap();
    assert!(matches!(paired, Redeemed::Paired { .. }), "{paired:?}");
    Fam { family: family.id, child: child.id, assignment: assignment.id, device }
}

fn logs(f: &Fam, days: u32) -> Vec<CompletionLog> {
    (1..=days)
        .map(|day| CompletionLog {
            id: LogId::new_v7(),
            child_id: f.child,
            assignment_id: f.assignment,
            exercise_id: ExerciseId::builtin("bear-walk"),
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
            device_id: f.device,
            hlc: Hlc::new(1_700_000_000_000 + u64::from(day), 0),
            undone: false,
        })
        .collect()
}

fn pairs(items: &[FeedItem]) -> Vec<(i64, &str)> {
    items.iter().map(|i| (i.seq, i.change_json.as_str())).collect()
}

#[tokio::test]
async fn pull_by_token_answers_as_the_lookup_and_the_pull_do() {
    for backend in BACKENDS {
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
        let ours = family(&store, clinic.id, therapist.id, "token-ours").await;
        let theirs = family(&store, clinic.id, therapist.id, "token-theirs").await;
        // A sister added after Leo but dated before him: the pull lists children in the family's order.
        let sister = Child {
            id: ChildId::new_v7(),
            family_id: ours.family,
            display_name: Name::new("Mia").unwrap(),
            time_zone: TimeZoneName::new("Europe/London").unwrap(),
            age_years: Some(3),
            discharged_on: None,
        };
        store.put_child(clinic.id, &sister, 0).await.unwrap();
        let ours_listed: Vec<ChildId> =
            store.children_of_family(ours.family).await.unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ours_listed, vec![sister.id, ours.child], "{backend:?}");
        // A push reads the children and their assignments in one query: the same as the two reads it replaces.
        let mut second = store.assignments_of_family(ours.family).await.unwrap().remove(0);
        second.id = AssignmentId::new_v7();
        second.child_id = sister.id;
        store.put_assignment(clinic.id, ours.family, &second, therapist.id, "create", &[], 1).await.unwrap();
        for fam in [ours.family, theirs.family] {
            let (children, assignments) = store.family_for_push(fam).await.unwrap();
            assert_eq!(children, store.children_of_family(fam).await.unwrap(), "{backend:?}");
            assert_eq!(assignments, store.assignments_of_family(fam).await.unwrap(), "{backend:?}");
        }
        assert_eq!(store.family_for_push(ours.family).await.unwrap().1.len(), 2, "{backend:?}");
        store.push_logs(ours.family, clinic.id, &logs(&ours, 9), 10).await.unwrap();
        store.push_logs(theirs.family, clinic.id, &logs(&theirs, 4), 10).await.unwrap();

        // Page by page, from scratch and from the middle, with limits below, at and above what is left.
        for (after, limit) in [(0, 1000), (0, 3), (2, 4), (5, 100), (10, 5), (1000, 5)] {
            let read = store.pull_by_token("token-ours", after, limit).await.unwrap().unwrap();
            assert_eq!((read.device.device.id, read.device.clinic_id), (ours.device, clinic.id), "{backend:?}");
            assert!(!read.device.device.is_revoked(), "{backend:?}");
            let expected = store.pull(ours.family, after, limit).await.unwrap();
            assert_eq!(pairs(&read.items), pairs(&expected), "{backend:?}: after {after}, limit {limit}");
            assert_eq!(read.children, store.children_of_family(ours.family).await.unwrap(), "{backend:?}");
        }
        let all = store.pull_by_token("token-ours", 0, 1000).await.unwrap().unwrap().items;
        let pulled_logs = all.iter().filter(|i| i.change_json.starts_with("{\"type\":\"log\"")).count();
        assert_eq!(pulled_logs, 9, "{backend:?}");
        assert!(all.iter().all(|i| serde_json::from_str::<serde_json::Value>(&i.change_json).is_ok()));

        let read = store.pull_by_token("token-theirs", 0, 1000).await.unwrap().unwrap();
        assert_eq!(read.device.device.id, theirs.device, "{backend:?}");
        assert_eq!(pairs(&read.items), pairs(&store.pull(theirs.family, 0, 1000).await.unwrap()), "{backend:?}");
        assert!(read.items.iter().all(|i| !i.change_json.contains(&ours.child.to_string())), "{backend:?}");
        let their_children: Vec<ChildId> = read.children.iter().map(|c| c.id).collect();
        assert_eq!(their_children, vec![theirs.child], "{backend:?}: only the device's own family's children");

        assert!(store.pull_by_token("token-nobody", 0, 1000).await.unwrap().is_none(), "{backend:?}");

        assert!(store.revoke_device(clinic.id, ours.device, 20).await.unwrap());
        let read = store.pull_by_token("token-ours", 0, 1000).await.unwrap().unwrap();
        assert!(read.device.device.is_revoked(), "{backend:?}");
        assert!(read.items.is_empty(), "{backend:?}: a revoked device reads nothing");
        assert!(read.children.is_empty(), "{backend:?}: a revoked device reads no child");
    }
}
