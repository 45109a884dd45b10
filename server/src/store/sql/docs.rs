//! Reading records stored whole as JSON: the query's first column is the document, its parameters are text
//! (ids, dates), bound in order as `$1`, `$2`, …

use super::{Db, This};
use crate::store::StoreResult;
use crate::store::codec::parse;
use homeplay_core::ids::ChildId;
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

/// How many ids one statement binds at most: well under SQLite's 32,766 parameters and PostgreSQL's 65,535,
/// so a clinic of any size is read in a few statements.
pub(super) const IDS_PER_STATEMENT: usize = 500;

/// `$first, $first+1, …` for `n` values: the placeholders of an `IN (…)` list after the query's fixed ones.
pub(super) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl This {
    /// Every document `sql` finds for `children`, `{children}` in it standing for their `IN` list, which is
    /// bound after `params`; one statement per [`IDS_PER_STATEMENT`] children, concatenated in that order.
    pub(super) async fn docs_of_children<T: DeserializeOwned>(
        &self,
        sql: &'static str,
        params: &[String],
        children: &[ChildId],
    ) -> StoreResult<Vec<T>> {
        let mut out = Vec::new();
        for chunk in children.chunks(IDS_PER_STATEMENT) {
            let text = sql.replace("{children}", &placeholders(params.len() + 1, chunk.len()));
            let mut query = sqlx::query_scalar::<Db, String>(&text);
            for p in params {
                query = query.bind(p.as_str());
            }
            for c in chunk {
                query = query.bind(c.to_string());
            }
            for doc in query.fetch_all(&self.pool).await? {
                out.push(parse(&doc)?);
            }
        }
        Ok(out)
    }
}
