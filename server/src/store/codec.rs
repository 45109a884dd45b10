//! How values become stored text and back, the same for both databases: whole records as JSON, snake_case
//! enums as their bare names (`lead`, `pt`, `team_only`) so the column reads as it is sent.

use super::{StoreError, StoreResult};
use serde::de::DeserializeOwned;

pub(super) fn parse<T: DeserializeOwned>(doc: &str) -> StoreResult<T> {
    serde_json::from_str(doc).map_err(StoreError::from)
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(StoreError::from)
}

pub(super) fn parse_name<T: DeserializeOwned>(name: &str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(StoreError::from)
}

pub(super) fn name_of<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(s) => Ok(s),
        _ => Err(StoreError::NotFound("a name for the value")),
    }
}
