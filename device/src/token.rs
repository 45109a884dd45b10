//! Where the device keeps its token: the OS keyring where there is one (feature `os-keyring`), else a file in
//! the app's data folder that only this user can read.

use crate::error::{DeviceError, Result};
use homeplay_core::pairing::DeviceToken;
use std::path::PathBuf;

pub trait TokenStore: Send + Sync + std::fmt::Debug {
    fn load(&self) -> Result<Option<DeviceToken>>;
    fn save(&self, token: &DeviceToken) -> Result<()>;
    fn delete(&self) -> Result<()>;
}

/// The token in a file with mode 0600.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Result<Option<DeviceToken>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => DeviceToken::parse(text.trim()).map(Some).map_err(|e| DeviceError::Token(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DeviceError::Token(e.to_string())),
        }
    }

    fn save(&self, token: &DeviceToken) -> Result<()> {
        use std::io::Write;
        let tmp = self.path.with_extension("tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(|e| DeviceError::Token(e.to_string()))?;
        file.write_all(token.expose().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| DeviceError::Token(e.to_string()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| DeviceError::Token(e.to_string()))
    }

    fn delete(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(DeviceError::Token(e.to_string())),
            _ => Ok(()),
        }
    }
}

/// The OS keyring, falling back to a private file where there is none (a headless machine, no Secret
/// Service running): the device must work either way.
#[cfg(feature = "os-keyring")]
pub struct KeyringTokenStore {
    entry: Option<keyring::Entry>,
    file: FileTokenStore,
}

#[cfg(feature = "os-keyring")]
impl std::fmt::Debug for KeyringTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringTokenStore").field("keyring", &self.entry.is_some()).field("file", &self.file).finish()
    }
}

#[cfg(feature = "os-keyring")]
impl KeyringTokenStore {
    pub fn new(service: &str, account: &str, fallback: FileTokenStore) -> Self {
        Self { entry: keyring::Entry::new(service, account).ok(), file: fallback }
    }
}

#[cfg(feature = "os-keyring")]
impl TokenStore for KeyringTokenStore {
    fn load(&self) -> Result<Option<DeviceToken>> {
        match self.entry.as_ref().map(keyring::Entry::get_password) {
            Some(Ok(secret)) => DeviceToken::parse(&secret).map(Some).map_err(|e| DeviceError::Token(e.to_string())),
            Some(Err(keyring::Error::NoEntry)) | None => self.file.load(),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "OS keyring unavailable; using the token file");
                self.file.load()
            }
        }
    }

    fn save(&self, token: &DeviceToken) -> Result<()> {
        match self.entry.as_ref().map(|e| e.set_password(token.expose())) {
            // Kept in one place only: no stale copy in a file.
            Some(Ok(())) => self.file.delete(),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "OS keyring unavailable; keeping the token in a private file");
                self.file.save(token)
            }
            None => self.file.save(token),
        }
    }

    fn delete(&self) -> Result<()> {
        if let Some(entry) = &self.entry {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove the token from the OS keyring"),
            }
        }
        self.file.delete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_store_round_trip_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileTokenStore::new(dir.path().join("token"));
        assert!(store.load().unwrap().is_none());
        let token = DeviceToken::from_random_bytes([9; 32]);
        store.save(&token).unwrap();
        assert_eq!(store.load().unwrap(), Some(token));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("token")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        store.delete().unwrap();
        assert!(store.load().unwrap().is_none());
    }

    #[cfg(feature = "os-keyring")]
    #[test]
    fn keyring_store_keeps_the_token_with_or_without_a_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let account = format!("test-{}", uuid::Uuid::now_v7());
        let store = KeyringTokenStore::new("homeplay-tests", &account, FileTokenStore::new(dir.path().join("token")));
        let token = DeviceToken::from_random_bytes([3; 32]);
        store.save(&token).unwrap();
        assert_eq!(store.load().unwrap(), Some(token));
        store.delete().unwrap();
        assert!(store.load().unwrap().is_none());
    }
}
