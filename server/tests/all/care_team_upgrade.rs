//! Upgrading a database made before care teams: nobody is locked out of a child they worked with. Each
//! therapist who assigned something to a child joins its team, the first of them as lead; a child with no
//! program gets the clinic's admins as leads. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{BACKENDS, Backend, TestDb};
use chrono::NaiveDate;
use homeplay_core::assignment::{Assignment, SlotTime, Status, Target};
use homeplay_core::care_team::{CareTeamMember, TeamRole};
use homeplay_core::clinic::{Clinic, Role, Therapist};
use homeplay_core::exercise::Dosage;
use homeplay_core::family::{Child, Family};
use homeplay_core::ids::*;
use homeplay_core::skill::Discipline;
use homeplay_core::text::Name;
use homeplay_core::time::{TimeZoneName, Weekdays};
use homeplay_server::store::{self, DynStore};

/// Takes the schema back to before migration 3, keeping the data, as an older server left it.
const DOWNGRADE: [&str; 7] = [
    "DROP TABLE assignment_goals",
    "DROP TABLE goal_reviews",
    "DROP TABLE goal_versions",
    "DROP TABLE goals",
    "DROP TABLE care_team_members",
    "ALTER TABLE clinics DROP COLUMN outside_team_policy",
    "DELETE FROM _sqlx_migrations WHERE version = 3",
];

async fn downgrade(backend: Backend, url: &str) {
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            for s in DOWNGRADE {
                sqlx::query(s).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            for s in DOWNGRADE {
                sqlx::query(s).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
    }
}

fn therapist(clinic: ClinicId, name: &str, discipline: Discipline, role: Role) -> Therapist {
    Therapist {
        id: TherapistId::new_v7(),
        clinic_id: clinic,
        name: Name::new(name).unwrap(),
        email: format!("{}@riverside.example", name.to_lowercase()),
        discipline,
        role,
    }
}

async fn child(store: &DynStore, clinic: ClinicId, family: FamilyId, name: &str) -> Child {
    let child = Child {
        id: ChildId::new_v7(),
        family_id: family,
        display_name: Name::new(name).unwrap(),
        time_zone: TimeZoneName::new("Europe/London").unwrap(),
        age_years: None,
        discharged_on: None,
    };
    store.put_child(clinic, &child, 1).await.unwrap();
    child
}

#[tokio::test]
async fn an_upgrade_puts_each_childs_therapists_on_its_team() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let store = store::open(&db.url).await.unwrap();
        let clinic = Clinic {
            id: ClinicId::new_v7(),
            name: Name::new("Riverside").unwrap(),
            time_zone: TimeZoneName::new("Europe/London").unwrap(),
        };
        store.insert_clinic(&clinic, 1).await.unwrap();
        let admin = therapist(clinic.id, "Maya", Discipline::Ot, Role::Admin);
        let pt = therapist(clinic.id, "Sam", Discipline::Pt, Role::Therapist);
        let ot = therapist(clinic.id, "Ari", Discipline::Ot, Role::Therapist);
        for t in [&admin, &pt, &ot] {
            store.insert_therapist(t, "hash", 1).await.unwrap();
        }
        let family = Family { id: FamilyId::new_v7(), clinic_id: clinic.id, label: Name::new("Leo's family").unwrap() };
        store.insert_family(&family, 1).await.unwrap();
        let leo = child(&store, clinic.id, family.id, "Leo").await;
        let mia = child(&store, clinic.id, family.id, "Mia").await;
        // Sam assigned first, Ari later; Ari also changed Sam's item.
        let mut first = None;
        for (by, at) in [(&pt, 10), (&ot, 20)] {
            let a = Assignment {
                id: AssignmentId::new_v7(),
                child_id: leo.id,
                target: Target::Exercise { exercise_id: ExerciseId::builtin("bear-walk") },
                assigned_by: by.id,
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
            store.put_assignment(clinic.id, family.id, &a, by.id, "create", &[], at).await.unwrap();
            first.get_or_insert(a);
        }
        let first = first.unwrap();
        store.put_assignment(clinic.id, family.id, &first, ot.id, "update", &[], 30).await.unwrap();
        drop(store);

        downgrade(backend, &db.url).await;
        let store = store::open(&db.url).await.unwrap();

        let leo_team = store.child_with_team(clinic.id, leo.id).await.unwrap().unwrap();
        let member = |t: &Therapist, role| CareTeamMember { therapist_id: t.id, discipline: t.discipline, role };
        assert_eq!(leo_team.team.members, [member(&pt, TeamRole::Lead), member(&ot, TeamRole::Member)], "{backend:?}");
        let mia_team = store.child_with_team(clinic.id, mia.id).await.unwrap().unwrap();
        assert_eq!(mia_team.team.members, [member(&admin, TeamRole::Lead)], "{backend:?}");
        assert_eq!(store.outside_team_policy(clinic.id).await.unwrap(), Default::default());
    }
}
