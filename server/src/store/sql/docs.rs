//! Reading records stored whole as JSON: the query's first column is the document, its parameters are text
//! (ids, dates), bound in order as `$1`, `$2`, …

use super::{Db, This};
use crate::store::StoreResult;
use crate::store::codec::parse;
use serde::de::DeserializeOwned;

impl This {
    /// The one document the query finds, if any.
    pub(super) async fn doc<T: DeserializeOwned>(
        &self,
        sql: &'static str,
        params: &[String],
    ) -> StoreResult<Option<T>> {
        let mut query = sqlx::query_scalar::<Db, String>(sql);
        for p in params {
            query = query.bind(p.as_str());
        }
        query.fetch_optional(&self.pool).await?.map(|doc| parse(&doc)).transpose()
    }

    /// Every document the query finds, in its order.
    pub(super) async fn docs<T: DeserializeOwned>(&self, sql: &'static str, params: &[String]) -> StoreResult<Vec<T>> {
        let mut query = sqlx::query_scalar::<Db, String>(sql);
        for p in params {
            query = query.bind(p.as_str());
        }
        query.fetch_all(&self.pool).await?.iter().map(|doc| parse(doc)).collect()
    }
}
