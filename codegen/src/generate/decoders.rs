//! `decode_answer(operation_id, body)`: an answer body decoded into the generated type its
//! operation answers with. For tests and the sandbox, which hold answers to the client's types.

use crate::model::{Answer, Model};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn generate(model: &Model) -> TokenStream {
    let (ids, envelopes): (Vec<&str>, Vec<syn::Ident>) = model
        .operations
        .iter()
        .filter_map(|op| match &op.answer {
            Answer::Envelope { schema, .. } => Some((op.id.as_str(), format_ident!("{schema}"))),
            Answer::Bytes => None,
        })
        .unzip();
    quote! {
        /// Decodes an answer body of `operation_id` into the type its operation answers with; `None`
        /// for an operation that answers a file, or one the spec does not have.
        #[doc(hidden)]
        pub fn decode_answer(operation_id: &str, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
            match operation_id {
                #( #ids => Some(serde_json::from_slice::<types::#envelopes>(body).map(drop)), )*
                _ => None,
            }
        }
    }
}
