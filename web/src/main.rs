//! Entry point of the browser build. The app's own page (`index.html`,
//! whose body carries `data-replicascope="app"`) mounts on `<body>`; the
//! same module loaded by `replica-scope.js` on someone else's page mounts
//! nothing by itself — each `<replica-scope>` element mounts its own app.
fn main() {
    let is_app_page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-replicascope"))
        .is_some_and(|v| v == "app");
    if is_app_page {
        yew::Renderer::<replicascope_web::App>::new().render();
    }
}
