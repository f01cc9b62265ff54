//! Reading a file upload (multipart/form-data) with a limit on its size: the fields by name,
//! the whole body refused with a 413 once it passes `limit` bytes, before more is read.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::Error;

/// Every field of the upload, by name. `what` names the upload in the refusal ("a calendar
/// file may be at most 16 MB").
pub async fn read(
    payload: Multipart,
    limit: usize,
    what: &str,
) -> Result<HashMap<String, Vec<u8>>, Error> {
    Ok(read_with_names(payload, limit, what)
        .await?
        .into_iter()
        .map(|(field, (_, data))| (field, data))
        .collect())
}

/// Every field of the upload, by name, with the file name the browser gave (for file
/// fields).
pub async fn read_with_names(
    mut payload: Multipart,
    limit: usize,
    what: &str,
) -> Result<HashMap<String, (Option<String>, Vec<u8>)>, Error> {
    let mut fields = HashMap::new();
    let mut total = 0usize;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            total += chunk.len();
            if total > limit {
                return Err(Error::TooLarge(format!(
                    "{what} may be at most {} MB",
                    limit / (1024 * 1024)
                )));
            }
            data.extend_from_slice(&chunk);
        }
        fields.insert(name, (file_name, data));
    }
    Ok(fields)
}

fn unreadable(e: actix_multipart::MultipartError) -> Error {
    Error::Invalid(format!("the upload could not be read: {e}"))
}

/// A field as text; a file that is not UTF-8 is refused with `what` named.
pub fn text(
    fields: &mut HashMap<String, Vec<u8>>,
    name: &str,
    what: &str,
) -> Result<String, Error> {
    String::from_utf8(fields.remove(name).unwrap_or_default())
        .map_err(|_| Error::Invalid(format!("{what} is not UTF-8 text")))
}
