//! PostgreSQL: `pg_dump -Fc` (one consistent snapshot, taken in a repeatable-read transaction while the
//! servers write) and `pg_restore` into an empty database. The password travels in `PGPASSWORD`, never on a
//! command line, where any user of the machine could read it.

use super::{BackupError, BackupResult, FEED_GAP, new_epoch};
use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::Stdio;

/// The URL without its password, and the password (percent-decoded) for libpq's environment.
fn split_password(url: &str) -> BackupResult<(String, Option<String>)> {
    let unknown = || BackupError::UnknownUrl(crate::config::redact_url(url));
    let mut parsed = url::Url::parse(url).map_err(|_| unknown())?;
    let password = parsed.password().map(percent_decode);
    parsed.set_password(None).map_err(|()| unknown())?;
    Ok((parsed.to_string(), password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn run(tool: &'static str, url: &str, args: &[&std::ffi::OsStr]) -> BackupResult<()> {
    let (dbname, password) = split_password(url)?;
    let mut cmd = tokio::process::Command::new(tool);
    // -w: fail at once rather than wait for a password no one will type.
    cmd.arg("-w").args(args).arg(format!("--dbname={dbname}")).stdin(Stdio::null()).kill_on_drop(true);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::ToolMissing { tool },
        _ => BackupError::Io { path: tool.into(), error: e },
    })?;
    if !out.status.success() {
        return Err(BackupError::ToolFailed {
            tool,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(())
}

pub(super) async fn backup(url: &str, into: &Path) -> BackupResult<()> {
    run("pg_dump", url, &["-Fc".as_ref(), "-f".as_ref(), into.as_os_str()]).await
}

pub(super) async fn restore(url: &str, from: &Path) -> BackupResult<()> {
    let shown = crate::config::redact_url(url);
    let mut conn = PgConnection::connect(url).await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut conn)
    .await?;
    if tables > 0 {
        let clinics: Option<i64> = sqlx::query_scalar("SELECT COUNT(*) FROM clinics").fetch_one(&mut conn).await.ok();
        return Err(match clinics {
            Some(n) if n > 0 => BackupError::HoldsClinic(shown),
            _ => BackupError::NotEmpty(shown),
        });
    }
    // One transaction: a restore that fails half-way leaves the database empty, to try again. Owners and
    // grants are the restoring user's: the clinic's new machine need not have the old one's roles.
    run(
        "pg_restore",
        url,
        &[
            "--exit-on-error".as_ref(),
            "--single-transaction".as_ref(),
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            from.as_os_str(),
        ],
    )
    .await?;
    // A new epoch, with the feed's jump; a backup older than epochs gets its first from the migrations.
    let mut tx = conn.begin().await?;
    sqlx::query("UPDATE families SET feed_seq = feed_seq + $1").bind(FEED_GAP).execute(&mut *tx).await?;
    let has_epoch: bool =
        sqlx::query_scalar("SELECT to_regclass('server_epoch') IS NOT NULL").fetch_one(&mut *tx).await?;
    if has_epoch {
        sqlx::query("UPDATE server_epoch SET epoch = $1").bind(new_epoch()?).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    conn.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (url, password) = split_password("postgres://app:s%40cret%25@db:5432/hp?sslmode=require").unwrap();
        assert_eq!(url, "postgres://app@db:5432/hp?sslmode=require");
        assert_eq!(password.as_deref(), Some("s@cret%"));
        let (url, password) = split_password("postgres://app@db/hp").unwrap();
        assert_eq!((url.as_str(), password), ("postgres://app@db/hp", None));
    }
}
