//! The page shell every page shares: document head, header with navigation and language switch,
//! footer, and the error page.

mod text_area;

pub use text_area::TextArea;

use crate::domain::LanguageField;
use crate::locale::{self, Locale};
use leptos::prelude::*;
use leptos_i18n::td;

/// What every page needs to know about the request it answers. Provided as context while a
/// page renders.
#[derive(Clone, Debug)]
pub struct PageContext {
    pub locale: Locale,
    /// The path (with query) of this page, so the language switch can come back to it.
    pub path: String,
    pub options: leptos::config::LeptosOptions,
}

pub fn page_context() -> PageContext {
    expect_context::<PageContext>()
}

pub fn current_locale() -> Locale {
    page_context().locale
}

/// Head metadata of one page.
#[derive(Clone, Debug, Default)]
pub struct PageMeta {
    pub title: String,
    pub description: Option<String>,
    /// Private pages (tracking links, moderation) must never be indexed.
    pub noindex: bool,
    /// Load the WebAssembly bundle; only pages with islands need it.
    pub islands: bool,
    /// Open Graph tags, for links shared in chat apps and social sites.
    pub open_graph: Option<OpenGraph>,
    /// Feeds to announce (`<link rel="alternate">`): (type, href).
    pub alternate: Option<(&'static str, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct OpenGraph {
    pub title: String,
    pub description: String,
    /// Absolute URL of the page.
    pub url: String,
    /// Absolute URL of an image.
    pub image: Option<String>,
}

#[component]
pub fn Document(meta: PageMeta, children: Children) -> impl IntoView {
    let ctx = page_context();
    // One plain string: <title> is raw text, so it must not contain hydration markers.
    let site = leptos_i18n::td_string!(ctx.locale, common.site.name);
    let title = if meta.title.is_empty() {
        site.to_owned()
    } else {
        format!("{} · {site}", meta.title)
    };
    let stylesheet = format!(
        "/{}/{}.css",
        ctx.options.site_pkg_dir, ctx.options.output_name
    );
    // The WebAssembly bundle only where an island needs it.
    let scripts = meta
        .islands
        .then(|| view! { <IslandScripts options=ctx.options.clone() /> });
    let assets = view! {
        <link rel="stylesheet" id="leptos" href=stylesheet />
        {scripts}
    };
    view! {
        <!DOCTYPE html>
        <html lang=locale::tag(ctx.locale)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>{title}</title>
                {meta.description.map(|d| view! { <meta name="description" content=d /> })}
                {meta.noindex.then(|| view! { <meta name="robots" content="noindex, nofollow" /> })}
                {meta.open_graph.map(|og| view! {
                    {og_meta("og:type", "article".to_owned())}
                    {og_meta("og:title", og.title)}
                    {og_meta("og:description", og.description)}
                    {og_meta("og:url", og.url.clone())}
                    <link rel="canonical" href=og.url />
                    {og.image.map(|image| og_meta("og:image", image))}
                })}
                {meta.alternate.map(|(kind, href)| view! { <link rel="alternate" type=kind href=href /> })}
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {assets}
            </head>
            <body>
                <a class="skip-link" href="#main">{td!(ctx.locale, common.site.skip_to_content)}</a>
                <SiteHeader />
                <main id="main" tabindex="-1">{children()}</main>
                <SiteFooter />
            </body>
        </html>
    }
}

/// The islands' WebAssembly bundle, preloaded, and `/hydrate.js` (from `public/`), which starts
/// it. Leptos' own `HydrationScripts` writes an inline script, which would need a nonce in the
/// Content-Security-Policy and so a rewrite of every cached page per response; with a script
/// file the policy allows our origin only and cached pages go out untouched.
#[component]
fn IslandScripts(options: leptos::config::LeptosOptions) -> impl IntoView {
    // As `HydrationScripts` in islands mode: only islands carry hydration markers.
    if let Some(shared) = Owner::current_shared_context() {
        shared.set_is_hydrating(false);
    }
    let bundle = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // The name cargo-leptos gives the WebAssembly file (Leptos decides it the same way).
    let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        ""
    } else {
        "_bg"
    };
    view! {
        <link rel="modulepreload" href=format!("{bundle}.js") />
        <link
            rel="preload"
            href=format!("{bundle}{wasm_suffix}.wasm")
            r#as="fetch"
            r#type="application/wasm"
            crossorigin=""
        />
        <script type="module" src="/hydrate.js"></script>
    }
}

/// The class of a form field's wrapper: marked when its value was refused.
pub fn field_class(has_error: bool) -> &'static str {
    if has_error {
        "field has-error"
    } else {
        "field"
    }
}

/// `<meta property=… content=…>` (Open Graph uses `property`, which the view macro lacks).
fn og_meta(property: &'static str, content: String) -> impl IntoView {
    use leptos::tachys::html::attribute::custom::CustomAttribute;
    leptos::html::meta()
        .attr("property", property)
        .content(content)
}

#[component]
fn SiteHeader() -> impl IntoView {
    let locale = current_locale();
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-name">{td!(locale, common.site.name)}</span>
                <span class="brand-tagline">{td!(locale, common.site.tagline)}</span>
            </a>
            <nav aria-label=leptos_i18n::td_string!(locale, common.nav.main)>
                <a href="/">{td!(locale, common.nav.timeline)}</a>
                <a class="cta" href="/submit">{td!(locale, common.nav.submit)}</a>
            </nav>
            <LanguageSwitch />
        </header>
    }
}

/// A POST form so it works without JavaScript; the server sets the `lang` cookie and sends
/// the reader back to the same page.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let ctx = page_context();
    let others = locale::ALL.into_iter().filter(move |l| *l != ctx.locale);
    view! {
        <form class="lang-switch" method="post" action="/locale">
            <input type="hidden" name=LanguageField::Next.name() value=ctx.path.clone() />
            {others
                .map(|other| {
                    view! {
                        <button type="submit" name=LanguageField::Lang.name() value=locale::tag(other) lang=locale::tag(other)>
                            {language_name(other)}
                        </button>
                    }
                })
                .collect_view()}
        </form>
    }
}

fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::zh_CN => leptos_i18n::td_string!(locale, common.lang.zh),
        Locale::en => leptos_i18n::td_string!(locale, common.lang.en),
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    let locale = current_locale();
    view! {
        <footer class="site-footer">
            <p>{td!(locale, common.footer.about)}</p>
            <p>
                <a href="/data">{td!(locale, common.footer.open_data)}</a> " · "
                <a href="/moderate">{td!(locale, common.nav.moderate)}</a>
            </p>
        </footer>
    }
}

/// A whole page explaining a refused request in the reader's language.
#[component]
pub fn ErrorPage(status: u16, message: String) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: leptos_i18n::td_string!(locale, common.request_error.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    view! {
        <Document meta>
            <section class="error-page">
                <h1>{td!(locale, common.request_error.title)}</h1>
                <p class="error-status">{status}</p>
                <p class="error-message" role="alert">{message}</p>
                <p>
                    <a href="/">{td!(locale, common.nav.timeline)}</a>
                </p>
            </section>
        </Document>
    }
}
