//! Isolation: a device never receives another family's data, even when it asks with forged ids. Two families
//! of one clinic and one family of another clinic each have a paired engine and a raw protocol client; the
//! raw clients forge children, assignments, log ids, cursors, media and credentials, and every attempt is
//! refused or comes back empty. After a full sync no engine holds anything of another family.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::ids::ChildId;
use homeplay_core::media::MediaRef;
use homeplay_device::{By, Details, Engine, Tick};
use homeplay_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A 1×1 PNG of one colour, valid (checksums and all), so different colours give different uploads.
fn png(rgba: [u8; 4]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let raw = [0, rgba[0], rgba[1], rgba[2], rgba[3]]; // filter byte, then the pixel
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut zlib = vec![0x78, 0x01, 0x01, 5, 0, !5u8, 0xFF];
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// One family: its ids, its paired engine, and a raw client paired as another of its devices.
struct Family {
    name: &'static str,
    clinic_id: String,
    family_id: String,
    child_id: String,
    assignment_id: String,
    exercise_id: String,
    caregiver_ids: Vec<String>,
    /// An uploaded picture the family's program shows, if any.
    media: Option<String>,
    engine: Engine,
    _dir: tempfile::TempDir,
    raw: DeviceClient,
}

impl Family {
    /// Every id that is this family's alone, and its media (as the hash the database would hold).
    fn own_ids(&self) -> BTreeSet<String> {
        let mut ids: BTreeSet<String> =
            [&self.family_id, &self.child_id, &self.assignment_id].into_iter().cloned().collect();
        ids.extend(self.caregiver_ids.iter().cloned());
        if let Some(m) = &self.media {
            ids.insert(m.trim_start_matches("sha256:").to_owned());
        }
        ids
    }

    fn tick(&self, days_ago: i64, slot: u8) -> Tick {
        let date = (Utc::now() - TimeDelta::days(days_ago)).date_naive();
        Tick {
            child_id: self.child_id.parse().unwrap(),
            assignment_id: self.assignment_id.parse().unwrap(),
            exercise_id: self.exercise_id.parse().unwrap(),
            occurrence: homeplay_core::log::Occurrence { date, slot },
            outcome: homeplay_core::log::Outcome::Done,
            details: Details::default(),
            by: By::Caregiver,
        }
    }

    fn forged_log(&self, child: &str, assignment: &str, exercise: &str) -> Value {
        let date = Utc::now().date_naive().to_string();
        log_json(child, assignment, exercise, &date, &self.raw.device_id, hlc_now())
    }
}

/// Uploads a picture as `therapist` and makes a clinic exercise that shows it; returns (exercise id, media).
async fn exercise_with_picture(therapist: &Therapist, colour: [u8; 4]) -> (String, String) {
    let resp = therapist
        .http
        .post(format!("{}/api/v1/media", therapist.base))
        .header("x-csrf-token", &therapist.csrf)
        .header("content-type", "image/png")
        .body(png(colour))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "upload: {}", resp.text().await.unwrap());
    let media = resp.json::<Value>().await.unwrap()["media"].as_str().unwrap().to_owned();
    let builtin = homeplay_core::ids::ExerciseId::builtin("bear-walk");
    let mut exercise = therapist.post(&format!("/api/v1/library/exercises/{builtin}/clone"), json!({})).await;
    let id = exercise["id"].as_str().unwrap().to_owned();
    let input = exercise.as_object_mut().unwrap();
    input.remove("id");
    input.remove("origin");
    input["steps"][0]["picture"] = json!(media);
    therapist.put(&format!("/api/v1/library/exercises/{id}"), Value::Object(input.clone())).await;
    (id, media)
}

async fn family(
    server: &TestServer,
    therapist: &Therapist,
    clinic_id: &str,
    name: &'static str,
    existing: Option<(&str, &str)>,
    media: Option<(String, String)>,
) -> Family {
    let start = (Utc::now() - TimeDelta::days(14)).date_naive().to_string();
    let (child_id, assignment_id) = match existing {
        Some((child, assignment)) => (child.to_owned(), assignment.to_owned()),
        None => {
            let exercise = media
                .as_ref()
                .map_or_else(|| homeplay_core::ids::ExerciseId::builtin("crab-walk").to_string(), |(id, _)| id.clone());
            let child = therapist.add_child(name).await["child"]["id"].as_str().unwrap().to_owned();
            let assignment = therapist
                .post(
                    &format!("/api/v1/children/{child}/assignments"),
                    json!({
                        "target": {"kind": "exercise", "exercise_id": exercise},
                        "start_date": start,
                        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                        "slots": [{"kind": "moment", "moment": "after_school"}, {"kind": "anytime"}]
                    }),
                )
                .await;
            (child, assignment["id"].as_str().unwrap().to_owned())
        }
    };
    let detail = therapist.get(&format!("/api/v1/children/{child_id}")).await;
    let assignment = therapist.get(&format!("/api/v1/children/{child_id}/assignments")).await;
    let assignment = assignment
        .as_array()
        .or(assignment["assignments"].as_array())
        .unwrap()
        .iter()
        .find(|a| a["id"] == assignment_id.as_str())
        .cloned()
        .unwrap();
    let (engine, dir) = paired_engine(&server.base, therapist, &child_id, &format!("{name}'s laptop"), "Mum").await;
    let raw = DeviceClient::pair(server, &therapist.pairing_code(&child_id).await, "Raw").await;
    Family {
        name,
        clinic_id: clinic_id.to_owned(),
        family_id: detail["family"]["id"].as_str().unwrap().to_owned(),
        child_id,
        exercise_id: assignment["target"]["exercise_id"].as_str().unwrap().to_owned(),
        assignment_id,
        caregiver_ids: detail["caregivers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect(),
        media: media.map(|(_, m)| m),
        engine,
        _dir: dir,
        raw,
    }
}

/// The ids of every log the clinic holds for a child, from its therapist's timeline.
async fn server_logs(therapist: &Therapist, child: &str) -> Vec<Value> {
    let from = (Utc::now() - TimeDelta::days(30)).date_naive();
    let report = therapist.get(&format!("/api/v1/children/{child}/adherence?from={from}")).await;
    report["timeline"].as_array().unwrap().clone()
}

/// Every change of a pulled feed must be about the family itself: none names another family's ids.
fn assert_feed_is_own(feed: &[Value], others: &BTreeSet<String>, what: &str) {
    let text = serde_json::to_string(feed).unwrap();
    for id in others {
        assert!(!text.contains(id.as_str()), "{what}: the feed names {id}, which is another family's");
    }
}

async fn isolation(backend: Backend) {
    let db = TestDb::new(backend);
    let server = TestServer::start(&db);
    let start = (Utc::now() - TimeDelta::days(14)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let maya = &p.maya;
    // Clinic A: Leo's family (the program's) and Mia's (her exercise shows a picture clinic A uploaded).
    let leo = family(&server, maya, &p.clinic.id, "Leo", Some((&p.child_id, &p.assignment_id)), None).await;
    let mias_exercise = exercise_with_picture(maya, [255, 0, 0, 255]).await;
    let mia = family(&server, maya, &p.clinic.id, "Mia", None, Some(mias_exercise)).await;
    // Clinic B: Zoe's family, with a picture clinic B uploaded.
    let clinic_b =
        make_clinic(&db, "Hillside", &format!("sam-{}@hillside.example", uuid::Uuid::now_v7().simple()), true);
    let sam = Therapist::login(&server, &clinic_b.email).await;
    let zoes_exercise = exercise_with_picture(&sam, [0, 0, 255, 255]).await;
    let zoes_exercise_id = zoes_exercise.0.clone();
    let zoe = family(&server, &sam, &clinic_b.id, "Zoe", None, Some(zoes_exercise)).await;
    let families = [&leo, &mia, &zoe];

    // Each family records and syncs, so each has logs of its own on the server.
    for f in families {
        f.engine.record(f.tick(0, 0)).await.unwrap();
        f.engine.record(f.tick(1, 1)).await.unwrap();
        f.engine.sync_once().await.unwrap();
    }
    let therapist_of = |f: &Family| if f.clinic_id == clinic_b.id { &sam } else { maya };
    let mut logs_of = Vec::new();
    for f in families {
        let logs = server_logs(therapist_of(f), &f.child_id).await;
        assert_eq!(logs.len(), 2, "{backend:?} {}", f.name);
        logs_of.push(logs.iter().map(|l| l["log_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>());
    }
    let foreign = |me: &Family| -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for (i, f) in families.iter().enumerate() {
            if f.family_id != me.family_id {
                ids.extend(f.own_ids());
                ids.extend(logs_of[i].iter().cloned());
                if f.clinic_id != me.clinic_id {
                    ids.insert(f.clinic_id.clone());
                }
            }
        }
        if me.clinic_id != clinic_b.id {
            ids.insert(zoes_exercise_id.clone());
        }
        ids
    };
    let (mia_log, zoe_log) = (logs_of[1][0].clone(), logs_of[2][0].clone());

    // 1. Pushes naming another family's child, assignment or exercise, or reusing another family's log id.
    let own_exercise = &leo.exercise_id;
    let mut reused_mia = leo.forged_log(&leo.child_id, &leo.assignment_id, own_exercise);
    reused_mia["id"] = json!(mia_log);
    let mut reused_zoe = leo.forged_log(&leo.child_id, &leo.assignment_id, own_exercise);
    reused_zoe["id"] = json!(zoe_log);
    // Mia's own log, replayed with a newer stamp and undone, as if Leo's device could withdraw it.
    let mias_version = mia.engine.log(mia_log.parse().unwrap()).await.unwrap().unwrap();
    let mut withdraw_mia = serde_json::to_value(&mias_version).unwrap();
    withdraw_mia["undone"] = json!(true);
    withdraw_mia["hlc"] = json!({"wall_ms": hlc_now() + 1000, "counter": 0});
    withdraw_mia["device_id"] = json!(leo.raw.device_id);
    let forged = vec![
        leo.forged_log(&mia.child_id, &mia.assignment_id, &mia.exercise_id),
        leo.forged_log(&leo.child_id, &mia.assignment_id, &mia.exercise_id),
        leo.forged_log(&zoe.child_id, &zoe.assignment_id, &zoe.exercise_id),
        leo.forged_log(&leo.child_id, &zoe.assignment_id, own_exercise),
        leo.forged_log(&leo.child_id, &leo.assignment_id, &zoe.exercise_id),
        reused_mia,
        reused_zoe,
        withdraw_mia,
    ];
    let honest = leo.forged_log(&leo.child_id, &leo.assignment_id, own_exercise);
    let mut batch = forged.clone();
    batch.push(honest.clone());
    let reply = leo.raw.push(batch).await;
    let accepted: Vec<&str> = reply["accepted"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(accepted, [honest["id"].as_str().unwrap()], "{backend:?}: only the honest log is accepted: {reply:#}");
    let rejected = reply["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), forged.len(), "{backend:?}: {reply:#}");
    let reasons: Vec<&str> = rejected.iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert_eq!(
        reasons,
        [
            "unknown_child",
            "unknown_assignment",
            "unknown_child",
            "unknown_assignment",
            "unknown_exercise",
            "immutable_field",
            "immutable_field",
            "unknown_child"
        ],
        "{backend:?}: {reply:#}"
    );
    for r in rejected {
        let message = r["message"].as_str().unwrap();
        for id in foreign(&leo) {
            assert!(!message.contains(id.as_str()), "{backend:?}: a rejection tells about {id}: {message}");
        }
    }
    // The other families' logs are untouched.
    let mia_now = server_logs(maya, &mia.child_id).await;
    let entry = mia_now.iter().find(|l| l["log_id"] == mia_log.as_str()).unwrap();
    assert_eq!(entry["undone"], false, "{backend:?}: Leo's device withdrew Mia's log");
    assert_eq!(entry["device_id"], mias_version.device_id.to_string(), "{backend:?}");
    assert_eq!(mia_now.len(), 2, "{backend:?}");
    assert_eq!(server_logs(&sam, &zoe.child_id).await.len(), 2, "{backend:?}");

    // 2. Pulls: from the start, and with cursors copied from the other families' devices.
    let (full, _) = leo.raw.pull_all(None).await;
    assert!(!full.is_empty());
    assert!(full.iter().any(|c| c["type"] == "log" && c["data"]["id"] == honest["id"]), "{backend:?}");
    assert_feed_is_own(&full, &foreign(&leo), &format!("{backend:?}: Leo's full feed"));
    for other in [&mia, &zoe] {
        let (_, cursor) = other.raw.pull_all(None).await;
        let (feed, _) = leo.raw.pull_all(cursor).await;
        assert_feed_is_own(&feed, &foreign(&leo), &format!("{backend:?}: Leo pulling with {}'s cursor", other.name));
        let (_, cursor) = leo.raw.pull_all(None).await;
        let (feed, _) = other.raw.pull_all(cursor).await;
        assert_feed_is_own(&feed, &foreign(other), &format!("{backend:?}: {} pulling with Leo's cursor", other.name));
    }
    for forged_cursor in ["v1.0000000000000000", "v1.7fffffffffffffff"] {
        let (feed, _) = leo.raw.pull_all(Some(forged_cursor.to_owned())).await;
        assert_feed_is_own(&feed, &foreign(&leo), &format!("{backend:?}: cursor {forged_cursor}"));
    }

    // 3. Media: another family's and another clinic's uploads are not found; one's own program's are.
    let get = |client: &DeviceClient, path: String| {
        client.http.get(format!("{}{path}", client.base)).bearer_auth(&client.token).send()
    };
    for (device, media, allowed) in [
        (&leo.raw, mia.media.clone().unwrap(), false),
        (&leo.raw, zoe.media.clone().unwrap(), false),
        (&mia.raw, zoe.media.clone().unwrap(), false),
        (&zoe.raw, mia.media.clone().unwrap(), false),
        (&mia.raw, mia.media.clone().unwrap(), true),
        (&zoe.raw, zoe.media.clone().unwrap(), true),
    ] {
        let resp = get(device, format!("/api/v1/media/{media}")).await.unwrap();
        if allowed {
            assert_eq!(resp.status(), StatusCode::OK, "{backend:?}: {media}");
        } else {
            expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        }
    }
    // A therapist of the other clinic cannot fetch it either, with a session.
    let resp = maya.send(Method::GET, &format!("/api/v1/media/{}", zoe.media.as_ref().unwrap()), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;

    // 4. The device token opens no therapist endpoint, as a bearer token or as a session cookie.
    let paths = [
        "/api/v1/auth/me".to_owned(),
        "/api/v1/children".to_owned(),
        format!("/api/v1/children/{}", leo.child_id),
        format!("/api/v1/children/{}", mia.child_id),
        format!("/api/v1/children/{}/adherence", leo.child_id),
        format!("/api/v1/children/{}/adherence", zoe.child_id),
        format!("/api/v1/children/{}/assignments", mia.child_id),
        format!("/api/v1/children/{}/devices", leo.child_id),
        format!("/api/v1/children/{}/feedback", leo.child_id),
        "/api/v1/overview".to_owned(),
        "/api/v1/audit".to_owned(),
        "/api/v1/therapists".to_owned(),
        "/api/v1/library/exercises".to_owned(),
        "/api/v1/library/routines".to_owned(),
    ];
    for path in &paths {
        let resp = get(&leo.raw, path.clone()).await.unwrap();
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let resp = client()
            .get(format!("{}{path}", server.base))
            .header("cookie", format!("hp_session={}", leo.raw.token))
            .send()
            .await
            .unwrap();
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    }
    let resp = leo
        .raw
        .http
        .post(format!("{}/api/v1/children/{}/pairing-codes", server.base, mia.child_id))
        .bearer_auth(&leo.raw.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    // And a therapist sees no child of the other clinic.
    for path in [format!("/api/v1/children/{}", zoe.child_id), format!("/api/v1/children/{}/adherence", zoe.child_id)] {
        expect_error(maya.send(Method::GET, &path, None).await, StatusCode::NOT_FOUND, "not_found", None).await;
    }
    let mias = maya.get("/api/v1/children").await.to_string();
    assert!(!mias.contains(&zoe.child_id), "{backend:?}");

    // 5. After a full sync, no engine holds anything of another family: not in its logs, its lists, its
    // progress, nor anywhere in its database files.
    for f in families {
        f.engine.sync_once().await.unwrap();
    }
    let now = Utc::now();
    for f in families {
        let others = foreign(f);
        let own_child: ChildId = f.child_id.parse().unwrap();
        let logs = f.engine.all_logs().await.unwrap();
        assert!(logs.len() >= 2, "{backend:?} {}", f.name);
        for log in &logs {
            assert_eq!(log.child_id, own_child, "{backend:?} {}: {log:?}", f.name);
            assert!(!others.contains(&log.id.to_string()), "{backend:?} {}: holds {}", f.name, log.id);
        }
        let today = f.engine.today(now).await.unwrap();
        assert_eq!(today.iter().map(|c| c.child.id).collect::<Vec<_>>(), vec![own_child], "{backend:?} {}", f.name);
        let today_text = serde_json::to_string(&today).unwrap();
        for id in &others {
            assert!(!today_text.contains(id.as_str()), "{backend:?} {}: today shows {id}", f.name);
        }
        let progress = serde_json::to_string(&f.engine.progress(own_child, now).await.unwrap().unwrap()).unwrap();
        for id in &others {
            assert!(!progress.contains(id.as_str()), "{backend:?} {}: progress shows {id}", f.name);
        }
        for other in families.iter().filter(|o| o.family_id != f.family_id) {
            assert!(f.engine.progress(other.child_id.parse().unwrap(), now).await.unwrap().is_none());
            if let Some(m) = &other.media {
                assert!(f.engine.media(&MediaRef::new(m).unwrap()).await.unwrap().is_none(), "{backend:?} {}", f.name);
            }
        }
        if let Some(m) = &f.media {
            assert!(f.engine.media(&MediaRef::new(m).unwrap()).await.unwrap().is_some(), "{backend:?} {}", f.name);
        }
        // The database and its write-ahead log, byte for byte.
        let mut bytes = Vec::new();
        for name in ["homeplay-device.db", "homeplay-device.db-wal"] {
            if let Ok(b) = std::fs::read(f.engine.data_dir().join(name)) {
                bytes.extend(b);
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(f.child_id.as_str()), "{backend:?} {}: the check would find ids", f.name);
        for id in &others {
            assert!(!text.contains(id.as_str()), "{backend:?} {}: its database holds {id}", f.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_never_see_another_familys_data_sqlite() {
    isolation(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_never_see_another_familys_data_postgres() {
    isolation(Backend::Postgres).await;
}
