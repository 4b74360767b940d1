//! Home: what Sesame is, the lecture it follows, and the pages.

use leptos::prelude::*;

use crate::ui::i18n::T;
use crate::ui::routes::Route;
use crate::ui::state::AppState;

/// The home page.
#[component]
pub fn Home() -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <section class="page home" data-testid="page-home">
            <p class="kicker">{move || app.t(T::AppTagline)}</p>
            <h1>{move || app.t(T::HomeTitle)}</h1>
            <p class="lede">{move || app.t(T::HomeIntro)}</p>
            <p>{move || app.t(T::HomeLecture)}</p>
            <h2>{move || app.t(T::HomePages)}</h2>
            <ul class="cards">
                <li class="card live">
                    <a href="?p=masking" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Masking); } data-testid="card-masking">
                        <h3>{move || app.t(T::PageMasking)}</h3>
                        <p>{move || app.t(T::PageMaskingBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=pair" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Pair); } data-testid="card-pair">
                        <h3>{move || app.t(T::PageNsp)}</h3>
                        <p>{move || app.t(T::PagePairBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=contextual" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Contextual); } data-testid="card-contextual">
                        <h3>{move || app.t(T::CtxTitle)}</h3>
                        <p>{move || app.t(T::PageContextualBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=qa" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Qa); } data-testid="card-qa">
                        <h3>{move || app.t(T::PageQa)}</h3>
                        <p>{move || app.t(T::PageQaBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=classify" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Classify); } data-testid="card-classify">
                        <h3>{move || app.t(T::NavClassify)}</h3>
                        <p>{move || app.t(T::PageClassifyBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=tagging" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Tagging); } data-testid="card-tagging">
                        <h3>{move || app.t(T::NavTagging)}</h3>
                        <p>{move || app.t(T::PageTaggingBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=qnli" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Qnli); } data-testid="card-qnli">
                        <h3>{move || app.t(T::NavQnli)}</h3>
                        <p>{move || app.t(T::PageQnliBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=ae" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::AeRecon); } data-testid="card-ae">
                        <h3>{move || app.t(T::PageAutoencoder)}</h3>
                        <p>{move || app.t(T::PageAutoencoderBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=gpt" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Gpt); } data-testid="card-gpt">
                        <h3>{move || app.t(T::PageGpt)}</h3>
                        <p>{move || app.t(T::PageGptBlurb)}</p>
                    </a>
                </li>
                <li class="card live">
                    <a href="?p=icl" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Icl); } data-testid="card-icl">
                        <h3>{move || app.t(T::PageIcl)}</h3>
                        <p>{move || app.t(T::PageIclBlurb)}</p>
                    </a>
                </li>
            </ul>
        </section>
    }
}
