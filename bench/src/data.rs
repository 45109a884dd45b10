//! Deterministic data: a clinic with families, children, five-a-day programs and paired devices, made straight
//! through the store (not over HTTP, to keep setup fast), and completion logs generated from a seed. Also the
//! plain batched inserts that are both the ingest baseline and the fast way to load years of history.

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime, TimeDelta, Utc};
use homeplay_core::assignment::Assignment;
use homeplay_core::care_team::{CareTeam, CareTeamMember, TeamRole};
use homeplay_core::clinic::Role;
use homeplay_core::family::{Child, Family};
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, DeviceId, ExerciseId, FamilyId, LogId, TherapistId};
use homeplay_core::log::{CompletionLog, Difficulty, Mood, NotDoneReason, Occurrence, Outcome, Recorder};
use homeplay_core::pairing::DeviceToken;
use homeplay_core::skill::Discipline;
use homeplay_core::text::Name;
use homeplay_server::auth::tokens::sha256_hex;
use homeplay_server::store::{DynStore, Redeemed};
use serde_json::json;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub const PASSWORD: &str = "bench password, long enough";

/// A seeded generator of ids and choices.
#[derive(Debug)]
pub struct Gen(fastrand::Rng);

impl Gen {
    pub fn new(seed: u64) -> Self {
        Self(fastrand::Rng::with_seed(seed))
    }

    /// A UUIDv7 for the instant `ms`, its random bits from the seed.
    pub fn uuid_v7(&mut self, ms: i64) -> uuid::Uuid {
        let mut bytes = [0u8; 10];
        self.0.fill(&mut bytes);
        uuid::Builder::from_unix_timestamp_millis(u64::try_from(ms).unwrap_or(0), &bytes).into_uuid()
    }

    pub fn percent(&mut self) -> u32 {
        self.0.u32(0..100)
    }

    pub fn bytes32(&mut self) -> [u8; 32] {
        let mut b = [0u8; 32];
        self.0.fill(&mut b);
        b
    }
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn today() -> NaiveDate {
    // Every generated child lives in Europe/London; its local date is what the server computes for it.
    homeplay_core::time::TimeZoneName::new("Europe/London")
        .map_or_else(|_| Utc::now().date_naive(), |tz| tz.local_date(Utc::now()))
}

/// A paired device: its id and bearer token.
#[derive(Debug, Clone)]
pub struct Dev {
    pub id: DeviceId,
    pub token: String,
}

/// One family with one child and the child's program.
#[derive(Debug, Clone)]
pub struct Fam {
    pub family: FamilyId,
    pub child: ChildId,
    /// Each assignment with its exercise; every assignment has `slots` times a day, every day.
    pub assignments: Vec<(AssignmentId, ExerciseId)>,
    pub slots: u8,
    pub devices: Vec<Dev>,
}

/// A clinic, its therapist (who can sign in with [`PASSWORD`]) and its families.
#[derive(Debug)]
pub struct World {
    pub clinic: ClinicId,
    pub therapist: TherapistId,
    pub email: String,
    pub families: Vec<Fam>,
}

/// The shape of the families to make.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub families: usize,
    pub assignments: usize,
    pub slots: u8,
    pub devices_per_family: usize,
    pub start: NaiveDate,
}

pub async fn make_world(store: &DynStore, g: &mut Gen, shape: Shape) -> anyhow::Result<World> {
    let clinic = homeplay_server::accounts::create_clinic(store, "Bench Clinic", "Europe/London").await?;
    let email = format!("bench-{}@bench.example", uuid::Uuid::now_v7().simple());
    let therapist = homeplay_server::accounts::create_therapist(
        store,
        clinic.id,
        &email,
        "Bench",
        Discipline::Ot,
        Role::Admin,
        PASSWORD,
    )
    .await?;
    let library = homeplay_core::library::starter().map_err(|e| anyhow::anyhow!("{e}"))?;
    let exercises: Vec<ExerciseId> = library.exercises().iter().map(|e| e.id).collect();
    let mut families = Vec::with_capacity(shape.families);
    let now = now_ms();
    for i in 0..shape.families {
        families.push(make_family(store, g, clinic.id, therapist.id, &exercises, shape, i, now).await?);
    }
    Ok(World { clinic: clinic.id, therapist: therapist.id, email, families })
}

#[allow(clippy::too_many_arguments)]
async fn make_family(
    store: &DynStore,
    g: &mut Gen,
    clinic: ClinicId,
    by: TherapistId,
    exercises: &[ExerciseId],
    shape: Shape,
    i: usize,
    now: i64,
) -> anyhow::Result<Fam> {
    let family = Family { id: FamilyId(g.uuid_v7(now)), clinic_id: clinic, label: Name::new(format!("Family {i}"))? };
    store.insert_family(&family, now).await?;
    let child: Child = serde_json::from_value(json!({
        "id": g.uuid_v7(now), "family_id": family.id, "display_name": format!("Child {i:04}"),
        "time_zone": "Europe/London", "age_years": 3 + (i % 10),
    }))?;
    store.put_child(clinic, &child, now).await?;
    // Access to a child follows its care team: the bench's therapist leads every child's, as its creator would.
    let lead = CareTeamMember { therapist_id: by, discipline: Discipline::Ot, role: TeamRole::Lead };
    store.put_care_team(clinic, &CareTeam { child_id: child.id, members: vec![lead] }, now).await?;
    let moments = ["wake_up", "after_school", "bedtime"];
    let slots: Vec<_> =
        moments.iter().take(usize::from(shape.slots)).map(|m| json!({"kind": "moment", "moment": m})).collect();
    let mut assignments = Vec::new();
    for k in 0..shape.assignments {
        let exercise = exercises[(i * shape.assignments + k) % exercises.len()];
        let a: Assignment = serde_json::from_value(json!({
            "id": g.uuid_v7(now), "child_id": child.id, "assigned_by": by,
            "target": {"kind": "exercise", "exercise_id": exercise},
            "start_date": shape.start, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "slots": slots, "status": "active",
        }))?;
        let feed = homeplay_server::program::feed_for_assignment(store, clinic, &a).await?;
        store.put_assignment(clinic, family.id, &a, by, "create", &feed, now).await?;
        assignments.push((a.id, exercise));
    }
    let mut devices = Vec::new();
    for d in 0..shape.devices_per_family {
        devices.push(pair_device(store, g, clinic, family.id, by, &format!("Device {d}"), now).await?);
    }
    Ok(Fam { family: family.id, child: child.id, assignments, slots: shape.slots, devices })
}

/// Pairs a device through the store, as the pairing endpoint would, and keeps its token.
pub async fn pair_device(
    store: &DynStore,
    g: &mut Gen,
    clinic: ClinicId,
    family: FamilyId,
    by: TherapistId,
    label: &str,
    now: i64,
) -> anyhow::Result<Dev> {
    let code_hash = sha256_hex(g.bytes32());
    store.insert_pairing_code(&code_hash, clinic, family, by, now, now + 15 * 60_000).await?;
    let token = DeviceToken::from_random_bytes(g.bytes32());
    let id = DeviceId(g.uuid_v7(now));
    match store.redeem_pairing_code(&code_hash, id, label, &sha256_hex(token.expose()), now).await? {
        Redeemed::Paired { .. } => Ok(Dev { id, token: token.expose().to_owned() }),
        other => anyhow::bail!("pairing failed: {other:?}"),
    }
}

/// The logs a family's device records over `dates` (oldest first): about 90% of what is due, mostly done.
pub fn logs_for(
    g: &mut Gen,
    fam: &Fam,
    device: DeviceId,
    dates: impl Iterator<Item = NaiveDate>,
) -> Vec<CompletionLog> {
    let mut out = Vec::new();
    for date in dates {
        for (a, e) in &fam.assignments {
            for slot in 0..fam.slots {
                if g.percent() >= 90 {
                    continue;
                }
                out.push(log(g, fam.child, *a, *e, device, date, slot));
            }
        }
    }
    out
}

pub fn log(
    g: &mut Gen,
    child: ChildId,
    assignment: AssignmentId,
    exercise: ExerciseId,
    device: DeviceId,
    date: NaiveDate,
    slot: u8,
) -> CompletionLog {
    let hour = 7 + u32::from(slot) * 6;
    let wall = date
        .and_time(NaiveTime::from_hms_opt(hour, g.0.u32(0..60), 0).unwrap_or_default())
        .and_utc()
        .timestamp_millis();
    let wall = wall.min(now_ms());
    let outcome = match g.percent() {
        0..80 => Outcome::Done,
        80..92 => Outcome::Partly,
        92..96 => Outcome::NotDone { reason: NotDoneReason::Sick },
        _ => Outcome::NotDone { reason: NotDoneReason::Refused },
    };
    let detailed = g.percent() < 40;
    CompletionLog {
        id: LogId(g.uuid_v7(wall)),
        child_id: child,
        assignment_id: assignment,
        exercise_id: exercise,
        occurrence: Occurrence { date, slot },
        outcome,
        actual_reps: detailed.then_some(5),
        actual_seconds: None,
        difficulty: detailed.then_some(Difficulty::JustRight),
        mood: detailed.then_some(Mood::Happy),
        pain: false,
        pain_score: None,
        note: None,
        recorded_by: Recorder::Caregiver {
            name: Name::new(if slot == 0 { "Mum" } else { "Dad" }).expect("a valid name"),
            caregiver_id: None,
        },
        device_id: device,
        hlc: Hlc::new(u64::try_from(wall).unwrap_or(0), 0),
        undone: false,
    }
}

/// The last `days` dates before today, oldest first, skipping the `skip` most recent ones.
pub fn days_back(days: i64, skip: i64) -> impl Iterator<Item = NaiveDate> {
    let today = today();
    (0..days).rev().map(move |d| today - TimeDelta::days(1 + skip + d))
}

/// A row for the plain inserts: the log with the columns beside it, its JSON made beforehand.
#[derive(Debug, Clone)]
pub struct Row {
    pub clinic: String,
    pub family: String,
    pub log: CompletionLog,
    pub doc: String,
}

impl Row {
    pub fn new(clinic: ClinicId, family: FamilyId, log: CompletionLog) -> anyhow::Result<Self> {
        let doc = serde_json::to_string(&log)?;
        Ok(Self { clinic: clinic.to_string(), family: family.to_string(), log, doc })
    }
}

/// A plain connection to the server's database, for the baselines and for loading history.
#[derive(Debug, Clone)]
pub enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Raw {
    /// Connects with the server's own durability settings (SQLite: WAL, full fsync on commit).
    pub async fn connect(url: &str, connections: u32) -> anyhow::Result<Self> {
        if url.starts_with("postgres") {
            Ok(Raw::Postgres(PgPoolOptions::new().max_connections(connections).connect(url).await?))
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30));
            Ok(Raw::Sqlite(SqlitePoolOptions::new().max_connections(1).connect_with(options).await?))
        }
    }

    /// Inserts one batch in one transaction: SQLite with one prepared statement executed per row, PostgreSQL
    /// with one `INSERT … SELECT FROM UNNEST` per table. With `feed_seq`, also a feed row per log (numbered
    /// from it), as a push writes.
    pub async fn insert_batch(&self, rows: &[Row], feed_seq: Option<i64>) -> anyhow::Result<()> {
        let received = now_ms();
        match self {
            Raw::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for (i, r) in rows.iter().enumerate() {
                    let l = &r.log;
                    sqlx::query(
                        "INSERT INTO logs (id, clinic_id, family_id, child_id, assignment_id, exercise_id, occ_date, slot,
                         hlc_wall, hlc_counter, device_id, doc, received_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    )
                    .bind(l.id.to_string())
                    .bind(&r.clinic)
                    .bind(&r.family)
                    .bind(l.child_id.to_string())
                    .bind(l.assignment_id.to_string())
                    .bind(l.exercise_id.to_string())
                    .bind(l.occurrence.date.to_string())
                    .bind(i32::from(l.occurrence.slot))
                    .bind(i64::try_from(l.hlc.wall_ms).unwrap_or(i64::MAX))
                    .bind(i64::from(l.hlc.counter))
                    .bind(l.device_id.to_string())
                    .bind(&r.doc)
                    .bind(received)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(seq) = feed_seq {
                        sqlx::query(
                            "INSERT INTO feed (family_id, entity, entity_id, seq, doc) VALUES (?1, 'log', ?2, ?3, NULL)",
                        )
                        .bind(&r.family)
                        .bind(l.id.to_string())
                        .bind(seq + i as i64)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                tx.commit().await?;
            }
            Raw::Postgres(pool) => {
                let col = |f: &dyn Fn(&Row) -> String| rows.iter().map(f).collect::<Vec<String>>();
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "INSERT INTO logs (id, clinic_id, family_id, child_id, assignment_id, exercise_id, occ_date, slot,
                     hlc_wall, hlc_counter, device_id, doc, received_ms)
                     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::int4[], $9::int8[], $10::int8[], $11::text[], $12::text[], $13::int8[])",
                )
                .bind(col(&|r| r.log.id.to_string()))
                .bind(col(&|r| r.clinic.clone()))
                .bind(col(&|r| r.family.clone()))
                .bind(col(&|r| r.log.child_id.to_string()))
                .bind(col(&|r| r.log.assignment_id.to_string()))
                .bind(col(&|r| r.log.exercise_id.to_string()))
                .bind(col(&|r| r.log.occurrence.date.to_string()))
                .bind(rows.iter().map(|r| i32::from(r.log.occurrence.slot)).collect::<Vec<i32>>())
                .bind(rows.iter().map(|r| i64::try_from(r.log.hlc.wall_ms).unwrap_or(i64::MAX)).collect::<Vec<i64>>())
                .bind(rows.iter().map(|r| i64::from(r.log.hlc.counter)).collect::<Vec<i64>>())
                .bind(col(&|r| r.log.device_id.to_string()))
                .bind(col(&|r| r.doc.clone()))
                .bind(vec![received; rows.len()])
                .execute(&mut *tx)
                .await?;
                if let Some(seq) = feed_seq {
                    sqlx::query(
                        "INSERT INTO feed (family_id, entity, entity_id, seq, doc)
                         SELECT f, 'log', e, s, NULL FROM UNNEST($1::text[], $2::text[], $3::int8[]) AS t (f, e, s)",
                    )
                    .bind(col(&|r| r.family.clone()))
                    .bind(col(&|r| r.log.id.to_string()))
                    .bind((0..rows.len()).map(|i| seq + i as i64).collect::<Vec<i64>>())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Loads history fast: batches of 5,000 rows, logs only (no feed rows: the dashboard does not read them),
    /// and the server's per-day rollup (`log_days`, where the schema has it) for the same logs.
    pub async fn load(&self, rows: &[Row]) -> anyhow::Result<()> {
        for chunk in rows.chunks(5000) {
            self.insert_batch(chunk, None).await.context("loading history")?;
        }
        let mut days: std::collections::BTreeMap<(String, String), i64> = std::collections::BTreeMap::new();
        for r in rows.iter().filter(|r| r.log.counts()) {
            *days.entry((r.log.child_id.to_string(), r.log.occurrence.date.to_string())).or_default() += 1;
        }
        let days: Vec<_> = days.into_iter().collect();
        let upsert = " ON CONFLICT (child_id, occ_date) DO UPDATE SET logs = log_days.logs + excluded.logs";
        for chunk in days.chunks(2000) {
            match self {
                Raw::Sqlite(pool) => {
                    let mut q =
                        sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO log_days (child_id, occ_date, logs) ");
                    q.push_values(chunk, |mut b, ((c, d), n)| {
                        b.push_bind(c.clone()).push_bind(d.clone()).push_bind(*n);
                    });
                    q.push(upsert);
                    if let Err(e) = q.build().execute(pool).await {
                        if e.to_string().contains("no such table") {
                            break;
                        }
                        return Err(e.into());
                    }
                }
                Raw::Postgres(pool) => {
                    let mut q =
                        sqlx::QueryBuilder::<sqlx::Postgres>::new("INSERT INTO log_days (child_id, occ_date, logs) ");
                    q.push_values(chunk, |mut b, ((c, d), n)| {
                        b.push_bind(c.clone()).push_bind(d.clone()).push_bind(*n);
                    });
                    q.push(upsert);
                    if let Err(e) = q.build().execute(pool).await {
                        if e.to_string().contains("does not exist") {
                            break;
                        }
                        return Err(e.into());
                    }
                }
            }
        }
        Ok(())
    }

    /// After loading: leaves the database as a server that has run for a while would have it, not mid-way
    /// through digesting a bulk load (otherwise the first timings after a load pay for its checkpoint, or for
    /// autovacuum and stale statistics).
    pub async fn settle(&self) -> anyhow::Result<()> {
        match self {
            Raw::Postgres(pool) => {
                sqlx::query("VACUUM ANALYZE logs").execute(pool).await?;
                sqlx::query("VACUUM ANALYZE log_days").execute(pool).await.ok();
            }
            Raw::Sqlite(pool) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Postgres(p) => p.close().await,
        }
    }
}
