//! Pictures and videos a clinic uploads for its exercises, by content hash.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::ClinicId;

#[derive(Debug, Clone)]
pub struct MediaRecord {
    pub content_type: String,
    pub data: Vec<u8>,
}

#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn put_media(
        &self,
        clinic: ClinicId,
        sha256: &str,
        content_type: &str,
        data: &[u8],
        now: Millis,
    ) -> StoreResult<()>;
    async fn media(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<MediaRecord>>;
    /// A stored file's content type and size, without reading the file.
    async fn media_info(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<(String, u64)>>;
}
