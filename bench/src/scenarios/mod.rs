//! The scenarios of issue 7. Each builds its own database, measures, and measures its baseline on the same
//! data in the same run.

pub mod app;
pub mod catchup;
pub mod device;
pub mod failover;
pub mod ingest;
pub mod load;
pub mod overview;
pub mod phone;
pub mod pull;

use crate::Config;
use crate::data::{Gen, Shape, World, make_world};
use crate::env::{Backend, BenchDb, Server};
use homeplay_server::store::DynStore;

/// A fresh database with a world in it, and the server on it.
#[derive(Debug)]
pub struct Stage {
    pub server: Server,
    pub world: World,
    pub store: DynStore,
    pub db: BenchDb,
}

impl Stage {
    pub async fn new(cfg: &Config, backend: Backend, g: &mut Gen, shape: Shape) -> anyhow::Result<Self> {
        let db = BenchDb::new(backend, &cfg.postgres_url).await?;
        let store = homeplay_server::store::open(&db.url).await?;
        let world = make_world(&store, g, shape).await?;
        let server = Server::start(&db.url)?;
        Ok(Self { server, world, store, db })
    }

    /// A pairing code for the first family, good for an hour (the app scenarios pair with it).
    pub async fn pairing_code(&self, bytes: [u8; 5]) -> anyhow::Result<homeplay_core::pairing::PairingCode> {
        let code = homeplay_core::pairing::PairingCode::from_random_bytes(bytes);
        let now = crate::data::now_ms();
        let fam = self.world.families.first().ok_or_else(|| anyhow::anyhow!("no family in the world"))?;
        self.store
            .insert_pairing_code(
                &homeplay_server::auth::tokens::sha256_hex(code.as_str()),
                self.world.clinic,
                fam.family,
                self.world.therapist,
                now,
                now + 3_600_000,
            )
            .await?;
        Ok(code)
    }

    /// Stops the server and drops the database.
    pub async fn finish(self) {
        let Stage { server, world: _, store, db } = self;
        drop(server);
        drop(store);
        db.drop_db().await;
    }
}

/// An HTTP client as a device would use (keep-alive, gzip responses).
pub fn http() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().timeout(std::time::Duration::from_secs(120)).pool_max_idle_per_host(1024).build()?)
}

/// Signs the therapist in; the client keeps the session cookie.
pub async fn login(server: &Server, email: &str) -> anyhow::Result<reqwest::Client> {
    let http = reqwest::Client::builder().cookie_store(true).timeout(std::time::Duration::from_secs(600)).build()?;
    let resp = http
        .post(server.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": crate::data::PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_success(), "login failed: {}", resp.text().await?);
    Ok(http)
}
