//! The log events a test causes, captured: one subscriber for the whole test binary (set once,
//! as the global default) hands each event to the capture open on the thread that emitted it.
//! A `#[tokio::test]` runs its future, and the sandbox and listeners it starts, on its own thread,
//! so tests running side by side do not see each other's events.
//!
//! A global subscriber rather than `tracing::subscriber::set_default` per test: tracing caches
//! per call site whether anyone is interested, and with scoped subscribers coming and going on
//! other threads a test missed its own events (see `secrets.rs`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Once};
use tracing::field::{Field, Visit};
use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// One event: its level, its target (the module that logged it) and its fields as text
/// (`message` among them).
#[derive(Clone, Debug)]
pub struct Event {
    pub level: Level,
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

impl Event {
    pub fn message(&self) -> &str {
        self.field("message")
    }

    /// A field's text; empty when the event has no such field.
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

type Events = Arc<Mutex<Vec<Event>>>;

thread_local! {
    static CAPTURE: RefCell<Option<Events>> = const { RefCell::new(None) };
}

/// The events of this thread from now until it is dropped.
pub struct Capture {
    events: Events,
}

/// Starts capturing this thread's events (at every level).
pub fn capture() -> Capture {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(PerThread))
            .expect("no other global subscriber in the test binary");
    });
    let events = Events::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(events.clone()));
    Capture { events }
}

impl Capture {
    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// The events so far with this message.
    pub fn with_message(&self, message: &str) -> Vec<Event> {
        self.events().into_iter().filter(|event| event.message() == message).collect()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// Hands events to the capture of the thread they happen on.
struct PerThread;

impl<S: Subscriber> Layer<S> for PerThread {
    // Asked per event: whether a capture is open depends on the thread.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>, _: Context<'_, S>) -> bool {
        CAPTURE.with(|capture| capture.borrow().is_some())
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let metadata = event.metadata();
        let captured = Event { level: *metadata.level(), target: metadata.target().to_owned(), fields: fields.0 };
        CAPTURE.with(|capture| {
            if let Some(events) = &*capture.borrow() {
                events.lock().unwrap().push(captured);
            }
        });
    }
}

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}
