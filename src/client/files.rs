//! Files: uploads go out as their bytes with their own MIME type; downloads come back as bytes.

use crate::Result;
use futures_util::TryStreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use std::future::Future;

tokio::task_local! {
    static UPLOAD_CONTENT_TYPE: String;
}

/// Runs an upload call with `Content-Type` set to the file's MIME type (progenitor sends
/// `application/octet-stream`; bunq wants e.g. `image/png`).
pub async fn upload<F: Future>(content_type: &str, call: F) -> F::Output {
    UPLOAD_CONTENT_TYPE.scope(content_type.to_owned(), call).await
}

/// The MIME type of the upload in progress on this task, if any.
pub(crate) fn upload_content_type() -> Option<String> {
    UPLOAD_CONTENT_TYPE.try_with(String::clone).ok()
}

/// A downloaded file's bytes (already checked against bunq's signature by the hooks).
pub async fn file_bytes(answer: ResponseValue<ByteStream>) -> Result<Vec<u8>> {
    let chunks: Vec<bytes::Bytes> = answer.into_inner().into_inner().try_collect().await?;
    Ok(chunks.concat())
}
