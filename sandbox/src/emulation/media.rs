//! What points at an uploaded file, shown from the file: an avatar (`POST /avatar`) is the image
//! of the public attachment it names, and a note attachment (`…/note-attachment`) lists the
//! account attachment it names.

use super::call::{Call, Failure, Output};
use super::router::PathId;
use super::store::Place;
use super::{Shared, World, generic, lock, render};
use serde_json::{Map, Value, json};
use std::time::SystemTime;

/// `POST /avatar` with `attachment_public_uuid`: an avatar showing that image.
pub(crate) fn create_avatar(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let uuid = body.get("attachment_public_uuid").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut world = lock(&shared.world);
    let place = Place { collection: "attachment-public".to_owned(), parents: Vec::new() };
    let image = world.store.get(&place, &PathId::Text(uuid.clone())).filter(|o| generic::visible(o, call));
    let image = image.ok_or_else(|| Failure::new(400, format!("No public attachment has the UUID {uuid:?}.")))?;
    let file = image.fields.get("attachment");
    let content_type = file.and_then(|f| f.get("content_type")).cloned().unwrap_or(Value::Null);
    let mut given = Map::new();
    given.insert(
        "image".to_owned(),
        json!([{ "attachment_public_uuid": uuid, "content_type": content_type, "height": null, "width": null }]),
    );
    let id = generic::create_object(&mut world, call, &given, SystemTime::now());
    let avatar = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new avatar is gone."))?;
    Ok(Output::Json(generic::answer(call.operation, avatar)))
}

/// `POST …/note-attachment` with `attachment_id`: a note listing that account attachment.
pub(crate) fn create_note_attachment(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let attachment = body.get("attachment_id").and_then(Value::as_i64).unwrap_or(-1);
    let (user, account) = (call.id(0), call.id(1));
    let mut world = lock(&shared.world);
    if !attachment_exists(&world, call, user, account, attachment) {
        return Err(Failure::new(400, format!("No attachment of this account has the id {attachment}.")));
    }
    let creator = world.bank.user(user).map(render::label_user).unwrap_or(Value::Null);
    let mut given = body.as_object().cloned().unwrap_or_default();
    given.insert("attachment".to_owned(), json!([{ "id": attachment, "monetary_account_id": account }]));
    given.insert("label_user_creator".to_owned(), creator);
    let id = generic::create_object(&mut world, call, &given, SystemTime::now());
    let note = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new note is gone."))?;
    Ok(Output::Json(generic::answer(call.operation, note)))
}

/// Whether the account holds an uploaded attachment with this id.
fn attachment_exists(world: &World, call: &Call, user: i64, account: i64, id: i64) -> bool {
    let place = Place {
        collection: "user/{}/monetary-account/{}/attachment".to_owned(),
        parents: vec![PathId::Int(user), PathId::Int(account)],
    };
    world.store.get(&place, &PathId::Int(id)).is_some_and(|o| generic::visible(o, call))
}
