//! Downloads with progress, sha256 checks and the Cache API.
//!
//! Model files live at versioned, immutable URLs, so a cached copy that still matches the
//! manifest's sha256 is used as is; a corrupt one is dropped and downloaded again.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, ReadableStreamDefaultReader, Response};

use crate::assets::{verify, FileEntry};

/// Name of the Cache API bucket holding model files (keys are versioned URLs).
pub const WEIGHTS_CACHE: &str = "sesame-weights";

fn js_err(context: &str, e: JsValue) -> String {
    let msg = e.as_string().or_else(|| Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string())).unwrap_or_else(|| format!("{e:?}"));
    format!("{context}: {msg}")
}

async fn open_cache() -> Option<Cache> {
    let caches = web_sys::window()?.caches().ok()?;
    JsFuture::from(caches.open(WEIGHTS_CACHE)).await.ok()?.dyn_into().ok()
}

/// Fetches a small text/JSON file, bypassing the HTTP cache (manifests change between releases).
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let resp: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| js_err(&format!("could not fetch {url} (offline?)"), e))?
        .dyn_into()
        .map_err(|_| "fetch returned no response")?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|e| js_err(url, e))?).await.map_err(|e| js_err(url, e))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

/// Where a file's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// Read from the Cache API.
    Cache,
    /// Downloaded now (and stored in the cache).
    Network,
}

/// Gets a model file: from the cache if it is there and intact, else from the network with
/// `progress(bytes_so_far)` called as chunks arrive; always checked against `entry`.
pub async fn fetch_verified(url: &str, entry: &FileEntry, progress: &dyn Fn(u64)) -> Result<(Vec<u8>, Source), String> {
    fetch_verified_with(url, entry, progress, &|_| {}).await
}

/// [`fetch_verified`], also telling `checking(bytes_checked)` while the sha256 is computed (a
/// few MB at a time, giving the browser a turn between: checking a stored 100 MB file takes a
/// second or more, and the page shows it).
pub async fn fetch_verified_with(url: &str, entry: &FileEntry, progress: &dyn Fn(u64), checking: &dyn Fn(u64)) -> Result<(Vec<u8>, Source), String> {
    let cache = open_cache().await;
    if let Some(cache) = &cache {
        if let Ok(hit) = JsFuture::from(cache.match_with_str(url)).await {
            if let Ok(resp) = hit.dyn_into::<Response>() {
                if let Ok(bytes) = read_all(&resp, &|_| {}).await {
                    if verify_pausing(entry, &bytes, checking).await.is_ok() {
                        progress(entry.bytes);
                        return Ok((bytes, Source::Cache));
                    }
                }
                // Corrupt or partial cached copy: forget it and download again.
                let _ = JsFuture::from(cache.delete_with_str(url)).await;
            }
        }
    }
    let window = web_sys::window().ok_or("no window")?;
    let resp: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| js_err(&format!("could not download {} (offline?)", entry.name), e))?
        .dyn_into()
        .map_err(|_| "fetch returned no response")?;
    if !resp.ok() {
        return Err(format!("could not download {}: HTTP {} {}", entry.name, resp.status(), resp.status_text()));
    }
    let mut bytes = read_all(&resp, progress).await?;
    verify_pausing(entry, &bytes, checking).await?;
    if let Some(cache) = &cache {
        if let Ok(copy) = Response::new_with_opt_u8_array(Some(&mut bytes)) {
            // Storage may be full or disabled (private mode): the page still works, it just downloads again next time.
            let _ = JsFuture::from(cache.put_with_str(url, &copy)).await;
        }
    }
    Ok((bytes, Source::Network))
}

/// [`verify`], hashing 4 MiB at a time with a turn for the browser between.
async fn verify_pausing(entry: &FileEntry, bytes: &[u8], checking: &dyn Fn(u64)) -> Result<(), String> {
    use sha2::{Digest, Sha256};
    if bytes.len() as u64 != entry.bytes {
        return verify(entry, bytes);
    }
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    for piece in bytes.chunks(4 << 20) {
        hasher.update(piece);
        done += piece.len() as u64;
        checking(done);
        crate::task::yield_to_browser().await;
    }
    let got = hex::encode(hasher.finalize());
    if got != entry.sha256 {
        return Err(format!("{} is corrupt: sha256 {got} ≠ {}", entry.name, entry.sha256));
    }
    Ok(())
}

/// Reads a response body chunk by chunk, reporting progress.
async fn read_all(resp: &Response, progress: &dyn Fn(u64)) -> Result<Vec<u8>, String> {
    let Some(body) = resp.body() else {
        let buf = JsFuture::from(resp.array_buffer().map_err(|e| js_err("body", e))?).await.map_err(|e| js_err("body", e))?;
        return Ok(Uint8Array::new(&buf).to_vec());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().dyn_into().map_err(|_| "body has no reader")?;
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| js_err("download interrupted", e))?;
        if Reflect::get(&chunk, &"done".into()).map(|d| d.is_truthy()).unwrap_or(true) {
            break;
        }
        let value = Reflect::get(&chunk, &"value".into()).map_err(|e| js_err("download", e))?;
        out.extend_from_slice(&Uint8Array::new(&value).to_vec());
        progress(out.len() as u64);
    }
    Ok(out)
}

/// Whether the model cache holds a copy of `url` (not checked: [`fetch_verified`] checks on use).
pub async fn is_cached(url: &str) -> bool {
    let Some(cache) = open_cache().await else { return false };
    let Some(window) = web_sys::window() else { return false };
    // Keys are absolute URLs; resolve `url` against the page as fetch() does.
    let Ok(absolute) = web_sys::Url::new_with_base(url, &window.location().href().unwrap_or_default()) else { return false };
    JsFuture::from(cache.match_with_str(&absolute.href())).await.map(|r| !r.is_undefined()).unwrap_or(false)
}

/// Deletes every downloaded model file (the app shell stays; models download again when used).
pub async fn clear_model_cache() -> Result<(), String> {
    let caches = web_sys::window().ok_or("no window")?.caches().map_err(|e| js_err("the Cache API is not available", e))?;
    JsFuture::from(caches.delete(WEIGHTS_CACHE)).await.map_err(|e| js_err("could not clear the model cache", e))?;
    Ok(())
}

/// Bytes this site stores and may store (`navigator.storage.estimate()`), where the browser says.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let storage = Reflect::get(&web_sys::window()?.navigator(), &"storage".into()).ok().filter(|s| s.is_object())?;
    let estimate: js_sys::Function = Reflect::get(&storage, &"estimate".into()).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = estimate.call0(&storage).ok()?.dyn_into().ok()?;
    let e = JsFuture::from(promise).await.ok()?;
    let num = |k: &str| Reflect::get(&e, &k.into()).ok().and_then(|v| v.as_f64());
    Some((num("usage")?, num("quota")?))
}

/// Asks the browser to keep this site's storage under pressure (`navigator.storage.persist()`).
pub async fn request_persistence() -> bool {
    let Some(storage) = web_sys::window().and_then(|w| Reflect::get(&w.navigator(), &"storage".into()).ok()).filter(|s| s.is_object()) else { return false };
    let Some(persist) = Reflect::get(&storage, &"persist".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else { return false };
    let Some(promise) = persist.call0(&storage).ok().and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) else { return false };
    JsFuture::from(promise).await.map(|v| v.is_truthy()).unwrap_or(false)
}
