//! Ctrl-C while the model is talking cancels the reply, not the program.
//!
//! Once tokio listens for SIGINT, the default "terminate" behaviour is gone
//! for the rest of the process, so listening only inside the streaming
//! `select!` would leave Ctrl-C dead everywhere else (scoring, a piped
//! session). Instead one small thread listens for the whole process: while a
//! reply is armed it cancels that reply; otherwise it exits with 130, as the
//! default handler would (everything typed is already on disk). At a
//! terminal prompt rustyline reads Ctrl-C as a key, so this only sees the
//! signal outside the prompt.

use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::Notify;

static ARMED: Mutex<Option<Arc<Notify>>> = Mutex::new(None);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Start the listener once. Returns false if signals cannot be watched here
/// (then Ctrl-C keeps its default behaviour and nothing is cancellable).
pub fn install() -> bool {
    *INSTALLED.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<bool>();
        let spawned = std::thread::Builder::new()
            .name("mockround-ctrl-c".into())
            .spawn(move || listen(tx));
        spawned.is_ok() && rx.recv().unwrap_or(false)
    })
}

fn listen(ready: std::sync::mpsc::Sender<bool>) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        let _ = ready.send(false);
        return;
    };
    rt.block_on(async move {
        #[cfg(unix)]
        let mut signal = {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::interrupt()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ready.send(false);
                    return;
                }
            }
        };
        #[cfg(windows)]
        let mut signal = match tokio::signal::windows::ctrl_c() {
            Ok(s) => s,
            Err(_) => {
                let _ = ready.send(false);
                return;
            }
        };
        let _ = ready.send(true);
        while signal.recv().await.is_some() {
            let armed = ARMED.lock().ok().and_then(|a| a.clone());
            match armed {
                Some(n) => n.notify_one(),
                None => std::process::exit(130),
            }
        }
    });
}

/// A reply in progress that Ctrl-C may cancel. Disarms when dropped.
pub struct Armed {
    notify: Arc<Notify>,
}

/// Make Ctrl-C cancel the reply being produced until the guard is dropped.
pub fn arm() -> Armed {
    let notify = Arc::new(Notify::new());
    if let Ok(mut a) = ARMED.lock() {
        *a = Some(notify.clone());
    }
    Armed { notify }
}

impl Armed {
    /// Completes when Ctrl-C is pressed (a press before the first poll
    /// counts too: `notify_one` keeps a permit).
    pub async fn cancelled(&self) {
        self.notify.notified().await
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        if let Ok(mut a) = ARMED.lock() {
            if a.as_ref().is_some_and(|n| Arc::ptr_eq(n, &self.notify)) {
                *a = None;
            }
        }
    }
}
