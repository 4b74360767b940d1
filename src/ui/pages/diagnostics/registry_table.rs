//! The model registry on the diagnostics page.

use leptos::prelude::*;

use crate::runtime::registry;
use crate::ui::i18n::T;
use crate::ui::state::{AppState, ModelStatus};

/// The model registry: what is loaded, its bytes against the budget, the pins, and the device's
/// own measure of its memory; refreshed every second.
#[component]
pub fn RegistryTable() -> impl IntoView {
    let app = expect_context::<AppState>();
    let tick = RwSignal::new(0u64);
    if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    view! {
        <h2>{move || app.t(T::DiagRegistry)}</h2>
        {move || {
            tick.get();
            let entries = registry::entries();
            let device = registry::device_memory();
            view! {
                <p data-testid="registry" data-budget=registry::budget().to_string() data-loaded=registry::loaded_bytes().to_string()
                   data-evictions=registry::evictions().to_string() data-device-in-use=device.map(|d| d.0.to_string()).unwrap_or_default()>
                    {format!("{} {} / {} · {} {}", app.t(T::DiagLoaded), mb(registry::loaded_bytes()), mb(registry::budget()), app.t(T::DiagEvicted), registry::evictions())}
                    {device.map(|(used, reserved)| format!(" · {} {} ({} {})", app.t(T::DiagDeviceMemory), mb(used), mb(reserved), app.t(T::DiagReserved)))}
                </p>
                <table class="golden registry">
                    <thead><tr><th>{app.t(T::ModelLabel)}</th><th>{app.t(T::DiagState)}</th><th>{app.t(T::DiagBytes)}</th><th>{app.t(T::DiagPins)}</th></tr></thead>
                    <tbody>{entries.into_iter().map(|e| {
                        let state = match &e.status {
                            ModelStatus::Idle => "–".to_string(),
                            ModelStatus::Loading(_) => "…".to_string(),
                            ModelStatus::Ready(_) => "✓".to_string(),
                            ModelStatus::Failed(f) => format!("✗ {f}"),
                        };
                        view! { <tr data-testid="registry-entry" data-key=e.key.clone()><td><code>{e.key.clone()}</code></td><td>{state}</td><td class="num">{mb(e.bytes)}</td><td class="num">{e.pins}</td></tr> }
                    }).collect_view()}</tbody>
                </table>
            }
        }}
    }
}
