//! Callbacks on their way out: each payload POSTed to its target from a background task, tried
//! again after a failure (bunq: 5 more times, a minute apart), never holding up the API.
//! Failures are logged on stderr and counted.

use super::{Counters, Shared};
use std::sync::Weak;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often and how far apart a failed delivery is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackRetry {
    /// Attempts in all, the first included (at least 1).
    pub attempts: u32,
    /// The wait after a failed attempt.
    pub interval: Duration,
}

impl Default for CallbackRetry {
    /// bunq's rule: the first attempt and 5 more, a minute apart.
    fn default() -> Self {
        CallbackRetry { attempts: 6, interval: Duration::from_secs(60) }
    }
}

/// One callback: where it goes and the bytes it carries (bunq's JSON).
#[derive(Debug)]
pub(crate) struct Delivery {
    pub target: String,
    pub body: Vec<u8>,
}

/// The sending end; deliveries queue without waiting.
#[derive(Debug)]
pub(crate) struct Outbox {
    queue: mpsc::UnboundedSender<Delivery>,
}

impl Outbox {
    /// Starts the task that delivers what is queued, counting into `shared`'s counters while
    /// it lives; the task ends when the outbox is dropped.
    pub(crate) fn start(retry: CallbackRetry, shared: Weak<Shared>) -> Self {
        let (queue, mut queued) = mpsc::unbounded_channel::<Delivery>();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        tokio::spawn(async move {
            while let Some(delivery) = queued.recv().await {
                tokio::spawn(deliver(client.clone(), retry, delivery, shared.clone()));
            }
        });
        Outbox { queue }
    }

    /// Queues a delivery.
    pub(crate) fn send(&self, delivery: Delivery) {
        // The task ends only with the runtime; a delivery queued after that is dropped.
        let _ = self.queue.send(delivery);
    }
}

async fn deliver(client: reqwest::Client, retry: CallbackRetry, delivery: Delivery, shared: Weak<Shared>) {
    let attempts = retry.attempts.max(1);
    for attempt in 1..=attempts {
        let sent = client
            .post(&delivery.target)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(delivery.body.clone())
            .send()
            .await;
        let problem = match sent {
            Ok(answer) if answer.status().is_success() => {
                if let Some(shared) = shared.upgrade() {
                    Counters::bump(&shared.counters.callbacks_delivered, 1);
                }
                return;
            }
            Ok(answer) => format!("answered {}", answer.status()),
            Err(error) => format!("could not be reached ({error})"),
        };
        let next = if attempt < attempts { format!("; trying again in {:?}", retry.interval) } else { String::new() };
        eprintln!(
            "bunq-sandbox: the callback to {} {problem} (attempt {attempt} of {attempts}){next}",
            delivery.target
        );
        if attempt < attempts {
            tokio::time::sleep(retry.interval).await;
        }
    }
    if let Some(shared) = shared.upgrade() {
        Counters::bump(&shared.counters.callbacks_failed, 1);
    }
}
