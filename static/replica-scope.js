// <replica-scope>: a live ReplicaScope run inside any page.
//
//   <script type="module" src="https://…/replicascope/replica-scope.js"></script>
//   <replica-scope preset="leaderless-sloppy-quorum" view="diagram" autoplay></replica-scope>
//
// This file only defines the element. The simulator itself (the same
// WebAssembly module the full app runs) is fetched once, the first time an
// element scrolls into view, from the directory this script was loaded
// from. Each element then mounts its own independent app in its shadow
// root. Options are attributes (see docs/embedding.md); a run of your own
// is the `scenario` property (a plain object in the scenario format).

const here = new URL("./", import.meta.url);
let module = null;

function loadSimulator() {
  if (!module) {
    module = import(new URL("replicascope-web.js", here).href).then(async (m) => {
      await m.default({ module_or_path: new URL("replicascope-web_bg.wasm", here) });
      return m;
    });
  }
  return module;
}

// The app's stylesheet, adapted once for every element on the page: its
// `rem` sizes would otherwise follow the host page's root font size (many
// sites and mdBook set it to 10px), so they are rebased on the element's
// own 16px.
let sheet = null;
function loadStyles() {
  if (!sheet) {
    sheet = fetch(new URL("style.css", here))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`style.css: HTTP ${r.status}`))))
      .then((css) => {
        const s = new CSSStyleSheet();
        // Not inside @media / @container conditions: var() is not allowed
        // there, and rem in them already means the browser's 16px.
        const rebased = css.replace(/(@(?:media|container)[^{]*\{)|(\d*\.?\d+)rem\b/g, (all, rule, n) =>
          rule ?? `calc(${n} * var(--rs-rem))`);
        s.replaceSync(rebased);
        return s;
      });
  }
  return sheet;
}

const OPTIONS = ["preset", "tour", "view", "autoplay", "loop", "controls", "height", "speed", "at"];

class ReplicaScopeElement extends HTMLElement {
  static get observedAttributes() {
    return OPTIONS;
  }

  #handle = null;
  #container = null;
  #scenario = undefined;
  #observer = null;
  #starting = false;

  connectedCallback() {
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: "open" });
      const host = document.createElement("style");
      // Until the simulator arrives: a placeholder of the right height, so
      // the page does not jump when it does.
      host.textContent =
        ":host{display:block;position:relative;min-height:128px;font-size:16px;--rs-rem:16px;text-align:left}" +
        ".loading{padding:16px;font:14px system-ui,sans-serif;opacity:0.7}" +
        ".failed{padding:16px;border:1px solid #dc2626;border-radius:8px;color:#991b1b;font:14px system-ui,sans-serif}";
      this.#container = document.createElement("div");
      this.#container.className = "replica-scope-root";
      const loading = document.createElement("div");
      loading.className = "loading";
      loading.textContent = "ReplicaScope: the simulation starts when it scrolls into view…";
      this.#container.append(loading);
      root.append(host, this.#container);
      const height = Number.parseInt(this.getAttribute("height") ?? "", 10);
      if (height > 0) this.style.minHeight = `${height}px`;
    }
    // A `scenario` set before this script defined the element sits on the
    // instance and hides the setter: move it through the setter.
    if (Object.prototype.hasOwnProperty.call(this, "scenario")) {
      const value = this.scenario;
      delete this.scenario;
      this.scenario = value;
    }
    if (this.#handle || this.#starting) return;
    // Start lazily: nothing is fetched or simulated for an element the
    // reader never scrolls to.
    if ("IntersectionObserver" in window) {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) {
            this.#observer.disconnect();
            this.#observer = null;
            this.#start();
          }
        },
        { rootMargin: "200px" },
      );
      this.#observer.observe(this);
    } else {
      this.#start();
    }
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#observer = null;
    // Moving an element in the DOM disconnects and reconnects it: wait a
    // moment before tearing its app down.
    queueMicrotask(() => {
      if (!this.isConnected && this.#handle) {
        this.#handle.destroy();
        this.#handle = null;
        this.#container.replaceChildren();
      }
    });
  }

  attributeChangedCallback() {
    if (this.#handle) this.#handle.set_attributes(this.#attributes());
  }

  /** The run set through this property, if any. */
  get scenario() {
    return this.#scenario;
  }

  /** Shows a run of your own: a plain object (or JSON text) in the
   * scenario format. A bad one keeps the run on screen, shows why inside
   * the element and logs it to the console. */
  set scenario(value) {
    this.#scenario = value;
    if (this.#handle) this.#handle.set_scenario(value);
  }

  #attributes() {
    const values = {};
    for (const name of OPTIONS) {
      const v = this.getAttribute(name);
      if (v !== null) values[name] = v;
    }
    return values;
  }

  async #start() {
    this.#starting = true;
    try {
      const [m, styles] = await Promise.all([loadSimulator(), loadStyles()]);
      if (!this.isConnected) return;
      this.shadowRoot.adoptedStyleSheets = [styles];
      this.#container.replaceChildren();
      this.#handle = m.mount_replica_scope(
        this.#container,
        this.#attributes(),
        this.#scenario,
        new URL("index.html", here).href,
      );
      this.dispatchEvent(new CustomEvent("replica-scope-ready", { bubbles: true }));
    } catch (error) {
      const message = `ReplicaScope could not start: ${error?.message ?? error}`;
      console.error(`<replica-scope>: ${message}`);
      const box = document.createElement("div");
      box.className = "failed";
      box.setAttribute("role", "alert");
      box.textContent = message;
      this.#container.replaceChildren(box);
    } finally {
      this.#starting = false;
    }
  }
}

if (!customElements.get("replica-scope")) {
  customElements.define("replica-scope", ReplicaScopeElement);
}
