//! The clinic's settings reach a family's device: the real server binary and a real device engine. A device
//! paired before the clinic changed its pain-advice threshold and contact text gets both on its next pull, even
//! when nothing else changed, and keeps them across a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use homeplay_core::clinic::FamilyClinicSettings;
use homeplay_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_changed_threshold_and_contact_reach_a_paired_device_on_its_next_pull() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2030-03-02").await;
        let (mum, dir) = paired_engine(&server.base, &p.maya, &p.child_id, "Kitchen laptop", "Mum").await;
        mum.sync_once().await.unwrap();
        let defaults = FamilyClinicSettings { pain_advice_at: 6, family_contact: None };
        assert_eq!(mum.clinic_settings().await.unwrap(), defaults, "{backend:?}");

        let contact = "Call Riverside on 555-0100, Mon–Fri 8–5";
        p.maya
            .put("/api/v1/clinic/settings", json!({"locale": "en-US", "pain_advice_at": 4, "family_contact": contact}))
            .await;
        assert_eq!(mum.clinic_settings().await.unwrap(), defaults, "{backend:?}: not before the pull");
        let report = mum.sync_once().await.unwrap();
        assert_eq!(report.pulled, 0, "{backend:?}: no change in the feed, the settings came anyway");
        let changed = FamilyClinicSettings { pain_advice_at: 4, family_contact: Some(contact.into()) };
        assert_eq!(mum.clinic_settings().await.unwrap(), changed, "{backend:?}");

        drop(mum);
        let reopened = open_engine(dir.path()).await.unwrap();
        assert_eq!(reopened.clinic_settings().await.unwrap(), changed, "{backend:?}: kept on the device");
    }
}
