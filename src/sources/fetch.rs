//! Fetching lägesbild sources from the public APIs: Kolada v3 (`GET
//! /v3/data/kpi/{kpis}/municipality/{codes}/year/{years}`, paged by `next_url`) and SCB's PxWeb
//! (`POST` a query for a table, answered in JSON-stat 2). Each page is returned as the bytes of
//! a file, to be read and stored like an imported one (so fetching the same figures again
//! stores nothing twice). Timeouts are short and an unreachable API is said in words.

use std::time::Duration;

/// Kolada's API.
pub const KOLADA: &str = "https://api.kolada.se";
/// SCB's PxWeb API (Statistikdatabasen, Swedish).
pub const SCB: &str = "https://api.scb.se/OV0104/v1/doris/sv/ssd";

/// At most this many pages of one Kolada question.
const MAX_PAGES: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No connection, or no answer in time: `cause` says which in words.
    #[error("cannot reach {host}: {cause} (is this machine offline, or behind a proxy?)")]
    Unreachable {
        host: String,
        cause: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} answered {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    /// The HTTP client failed otherwise (`url` is empty when it could not be built).
    #[error("{url}: {source}")]
    Request {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: more than {} pages: ask for fewer KPIs or years", MAX_PAGES)]
    TooManyPages { url: String },
}

/// One answer: where it came from (the file name it is stored under) and its body.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: String,
    pub body: Vec<u8>,
}

pub fn client() -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("trygg/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|source| FetchError::Request {
            url: String::new(),
            source,
        })
}

/// The host of a URL and its port when one is given (`api.kolada.se`, `127.0.0.1:9`); the
/// text itself when it is no URL with a host.
fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => url.to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

async fn body_of(
    url: &str,
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<Vec<u8>, FetchError> {
    let response = response.map_err(|source| {
        if source.is_connect() || source.is_timeout() {
            FetchError::Unreachable {
                host: host_of(url),
                cause: if source.is_timeout() {
                    "no answer in time"
                } else {
                    "the connection failed"
                },
                source,
            }
        } else {
            FetchError::Request {
                url: url.to_owned(),
                source,
            }
        }
    })?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|source| FetchError::Request {
            url: url.to_owned(),
            source,
        })?;
    if !status.is_success() {
        let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        return Err(FetchError::Status {
            url: url.to_owned(),
            status: status.as_u16(),
            body: text,
        });
    }
    Ok(body.to_vec())
}

/// Every page of Kolada's answer for `kpis` in the areas `codes` (the municipality and
/// `0000`) over `years`.
pub async fn kolada(
    client: &reqwest::Client,
    base: &str,
    kpis: &[String],
    codes: &[String],
    years: std::ops::RangeInclusive<i32>,
) -> Result<Vec<Page>, FetchError> {
    kolada_paged(client, base, kpis, codes, years, &mut |_| {}).await
}

/// [`kolada`], calling `on_page` with the number of pages fetched so far after each page.
pub async fn kolada_paged(
    client: &reqwest::Client,
    base: &str,
    kpis: &[String],
    codes: &[String],
    years: std::ops::RangeInclusive<i32>,
    on_page: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<Page>, FetchError> {
    let years: Vec<String> = years.map(|y| y.to_string()).collect();
    let mut url = Some(format!(
        "{}/v3/data/kpi/{}/municipality/{}/year/{}",
        base.trim_end_matches('/'),
        kpis.join(","),
        codes.join(","),
        years.join(",")
    ));
    let mut pages = Vec::new();
    while let Some(next) = url.take() {
        if pages.len() == MAX_PAGES {
            return Err(FetchError::TooManyPages { url: next });
        }
        let body = body_of(&next, client.get(&next).send().await).await?;
        url = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("next_url")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned)
            })
            .filter(|n| !n.is_empty());
        pages.push(Page { url: next, body });
        on_page(pages.len());
    }
    Ok(pages)
}

/// SCB's answer for `table` (e.g. `BE/BE0101/BE0101A/BefolkningNy`) for the region `code`
/// over `years`, in JSON-stat 2; the table's other variables as PxWeb gives them when not
/// asked for (totals where the table allows it).
pub async fn scb(
    client: &reqwest::Client,
    base: &str,
    table: &str,
    code: &str,
    years: std::ops::RangeInclusive<i32>,
) -> Result<Page, FetchError> {
    let url = format!("{}/{}", base.trim_end_matches('/'), table.trim_matches('/'));
    let years: Vec<String> = years.map(|y| y.to_string()).collect();
    let query = serde_json::json!({
        "query": [
            {"code": "Region", "selection": {"filter": "item", "values": [code]}},
            {"code": "Tid", "selection": {"filter": "item", "values": years}}
        ],
        "response": {"format": "json-stat2"}
    });
    let body = body_of(&url, client.post(&url).json(&query).send().await).await?;
    Ok(Page { url, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_host_is_named_with_its_port_but_never_with_credentials() {
        assert_eq!(host_of("https://api.kolada.se/v3/data"), "api.kolada.se");
        assert_eq!(host_of("http://127.0.0.1:9/v3/data"), "127.0.0.1:9");
        assert_eq!(host_of("http://[::1]:8080/x"), "[::1]:8080");
        // The scheme's own port is not written out.
        assert_eq!(host_of("https://api.scb.se:443/OV0104"), "api.scb.se");
        assert_eq!(
            host_of("https://user:secret@mirror.example/x"),
            "mirror.example"
        );
        assert_eq!(host_of("HTTPS://API.Kolada.SE/v3"), "api.kolada.se");
        // No URL: the text as it is.
        assert_eq!(host_of("api.kolada.se/v3"), "api.kolada.se/v3");
        assert_eq!(host_of(""), "");
    }
}
