//! What params that carry files implement: the generated impls name their file fields, and
//! `stripe-sdk-client` sends them as `multipart/form-data` parts of their own.

use crate::form::Encode;
use crate::types::FileUpload;

/// Params that carry files: generated for every multipart operation's params.
pub trait MultipartParams: Encode {
    /// The files, each with the name of its part (`file`, or `files[0]` for an array of
    /// files); the other fields are form-encoded as usual, and their `Encode` impl leaves the
    /// files out.
    fn files(&self) -> Vec<(String, &FileUpload)>;
}

/// A field that holds files: one, an optional one, or an array of them. Generated params add
/// every file field's parts through it, whatever the field's shape.
pub trait FileField {
    /// Appends this field's files to `parts`, named after the field (`name`, or `name[i]`
    /// for the items of an array, as Stripe's form encoding names them).
    fn add_parts<'a>(&'a self, name: &str, parts: &mut Vec<(String, &'a FileUpload)>);
}

impl FileField for FileUpload {
    fn add_parts<'a>(&'a self, name: &str, parts: &mut Vec<(String, &'a FileUpload)>) {
        parts.push((name.to_owned(), self));
    }
}

impl<T: FileField> FileField for Option<T> {
    fn add_parts<'a>(&'a self, name: &str, parts: &mut Vec<(String, &'a FileUpload)>) {
        if let Some(value) = self {
            value.add_parts(name, parts);
        }
    }
}

impl FileField for Vec<FileUpload> {
    fn add_parts<'a>(&'a self, name: &str, parts: &mut Vec<(String, &'a FileUpload)>) {
        for (index, file) in self.iter().enumerate() {
            parts.push((format!("{name}[{index}]"), file));
        }
    }
}
