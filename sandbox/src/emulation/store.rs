//! Objects created through the API that are not money: each in its collection (a path
//! template like `user/{}/monetary-account/{}/bunqme-tab`) under its parents' ids, as the JSON
//! fields of its wire type.

use super::router::PathId;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Where an object lives: its collection and the ids of the path before it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Place {
    pub collection: String,
    pub parents: Vec<PathId>,
}

/// One stored object.
#[derive(Debug)]
pub(crate) struct Stored {
    pub id: i64,
    pub uuid: String,
    pub place: Place,
    /// The user whose session created it (`None`: made by the sandbox itself).
    pub owner: Option<i64>,
    /// The wire type it is answered as (`BunqMeTab`, `ScheduledPayment`, …).
    pub key: String,
    /// Its fields as the wire shows them.
    pub fields: Map<String, Value>,
    /// What the sandbox keeps for itself (e.g. the request a response answers); never shown.
    pub private: Value,
    /// A file's bytes, for uploads.
    pub bytes: Option<Vec<u8>>,
}

/// Every stored object.
#[derive(Debug, Default)]
pub(crate) struct Store {
    objects: BTreeMap<i64, Stored>,
    places: HashMap<Place, Vec<i64>>,
    uuids: HashMap<String, i64>,
}

impl Store {
    /// Keeps an object.
    pub(crate) fn insert(&mut self, object: Stored) {
        self.places.entry(object.place.clone()).or_default().push(object.id);
        self.uuids.insert(object.uuid.clone(), object.id);
        self.objects.insert(object.id, object);
    }

    /// The object with this id (or UUID) at `place`.
    pub(crate) fn get(&self, place: &Place, id: &PathId) -> Option<&Stored> {
        let id = self.id_of(id)?;
        self.objects.get(&id).filter(|o| &o.place == place)
    }

    /// The object with this id (or UUID) at `place`, to change.
    pub(crate) fn get_mut(&mut self, place: &Place, id: &PathId) -> Option<&mut Stored> {
        let id = self.id_of(id)?;
        self.objects.get_mut(&id).filter(|o| &o.place == place)
    }

    fn id_of(&self, id: &PathId) -> Option<i64> {
        match id {
            PathId::Int(id) => Some(*id),
            PathId::Text(uuid) => self.uuids.get(uuid).copied(),
        }
    }

    /// The objects at `place`, oldest first.
    pub(crate) fn list(&self, place: &Place) -> Vec<&Stored> {
        let ids = self.places.get(place).map(Vec::as_slice).unwrap_or_default();
        ids.iter().filter_map(|id| self.objects.get(id)).collect()
    }

    /// Removes an object; false when there was none.
    pub(crate) fn remove(&mut self, place: &Place, id: &PathId) -> bool {
        let Some(id) = self.get(place, id).map(|o| o.id) else { return false };
        if let Some(object) = self.objects.remove(&id) {
            self.uuids.remove(&object.uuid);
            if let Some(ids) = self.places.get_mut(&object.place) {
                ids.retain(|other| *other != id);
            }
        }
        true
    }

    /// Any object by id, wherever it is.
    pub(crate) fn by_id_mut(&mut self, id: i64) -> Option<&mut Stored> {
        self.objects.get_mut(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(id: i64, place: &Place) -> Stored {
        Stored {
            id,
            uuid: format!("uuid-{id}"),
            place: place.clone(),
            owner: Some(1),
            key: "NoteText".into(),
            fields: Map::new(),
            private: json!(null),
            bytes: None,
        }
    }

    #[test]
    fn objects_live_in_their_place() {
        let mut store = Store::default();
        let here = Place { collection: "user/{}/x".into(), parents: vec![PathId::Int(1)] };
        let there = Place { collection: "user/{}/x".into(), parents: vec![PathId::Int(2)] };
        store.insert(object(5, &here));
        store.insert(object(6, &here));
        assert!(store.get(&here, &PathId::Int(5)).is_some());
        assert!(store.get(&there, &PathId::Int(5)).is_none(), "not under another parent");
        assert!(store.get(&here, &PathId::Text("uuid-6".into())).is_some());
        assert_eq!(store.list(&here).iter().map(|o| o.id).collect::<Vec<_>>(), [5, 6]);
        assert!(store.remove(&here, &PathId::Int(5)));
        assert!(!store.remove(&here, &PathId::Int(5)));
        assert_eq!(store.list(&here).len(), 1);
        assert!(store.list(&there).is_empty());
    }
}
