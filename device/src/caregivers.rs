//! Who is using the device: the caregiver chosen now, and the family's caregivers this device knows, so the
//! screens can offer them as a list ("Who is doing this?") instead of a box to type a name into.

use crate::Engine;
use crate::error::Result;
use homeplay_core::family::Caregiver;
use homeplay_core::text::Name;

/// One of the family's caregivers, as this device knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCaregiver {
    pub name: Name,
    /// Chosen on this device at least once (not only seen on the clinic's record or on logs).
    pub chosen_here: bool,
}

/// Names are the same caregiver whatever their case or surrounding spaces ("grandma" is "Grandma").
fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl Engine {
    /// Who is using this device now ("Mum"), shown on every log they record.
    pub async fn caregiver(&self) -> Result<Option<Name>> {
        self.db.caregiver().await
    }

    /// Chooses who is using the device; a new name joins the caregivers this device knows.
    pub async fn set_caregiver(&self, name: Name) -> Result<()> {
        self.db.set_setting("caregiver", name.as_str()).await?;
        let mut known = self.known_here().await?;
        if !known.iter().any(|k| same(k, name.as_str())) {
            known.push(name.as_str().to_owned());
            self.db.set_setting("caregivers", &serde_json::to_string(&known)?).await?;
        }
        Ok(())
    }

    /// Names chosen on this device, first chosen first. An unreadable value (a newer app's) reads as none.
    async fn known_here(&self) -> Result<Vec<String>> {
        Ok(self.db.setting("caregivers").await?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    /// The family's caregivers as this device knows them: the names chosen here, then the caregivers the
    /// clinic has on the family's record, then the names on the family's logs (other devices' too, once
    /// pulled), each once, whatever its case.
    pub async fn caregivers(&self) -> Result<Vec<KnownCaregiver>> {
        let mut out: Vec<KnownCaregiver> = Vec::new();
        let here = self.known_here().await?;
        let clinic: Vec<Caregiver> = self.db.records("caregiver").await?;
        let clinic = clinic.iter().map(|c| (c.name.as_str().to_owned(), false));
        let on_logs = self.db.caregiver_names_on_logs().await?.into_iter().map(|n| (n, false));
        for (n, chosen_here) in here.into_iter().map(|n| (n, true)).chain(clinic).chain(on_logs) {
            if out.iter().any(|k| same(k.name.as_str(), &n)) {
                continue;
            }
            if let Ok(name) = Name::new(n) {
                out.push(KnownCaregiver { name, chosen_here });
            }
        }
        Ok(out)
    }
}
