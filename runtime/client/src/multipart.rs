//! Hand-written: `multipart/form-data` bodies for file uploads, with the same keys as Stripe's
//! form encoding and each file as a part of its own.

use crate::form::{FormError, to_form_string};
use std::fmt;

pub use crate::types::FileUpload;
pub use stripe_sdk_form::multipart::{FileField, MultipartParams};

/// An encoded multipart body and the boundary its `Content-Type` must name.
#[derive(Clone, PartialEq, Eq)]
pub struct MultipartBody {
    pub(crate) boundary: String,
    pub(crate) bytes: Vec<u8>,
}

impl MultipartBody {
    /// The `Content-Type` header for this body.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for MultipartBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartBody")
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Encodes `params` as `multipart/form-data`: every form key (`file_link_data[create]`) as a
/// text part, then every file as a file part.
pub fn to_multipart<T: MultipartParams>(params: &T) -> Result<MultipartBody, FormError> {
    let random = crate::random::hex_128()
        .map_err(|error| FormError::new(format!("no multipart boundary: {error}")))?;
    let boundary = format!("stripe-sdk-{random}");
    let mut bytes = Vec::new();
    let form = to_form_string(params)?;
    for pair in form.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let disposition = format!("form-data; name=\"{}\"", header_safe(&percent_decode(key)));
        part(
            &mut bytes,
            &boundary,
            &disposition,
            None,
            percent_decode(value).as_bytes(),
        );
    }
    for (name, file) in params.files() {
        let disposition = format!(
            "form-data; name=\"{}\"; filename=\"{}\"",
            header_safe(&name),
            header_safe(&file.filename)
        );
        let content_type = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        part(
            &mut bytes,
            &boundary,
            &disposition,
            Some(content_type),
            &file.data,
        );
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(MultipartBody { boundary, bytes })
}

fn part(
    out: &mut Vec<u8>,
    boundary: &str,
    disposition: &str,
    content_type: Option<&str>,
    body: &[u8],
) {
    out.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n").as_bytes(),
    );
    if let Some(content_type) = content_type {
        out.extend_from_slice(
            format!("Content-Type: {}\r\n", header_safe(content_type)).as_bytes(),
        );
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n");
}

/// A quoted header parameter cannot hold `"` or line breaks; they are percent-encoded, as
/// browsers do for file names.
fn header_safe(value: &str) -> String {
    value
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Reverses the form encoder's percent-encoding (`+` is a space).
fn percent_decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
                match hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        index += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Encode;

    struct Upload {
        purpose: &'static str,
        link: Link,
        file: FileUpload,
        attachments: Option<Vec<FileUpload>>,
    }

    // As generated: the file fields are not among the encoded fields.
    impl Encode for Upload {
        fn encode(&self, form: &mut crate::form::Encoder) -> Result<(), FormError> {
            form.fields(&[("purpose", &self.purpose), ("link", &self.link)])
        }
    }

    struct Link {
        create: bool,
        note: &'static str,
    }

    impl Encode for Link {
        fn encode(&self, form: &mut crate::form::Encoder) -> Result<(), FormError> {
            form.fields(&[("create", &self.create), ("note", &self.note)])
        }
    }

    impl MultipartParams for Upload {
        fn files(&self) -> Vec<(String, &FileUpload)> {
            let mut files = Vec::new();
            self.file.add_parts("file", &mut files);
            self.attachments.add_parts("attachments", &mut files);
            files
        }
    }

    #[test]
    fn fields_and_files_become_parts() {
        let upload = Upload {
            purpose: "dispute_evidence",
            link: Link {
                create: true,
                note: "a & b=c ü",
            },
            file: FileUpload::new("receipt \"1\".pdf", b"%PDF-1.4".to_vec())
                .with_content_type("application/pdf"),
            attachments: Some(vec![
                FileUpload::new("a.txt", b"A".to_vec()),
                FileUpload::new("b.txt", b"B".to_vec()),
            ]),
        };
        let body = to_multipart(&upload).unwrap();
        let b = &body.boundary;
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"link[create]\"\r\n\r\ntrue\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"link[note]\"\r\n\r\na & b=c ü\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"receipt %221%22.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"attachments[0]\"; filename=\"a.txt\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nA\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"attachments[1]\"; filename=\"b.txt\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nB\r\n--{b}--\r\n"
        );
        assert_eq!(String::from_utf8(body.bytes.clone()).unwrap(), expected);
        assert_eq!(
            body.content_type(),
            format!("multipart/form-data; boundary={b}")
        );
    }

    #[test]
    fn percent_decoding_reverses_the_form_encoder() {
        assert_eq!(percent_decode("a+b%26c%3D%C3%BC"), "a b&c=ü");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
