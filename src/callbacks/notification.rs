//! One callback, read.

use super::{CallbackObject, Category};
use serde_json::Value;

/// What a callback says: which event, in which category, about which object.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// The category the filter that sent it subscribed to.
    pub category: Category,
    /// What happened: `MUTATION_CREATED`, `REQUEST_INQUIRY_ACCEPTED`, ….
    pub event_type: String,
    /// The URL bunq delivered it to.
    pub target_url: Option<String>,
    /// The object, typed (unverified: see [`read_back`](Self::read_back)).
    pub object: CallbackObject,
    /// The object's fields exactly as bunq sent them.
    pub raw: Value,
}

impl Notification {
    /// Reads a callback body: `{"NotificationUrl": {"category": …, "event_type": …, "object": {"<Type>": {…}}}}`.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e})"))?;
        let url = value.get("NotificationUrl").ok_or("the body holds no NotificationUrl")?;
        let text = |field: &str| url.get(field).and_then(Value::as_str).map(str::to_owned);
        let category = text("category").ok_or("the notification names no category")?;
        let event_type = text("event_type").ok_or("the notification names no event type")?;
        let object = url.get("object").and_then(Value::as_object).ok_or("the notification carries no object")?;
        let mut entries = object.iter();
        let (Some((type_name, raw)), None) = (entries.next(), entries.next()) else {
            return Err("the notification's object is not one object under its type name".to_owned());
        };
        Ok(Notification {
            category: Category::from_wire(&category),
            event_type,
            target_url: text("target_url"),
            object: CallbackObject::from_wire(type_name, raw.clone()),
            raw: raw.clone(),
        })
    }

    /// The object's id, where it has one.
    pub fn object_id(&self) -> Option<i64> {
        self.raw.get("id").and_then(Value::as_i64)
    }

    /// The monetary account the object belongs to, where it says.
    pub fn monetary_account_id(&self) -> Option<i64> {
        self.raw.get("monetary_account_id").and_then(Value::as_i64)
    }
}
