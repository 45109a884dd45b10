//! Where the device keeps its token: a file in the app's data folder that only this user can read.
//! (An OS keyring, where there is one, is the app's choice: it passes its own [`TokenStore`].)

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
}
