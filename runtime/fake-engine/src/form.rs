//! Decoding Stripe's bracket form encoding (`a[b][c]=v`, `items[0][price]=p`, `expand[]=x`)
//! from bodies and query strings, and the fields of a `multipart/form-data` body, into a tree
//! that the validator then reads against the operation's schema.
//!
//! The tree keeps every value as text: whether `metadata[0]` is an array's first item or a map
//! key named `0` is only known from the schema.

/// A decoded value: text, or keys in the order they were first sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Leaf(String),
    Branch(Vec<(String, Node)>),
}

/// Why a body could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormError {
    /// The param as sent (`a[b]`).
    pub param: String,
    pub message: String,
}

/// Decodes `application/x-www-form-urlencoded` text (a body or a query string).
pub(crate) fn decode(text: &str) -> Result<Node, FormError> {
    let mut root = Tree::default();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = form_decode(key);
        let value = form_decode(value);
        root.insert(&key, value)?;
    }
    Ok(root.into_node())
}

/// How many children a branch looks through before it indexes them by key: a hash map costs
/// more than comparing a few keys.
const INDEXED_FROM: usize = 8;

/// The tree as it is being decoded: a branch with more than [`INDEXED_FROM`] children indexes
/// them by key, so that adding a param costs the same however many siblings it has, and
/// decoding is linear in the number of params (50,000 metadata keys included).
#[derive(Default)]
pub(crate) struct Tree {
    /// `Some` for a leaf.
    leaf: Option<String>,
    children: Vec<(String, Tree)>,
    index: std::collections::HashMap<String, usize>,
}

impl Tree {
    /// Adds `key = value` (a bracketed key such as `a[b][0]`).
    pub(crate) fn insert(&mut self, key: &str, value: String) -> Result<(), FormError> {
        let segments = split_key(key).ok_or_else(|| FormError {
            param: key.to_owned(),
            message: format!("Invalid parameter name: {key}"),
        })?;
        let conflict = || FormError {
            param: key.to_owned(),
            message: format!(
                "Invalid parameter {key}: it is sent both as a value and as a hash or array"
            ),
        };
        let mut node = self;
        let last = segments.len() - 1;
        for (depth, segment) in segments.iter().enumerate() {
            if node.leaf.is_some() {
                return Err(conflict());
            }
            // `a[]` appends: it becomes the next index.
            let name = if segment.is_empty() && depth > 0 {
                node.children.len().to_string()
            } else {
                (*segment).to_owned()
            };
            let position = match node.position(&name) {
                Some(position) => position,
                None => {
                    let child = Tree {
                        leaf: (depth == last).then(String::new),
                        ..Tree::default()
                    };
                    node.children.push((name, child));
                    node.index_last();
                    node.children.len() - 1
                }
            };
            let child = &mut node.children[position].1;
            if depth == last {
                match &mut child.leaf {
                    // A repeated plain key keeps its last value, as Rack-style parsers do.
                    Some(text) => *text = value,
                    None => return Err(conflict()),
                }
                return Ok(());
            }
            if child.leaf.is_some() {
                return Err(conflict());
            }
            node = child;
        }
        Ok(())
    }

    /// Where the child named `name` is: found by looking through the few children most
    /// branches have, and through the index once there are more.
    fn position(&self, name: &str) -> Option<usize> {
        if self.children.len() <= INDEXED_FROM {
            self.children.iter().position(|(key, _)| key == name)
        } else {
            self.index.get(name).copied()
        }
    }

    /// Indexes the child just added, once the branch has more than [`INDEXED_FROM`]: all of
    /// them when it gets there, then each as it comes.
    fn index_last(&mut self) {
        let count = self.children.len();
        if count <= INDEXED_FROM {
            return;
        }
        let from = if count == INDEXED_FROM + 1 {
            0
        } else {
            count - 1
        };
        for (position, (key, _)) in self.children.iter().enumerate().skip(from) {
            self.index.insert(key.clone(), position);
        }
    }

    /// The decoded tree, keys in the order they were first sent.
    pub(crate) fn into_node(self) -> Node {
        match self.leaf {
            Some(text) => Node::Leaf(text),
            None => Node::Branch(
                self.children
                    .into_iter()
                    .map(|(key, child)| (key, child.into_node()))
                    .collect(),
            ),
        }
    }
}

/// `a[b][c]` as `["a", "b", "c"]`; `None` when the brackets do not close.
fn split_key(key: &str) -> Option<Vec<&str>> {
    let (first, mut rest) = match key.find('[') {
        Some(open) => (&key[..open], &key[open..]),
        None => (key, ""),
    };
    let mut segments = vec![first];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        segments.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    if first.is_empty() {
        return None;
    }
    Some(segments)
}

/// Decodes `%XX` escapes as UTF-8 (invalid sequences become U+FFFD); `+` is left alone.
pub(crate) fn percent_decode(text: &str) -> String {
    decode_bytes(text, false)
}

/// A form's key or value: `+` is a space, then `%XX` escapes as [`percent_decode`] (an
/// escaped `%2B` stays a `+`), in one pass.
fn form_decode(text: &str) -> String {
    decode_bytes(text, true)
}

fn decode_bytes(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[index + 1]), hex(bytes[index + 2])) {
                out.push((high * 16 + low) as u8);
                index += 3;
                continue;
            }
        }
        out.push(if plus_is_space && byte == b'+' {
            b' '
        } else {
            byte
        });
        index += 1;
    }
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Decodes the fields of a `multipart/form-data` body: text parts become values, file parts
/// become their file name (the fake keeps no file contents).
pub(crate) fn decode_multipart(body: &[u8], content_type: &str) -> Result<Node, FormError> {
    let invalid = |message: &str| FormError {
        param: String::new(),
        message: message.to_owned(),
    };
    let boundary = content_type
        .split(';')
        .filter_map(|part| part.trim().strip_prefix("boundary="))
        .next()
        .map(|boundary| boundary.trim_matches('"'))
        .ok_or_else(|| invalid("The multipart body has no boundary"))?;
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let mut root = Tree::default();
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((headers, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        let disposition = headers
            .lines()
            .find(|line| {
                line.to_ascii_lowercase()
                    .starts_with("content-disposition:")
            })
            .unwrap_or("");
        let attribute = |name: &str| {
            disposition
                .split(';')
                .filter_map(|item| item.trim().strip_prefix(name))
                .filter_map(|rest| rest.strip_prefix('='))
                .next()
                .map(|value| value.trim_matches('"').to_owned())
        };
        let Some(name) = attribute("name") else {
            continue;
        };
        let value = match attribute("filename") {
            Some(file_name) => file_name,
            None => content.to_owned(),
        };
        root.insert(&name, value)?;
    }
    Ok(root.into_node())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_siblings_keep_their_order_and_last_values() {
        let text: Vec<String> = (0..1000).map(|n| format!("metadata[k{n}]={n}")).collect();
        let text = format!(
            "{}&metadata[k5]=again&expand[]=a&expand[]=b",
            text.join("&")
        );
        let Node::Branch(root) = decode(&text).unwrap_or(Node::Leaf(String::new())) else {
            panic!("a branch");
        };
        let Node::Branch(metadata) = &root[0].1 else {
            panic!("metadata is a hash");
        };
        assert_eq!(metadata.len(), 1000);
        assert_eq!(
            metadata[5],
            ("k5".to_owned(), Node::Leaf("again".to_owned()))
        );
        assert_eq!(metadata[999].0, "k999");
        let Node::Branch(expand) = &root[1].1 else {
            panic!("expand is a list");
        };
        assert_eq!(expand[1], ("1".to_owned(), Node::Leaf("b".to_owned())));
        assert!(decode("a=1&a[b]=2").is_err());
        // A few siblings, looked through rather than indexed, behave the same; `+` is a space
        // and an escaped `%2B` a plus.
        assert_eq!(
            decode("a=1&b=x+y&a=%2B3").ok(),
            Some(Node::Branch(vec![
                ("a".to_owned(), Node::Leaf("+3".to_owned())),
                ("b".to_owned(), Node::Leaf("x y".to_owned())),
            ]))
        );
    }

    fn leaf(text: &str) -> Node {
        Node::Leaf(text.to_owned())
    }

    #[test]
    fn brackets_nest_and_arrays_append() {
        let node = decode("a[b][c]=1&expand[]=x&expand[]=y&items[0][price]=p&m%5Bk%5D=v+w")
            .expect("decodes");
        let expected = Node::Branch(vec![
            (
                "a".into(),
                Node::Branch(vec![(
                    "b".into(),
                    Node::Branch(vec![("c".into(), leaf("1"))]),
                )]),
            ),
            (
                "expand".into(),
                Node::Branch(vec![("0".into(), leaf("x")), ("1".into(), leaf("y"))]),
            ),
            (
                "items".into(),
                Node::Branch(vec![(
                    "0".into(),
                    Node::Branch(vec![("price".into(), leaf("p"))]),
                )]),
            ),
            ("m".into(), Node::Branch(vec![("k".into(), leaf("v w"))])),
        ]);
        assert_eq!(node, expected);
    }

    #[test]
    fn percent_escapes_decode_as_utf8() {
        assert_eq!(percent_decode("%C3%BCn%C3%AF+%26"), "ünï+&");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn a_value_and_a_hash_under_one_name_is_refused() {
        let error = decode("a=1&a[b]=2").expect_err("conflict");
        assert_eq!(error.param, "a[b]");
        assert!(decode("a[b=1").is_err());
    }

    #[test]
    fn multipart_fields_are_read() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--XX--\r\n";
        let node =
            decode_multipart(body.as_bytes(), "multipart/form-data; boundary=XX").expect("decodes");
        assert_eq!(
            node,
            Node::Branch(vec![
                ("purpose".into(), leaf("dispute_evidence")),
                ("file".into(), leaf("a.pdf")),
            ])
        );
    }
}
