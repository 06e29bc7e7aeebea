//! A JSON document kept in two allocations: what the run's snapshot holds for each
//! container's inspect document.
//!
//! A `serde_json::Value` of a 5 KB inspect document is ~15 KB in ~500 small allocations
//! (a `String` per key and per string, a B-tree node per object), and at 2000 containers
//! those, with malloc's share between them, were most of the run's memory that grew with
//! the containers. A [`Document`] is the same tree as one array of fixed-size nodes, each
//! object's or array's members side by side, and one text holding every key, string
//! (unescaped) and number (as serde_json writes it). It is read only: built once from the
//! daemon's answer, then asked for members by JSON pointer and written back as JSON text
//! exactly as `Value::to_string` would write the same tree (keys in order, the same
//! escapes, the same numbers).

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

/// A read-only JSON document (see the module documentation).
#[derive(Debug, Default)]
pub struct Document {
    nodes: Box<[Node]>,
    text: Box<str>,
}

/// A range of [`Document::text`] or of [`Document::nodes`].
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u32,
    len: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Kind {
    #[default]
    Null,
    False,
    True,
    /// `span` is the number's text.
    Number,
    /// `span` is the string, unescaped.
    String,
    /// `span` is the members' nodes.
    Array,
    /// `span` is the members' nodes, each with its key, in key order.
    Object,
}

#[derive(Clone, Copy, Debug, Default)]
struct Node {
    /// The member's key in its object; empty elsewhere.
    key: Span,
    kind: Kind,
    span: Span,
}

/// Building a document: the nodes so far and the text so far.
struct Builder {
    nodes: Vec<Node>,
    text: String,
}

impl Builder {
    fn span(start: usize, len: usize) -> Result<Span, String> {
        let too_large = |_| "the document is larger than 4 GiB".to_owned();
        Ok(Span {
            start: u32::try_from(start).map_err(too_large)?,
            len: u32::try_from(len).map_err(too_large)?,
        })
    }

    fn push_text(&mut self, s: &str) -> Result<Span, String> {
        let start = self.text.len();
        self.text.push_str(s);
        Self::span(start, s.len())
    }

    fn push_number(&mut self, n: &Number) -> Result<Span, String> {
        // `Number`'s `Display` is serde_json's own writing of it (itoa, ryu), so that it
        // comes back byte for byte.
        use std::fmt::Write as _;
        let start = self.text.len();
        write!(self.text, "{n}").map_err(|e| e.to_string())?;
        Self::span(start, self.text.len() - start)
    }

    /// Fill the node at `slot` with `value`, its members appended after every node so far.
    fn fill(&mut self, slot: usize, key: Span, value: &Value) -> Result<(), String> {
        let (kind, span) = match value {
            Value::Null => (Kind::Null, Span::default()),
            Value::Bool(false) => (Kind::False, Span::default()),
            Value::Bool(true) => (Kind::True, Span::default()),
            Value::Number(n) => (Kind::Number, self.push_number(n)?),
            Value::String(s) => (Kind::String, self.push_text(s)?),
            Value::Array(items) => {
                let first = self.nodes.len();
                self.nodes.resize(first + items.len(), Node::default());
                for (i, item) in items.iter().enumerate() {
                    self.fill(first + i, Span::default(), item)?;
                }
                (Kind::Array, Self::span(first, items.len())?)
            }
            Value::Object(members) => {
                let first = self.nodes.len();
                self.nodes.resize(first + members.len(), Node::default());
                // A `Map` without serde_json's `preserve_order` iterates in key order, which
                // is the order `Value::to_string` writes and `get` searches.
                for (i, (name, member)) in members.iter().enumerate() {
                    let key = self.push_text(name)?;
                    self.fill(first + i, key, member)?;
                }
                (Kind::Object, Self::span(first, members.len())?)
            }
        };
        self.nodes[slot] = Node { key, kind, span };
        Ok(())
    }
}

impl Document {
    /// The document holding the same tree as `value`; `Err` only past 4 GiB.
    pub fn from_value(value: &Value) -> Result<Document, String> {
        let mut builder = Builder {
            nodes: vec![Node::default()],
            text: String::new(),
        };
        builder.fill(0, Span::default(), value)?;
        Ok(Document {
            nodes: builder.nodes.into_boxed_slice(),
            text: builder.text.into_boxed_str(),
        })
    }

    /// The whole document.
    pub fn root(&self) -> Member<'_> {
        Member {
            doc: self,
            node: self.nodes.first(),
        }
    }

    /// The member at the JSON pointer `pointer` (RFC 6901), as
    /// `serde_json::Value::pointer` finds it.
    pub fn pointer(&self, pointer: &str) -> Option<Member<'_>> {
        if pointer.is_empty() {
            return Some(self.root());
        }
        let mut target = self.root();
        for token in pointer.strip_prefix('/')?.split('/') {
            let token: Cow<'_, str> = if token.contains('~') {
                Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(token)
            };
            target = match target.kind() {
                Some(Kind::Object) => target.get(&token),
                Some(Kind::Array) => {
                    // RFC 6901: no leading zeros, no sign.
                    let index = (!token.starts_with('+')
                        && (token.len() == 1 || !token.starts_with('0')))
                    .then(|| token.parse::<usize>().ok())
                    .flatten()?;
                    target.at(index)
                }
                _ => return None,
            };
            target.node?;
        }
        Some(target)
    }

    /// The bytes the document holds, both allocations.
    pub fn heap_bytes(&self) -> usize {
        self.nodes.len() * size_of::<Node>() + self.text.len()
    }

    fn text(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.text
            .get(start..start + span.len as usize)
            .unwrap_or("")
    }

    fn members(&self, span: Span) -> &[Node] {
        let start = span.start as usize;
        self.nodes
            .get(start..start + span.len as usize)
            .unwrap_or(&[])
    }
}

/// A member of a [`Document`], or the absence of one: like indexing a `Value`, asking a
/// missing member for a member gives a missing member, and every `as_*` of it `None`.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    doc: &'a Document,
    node: Option<&'a Node>,
}

impl<'a> Member<'a> {
    fn kind(&self) -> Option<Kind> {
        self.node.map(|n| n.kind)
    }

    fn with(&self, node: Option<&'a Node>) -> Member<'a> {
        Member {
            doc: self.doc,
            node,
        }
    }

    /// Whether there is a member here.
    pub fn exists(&self) -> bool {
        self.node.is_some()
    }

    /// The member named `key`, if this is an object that has one.
    pub fn get(&self, key: &str) -> Member<'a> {
        let found = self.node.filter(|n| n.kind == Kind::Object).and_then(|n| {
            let members = self.doc.members(n.span);
            members
                .binary_search_by(|m| self.doc.text(m.key).cmp(key))
                .ok()
                .map(|i| &members[i])
        });
        self.with(found)
    }

    /// The member at `index`, if this is an array that long.
    pub fn at(&self, index: usize) -> Member<'a> {
        let found = self
            .node
            .filter(|n| n.kind == Kind::Array)
            .and_then(|n| self.doc.members(n.span).get(index));
        self.with(found)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&'a str> {
        let node = self.node.filter(|n| n.kind == Kind::String)?;
        Some(self.doc.text(node.span))
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind()? {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    /// The number, if this is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        let node = self.node.filter(|n| n.kind == Kind::Number)?;
        self.doc.text(node.span).parse().ok()
    }

    /// The elements, if this is an array; none otherwise.
    pub fn elements(&self) -> impl Iterator<Item = Member<'a>> + use<'a> {
        let doc = self.doc;
        let members = match self.node {
            Some(n) if n.kind == Kind::Array => doc.members(n.span),
            _ => &[],
        };
        members.iter().map(move |node| Member {
            doc,
            node: Some(node),
        })
    }

    /// The member as JSON text, as `Value::to_string` writes it.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        // Only UTF-8 went in: the document's text and JSON punctuation.
        String::from_utf8(out).unwrap_or_default()
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        let Some(node) = self.node else {
            out.extend_from_slice(b"null");
            return;
        };
        // serde_json's own escaping; writing into a `Vec` cannot fail.
        let escaped = |out: &mut Vec<u8>, s: &str| {
            let _ = serde_json::to_writer(&mut *out, s);
        };
        match node.kind {
            Kind::Null => out.extend_from_slice(b"null"),
            Kind::False => out.extend_from_slice(b"false"),
            Kind::True => out.extend_from_slice(b"true"),
            Kind::Number => out.extend_from_slice(self.doc.text(node.span).as_bytes()),
            Kind::String => escaped(out, self.doc.text(node.span)),
            Kind::Array | Kind::Object => {
                let object = node.kind == Kind::Object;
                out.push(if object { b'{' } else { b'[' });
                for (i, member) in self.doc.members(node.span).iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    if object {
                        escaped(out, self.doc.text(member.key));
                        out.push(b':');
                    }
                    self.with(Some(member)).write_json(out);
                }
                out.push(if object { b'}' } else { b']' });
            }
        }
    }

    /// The member as a `serde_json::Value` (for the few reads that need a whole tree:
    /// replacing a container).
    pub fn to_value(&self) -> Value {
        let Some(node) = self.node else {
            return Value::Null;
        };
        match node.kind {
            Kind::Null => Value::Null,
            Kind::False => Value::Bool(false),
            Kind::True => Value::Bool(true),
            Kind::Number => serde_json::from_str::<Number>(self.doc.text(node.span))
                .map_or(Value::Null, Value::Number),
            Kind::String => Value::String(self.doc.text(node.span).to_owned()),
            Kind::Array => Value::Array(self.elements().map(|m| m.to_value()).collect()),
            Kind::Object => Value::Object(
                self.doc
                    .members(node.span)
                    .iter()
                    .map(|m| {
                        let key = self.doc.text(m.key).to_owned();
                        (key, self.with(Some(m)).to_value())
                    })
                    .collect::<Map<String, Value>>(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every JSON pointer into `value`, the document itself first.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
        match value {
            Value::Object(m) => {
                for (k, v) in m {
                    pointers(v, format!("{at}/{}", escape(k)), out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    fn recorded() -> Value {
        serde_json::from_str(super::super::tests::INSPECT).unwrap()
    }

    #[test]
    fn every_member_reads_and_writes_as_serde_json_does() {
        let tricky = serde_json::json!({
            "quote\"and\\slash": "tab\there\nnew line, \u{1} control, \u{e9} and \u{1F600}",
            "": [null, true, false, 0, -1, 18446744073709551615u64, 1.5, -2.5e-10, 1e300],
            "a/b": {"m~n": {}, "z": [], "y": [[]]},
            "Labels": {"b": "2", "a": "1", "c": "3"},
        });
        for value in [recorded(), tricky, Value::Null, serde_json::json!("x")] {
            let doc = Document::from_value(&value).unwrap();
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            for pointer in &all {
                let want = value.pointer(pointer).unwrap();
                let got = doc.pointer(pointer).unwrap();
                assert_eq!(got.to_json(), want.to_string(), "{pointer:?}");
                assert_eq!(got.to_value(), *want, "{pointer:?}");
                assert_eq!(got.as_str(), want.as_str(), "{pointer:?}");
                assert_eq!(got.as_bool(), want.as_bool(), "{pointer:?}");
                assert_eq!(got.as_u64(), want.as_u64(), "{pointer:?}");
                let elements: Vec<Value> = got.elements().map(|m| m.to_value()).collect();
                let want_elements = want.as_array().cloned().unwrap_or_default();
                assert_eq!(elements, want_elements, "{pointer:?}");
            }
            assert!(all.len() > 1 || !value.is_object());
        }
    }

    #[test]
    fn missing_members_and_bad_pointers_are_none_as_in_serde_json() {
        let value = serde_json::json!({
            "a": {"b/c": [10, {"d~e": true}], "": 1, "0": "zero"},
            "list": [1, 2, 3],
        });
        let doc = Document::from_value(&value).unwrap();
        for pointer in [
            "/a/",
            "/a/0",
            "/list/3",
            "/list/01",
            "/list/+1",
            "/list/-",
            "/list/x",
            "/nope",
            "/a/b~1c/0/x",
            "a",
            "/a/b~2c",
            "/list/0/x",
        ] {
            let got = doc.pointer(pointer).map(|m| m.to_value());
            assert_eq!(got.as_ref(), value.pointer(pointer), "{pointer:?}");
        }
        let root = doc.root();
        let missing = root.get("nope").get("deeper").at(3);
        assert!(!missing.exists());
        assert_eq!(missing.as_str(), None);
        assert_eq!(missing.elements().count(), 0);
        assert_eq!(missing.to_json(), "null");
        assert!(!root.get("list").get("a").exists());
        assert!(!root.get("a").at(0).exists());
        assert_eq!(root.get("list").at(2).as_u64(), Some(3));
    }

    #[test]
    fn a_document_is_smaller_than_its_value_tree() {
        let doc = Document::from_value(&recorded()).unwrap();
        let text = recorded().to_string();
        // Nodes and text together: no more than three times the compact JSON text.
        assert!(
            doc.heap_bytes() < 3 * text.len(),
            "{} vs {}",
            doc.heap_bytes(),
            text.len()
        );
        assert!(doc.heap_bytes() > text.len() / 2);
    }
}
