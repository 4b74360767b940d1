//! Async work owned by a page. Every task a page starts is cancelled when the page goes (or, for
//! a task started by an effect, when that effect runs again for a newer input), so no task
//! outlives its page and reads a disposed signal, and a stale result never lands after a newer one.
//!
//! - [`spawn_owned`]: from a component body or an effect (a reactive owner is current).
//! - [`Job`]: from event handlers (no owner is current there): created in the component body, it
//!   holds the page's tasks of one kind; [`Job::restart`] cancels the one before (double clicks,
//!   a new input while a run is in flight: one result, the newest).
//!
//! A cancelled task is dropped at its next `await`; code between two awaits runs to its end, so
//! long CPU loops must yield (see [`crate::task::yield_to_browser`]).

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;

/// Spawns `task` under the current reactive owner: cancelled when that owner is cleaned up (the
/// page is left, or the effect that started it runs again). Outside any owner it is spawned
/// unowned and says so in the console (a bug: use a [`Job`] there).
pub fn spawn_owned(task: impl Future<Output = ()> + 'static) {
    if Owner::current().is_none() {
        web_sys::console::warn_1(&"sesame: a task was started outside any reactive owner; use a Job".into());
        leptos::task::spawn_local(task);
        return;
    }
    let handle = spawn_abortable(task, |_| {});
    on_cleanup(move || handle.abort());
}

/// Spawns `task` so that the returned handle cancels it; `finished(handle)` runs when the task
/// ends by itself (never when it was cancelled).
fn spawn_abortable(task: impl Future<Output = ()> + 'static, finished: impl FnOnce(&AbortHandle) + 'static) -> AbortHandle {
    let (handle, registration) = AbortHandle::new_pair();
    let own = handle.clone();
    leptos::task::spawn_local(async move {
        if Abortable::new(task, registration).await.is_ok() {
            finished(&own);
        }
    });
    handle
}

/// The tasks of one kind that a page starts from its event handlers (see the module docs).
#[derive(Clone, Copy)]
pub struct Job {
    handles: StoredValue<Arc<Mutex<Vec<AbortHandle>>>>,
    /// How many of this job's tasks are running (`running` is this > 0).
    live: StoredValue<Rc<Cell<usize>>, LocalStorage>,
    running: RwSignal<bool>,
}

impl Job {
    /// A job owned by the current component: all its tasks are cancelled when it is disposed.
    pub fn new() -> Self {
        let handles: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let on_drop = handles.clone();
        on_cleanup(move || {
            for h in on_drop.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default() {
                h.abort();
            }
        });
        Job { handles: StoredValue::new(handles), live: StoredValue::new_local(Rc::new(Cell::new(0))), running: RwSignal::new(false) }
    }

    /// Whether a task of this job is running, without tracking.
    pub fn running_untracked(&self) -> bool {
        self.running.get_untracked()
    }

    /// Cancels this job's running tasks.
    pub fn cancel(&self) {
        if let Some(handles) = self.handles.try_get_value() {
            for h in handles.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default() {
                h.abort();
            }
        }
        if let Some(live) = self.live.try_get_value() {
            live.set(0);
        }
        self.running.try_set(false);
    }

    /// Cancels this job's running tasks, then starts `task`.
    pub fn restart(&self, task: impl Future<Output = ()> + 'static) {
        self.cancel();
        self.spawn(task);
    }

    /// Starts `task` beside any running ones.
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        let (Some(handles), Some(live)) = (self.handles.try_get_value(), self.live.try_get_value()) else { return };
        live.set(live.get() + 1);
        self.running.set(true);
        let running = self.running;
        let counted = live.clone();
        let handle = spawn_abortable(task, move |handle| {
            // Finished by itself (a cancelled task was already counted out by `cancel`).
            handle.abort();
            counted.set(counted.get().saturating_sub(1));
            if counted.get() == 0 {
                running.try_set(false);
            }
        });
        if let Ok(mut v) = handles.lock() {
            v.retain(|h| !h.is_aborted());
            v.push(handle);
        };
    }
}

impl Default for Job {
    fn default() -> Self {
        Self::new()
    }
}
