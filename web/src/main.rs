//! Entry point of the browser build: mounts the app on `<body>`.
fn main() {
    yew::Renderer::<replicascope_web::App>::new().render();
}
