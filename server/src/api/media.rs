//! Uploads of pictures, voice prompts and videos for a clinic's exercises. The body is the file itself (not
//! a form), stored under the SHA-256 of its bytes; serving is in `sync.rs` (`GET /api/v1/media/{media}`).
//!
//! Only a short list of formats is taken, each checked by its leading bytes, so a file is what it claims to
//! be. SVG is refused: it can carry scripts, and a clinic's upload is shown on families' devices.
//!
//! The body is read here, chunk by chunk, against the limit of the declared type (and
//! `limits.max_media_bytes`), rather than by an extractor under the router's `DefaultBodyLimit`: the limit
//! depends on the type, and it then also holds for a body sent without a length or gzip-compressed.

use crate::api::responses::SessionWrite;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::auth::tokens::sha256_hex;
use crate::error::{ApiResult, Failure};
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use homeplay_core::media::MediaRef;
use homeplay_core::sync::{ApiError, ErrorCode, MediaInfo};
use std::pin::Pin;

const MIB: usize = 1024 * 1024;

/// An accepted format: its content type, size limit, and a check of its leading bytes.
struct Format {
    content_type: &'static str,
    max_bytes: usize,
    sniff: fn(&[u8]) -> bool,
}

fn riff(b: &[u8], kind: &[u8; 4]) -> bool {
    b.starts_with(b"RIFF") && b.get(8..12) == Some(kind.as_slice())
}

/// ISO base media (MP4, M4A): a box whose type is `ftyp` at offset 4.
fn iso_bmff(b: &[u8]) -> bool {
    b.get(4..8) == Some(b"ftyp".as_slice())
}

/// Matroska/WebM: the EBML header.
fn ebml(b: &[u8]) -> bool {
    b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
}

/// MP3: an ID3 tag, or straight into a frame (11 set sync bits).
fn mp3(b: &[u8]) -> bool {
    b.starts_with(b"ID3") || matches!(b, [0xFF, second, ..] if second & 0xE0 == 0xE0)
}

const FORMATS: &[Format] = &[
    Format { content_type: "image/png", max_bytes: 5 * MIB, sniff: |b| b.starts_with(b"\x89PNG\r\n\x1a\n") },
    Format { content_type: "image/jpeg", max_bytes: 5 * MIB, sniff: |b| b.starts_with(&[0xFF, 0xD8, 0xFF]) },
    Format { content_type: "image/webp", max_bytes: 5 * MIB, sniff: |b| riff(b, b"WEBP") },
    Format {
        content_type: "image/gif",
        max_bytes: 5 * MIB,
        sniff: |b| b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a"),
    },
    Format { content_type: "audio/mpeg", max_bytes: 5 * MIB, sniff: mp3 },
    Format { content_type: "audio/ogg", max_bytes: 5 * MIB, sniff: |b| b.starts_with(b"OggS") },
    Format { content_type: "audio/webm", max_bytes: 5 * MIB, sniff: ebml },
    Format { content_type: "audio/mp4", max_bytes: 5 * MIB, sniff: iso_bmff },
    Format { content_type: "audio/wav", max_bytes: 5 * MIB, sniff: |b| riff(b, b"WAVE") },
    Format { content_type: "video/mp4", max_bytes: 25 * MIB, sniff: iso_bmff },
    Format { content_type: "video/webm", max_bytes: 25 * MIB, sniff: ebml },
];

fn accepted_list() -> String {
    FORMATS.iter().map(|f| f.content_type).collect::<Vec<_>>().join(", ")
}

fn too_large(max: usize) -> Failure {
    Failure::new(ErrorCode::PayloadTooLarge, format!("this kind of file may be at most {} MiB", max / MIB))
}

/// How much of a refused upload is read and thrown away. A client still sending when the answer comes would
/// otherwise see a reset connection instead of the answer; past this much, the connection is simply dropped.
const DRAIN_MAX: usize = 64 * MIB;

/// The next piece of the body's data, skipping trailers.
async fn next_chunk(body: &mut Body) -> Result<Option<Bytes>, axum::Error> {
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await {
            None => return Ok(None),
            Some(Err(e)) => return Err(e),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
        }
    }
}

async fn drain(mut body: Body) {
    let mut seen = 0;
    while seen < DRAIN_MAX
        && let Ok(Some(chunk)) = next_chunk(&mut body).await
    {
        seen += chunk.len();
    }
}

/// Refuses the upload once the client has finished sending (up to [`DRAIN_MAX`]).
async fn refuse(body: Body, failure: Failure) -> Failure {
    drain(body).await;
    failure
}

/// The whole body, or `None` if it is longer than `max`.
async fn read_at_most(mut body: Body, max: usize) -> ApiResult<Option<Vec<u8>>> {
    let mut data = Vec::new();
    while let Some(chunk) =
        next_chunk(&mut body).await.map_err(|_| Failure::bad_request("the body could not be read"))?
    {
        if data.len() + chunk.len() > max {
            drain(body).await;
            return Ok(None);
        }
        data.extend_from_slice(&chunk);
    }
    Ok(Some(data))
}

/// Upload a picture, voice prompt or video
///
/// Stores a file's bytes (the body is the file itself, not a form) under the SHA-256 of its contents, and
/// returns the reference to put in an exercise or reward. Pictures, audio: at most 5 MiB; video: 25 MiB.
/// The contents must match the content type; SVG is refused.
#[utoipa::path(
    post, path = "/media", tag = "media", operation_id = "upload_media",
    security(("session" = [], "csrf" = [])),
    request_body(
        description = "The file's bytes, with its content type",
        content(
            ("image/png"), ("image/jpeg"), ("image/webp"), ("image/gif"),
            ("audio/mpeg"), ("audio/ogg"), ("audio/webm"), ("audio/mp4"), ("audio/wav"),
            ("video/mp4"), ("video/webm"),
        ),
    ),
    responses(
        (status = 201, description = "Stored (or already there): its reference, type and size", body = MediaInfo),
        (status = 400, description = "The body is empty or could not be read", body = ApiError),
        (status = 413, description = "The file is larger than its kind may be", body = ApiError),
        (status = 415, description = "The content type is not one of those accepted, or the contents are not of \
            that type", body = ApiError),
        SessionWrite,
    ),
)]
pub async fn upload(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    request: Request,
) -> ApiResult<(StatusCode, Json<MediaInfo>)> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let Some(format) = FORMATS.iter().find(|f| f.content_type == declared) else {
        let message = format!("send the file's bytes with one of these content types: {}", accepted_list());
        return Err(refuse(body, Failure::new(ErrorCode::UnsupportedMediaType, message)).await);
    };
    let max = format.max_bytes.min(state.limits.max_media_bytes);
    let declared_len =
        parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared_len.is_some_and(|n| n > max as u64) {
        return Err(refuse(body, too_large(max)).await);
    }
    let data = read_at_most(body, max).await?.ok_or_else(|| too_large(max))?;
    if data.is_empty() {
        return Err(Failure::bad_request("the body is empty; send the file's bytes"));
    }
    if !(format.sniff)(&data) {
        return Err(Failure::new(
            ErrorCode::UnsupportedMediaType,
            format!("the file's contents are not {}; check the file and its content type", format.content_type),
        ));
    }
    let hash = sha256_hex(&data);
    let media = MediaRef::new(&format!("sha256:{hash}"))?;
    state.store.put_media(auth.therapist.clinic_id, &hash, format.content_type, &data, now_ms()).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "upload_media", None, format!("{media}; {} bytes", data.len()))
        .await?;
    let info = MediaInfo { media, content_type: format.content_type.to_owned(), bytes: data.len() as u64 };
    Ok((StatusCode::CREATED, Json(info)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffs_as(bytes: &[u8]) -> Vec<&'static str> {
        FORMATS.iter().filter(|f| (f.sniff)(bytes)).map(|f| f.content_type).collect()
    }

    #[test]
    fn each_format_is_told_by_its_leading_bytes() {
        assert_eq!(sniffs_as(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), ["image/png"]);
        assert_eq!(sniffs_as(&[0xFF, 0xD8, 0xFF, 0xE0]), ["image/jpeg"]);
        assert_eq!(sniffs_as(b"RIFF\x10\0\0\0WEBPVP8 "), ["image/webp"]);
        assert_eq!(sniffs_as(b"GIF89a\x01\0"), ["image/gif"]);
        assert_eq!(sniffs_as(b"ID3\x04\0"), ["audio/mpeg"]);
        assert_eq!(sniffs_as(&[0xFF, 0xFB, 0x90, 0x64]), ["audio/mpeg"]);
        assert_eq!(sniffs_as(b"OggS\0\x02"), ["audio/ogg"]);
        assert_eq!(sniffs_as(b"RIFF\x10\0\0\0WAVEfmt "), ["audio/wav"]);
        assert_eq!(sniffs_as(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]), ["audio/webm", "video/webm"]);
        assert_eq!(sniffs_as(b"\0\0\0\x20ftypisom"), ["audio/mp4", "video/mp4"]);
    }

    #[test]
    fn the_document_lists_exactly_the_accepted_formats() {
        let doc = crate::api::openapi();
        let op = doc.paths.paths["/api/v1/media"].post.as_ref().expect("POST /api/v1/media is documented");
        let body = op.request_body.as_ref().expect("it documents its body");
        let documented: std::collections::BTreeSet<&str> = body.content.keys().map(String::as_str).collect();
        let accepted: std::collections::BTreeSet<&str> = FORMATS.iter().map(|f| f.content_type).collect();
        assert_eq!(documented, accepted);
    }

    #[test]
    fn svg_html_and_short_files_match_nothing() {
        assert!(sniffs_as(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>").is_empty());
        assert!(sniffs_as(b"<!doctype html>").is_empty());
        assert!(sniffs_as(b"RIFF").is_empty());
        assert!(sniffs_as(b"").is_empty());
    }
}
