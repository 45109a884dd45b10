//! The clinic a load runs against (the `load` and `failover` scenarios share it): its shape, and the therapists
//! who browse it beside the world's own.

use crate::data::{PASSWORD, Shape, World, today};
use chrono::TimeDelta;
use homeplay_core::clinic::Role;
use homeplay_core::ids::TherapistId;
use homeplay_core::skill::Discipline;
use homeplay_server::store::DynStore;

/// Two devices per family (two caregivers' laptops), as many families as `devices` takes, three assignments
/// twice a day for the last month.
pub fn shape(devices: usize) -> Shape {
    Shape {
        families: devices.div_ceil(2).max(1),
        assignments: 3,
        slots: 2,
        devices_per_family: 2,
        start: today() - TimeDelta::days(30),
    }
}

/// The world's therapist and `count - 1` more (admins, PT) in its clinic: each one's e-mail and id, the world's
/// own first. `label` tells runs' accounts apart in the e-mails.
pub async fn therapists(
    store: &DynStore,
    world: &World,
    count: usize,
    label: &str,
) -> anyhow::Result<Vec<(String, TherapistId)>> {
    let mut out = vec![(world.email.clone(), world.therapist)];
    for i in 1..count {
        let email = format!("{label}-{i}-{}@bench.example", uuid::Uuid::now_v7().simple());
        let t = homeplay_server::accounts::create_therapist(
            store,
            world.clinic,
            &email,
            &format!("Therapist {i}"),
            Discipline::Pt,
            Role::Admin,
            PASSWORD,
        )
        .await?;
        out.push((email, t.id));
    }
    Ok(out)
}
