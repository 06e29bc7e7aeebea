//! The `container-fields` capability (0.4.0): members of a container's inspect document,
//! picked out by JSON pointer from the run's snapshot.
//!
//! A control that judges five fields of every container asks for those five, and the
//! host answers from the document it parsed once for the whole run: no sandbox parses
//! a whole document per container. The question and the answer are bounded:
//! [`MAX_POINTERS`] pointers of at most [`MAX_POINTER_BYTES`] together a call (and the
//! pointers are charged to the call's budget like every argument), [`MAX_ANSWER_BYTES`]
//! of JSON text.

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::container_fields::{self, Host};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::docker::{Column, DockerCtx, Document};

/// The most pointers one call may ask for.
pub const MAX_POINTERS: usize = 256;
/// The most bytes the pointers of one call may come to: the longest pointer into a real
/// inspect document is well under 200 bytes.
pub const MAX_POINTER_BYTES: usize = 16 << 10;
/// The most JSON text one answer may carry, all members together.
pub const MAX_ANSWER_BYTES: usize = 16 << 20;

/// The members of `doc` at `pointers`, as JSON text, in order; `None` where it has none.
pub fn pick(doc: &Document, pointers: &[String]) -> Result<Vec<Option<String>>, WitError> {
    check_pointers(pointers)?;
    let mut size = 0;
    pointers
        .iter()
        .map(|pointer| {
            let Some(member) = doc.pointer(pointer) else {
                return Ok(None);
            };
            let text = member.to_json();
            size += text.len();
            if size > MAX_ANSWER_BYTES {
                return Err(too_large());
            }
            Ok(Some(text))
        })
        .collect()
}

/// The members of every container at `pointers`, one list per container, from `column`
/// (the member at one pointer of every container: the snapshot's column for it).
pub fn pick_all(
    containers: usize,
    pointers: &[String],
    column: impl Fn(&str) -> Column,
) -> Result<Vec<Vec<Option<String>>>, WitError> {
    check_pointers(pointers)?;
    let columns: Vec<Column> = pointers.iter().map(|p| column(p)).collect();
    let size: usize = columns
        .iter()
        .flat_map(|c| c.iter())
        .map(|member| member.as_ref().map_or(0, String::len))
        .sum();
    if size > MAX_ANSWER_BYTES {
        return Err(too_large());
    }
    Ok((0..containers)
        .map(|i| {
            columns
                .iter()
                .map(|c| c.get(i).cloned().flatten())
                .collect()
        })
        .collect())
}

fn too_large() -> WitError {
    WitError::Invalid(format!(
        "the members asked for come to more than {} MiB; ask for fewer, or per container",
        MAX_ANSWER_BYTES >> 20
    ))
}

fn check_pointers(pointers: &[String]) -> Result<(), WitError> {
    if pointers.len() > MAX_POINTERS {
        return Err(WitError::Invalid(format!(
            "{} pointers in one call; ask for at most {MAX_POINTERS} at a time",
            pointers.len()
        )));
    }
    let bytes: usize = pointers.iter().map(String::len).sum();
    if bytes > MAX_POINTER_BYTES {
        return Err(WitError::Invalid(format!(
            "the pointers of one call come to {bytes} bytes; ask for at most \
             {MAX_POINTER_BYTES} bytes of pointers at a time"
        )));
    }
    match pointers
        .iter()
        .find(|p| !(p.is_empty() || p.starts_with('/')))
    {
        Some(bad) => Err(WitError::Invalid(format!(
            "{bad:?} is not a JSON pointer: it must start with `/` (or be empty for the whole \
             document)"
        ))),
        None => Ok(()),
    }
}

/// A control's view of the `container-fields` capability for one call.
pub type FieldsView<'a> = View<'a, DockerCtx>;

impl Host for FieldsView<'_> {
    async fn fields_of_all(
        &mut self,
        pointers: Vec<String>,
    ) -> Result<Vec<Vec<Option<String>>>, WitError> {
        check(self.grants, self.record, Call::FieldsOfAll, &pointers)?;
        let snapshot = self.ctx.snapshot().await?;
        pick_all(snapshot.containers().len(), &pointers, |p| {
            snapshot.column(p)
        })
    }

    async fn fields(
        &mut self,
        id: String,
        pointers: Vec<String>,
    ) -> Result<Vec<Option<String>>, WitError> {
        check(self.grants, self.record, Call::Fields, &(&id, &pointers))?;
        let snapshot = self.ctx.snapshot().await?;
        let doc = snapshot.document(&id).ok_or(WitError::NotFound)?;
        pick(doc, &pointers)
    }
}

struct FieldsCap;

impl HasData for FieldsCap {
    type Data<'a> = FieldsView<'a>;
}

/// Add `container-fields` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> FieldsView<'_>,
) -> wasmtime::Result<()> {
    container_fields::add_to_linker::<T, FieldsCap>(linker, view)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn doc() -> Value {
        serde_json::json!({
            "Name": "/web",
            "HostConfig": {"Memory": 0, "CapDrop": null, "Privileged": true},
            "Config": {"Labels": {"a/b": "1", "m~n": "2"}},
        })
    }

    fn ask(pointers: &[&str]) -> Result<Vec<Option<String>>, WitError> {
        let pointers: Vec<String> = pointers.iter().map(|p| (*p).to_owned()).collect();
        pick(&Document::from_value(&doc()).unwrap(), &pointers)
    }

    #[test]
    fn members_come_back_as_json_text_in_the_order_asked() {
        let got = ask(&[
            "/HostConfig/Privileged",
            "/Name",
            "/HostConfig/CapDrop",
            "/HostConfig/Nope",
            "/Config/Labels/a~1b",
            "/Config/Labels/m~0n",
        ])
        .unwrap();
        let want = [
            Some("true"),
            Some("\"/web\""),
            Some("null"),
            None,
            Some("\"1\""),
            Some("\"2\""),
        ];
        assert_eq!(got, want.map(|w| w.map(str::to_owned)));
        let whole: Value =
            serde_json::from_str(ask(&[""]).unwrap()[0].as_deref().unwrap()).unwrap();
        assert_eq!(whole, doc());
        assert_eq!(ask(&[]).unwrap(), Vec::<Option<String>>::new());
    }

    #[test]
    fn bad_pointers_and_oversized_asks_are_invalid() {
        assert!(
            matches!(ask(&["HostConfig"]), Err(WitError::Invalid(m)) if m.contains("start with `/`"))
        );
        let many = vec!["/Name"; MAX_POINTERS + 1];
        assert!(matches!(ask(&many), Err(WitError::Invalid(m)) if m.contains("at most 256")));
        let long = format!("/{}", "x".repeat(MAX_POINTER_BYTES));
        assert!(
            matches!(ask(&[&long]), Err(WitError::Invalid(m)) if m.contains("bytes of pointers"))
        );
        let just = format!("/{}", "x".repeat(MAX_POINTER_BYTES - 1));
        assert_eq!(ask(&[&just]).unwrap(), [None]);
        assert_eq!(
            ask(&vec!["/Name"; MAX_POINTERS]).unwrap().len(),
            MAX_POINTERS
        );

        let big = serde_json::json!({"Env": "x".repeat(MAX_ANSWER_BYTES / 8)});
        let whole = vec![String::new(); 9];
        let big = Document::from_value(&big).unwrap();
        assert!(matches!(pick(&big, &whole), Err(WitError::Invalid(m)) if m.contains("16 MiB")));
        // The bound is on the whole answer, however it is spread over containers.
        let one = vec![String::new()];
        let big = Value::String("x".repeat(MAX_ANSWER_BYTES / 8)).to_string();
        let column = |n: usize| {
            let big = big.clone();
            move |_: &str| -> Column { vec![Some(big.clone()); n].into() }
        };
        let got = pick_all(9, &one, column(9));
        assert!(matches!(got, Err(WitError::Invalid(m)) if m.contains("16 MiB")));
        assert_eq!(pick_all(7, &one, column(7)).unwrap().len(), 7);
        let bad = pick_all(7, &["Env".to_owned()], column(7));
        assert!(matches!(bad, Err(WitError::Invalid(_))));
    }

    #[test]
    fn every_container_answers_in_the_order_given() {
        let docs =
            [doc(), serde_json::json!({"Name": "/db"})].map(|d| Document::from_value(&d).unwrap());
        let pointers = ["/Name".to_owned(), "/HostConfig/Memory".to_owned()];
        let column = |p: &str| -> Column {
            docs.iter()
                .map(|d| d.pointer(p).map(|m| m.to_json()))
                .collect()
        };
        let got = pick_all(2, &pointers, column).unwrap();
        let want = vec![
            vec![Some("\"/web\"".to_owned()), Some("0".to_owned())],
            vec![Some("\"/db\"".to_owned()), None],
        ];
        assert_eq!(got, want);
        assert!(pick_all(0, &pointers, column).unwrap().is_empty());
    }
}
