//! What the two canvas views share: a 2D context, the theme's colours read
//! from CSS custom properties (so dark mode applies), and a backing store
//! sized to the displayed pixels — a larger one costs a rescale on every
//! composited frame. The displayed width comes from a ResizeObserver:
//! reading `clientWidth` while painting forced the browser to lay the page
//! out an extra time on every frame.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, CssStyleDeclaration, HtmlCanvasElement, ResizeObserver};
use yew::prelude::*;

/// The element's displayed width in CSS pixels (0 until first laid out),
/// re-rendering the component whenever it changes.
#[hook]
pub fn use_displayed_width(node: &NodeRef) -> i32 {
    let width = use_state_eq(|| 0i32);
    {
        let node = node.clone();
        let width = width.setter();
        use_effect_with((), move |_| {
            let observer = node.cast::<web_sys::Element>().and_then(|el| {
                let target = el.clone();
                let changed = Closure::<dyn FnMut()>::new(move || width.set(target.client_width()));
                let observer = ResizeObserver::new(changed.as_ref().unchecked_ref()).ok()?;
                observer.observe(&el);
                Some((observer, changed))
            });
            move || {
                if let Some((observer, _changed)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    *width
}

/// The canvas's 2D context, drawing in logical units of `width` × `height`
/// mapped onto its displayed pixels (`displayed_width` CSS pixels across).
pub fn fitted_context(
    el: &HtmlCanvasElement,
    displayed_width: i32,
    width: f64,
    height: f64,
) -> Option<CanvasRenderingContext2d> {
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let scale = f64::from(displayed_width.max(1)) * dpr / width;
    let (w, h) = (
        (width * scale).round() as u32,
        (height * scale).round() as u32,
    );
    if el.width() != w || el.height() != h {
        el.set_width(w);
        el.set_height(h);
    }
    ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0).ok()?;
    ctx.clear_rect(0.0, 0.0, width, height);
    Some(ctx)
}

/// The theme's colours as the element sees them.
pub struct Theme(Option<CssStyleDeclaration>);

impl Theme {
    pub fn of(el: &HtmlCanvasElement) -> Theme {
        Theme(web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten()))
    }

    /// The custom property `name` (e.g. `--accent`), or `fallback`.
    pub fn color(&self, name: &str, fallback: &str) -> String {
        self.0
            .as_ref()
            .and_then(|s| s.get_property_value(name).ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| fallback.to_string())
    }
}
