//! The optional plain-HTTP port: every request is sent on to the same host and path over HTTPS, and nothing
//! else is served there, so no page or API answer ever leaves the server unencrypted.

use axum::Router;
use axum::extract::Request;
use axum::http::header::{HOST, LOCATION};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Where `request` belongs over HTTPS on `https_port`: its host (without the plain port), path and query.
/// `None` when the request names no usable host.
pub fn https_location(request: &Request, https_port: u16) -> Option<String> {
    let host = request.headers().get(HOST)?.to_str().ok()?;
    let authority: Authority = host.parse().ok()?;
    // An authority may carry user information (`user@host`); a Host header never should.
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return None;
    }
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let host = authority.host();
    Some(if https_port == 443 { format!("https://{host}{path}") } else { format!("https://{host}:{https_port}{path}") })
}

async fn redirect(https_port: u16, request: Request) -> Response {
    match https_location(&request, https_port).and_then(|l| HeaderValue::from_str(&l).ok()) {
        // 308, not 301: a POST sent here by mistake is repeated as a POST, not turned into a GET.
        Some(location) => (StatusCode::PERMANENT_REDIRECT, [(LOCATION, location)]).into_response(),
        None => (StatusCode::BAD_REQUEST, "a Host header is needed to redirect to HTTPS").into_response(),
    }
}

/// The whole plain-HTTP service.
pub fn router(https_port: u16) -> Router {
    Router::new().fallback(move |request: Request| redirect(https_port, request))
}

/// Serves the redirect on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    https_port: u16,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(https_port)).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(host: Option<&str>, uri: &str) -> Request {
        let mut builder = Request::builder().uri(uri);
        if let Some(h) = host {
            builder = builder.header(HOST, h);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn keeps_host_path_and_query_and_drops_the_plain_port() {
        let at = |host, uri, port| https_location(&request(host, uri), port);
        assert_eq!(
            at(Some("clinic.example:80"), "/family/?x=1", 443).as_deref(),
            Some("https://clinic.example/family/?x=1")
        );
        assert_eq!(at(Some("clinic.example"), "/", 8443).as_deref(), Some("https://clinic.example:8443/"));
        assert_eq!(at(Some("[::1]:8080"), "/a", 8443).as_deref(), Some("https://[::1]:8443/a"));
        assert_eq!(at(None, "/", 443), None);
        assert_eq!(at(Some("evil@clinic.example"), "/", 443), None);
        assert_eq!(at(Some("clinic.example/other"), "/", 443), None);
    }
}
