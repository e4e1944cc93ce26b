//! A ready HTTP listener for callbacks (feature `callback-listener`): bind, register its URL with
//! bunq, and take the notifications as they come. It answers bunq at once (200 for an event,
//! also a repeated one; 403 for a refused source; 400 for a body that is no callback; 503 while
//! the queue is full), logging each refusal at warn level with the peer's address and the reason.

use super::receiver::log_refusal;
use super::{Notification, Receiver, Refused};
use bytes::Bytes;
use futures_util::stream::{self, Stream};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Notifications waiting to be taken before deliveries are answered 503 (bunq retries).
const QUEUE: usize = 1024;
/// The largest body read.
const MAX_BODY: usize = 1 << 20;

/// A listening callback endpoint. Dropping it stops the server.
#[derive(Debug)]
pub struct Listener {
    local_addr: SocketAddr,
    notifications: mpsc::Receiver<Notification>,
    task: tokio::task::JoinHandle<()>,
}

impl Listener {
    /// Listens on `addr` (e.g. `127.0.0.1:0`), passing deliveries through `receiver`.
    pub async fn bind(addr: SocketAddr, receiver: Receiver) -> std::io::Result<Listener> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (sender, notifications) = mpsc::channel(QUEUE);
        let receiver = Arc::new(receiver);
        let task = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let (receiver, sender) = (receiver.clone(), sender.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        answer(receiver.clone(), sender.clone(), peer, request)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Listener { local_addr, notifications, task })
    }

    /// Where it listens: give bunq `http://{local_addr}/…` (an emulator) or put it behind HTTPS.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The next notification (`None` once the listener stopped).
    pub async fn next(&mut self) -> Option<Notification> {
        self.notifications.recv().await
    }

    /// The notifications as a stream.
    pub fn into_stream(self) -> impl Stream<Item = Notification> {
        stream::unfold(self, |mut listener| async move { listener.next().await.map(|n| (n, listener)) })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    receiver: Arc<Receiver>,
    sender: mpsc::Sender<Notification>,
    peer: SocketAddr,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let status = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Err(error) => {
            log_refusal(peer.ip(), &format_args!("the body could not be read: {error}"));
            400
        }
        Ok(body) => match receiver.receive(peer.ip(), &body.to_bytes()) {
            Ok(Some(notification)) => match sender.try_send(notification) {
                Ok(()) => 200,
                Err(_) => {
                    log_refusal(peer.ip(), &"the queue of notifications is full (bunq retries)");
                    503
                }
            },
            Ok(None) => 200,
            Err(Refused::Source(_)) => 403,
            Err(_) => 400,
        },
    };
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    Ok(response)
}
