//! The app's pages in one table: each [`Route`] has one [`Page`] row with its address (`?p=`),
//! its label, where it is listed, what `hide=` can remove from it and the component that draws it.
//! Adding a page is a variant here and a row in [`PAGES`]; a compile-time check keeps the two in
//! step.

use leptos::prelude::*;

use super::i18n::T;
use super::pages::autoencoder::{anomaly::Anomaly, codes::DiscreteCodes, denoising::Denoising, downstream::Downstream, latent::LatentSpace, reconstruction::Reconstruction, training::TrainLive};
use super::pages::{benchmark::Benchmark, classify::{Classify, Qnli}, tagging::Tagging, contextual::Contextual, diagnostics::Diagnostics, gpt::Gpt, home::Home, icl::Icl, masking::Masking, multilingual::Multilingual, offline::Offline, pair::Pair, qa::Qa, vision::Vision};

/// The pages of the app, in navigation order (the order of [`PAGES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Home.
    Home,
    /// Masked-token prediction.
    Masking,
    /// Next-sentence / sentence-order prediction.
    Pair,
    /// Contextual embeddings.
    Contextual,
    /// Extractive question answering.
    Qa,
    /// Fine-tuning case 1: sentence → class.
    Classify,
    /// Fine-tuning case 2: token → class (part-of-speech tagging).
    Tagging,
    /// Fine-tuning case 3: two sentences → class (QNLI).
    Qnli,
    /// GPT: next-token prediction.
    Gpt,
    /// GPT: in-context learning.
    Icl,
    /// Auto-encoder: reconstruction.
    AeRecon,
    /// Auto-encoder: denoising.
    AeDenoise,
    /// Auto-encoder: latent space.
    AeLatent,
    /// Auto-encoder: the code used for a downstream classifier.
    AeDownstream,
    /// VQ-VAE: discrete codes.
    AeCodes,
    /// Auto-encoder: anomaly detection.
    AeAnomaly,
    /// Auto-encoder: training live in the page.
    AeTrain,
    /// Self-supervision on images: masked patches and contrastive ViTs.
    Vision,
    /// One BERT for Chinese and English: no mixing, alignment, the language vector, zero-shot transfer.
    Multilingual,
    /// The GLUE-style scoreboard of every encoder's downstream results.
    Benchmark,
    /// Diagnostics (golden check, timings).
    Diagnostics,
    /// Offline use and storage.
    Offline,
}

/// Where a page is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Its own entry in the site's header.
    Header,
    /// One of the auto-encoder pages: they share the header's "auto-encoder" entry (the first of
    /// them) and have tabs between them, with this label.
    AutoencoderTab(T),
}

/// Everything the app knows about one page.
pub struct Page {
    /// Its route.
    pub route: Route,
    /// The address value `?p=…`.
    pub slug: &'static str,
    /// Its navigation label and window title.
    pub title: T,
    /// Where it is listed.
    pub listing: Listing,
    /// Whether the page offers "embed this page" (home and the offline settings do not).
    pub embeddable: bool,
    /// The controls `hide=` can name on it (see [`crate::ui::url::CONTROLS`]).
    pub controls: &'static [&'static str],
    /// Draws the page.
    pub view: fn() -> AnyView,
}

/// Every page, in [`Route`] order.
pub const PAGES: [Page; 22] = [
    Page { route: Route::Home, slug: "home", title: T::NavHome, listing: Listing::Header, embeddable: false, controls: &[], view: || view! { <Home /> }.into_any() },
    Page { route: Route::Masking, slug: "masking", title: T::NavMasking, listing: Listing::Header, embeddable: true, controls: &["model", "presets", "text", "example", "curve"], view: || view! { <Masking /> }.into_any() },
    Page { route: Route::Pair, slug: "pair", title: T::NavPair, listing: Listing::Header, embeddable: true, controls: &["model", "presets", "inputs"], view: || view! { <Pair /> }.into_any() },
    Page { route: Route::Contextual, slug: "contextual", title: T::NavContextual, listing: Listing::Header, embeddable: true, controls: &["model", "presets", "target", "sentences", "run", "layer"], view: || view! { <Contextual /> }.into_any() },
    Page { route: Route::Qa, slug: "qa", title: T::NavQa, listing: Listing::Header, embeddable: true, controls: &["model", "presets", "question", "window", "document", "curve"], view: || view! { <Qa /> }.into_any() },
    Page { route: Route::Classify, slug: "classify", title: T::NavClassify, listing: Listing::Header, embeddable: true, controls: &["presets", "text", "curve"], view: || view! { <Classify /> }.into_any() },
    Page { route: Route::Tagging, slug: "tagging", title: T::NavTagging, listing: Listing::Header, embeddable: true, controls: &["presets", "text", "curve"], view: || view! { <Tagging /> }.into_any() },
    Page { route: Route::Qnli, slug: "qnli", title: T::NavQnli, listing: Listing::Header, embeddable: true, controls: &["presets", "text", "curve"], view: || view! { <Qnli /> }.into_any() },
    Page { route: Route::Gpt, slug: "gpt", title: T::NavGpt, listing: Listing::Header, embeddable: true, controls: &["model", "prompt", "chat", "sampling"], view: || view! { <Gpt /> }.into_any() },
    Page { route: Route::Icl, slug: "icl", title: T::NavIcl, listing: Listing::Header, embeddable: true, controls: &["model", "tasks", "prompt", "run"], view: || view! { <Icl /> }.into_any() },
    Page { route: Route::AeRecon, slug: "ae", title: T::NavAutoencoder, listing: Listing::AutoencoderTab(T::TabRecon), embeddable: true, controls: &["tabs", "model", "images", "draw"], view: || view! { <Reconstruction /> }.into_any() },
    Page { route: Route::AeDenoise, slug: "ae-denoise", title: T::AeDenoiseTitle, listing: Listing::AutoencoderTab(T::TabDenoise), embeddable: true, controls: &["tabs", "noise", "images"], view: || view! { <Denoising /> }.into_any() },
    Page { route: Route::AeLatent, slug: "ae-latent", title: T::AeLatentTitle, listing: Listing::AutoencoderTab(T::TabLatent), embeddable: true, controls: &["tabs", "model", "sliders"], view: || view! { <LatentSpace /> }.into_any() },
    Page { route: Route::AeDownstream, slug: "ae-downstream", title: T::AeDsTitle, listing: Listing::AutoencoderTab(T::TabDownstream), embeddable: true, controls: &["tabs", "model", "results"], view: || view! { <Downstream /> }.into_any() },
    Page { route: Route::AeCodes, slug: "ae-codes", title: T::AeCodesTitle, listing: Listing::AutoencoderTab(T::TabCodes), embeddable: true, controls: &["tabs", "images", "usage"], view: || view! { <DiscreteCodes /> }.into_any() },
    Page { route: Route::AeAnomaly, slug: "ae-anomaly", title: T::AeAnomalyTitle, listing: Listing::AutoencoderTab(T::TabAnomaly), embeddable: true, controls: &["tabs", "model", "draw", "curve"], view: || view! { <Anomaly /> }.into_any() },
    Page { route: Route::AeTrain, slug: "ae-train", title: T::AeTrainTitle, listing: Listing::AutoencoderTab(T::TabTrain), embeddable: true, controls: &["tabs", "model", "run", "curve"], view: || view! { <TrainLive /> }.into_any() },
    Page { route: Route::Vision, slug: "vision", title: T::NavVision, listing: Listing::Header, embeddable: true, controls: &["data", "images", "patches", "views", "map", "probes"], view: || view! { <Vision /> }.into_any() },
    Page { route: Route::Multilingual, slug: "multilingual", title: T::NavMultilingual, listing: Listing::Header, embeddable: true, controls: &["mixing", "alignment", "vector", "zeroshot"], view: || view! { <Multilingual /> }.into_any() },
    Page { route: Route::Benchmark, slug: "benchmark", title: T::NavBenchmark, listing: Listing::Header, embeddable: true, controls: &["view", "table", "averages", "glue"], view: || view! { <Benchmark /> }.into_any() },
    Page { route: Route::Diagnostics, slug: "diagnostics", title: T::NavDiagnostics, listing: Listing::Header, embeddable: true, controls: &[], view: || view! { <Diagnostics /> }.into_any() },
    Page { route: Route::Offline, slug: "offline", title: T::NavOffline, listing: Listing::Header, embeddable: false, controls: &[], view: || view! { <Offline /> }.into_any() },
];

// Row `i` of the table is the page of the `i`-th route: a page added to one and not the other, or
// out of order, does not compile.
const _: () = {
    let mut i = 0;
    while i < PAGES.len() {
        assert!(PAGES[i].route as usize == i, "PAGES must list every Route once, in Route order");
        i += 1;
    }
    assert!(Route::Offline as usize + 1 == PAGES.len(), "PAGES must list every Route");
};

impl Route {
    /// This route's row of [`PAGES`].
    pub fn page(self) -> &'static Page {
        &PAGES[self as usize]
    }

    /// URL value of `p`.
    pub fn slug(self) -> &'static str {
        self.page().slug
    }

    /// Navigation label.
    pub fn title(self) -> T {
        self.page().title
    }

    /// The controls of this page that `hide=` can name.
    pub fn controls(self) -> &'static [&'static str] {
        self.page().controls
    }

    /// Parses `p`.
    pub fn parse(slug: &str) -> Option<Route> {
        PAGES.iter().find(|p| p.slug == slug).map(|p| p.route)
    }

    /// Whether this page is one of the auto-encoder pages.
    pub fn is_autoencoder(self) -> bool {
        matches!(self.page().listing, Listing::AutoencoderTab(_))
    }

    /// The pages the header lists: its own entries, and the first auto-encoder page for all of them.
    pub fn header() -> impl Iterator<Item = Route> {
        PAGES.iter().filter(|p| p.listing == Listing::Header || p.route == Route::AeRecon).map(|p| p.route)
    }

    /// The auto-encoder pages with their tab labels, in order.
    pub fn autoencoder_tabs() -> impl Iterator<Item = (Route, T)> {
        PAGES.iter().filter_map(|p| match p.listing {
            Listing::AutoencoderTab(t) => Some((p.route, t)),
            _ => None,
        })
    }
}

/// Whether two strings are equal (in a constant).
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

// Every control a page offers to `hide=` is one that `hide=` accepts (else it would be rejected
// as unknown): a control missing from `CONTROLS` does not compile.
const _: () = {
    let mut p = 0;
    while p < PAGES.len() {
        let controls = PAGES[p].controls;
        let mut c = 0;
        while c < controls.len() {
            let mut found = false;
            let mut k = 0;
            while k < crate::ui::url::CONTROLS.len() {
                found |= same(controls[c], crate::ui::url::CONTROLS[k]);
                k += 1;
            }
            assert!(found, "a page's control is missing from ui::url::CONTROLS");
            c += 1;
        }
        p += 1;
    }
};
