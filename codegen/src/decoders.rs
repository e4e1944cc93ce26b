//! `decode_answer(operation_id, body)`: an answer body decoded into the generated type its
//! operation answers with. For tests and the sandbox, which hold answers to the client's types.

use crate::model::{Answer, Model};

pub fn generate(model: &Model) -> String {
    let mut arms = String::new();
    for op in &model.operations {
        if let Answer::Envelope(envelope) = &op.answer {
            arms.push_str(&format!(
                "{:?} => Some(serde_json::from_slice::<types::{envelope}>(body).map(drop)),\n",
                op.id
            ));
        }
    }
    format!(
        "/// Decodes an answer body of `operation_id` into the type its operation answers with; `None`\n\
         /// for an operation that answers a file, or one the spec does not have.\n\
         #[doc(hidden)]\n\
         pub fn decode_answer(operation_id: &str, body: &[u8]) -> Option<Result<(), serde_json::Error>> {{\n\
         match operation_id {{\n{arms}_ => None,\n}}\n}}\n"
    )
}
