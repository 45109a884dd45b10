//! The HTTP side of the sync protocol (shared/PROTOCOL.md). Every call sorts its failure into "offline"
//! (retry later) or a server error the app must show.

use crate::error::{DeviceError, Result};
use homeplay_core::pairing::DeviceToken;
use homeplay_core::sync::{
    ApiError, ErrorCode, PairRequest, PairResponse, PullRequest, PullResponse, PushRequest, PushResponse, ServerInfo,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Bodies larger than this are sent gzip-compressed (the server accepts `Content-Encoding: gzip`).
const GZIP_ABOVE_BYTES: usize = 1024;

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).and_then(|()| encoder.finish()).map_err(|e| DeviceError::Protocol(e.to_string()))
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    pub fn new(server_url: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| DeviceError::Offline(e.to_string()))?;
        Ok(Self { http, base: server_url.trim_end_matches('/').to_owned() })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn answer<T: DeserializeOwned>(resp: std::result::Result<reqwest::Response, reqwest::Error>) -> Result<T> {
        let resp = resp.map_err(|e| DeviceError::Offline(e.to_string()))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| DeviceError::Offline(e.to_string()))?;
        if status.is_success() {
            // An unreadable success is most often a network's sign-in page (hotel or school wifi) answering in the
            // server's place: treated as offline, so sync resumes by itself once the network lets it through.
            return serde_json::from_slice(&bytes).map_err(|e| {
                DeviceError::Offline(format!(
                    "the answer could not be read ({e}); is a network sign-in page in the way?"
                ))
            });
        }
        match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(e) => Err(DeviceError::Server(e)),
            // A proxy or a server mid-restart: not an answer from homeplay, so try again later.
            Err(_) if status.is_server_error() || status.as_u16() == 429 => {
                Err(DeviceError::Offline(format!("the server answered {status}")))
            }
            Err(_) => Err(DeviceError::Server(ApiError {
                error: ErrorCode::BadRequest,
                message: format!("the server answered {status}"),
                field: None,
                supported: None,
            })),
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&DeviceToken>,
        body: &B,
    ) -> Result<T> {
        let json = serde_json::to_vec(body)?;
        let mut req = self.http.post(format!("{}{path}", self.base)).header("content-type", "application/json");
        // Logs repeat the same keys and ids: a catch-up after weeks offline shrinks about fivefold.
        req = if json.len() > GZIP_ABOVE_BYTES {
            req.header("content-encoding", "gzip").body(gzip(&json)?)
        } else {
            req.body(json)
        };
        if let Some(t) = token {
            req = req.bearer_auth(t.expose());
        }
        Self::answer(req.send().await).await
    }

    /// The server's description (asked while pairing): an address that answers, but not as homeplay (a typo in
    /// its path, another website), is named as such instead of as a network that cannot be reached.
    pub async fn info(&self) -> Result<ServerInfo> {
        let resp = self
            .http
            .get(format!("{}/api/v1/sync/info", self.base))
            .send()
            .await
            .map_err(|e| DeviceError::Offline(e.to_string()))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| DeviceError::Offline(e.to_string()))?;
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(DeviceError::Offline(format!("the server answered {status}")));
        }
        match serde_json::from_slice::<ServerInfo>(&bytes) {
            Ok(info) if status.is_success() => Ok(info),
            _ => Err(DeviceError::NotHomeplay(format!("{} answered {status}", self.base))),
        }
    }

    pub async fn pair(&self, req: &PairRequest) -> Result<PairResponse> {
        self.post("/api/v1/sync/pair", None, req).await
    }

    pub async fn push(&self, token: &DeviceToken, req: &PushRequest) -> Result<PushResponse> {
        self.post("/api/v1/sync/push", Some(token), req).await
    }

    pub async fn pull(&self, token: &DeviceToken, req: &PullRequest) -> Result<PullResponse> {
        self.post("/api/v1/sync/pull", Some(token), req).await
    }

    /// The bytes of an uploaded media file, checked against the SHA-256 its name promises.
    pub async fn media(&self, token: &DeviceToken, media: &str, sha256_hex: &str) -> Result<(String, Vec<u8>)> {
        let resp = self
            .http
            .get(format!("{}/api/v1/media/{media}", self.base))
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| DeviceError::Offline(e.to_string()))?;
        let status = resp.status();
        if !status.is_success() {
            let text = resp.text().await.unwrap_or_default();
            return match serde_json::from_str::<ApiError>(&text) {
                Ok(e) => Err(DeviceError::Server(e)),
                Err(_) => Err(DeviceError::Offline(format!("the server answered {status}"))),
            };
        }
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = resp.bytes().await.map_err(|e| DeviceError::Offline(e.to_string()))?.to_vec();
        use sha2::Digest;
        if hex::encode(sha2::Sha256::digest(&bytes)) != sha256_hex {
            return Err(DeviceError::Offline(format!("{media} arrived damaged; it will be fetched again")));
        }
        Ok((content_type, bytes))
    }
}
